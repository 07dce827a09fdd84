import Foundation
import Testing
@testable import AllyKit

/// Agreements with parties already, one with none, and a partner in none of them yet.
private let setup = """
partner mercy { name: "Mercy Health", kind: health_system }
partner stateu { name: "State University", kind: academic }
partner medtech { name: "MedTech", kind: device_maker }
partner clinic { name: "Clinic", kind: clinic }
agreement research { title: "Research", form: consortium, status: active, parties: [stateu, medtech], value: 1M }
agreement care { title: "Care", form: mou, status: active, parties: [mercy {role: lead}, stateu], value: 200k }
agreement draft { title: "Draft", form: mou }
"""

/// Rows for three agreements, `research`'s in two runs (the import gathers each run apart).
private let partyRows = """
agreement,partner,role,contributes
research,clinic,member,5000
care,clinic,observer,
draft,mercy,lead,100
draft,medtech,member,200
research,mercy,member,7000
"""

/// A party import's history step keeps its own take-back record, not the state before it
/// (which would keep every agreement's old box): undoing it must still restore that state exactly.
@Suite("undo of an import")
struct ImportUndoTests {
    private func relations(_ harness: Harness) -> [Double?] {
        ["mercy", "stateu", "medtech", "clinic"].map { harness.number("partner \($0) | agreements | count") }
    }

    @Test("undo after a party import restores every agreement's parties and the relation index; redo and undo again")
    func partyImportUndoRedo() {
        let folder = TemporaryFolder()
        folder.write("parties.csv", partyRows)
        let harness = Harness(setup)
        let before = harness.snapshot, relationsBefore = relations(harness)
        harness.expectSuccess("import parties from \"parties.csv\"", directory: folder.path)
        let after = harness.snapshot, relationsAfter = relations(harness)
        #expect(after != before)
        #expect(harness.column("agreement research | parties | select partner") == ["stateu", "medtech", "clinic", "mercy"])
        #expect(relationsAfter == [3, 2, 2, 2])
        // The setup's definitions are one step, the import the next.
        #expect(harness.rows("log").map { $0[1] }.last == "import parties from \"parties.csv\"")
        #expect(harness.rows("log").count == 2)
        harness.expectSuccess("undo")
        #expect(harness.snapshot == before)
        #expect(relations(harness) == relationsBefore)
        #expect(harness.rows("log").count == 1)
        harness.expectSuccess("redo")
        #expect(harness.snapshot == after)
        #expect(relations(harness) == relationsAfter)
        harness.expectSuccess("undo")
        #expect(harness.snapshot == before)
        // The state is usable after the undo: the same import runs again and gives the same result.
        harness.expectSuccess("import parties from \"parties.csv\"", directory: folder.path)
        #expect(harness.snapshot == after)
    }

    @Test("undo of several imports in order, the party import among them, back to the start")
    func importsUndoneInOrder() {
        let folder = TemporaryFolder()
        folder.write("partners.csv", "id,name,kind\nnewco,NewCo,startup\n")
        folder.write("parties.csv", partyRows + "\ndraft,newco,member,1\n")
        folder.write("stakeholders.csv", "id,name,org,group\nzed,Zed,newco,operations\n")
        let harness = Harness(setup)
        let before = harness.snapshot
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        let afterPartners = harness.snapshot
        harness.expectSuccess("import parties from \"parties.csv\"\nupdate agreement draft set value = 5k", directory: folder.path)
        harness.expectSuccess("import stakeholders from \"stakeholders.csv\"", directory: folder.path)
        harness.expectSuccess("undo 3")
        #expect(harness.snapshot == afterPartners)
        #expect(harness.number("partner newco | agreements | count") == 0)
        harness.expectSuccess("undo")
        #expect(harness.snapshot == before)
    }

    @Test("in a scenario that keeps a log, undoing a party import leaves no difference from its parent")
    func partyImportUndoInScenario() {
        let folder = TemporaryFolder()
        folder.write("parties.csv", partyRows)
        let harness = Harness(setup)
        harness.expectSuccess("scenario s\nimport parties from \"parties.csv\"", directory: folder.path)
        #expect(harness.rows("log") == [["1", "import parties from \"parties.csv\"", "3"]])
        #expect(harness.number("diff baseline s | count") == 3, "one row per agreement whose parties changed")
        harness.expectSuccess("undo")
        #expect(harness.rows("diff baseline s").isEmpty)
        harness.expectSuccess("redo")
        #expect(harness.number("diff baseline s | count") == 3, "one row per agreement whose parties changed")
    }

    @Test("a failing party import changes nothing and records no step")
    func failingPartyImport() {
        let folder = TemporaryFolder()
        folder.write("parties.csv", partyRows + "\nnowhere,mercy,member,1\n")
        let harness = Harness(setup)
        let before = harness.snapshot
        let (status, _) = harness.run("import parties from \"parties.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.snapshot == before)
        #expect(harness.rows("log").count == 1, "only the setup's definitions")
    }
}
