import Foundation
import Testing
@testable import AllyKit

/// The raw bytes of a persistent dictionary's header (root storage, count, version): equal
/// bytes mean the two values share the same storage.
private func storageIdentity<T>(_ dictionary: T) -> [UInt8] {
    withUnsafeBytes(of: dictionary) { Array($0) }
}

/// Diff rows as plain text.
private func plainRows(_ table: ResultTable) -> [[String]] {
    table.rows.map { $0.map(ValueFormatter.plain) }
}

/// A script defining `count` partners p0000… with one agreement and one stakeholder each.
private func manyEntities(_ count: Int) -> String {
    var text = ""
    for index in 0..<count {
        let id = String(format: "%04d", index)
        text += "partner p\(id) { name: \"Partner \(index)\", kind: clinic, fit: {mission: \(index % 5)} }\n"
    }
    for index in 0..<count {
        let id = String(format: "%04d", index), next = String(format: "%04d", (index + 1) % count)
        text += "agreement a\(id) { title: \"A\(index)\", form: mou, status: active, parties: [p\(id), p\(next)], value: \(index) }\n"
        text += "stakeholder s\(id) { name: \"S\(index)\", org: p\(id), group: board }\n"
    }
    return text
}

@Suite("Scenarios")
struct ScenarioTests {
    // MARK: Forking

    @Test("a fork shares its parent's storage; changing the child leaves the parent unchanged")
    func forkSharesStorage() {
        let harness = Harness(smallPortfolio)
        let parent = harness.session.portfolio
        harness.expectSuccess("scenario what_if")
        let child = harness.session.portfolio
        #expect(storageIdentity(child.partners) == storageIdentity(parent.partners))
        #expect(storageIdentity(child.agreements) == storageIdentity(parent.agreements))
        #expect(storageIdentity(child.stakeholders) == storageIdentity(parent.stakeholders))

        harness.expectSuccess("update partner mercy set name = \"Changed\"")
        let changed = harness.session.portfolio
        #expect(changed.partners["mercy"]?.name == "Changed")
        #expect(parent.partners["mercy"]?.name == "Mercy Health")
        // What the child did not touch is still shared.
        #expect(storageIdentity(changed.agreements) == storageIdentity(parent.agreements))
        #expect(storageIdentity(changed.stakeholders) == storageIdentity(parent.stakeholders))

        harness.expectSuccess("use baseline")
        #expect(harness.session.portfolio.partners["mercy"]?.name == "Mercy Health")
        #expect(harness.column("partner mercy | select name") == ["Mercy Health"])
        harness.expectSuccess("use what_if")
        #expect(harness.column("partner mercy | select name") == ["Changed"])
    }

    @Test("changing the parent after the fork leaves the child unchanged")
    func parentChangesDoNotLeak() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario s\nuse baseline\nremove partner stateu")
        #expect(harness.column("partners | select id") == ["county", "medtech", "mercy"])
        harness.expectSuccess("use s")
        #expect(harness.column("partners | select id") == ["county", "medtech", "mercy", "stateu"])
        #expect(harness.column("stakeholders | select id") == ["ann", "bob", "cat", "dan"])
        #expect(harness.column("agreement research | select status") == ["active"])
    }

    @Test("scenario statements: from, use, drop, errors")
    func scenarioStatements() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario a\nupdate partner mercy set stage = engaged\nscenario b from baseline")
        #expect(harness.column("partner mercy | select stage") == ["prospect"])
        harness.expectSuccess("scenario c from a")
        #expect(harness.column("partner mercy | select stage") == ["engaged"])
        #expect(harness.error("scenario a")?.code == .duplicateScenario)
        #expect(harness.error("scenario delta")?.code == .reservedName)
        #expect(harness.error("scenario metric")?.code == .reservedName)
        #expect(harness.error("scenario change")?.code == .reservedName)
        let unknown = harness.error("use bb")
        #expect(unknown?.code == .unknownScenario)
        #expect(unknown?.help == "did you mean `b`?")
        #expect(harness.error("scenario d from nowhere")?.code == .unknownScenario)
        #expect(harness.error("drop scenario c")?.code == .invalidValue) // the current one
        #expect(harness.error("drop scenario baseline")?.code == .invalidValue)
        harness.expectSuccess("use baseline\ndrop scenario b")
        #expect(harness.error("use b")?.code == .unknownScenario)
        #expect(harness.session.scenarioNames == ["baseline", "a", "c"])
    }

    @Test("the prompt label shows the scenario and whether it differs from its parent")
    func promptLabel() {
        let harness = Harness(smallPortfolio)
        #expect(harness.session.promptLabel == nil)
        harness.expectSuccess("scenario no_acme")
        #expect(harness.session.promptLabel == "no_acme")
        harness.expectSuccess("update partner mercy set stage = engaged")
        #expect(harness.session.promptLabel == "no_acme*")
        harness.expectSuccess("update partner mercy set stage = prospect")
        #expect(harness.session.promptLabel == "no_acme")
    }

    @Test("let and metric names are session-wide")
    func bindingsAreSessionWide() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("let live = agreements | where status == active\nmetric n = agreements | count")
        harness.expectSuccess("scenario s\nremove agreement devices\nagreement extra { title: \"E\", form: mou }")
        #expect(harness.column("live | select id") == ["research"])
        #expect(harness.value("n") == .number(3))
        harness.expectSuccess("use baseline")
        #expect(harness.column("live | select id") == ["devices", "research"])
    }

    // MARK: diff

    @Test("diff rows: shape and order")
    func diffShapeAndOrder() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        scenario s
        stakeholder eve { name: "Eve", org: county, group: board }
        update agreement devices set value = 500k, tags = ["x"]
        partner new { name: "New", kind: startup }
        remove stakeholder dan
        update partner mercy set fit.mission = 3, stage = engaged
        """)
        let table = harness.table("diff")
        #expect(table.columns == ["change", "type", "id", "field", "before", "after"])
        #expect(plainRows(table) == [
            ["changed", "partner", "mercy", "fit.mission", "5", "3"],
            ["changed", "partner", "mercy", "stage", "prospect", "engaged"],
            ["added", "partner", "new", "", "", ""],
            ["changed", "agreement", "devices", "tags", "[]", #"["x"]"#],
            ["changed", "agreement", "devices", "value", "400000", "500000"],
            ["removed", "stakeholder", "dan", "", "", ""],
            ["added", "stakeholder", "eve", "", "", ""],
        ])
        // before and after keep their types: numbers stay numbers, lists stay lists
        #expect(table.rows[4][4] == .number(400_000))
        #expect(table.rows[3][5] == .list([.string("x")]))
        #expect(table.rows[2][3] == .null && table.rows[2][4] == .null && table.rows[2][5] == .null)
        #expect(Renderer(format: .json).render(.table(ResultTable(columns: table.columns, rows: [table.rows[3]])))
            == #"[{"change": "changed", "type": "agreement", "id": "devices", "field": "tags", "before": [], "after": ["x"]}]"# + "\n")
        // the same with explicit names, and the other way round
        #expect(plainRows(harness.table("diff baseline s")) == plainRows(table))
        #expect(plainRows(harness.table("diff s baseline")) == [
            ["changed", "partner", "mercy", "fit.mission", "3", "5"],
            ["changed", "partner", "mercy", "stage", "engaged", "prospect"],
            ["removed", "partner", "new", "", "", ""],
            ["changed", "agreement", "devices", "tags", #"["x"]"#, "[]"],
            ["changed", "agreement", "devices", "value", "500000", "400000"],
            ["added", "stakeholder", "dan", "", "", ""],
            ["removed", "stakeholder", "eve", "", "", ""],
        ])
    }

    @Test("a diff is a table: later stages apply to it")
    func diffIsATable() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario s\nupdate agreements set value = value + 1")
        #expect(harness.value("diff | count") == .number(3))
        #expect(harness.column("diff | where id == \"research\" | select after") == ["1200001"])
    }

    @Test("a side effect on another entity (a mirrored tie, a terminated agreement) is a change of that entity")
    func diffCascades() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario s\nremove partner stateu")
        #expect(plainRows(harness.table("diff")) == [
            ["removed", "partner", "stateu", "", "", ""],
            ["changed", "agreement", "research", "parties",
             #"[{"partner": "mercy", "role": "lead", "contributes": 2000000, "equity": 0.6, "votes": 1}, {"partner": "stateu", "role": "member", "contributes": 500000, "equity": 0.4, "votes": 1}]"#,
             #"[{"partner": "mercy", "role": "lead", "contributes": 2000000, "equity": 0.6, "votes": 1}]"#],
            ["changed", "agreement", "research", "status", "active", "terminated"],
            ["changed", "agreement", "screening", "parties",
             #"[{"partner": "county", "role": "lead", "contributes": 0, "equity": null, "votes": 1}, {"partner": "mercy", "role": "member", "contributes": 0, "equity": null, "votes": 1}, {"partner": "stateu", "role": "observer", "contributes": 0, "equity": null, "votes": 0}]"#,
             #"[{"partner": "county", "role": "lead", "contributes": 0, "equity": null, "votes": 1}, {"partner": "mercy", "role": "member", "contributes": 0, "equity": null, "votes": 1}]"#],
            ["changed", "stakeholder", "ann", "knows", #"["bob"]"#, "[]"],
            ["removed", "stakeholder", "bob", "", "", ""],
            ["changed", "stakeholder", "cat", "knows", #"["bob"]"#, "[]"],
        ])
    }

    @Test("a change made and then undone is no change")
    func revertedChange() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario s\nupdate partner mercy set stage = engaged\nupdate partner mercy set stage = prospect")
        #expect(harness.table("diff").rows.isEmpty)
        #expect(harness.rows("scenarios | where name == \"s\" | select changed") == [["0"]])
    }

    @Test("diff between siblings, between a scenario and its grandparent, and after the parent moved on")
    func diffAcrossBranches() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        scenario a
        update partner mercy set stage = engaged
        scenario b from a
        update partner county set stage = piloting
        scenario c from baseline
        update partner medtech set stage = former
        """)
        #expect(plainRows(harness.table("diff baseline b")).map { $0[2] + "." + $0[3] } == ["county.stage", "mercy.stage"])
        #expect(plainRows(harness.table("diff a b")).map { $0[2] + "." + $0[3] } == ["county.stage"])
        #expect(plainRows(harness.table("diff b c")) == [
            ["changed", "partner", "county", "stage", "piloting", "prospect"],
            ["changed", "partner", "medtech", "stage", "prospect", "former"],
            ["changed", "partner", "mercy", "stage", "engaged", "prospect"],
        ])
        // The parent changes after the fork: the child keeps the old value.
        harness.expectSuccess("use baseline\nupdate partner stateu set stage = engaged")
        #expect(plainRows(harness.table("diff baseline c")) == [
            ["changed", "partner", "medtech", "stage", "prospect", "former"],
            ["changed", "partner", "stateu", "stage", "engaged", "prospect"],
        ])
        #expect(harness.table("diff baseline baseline").rows.isEmpty)
        #expect(harness.error("diff baseline nowhere")?.code == .unknownScenario)
    }

    @Test("diff only visits what changed: many entities and one change give one row")
    func diffIsProportionalToChanges() {
        let harness = Harness(manyEntities(300))
        harness.expectSuccess("scenario s\nupdate partner p0123 set stage = engaged")
        let table = harness.table("diff")
        #expect(plainRows(table) == [["changed", "partner", "p0123", "stage", "prospect", "engaged"]])
        let baseline = harness.session.scenarios.baseline, child = harness.session.scenarios.current
        #expect(Scenario.candidateKeys(baseline, child) == [EntityKey(.partner, "p0123")])
        #expect(harness.session.scenarioQueries.changedCount(child) == 1)
        // a change to a stakeholder's ties also records the stakeholders it touched, and nothing else
        harness.expectSuccess("update stakeholder s0007 set knows = [s0008]")
        #expect(Scenario.candidateKeys(baseline, harness.session.scenarios.current)
            == [EntityKey(.partner, "p0123"), EntityKey(.stakeholder, "s0007"), EntityKey(.stakeholder, "s0008")])
    }

    @Test("diff adds trigger rows: fires and clears")
    func diffTriggers() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        trigger big on agreements when value > 1M
        trigger keen on stakeholders when stance == champion
        scenario s
        update agreement devices set value = 2M
        update agreement research set value = 100k
        update stakeholder bob set stance = champion
        """)
        #expect(plainRows(harness.table("diff")) == [
            ["changed", "agreement", "devices", "value", "400000", "2000000"],
            ["changed", "agreement", "research", "value", "1200000", "100000"],
            ["changed", "stakeholder", "bob", "stance", "neutral", "champion"],
            ["fires", "agreement", "devices", "big", "", ""],
            ["clears", "agreement", "research", "big", "", ""],
            ["fires", "stakeholder", "bob", "keen", "", ""],
        ])
    }

    @Test("a trigger that depends on a related entity moves when that entity changes")
    func diffTriggersThroughRelations() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        trigger blocked on stakeholders when org.stage == exiting
        scenario s
        update partner medtech set stage = exiting
        """)
        #expect(plainRows(harness.table("diff")) == [
            ["changed", "partner", "medtech", "stage", "prospect", "exiting"],
            ["fires", "stakeholder", "cat", "blocked", "", ""],
        ])
    }

    @Test("a trigger defined only in the scenario fires on every entity it matches")
    func diffNewTrigger() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario s\ntrigger high on stakeholders when influence >= 4")
        #expect(plainRows(harness.table("diff")) == [
            ["fires", "stakeholder", "ann", "high", "", ""],
            ["fires", "stakeholder", "cat", "high", "", ""],
        ])
    }

    // MARK: compare

    @Test("compare rows: one per metric, one column per scenario, delta and change")
    func compareRows() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        metric total = agreements | summarize sum(value)
        metric n = agreements | count
        metric none = agreements | where value > 1B | count
        metric latest = agreements | summarize max(ends)
        scenario s { update agreement devices set value = 800k }
        scenario t from s
        remove agreement screening
        use baseline
        """)
        let table = harness.table("compare baseline, s")
        #expect(table.columns == ["metric", "baseline", "s", "delta", "change"])
        #expect(table.rows[0][0...3] == [.string("total"), .number(1_650_000), .number(2_050_000), .number(400_000)])
        #expect(abs((table.rows[0][4].number ?? 0) - 400_000.0 / 1_650_000.0) < 1e-12)
        #expect(table.rows[1] == [.string("n"), .number(3), .number(3), .number(0), .number(0)])
        #expect(table.rows[2] == [.string("none"), .number(0), .number(0), .number(0), .null])
        #expect(table.rows[3] == [.string("latest"), .date(day("2027-05-31")), .date(day("2027-05-31")), .null, .null])
        #expect(table.rows.count == 4)

        let three = harness.table("compare baseline, s, t on n, total")
        #expect(three.columns == ["metric", "baseline", "s", "t", "delta", "change"])
        #expect(plainRows(three).map { Array($0.prefix(5)) } == [
            ["n", "3", "3", "2", "-1"], ["total", "1650000", "2050000", "2000000", "350000"],
        ])
        #expect(harness.error("compare baseline, s on nosuch")?.code == .unknownMetric)
        #expect(harness.error("compare baseline, nowhere")?.code == .unknownScenario)
        #expect(harness.error("compare baseline, baseline")?.code == .invalidValue)
    }

    // MARK: triggers

    @Test("triggers rows: trigger, type, id ordered by trigger name, type, id")
    func triggersRows() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        trigger late on agreements when days_left < 100
        trigger big on agreements when value > 300k
        trigger champions on stakeholders when stance == champion
        trigger nothing on partners when stage == former
        """)
        let table = harness.table("triggers")
        #expect(table.columns == ["trigger", "type", "id"])
        #expect(plainRows(table) == [
            ["big", "agreement", "devices"], ["big", "agreement", "research"],
            ["champions", "stakeholder", "ann"], ["late", "agreement", "research"],
        ])
        // a trigger is part of the scenario it was defined in
        harness.expectSuccess("scenario s\ntrigger all on partners when true")
        #expect(harness.table("triggers").rows.count == 8)
        harness.expectSuccess("use baseline")
        #expect(harness.table("triggers").rows.count == 4)
        // redefining a trigger replaces it
        harness.expectSuccess("trigger big on agreements when value > 1M")
        #expect(plainRows(harness.table("triggers | where trigger == \"big\"")) == [["big", "agreement", "research"]])
    }

    @Test("a bad trigger defines nothing")
    func badTriggers() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("trigger t on partnrs when stage == former")?.help == "did you mean `partners`?")
        #expect(harness.error("trigger t on partners when stge == former")?.code == .unknownField)
        #expect(harness.error("trigger t on partners when stage == formr")?.code == .unknownEnumCase)
        #expect(harness.table("triggers").rows.isEmpty)
        #expect(harness.session.portfolio.triggers.isEmpty)
    }

    // MARK: Blocks

    @Test("a block runs in the scenario, then switches back")
    func blockForm() {
        let harness = Harness(smallPortfolio)
        let results = harness.expectSuccess("scenario s {\n  update partner mercy set stage = engaged\n  partners | where stage == engaged | count\n}")
        #expect(results.count == 1)
        #expect(harness.session.currentScenarioName == "baseline")
        #expect(harness.column("partner mercy | select stage") == ["prospect"])
        // entering it again adds to it
        harness.expectSuccess("scenario s { update partner county set stage = engaged }")
        harness.expectSuccess("use s")
        #expect(harness.column("partners | where stage == engaged | select id") == ["county", "mercy"])
    }

    @Test("a block that fails rolls back as a whole")
    func blockRollsBack() {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let diagnostic = harness.error("""
        scenario s {
          update partner mercy set stage = engaged
          metric m = partners | count
          update partner mercy set stage = nope
        }
        """)
        #expect(diagnostic?.code == .unknownEnumCase)
        #expect(harness.session.scenarioNames == ["baseline"])
        #expect(harness.session.currentScenarioName == "baseline")
        #expect(harness.session.metricNames.isEmpty)
        #expect(harness.snapshot == before)
        // a failing block over an existing scenario leaves it as it was
        harness.expectSuccess("scenario t\nupdate partner county set stage = piloting\nuse baseline")
        #expect(harness.error("scenario t { update partner mercy set stage = engaged; partners | take -1 }") != nil)
        harness.expectSuccess("use t")
        #expect(harness.rows("partners | where stage != prospect | select id, stage") == [["county", "piloting"]])
    }

    @Test("nested blocks return to where they started")
    func nestedBlocks() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario a { update partner mercy set stage = engaged\n scenario b { update partner county set stage = engaged } }")
        #expect(harness.session.currentScenarioName == "baseline")
        #expect(plainRows(harness.table("scenarios")) == [
            ["baseline", "", "0", "true"], ["a", "baseline", "1", "false"], ["b", "a", "1", "false"],
        ])
    }

    // MARK: scenarios table

    @Test("scenarios rows: name, parent, changed, current in creation order")
    func scenariosTable() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("""
        scenario a
        update partner mercy set stage = engaged
        remove stakeholder dan
        scenario b from baseline
        """)
        let table = harness.table("scenarios")
        #expect(table.columns == ["name", "parent", "changed", "current"])
        #expect(table.rows == [
            [.string("baseline"), .null, .number(0), .bool(false)],
            [.string("a"), .string("baseline"), .number(2), .bool(false)],
            [.string("b"), .string("baseline"), .number(0), .bool(true)],
        ])
    }
}
