import Foundation
import Testing
@testable import AllyKit

/// A portfolio with cascades to get wrong: partners with stakeholders and ties, agreements of
/// two and three parties.
private let treeSetup = """
partner mercy { name: "Mercy Health", kind: health_system, home: true }
partner stateu { name: "State University", kind: academic, tags: ["research"] }
partner medtech { name: "MedTech", kind: device_maker }
partner clinic { name: "Clinic", kind: clinic }
agreement research { title: "Research", form: consortium, status: active, parties: [stateu, medtech], value: 1M }
agreement care { title: "Care", form: mou, status: active, parties: [mercy {role: lead}, clinic, stateu], value: 200k }
stakeholder ann { name: "Ann", org: mercy, group: executive }
stakeholder bob { name: "Bob", org: stateu, group: clinical, knows: [ann] }
stakeholder cyd { name: "Cyd", org: medtech, group: board, knows: [bob] }
metric total = agreements | summarize sum(value)
trigger big on agreements when value > 500k
"""

/// Three scenarios, one forked from another, with removals that cascade, a terminated
/// agreement set back to active, added entities and ties, and baseline changed after the forks.
private let treeScript = """
scenario no_medtech from baseline
remove partner medtech
update agreement research set status = active
update partner mercy set notes = "after medtech"
scenario deeper from no_medtech
partner newco { name: "NewCo", kind: startup }
stakeholder zed { name: "Zed", org: newco, group: operations, knows: [ann, bob] }
add party newco to care { contributes: 5k }
update partner stateu set tags = ["research", "teaching"], fit.mission = 4
trigger small on agreements when value < 300k
use baseline
scenario cut
update agreements set value = value * 0.5
remove party clinic from care
use baseline
update partner clinic set region = "US"
"""

@Suite("Scenarios that last")
struct ScenarioPersistenceTests {
    /// `diff` of every ordered pair and `compare` of all, as plain rows.
    private func everyPair(_ harness: Harness) -> [[[String]]] {
        let names = harness.session.scenarioNames
        var out: [[[String]]] = []
        for a in names { for b in names where a != b { out.append(harness.rows("diff \(a) \(b)")) } }
        out.append(harness.rows("compare " + names.joined(separator: ", ")))
        return out
    }

    @Test("save scenarios, then load in a new session: the same scenarios, diff and compare rows for every pair, baseline current")
    func roundTrip() throws {
        let folder = TemporaryFolder()
        let first = Harness(treeSetup)
        first.expectSuccess(treeScript)
        let before = everyPair(first)
        first.expectSuccess("save scenarios to \"tree.ally\"", directory: folder.path)
        let text = try #require(folder.read("tree.ally"))
        #expect(text.contains("scenario no_medtech from baseline {"))
        #expect(text.contains("scenario deeper from no_medtech {"))
        #expect(text.contains("scenario cut from baseline {"))
        #expect(text.components(separatedBy: "metric total =").count == 2, "metrics are written once")

        let second = Harness()
        second.expectSuccess("load \"tree.ally\"", directory: folder.path)
        #expect(second.session.scenarioNames == ["baseline", "no_medtech", "deeper", "cut"])
        #expect(second.session.currentScenarioName == "baseline")
        #expect(everyPair(second) == before)
        #expect(second.rows("scenarios | select name, parent") == first.rows("scenarios | select name, parent"))
        // Each scenario's state is what it was, field for field.
        for name in first.session.scenarioNames {
            first.expectSuccess("use \(name)")
            second.expectSuccess("use \(name)")
            #expect(second.snapshot == first.snapshot, "\(name): \(second.snapshot.firstDifference(from: first.snapshot) ?? "")")
        }
        // Scenarios the load made start a new log and have nothing unsaved; baseline, which the
        // load changed, is unsaved (as after any load into the current scenario).
        #expect(second.rows("log deeper").isEmpty)
        #expect(second.session.unsavedScenarioCount == 1)
        second.session.markLoaded()
        #expect(second.session.unsavedScenarioCount == 0)
    }

    @Test("a block that no longer applies fails at its line and the load changes nothing")
    func staleBlockFails() throws {
        let folder = TemporaryFolder()
        let first = Harness(treeSetup)
        first.expectSuccess(treeScript)
        first.expectSuccess("save scenarios to \"tree.ally\"", directory: folder.path)
        let text = try #require(folder.read("tree.ally"))
        // The baseline without medtech: the block removing it no longer applies.
        let stale = text.replacingOccurrences(of: "partner medtech { name: \"MedTech\", kind: device_maker }\n", with: "")
            .replacingOccurrences(of: ", medtech]", with: ", clinic]")
            .replacingOccurrences(of: "stakeholder cyd { name: \"Cyd\", org: medtech, group: board, knows: [bob] }\n", with: "")
        folder.write("stale.ally", stale)
        let second = Harness()
        let (status, _) = second.run("load \"stale.ally\"", directory: folder.path)
        #expect(status == .failed)
        let located = second.sink.diagnostics.first { $0.file?.name.hasSuffix("stale.ally") == true }
        #expect(located != nil, "the error names the saved file")
        #expect(second.session.scenarioNames == ["baseline"])
        #expect(second.session.portfolio.count(.partner) == 0)
    }

    @Test("save scenarios writes the changes, not the portfolio: a fork that changed one field is one update")
    func blocksHoldChanges() throws {
        let folder = TemporaryFolder()
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario s\nupdate partner clinic set stage = engaged\nuse baseline")
        harness.expectSuccess("save scenarios to \"s.ally\"", directory: folder.path)
        let text = try #require(folder.read("s.ally"))
        #expect(text.hasSuffix("scenario s from baseline {\n  update partner clinic set stage = engaged\n}\n"))
    }

    // MARK: log, undo, redo

    @Test("log lists the changing statements; undo and redo step through them and diff follows")
    func undoRedo() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario s\nupdate partner clinic set stage = engaged\npartners | count\nremove partner medtech")
        #expect(harness.rows("log") == [["1", "update partner clinic set stage = engaged", "1"],
                                       ["2", "remove partner medtech", "4"]])
        let full = harness.rows("diff")
        harness.expectSuccess("undo")
        #expect(harness.rows("diff") == [["changed", "partner", "clinic", "stage", "prospect", "engaged"]])
        #expect(harness.rows("log").count == 1)
        harness.expectSuccess("redo")
        #expect(harness.rows("diff") == full)
        harness.expectSuccess("undo 2")
        #expect(harness.rows("diff").isEmpty)
        #expect(harness.session.promptLabel == "s")
        // A new change drops what could be redone.
        harness.expectSuccess("update partner clinic set notes = \"n\"")
        #expect(harness.error("redo")?.message == "nothing to redo in s")
        #expect(harness.error("undo 5")?.message == "only 1 statement to undo in s")
    }

    @Test("a load is one step of the scenario it ran in: one undo takes it all back")
    func loadIsOneStep() {
        let folder = TemporaryFolder()
        folder.write("edits.ally", "update partner clinic set stage = engaged\npartner extra { name: \"Extra\", kind: startup }\nremove partner medtech\n")
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario s\nload \"edits.ally\"", directory: folder.path)
        #expect(harness.rows("log") == [["1", "load \"edits.ally\"", "6"]])
        harness.expectSuccess("undo")
        #expect(harness.rows("diff").isEmpty)
        harness.expectSuccess("redo")
        #expect(harness.number("diff | where change == \"added\" | count") == 1)
    }

    @Test("undo in baseline before and after a fork keeps diff right")
    func undoInBaselineAfterFork() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("update partner clinic set region = \"EU\"\nscenario s\nuse baseline\nundo")
        #expect(harness.rows("diff baseline s") == [["changed", "partner", "clinic", "region", "", "EU"]])
        harness.expectSuccess("redo")
        #expect(harness.rows("diff baseline s").isEmpty)
    }

    @Test("an undo inside a failing block rolls back with the block")
    func undoRollsBack() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario s\nupdate partner clinic set stage = engaged\nuse baseline")
        let (status, _) = harness.run("scenario s {\n undo\n update partner nobody set stage = engaged\n}")
        #expect(status == .failed)
        #expect(harness.rows("diff baseline s") == [["changed", "partner", "clinic", "stage", "prospect", "engaged"]])
        #expect(harness.rows("log s").count == 1)
    }

    // MARK: merge

    @Test("merge combines changes to different fields and entities; each side removing a different partner merges cleanly")
    func cleanMerge() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("""
        scenario a
        update partner clinic set stage = engaged, tags = ["a"]
        remove partner medtech
        use baseline
        scenario b
        update partner clinic set notes = "b", tags = ["b"]
        remove partner clinic
        """)
        // b removed clinic, a changed it: a conflict.
        #expect(harness.error("merge a into b") != nil)
        harness.expectSuccess("""
        use baseline
        scenario c
        update partner clinic set notes = "c", tags = ["c"]
        update partner stateu set stage = engaged
        merge a into c
        """)
        #expect(harness.rows("partner clinic | select stage, notes, tags") == [["engaged", "c", "[\"c\", \"a\"]"]])
        #expect(harness.rows("agreement research | select status") == [["terminated"]], "cascade: research has one party left")
        #expect(harness.number("stakeholders | where org == \"medtech\" | count") == 0)
        // A second identical merge changes nothing.
        let before = harness.snapshot
        harness.expectSuccess("merge a into c")
        #expect(harness.snapshot == before)
    }

    @Test("conflicts change nothing and print rows type, id, field, base, A, B; prefer resolves them one way")
    func conflictingMerge() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario x\nupdate partner clinic set stage = engaged\nuse baseline\nscenario y\nupdate partner clinic set stage = piloting\nupdate partner mercy set notes = \"y\"")
        let before = harness.snapshot
        let (status, events) = harness.run("merge x into y")
        #expect(status == .failed)
        #expect(harness.snapshot == before)
        let tables = events.compactMap { event -> ResultTable? in
            if case .result(.table(let table)) = event { return table }
            return nil
        }
        #expect(tables.first?.columns == ["type", "id", "field", "base", "x", "y"])
        #expect(tables.first.map { $0.rows.map { $0.map(ValueFormatter.plain) } } == [["partner", "clinic", "stage", "prospect", "engaged", "piloting"]])
        harness.expectSuccess("merge x into y prefer x")
        #expect(harness.column("partner clinic | select stage") == ["engaged"])
        #expect(harness.column("partner mercy | select notes") == ["y"])
        harness.expectSuccess("undo")
        harness.expectSuccess("merge x into y prefer y")
        #expect(harness.column("partner clinic | select stage") == ["piloting"])
    }

    @Test("a party added on one side to an agreement the other side terminated is a conflict")
    func partyAddedToTerminated() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario x\nremove party medtech from research\nuse baseline\nscenario y\nadd party clinic to research")
        let diagnostic = harness.error("merge x into y")
        #expect(diagnostic?.message == "`merge` found 1 conflict; nothing changed")
    }

    @Test("merge baseline into s brings s up to date with later baseline changes")
    func mergeBaselineIntoScenario() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("scenario s\nupdate partner clinic set stage = engaged\nuse baseline\nupdate partner mercy set notes = \"later\"\nmerge baseline into s\nuse s")
        #expect(harness.column("partner mercy | select notes") == ["later"])
        #expect(harness.column("partner clinic | select stage") == ["engaged"])
        #expect(harness.rows("diff baseline s") == [["changed", "partner", "clinic", "stage", "prospect", "engaged"]])
    }

    @Test("merging a scenario into its sibling's child uses the state both started from")
    func mergeAcrossLevels() {
        let harness = Harness(treeSetup)
        harness.expectSuccess("""
        scenario a
        update partner clinic set stage = engaged
        use baseline
        scenario b
        update partner mercy set notes = "b"
        scenario b2 from b
        update partner stateu set notes = "b2"
        merge a into b2
        """)
        #expect(harness.rows("diff baseline b2 | select id, field").sorted { $0[0] < $1[0] } == [["clinic", "stage"], ["mercy", "notes"], ["stateu", "notes"]])
    }
}
