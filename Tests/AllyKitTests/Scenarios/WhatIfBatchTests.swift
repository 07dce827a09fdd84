import Foundation
import Testing
@testable import AllyKit

private let activeValue = "metric active_value = agreements | where status == active | summarize sum(value)"

/// A generated portfolio (its own `active_value` metric included) in a fresh harness.
private func generated(_ partners: Int) -> Harness {
    var text = ""
    PortfolioGenerator(partners: partners, seed: 3, today: testToday).write { text += $0 + "\n" }
    let harness = Harness(text)
    harness.expectSuccess(activeValue)
    return harness
}

@Suite("sweep, exits, simulate")
struct WhatIfBatchTests {
    // MARK: exits

    @Test("each exits row is what `scenario x { remove partner P }` gives, by compare and diff")
    func exitsMatchHandBuiltScenarios() {
        let harness = Harness(SamplePortfolio.source)
        let exits = harness.table("exits rank by active_value")
        #expect(exits.columns == ["partner", "name", "active_value", "delta", "change", "agreements_terminated", "stakeholders_removed"])
        let home = harness.column("partners | where home | select id")
        let all = harness.column("partners | select id")
        #expect(exits.rows.count == all.count - home.count)
        for row in exits.rows {
            let partner = ValueFormatter.plain(row[0])
            let scenario = "x_\(partner)"
            harness.expectSuccess("scenario \(scenario) { remove partner \(partner) }")
            let compared = harness.rows("compare baseline, \(scenario) on active_value")[0]
            #expect(ValueFormatter.plain(row[2]) == compared[2], "\(partner): active_value")
            #expect(ValueFormatter.plain(row[3]) == compared[3], "\(partner): delta")
            #expect(ValueFormatter.plain(row[4]) == compared[4], "\(partner): change")
            let terminated = harness.number("diff baseline \(scenario) | where type == \"agreement\" and field == \"status\" and after == \"terminated\" | count")
            let stakeholders = harness.number("diff baseline \(scenario) | where type == \"stakeholder\" and change == \"removed\" | count")
            #expect(row[5].number == terminated, "\(partner): agreements_terminated")
            #expect(row[6].number == stakeholders, "\(partner): stakeholders_removed")
            harness.expectSuccess("drop scenario \(scenario)")
        }
        // Largest |delta| first; equal ones by id.
        let keys = exits.rows.map { (abs($0[3].number ?? 0), ValueFormatter.plain($0[0])) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
    }

    @Test("exits changes nothing, takes a pipeline of partners, and refuses other rows")
    func exitsPipelineAndNothingKept() {
        let harness = Harness(SamplePortfolio.source)
        let before = harness.snapshot
        let exiting = harness.column("partners | where stage == exiting | select id")
        let rows = harness.column("exits partners | where stage == exiting rank by active_value")
        #expect(rows == exiting)
        #expect(harness.snapshot == before)
        #expect(harness.session.scenarioNames == ["baseline"])
        let error = harness.error("exits agreements rank by active_value")
        #expect(error?.message.contains("`exits` needs partners") == true)
        #expect(harness.error("exits rank by nope")?.code == .unknownMetric)
    }

    @Test("exits gives the same rows on one thread and on two, on a generated portfolio")
    func exitsSameOnOneAndTwoThreads() {
        let harness = generated(300)
        harness.expectSuccess("metric ties = agreements | where status != terminated | count")
        harness.session.caseThreads = 1
        let one = harness.table("exits rank by active_value, ties")
        harness.session.caseThreads = 2
        let two = harness.table("exits rank by active_value, ties")
        #expect(one == two)
        #expect(one.rows.count == 299)
    }

    @Test("a metric built on diff sees each exit's own fork")
    func exitsDiffMetric() {
        let harness = Harness(SamplePortfolio.source)
        harness.expectSuccess("metric changes = diff | count")
        let rows = harness.rows("exits partners | where stage == exiting rank by changes")
        let partner = rows[0][0]
        harness.expectSuccess("scenario x { remove partner \(partner) }")
        #expect(rows[0][2] == ValueFormatter.plain(harness.value("diff baseline x | count")))
    }

    // MARK: sweep

    @Test("sweep binds the variable per case, compares with the current scenario, and keeps only with keep as")
    func sweepRows() {
        let harness = Harness(SamplePortfolio.source)
        let base = harness.number("active_value") ?? 0
        let before = harness.snapshot
        let table = harness.table("sweep cut in [10%, 50%] { update agreements set value = value * (1 - cut) } on active_value")
        #expect(table.columns == ["cut", "active_value", "delta", "change"])
        #expect(table.rows.map { $0[1].number } == [base * 0.9, base * 0.5])
        #expect(abs((table.rows[1][3].number ?? 0) - -0.5) < 1e-12)
        #expect(harness.snapshot == before)
        #expect(harness.session.scenarioNames == ["baseline"])
        #expect(!harness.session.bindingNames.contains("cut"))

        harness.expectSuccess("sweep cut in [10%, 50%] { update agreements set value = value * (1 - cut) } on active_value keep as cut")
        #expect(harness.session.scenarioNames == ["baseline", "cut_1", "cut_2"])
        #expect(harness.session.currentScenarioName == "baseline")
        #expect(harness.rows("compare baseline, cut_2 on active_value")[0][2] == ValueFormatter.plain(.number(base * 0.5)))
        #expect(harness.error("sweep cut in [1] { remove partner medora } on active_value keep as cut")?.code == .duplicateScenario)
    }

    @Test("a bare word is the sweep value's text; a let inside a case ends with it")
    func sweepWordsAndLets() {
        let harness = Harness(SamplePortfolio.source)
        harness.expectSuccess("metric exiting_count = partners | where stage == exiting | count")
        let rows = harness.rows("""
            sweep s in [exiting, piloting] { let chosen = partners | where stage == piloting; update chosen set stage = s } on exiting_count
            """)
        let piloting = harness.number("partners | where stage == piloting | count") ?? 0
        let exiting = harness.number("exiting_count") ?? 0
        #expect(rows.map { $0[0] } == ["exiting", "piloting"])
        #expect(rows.map { Double($0[1]) } == [exiting + piloting, exiting])
        #expect(!harness.session.bindingNames.contains("chosen"))
    }

    @Test("a failing case changes nothing, kept scenarios included; statements that act outside the fork are refused")
    func sweepFailureRollsBack() {
        let harness = Harness(SamplePortfolio.source)
        let before = harness.snapshot
        let failing = harness.error("sweep d in [1, 0] { update agreements set value = value / d } on active_value keep as k")
        #expect(failing?.code == .divisionByZero)
        #expect(harness.session.scenarioNames == ["baseline"])
        #expect(harness.snapshot == before)
        let refused = harness.error("sweep d in [1] { use baseline } on active_value")
        #expect(refused?.message == "`use` cannot run inside `sweep`: a case only changes its own fork")
    }

    // MARK: simulate

    @Test("simulate: the same seed gives the same rows; another seed other draws; keep as binds the draws")
    func simulateReproducible() {
        let harness = Harness(SamplePortfolio.source)
        let statement = "simulate 200 seed 7 { remove partners | where not home and random() < 0.3 } on active_value"
        let first = harness.table(statement + " keep as draws")
        #expect(first.columns == ["metric", "mean", "p5", "p50", "p95", "min", "max"])
        let draws = harness.table("draws")
        #expect(draws.columns == ["draw", "active_value"])
        #expect(draws.rows.count == 200)
        #expect(harness.table(statement) == first)
        #expect(harness.table("simulate 200 seed 8 { remove partners | where not home and random() < 0.3 } on active_value") != first)
        let values = draws.rows.compactMap { $0[1].number }
        #expect(first.rows[0][1].number == values.reduce(0, +) / Double(values.count))
        #expect(first.rows[0][5].number == values.min())
        #expect(first.rows[0][6].number == values.max())
        #expect(Set(values).count > 1, "the draws differ from one another")
        #expect(harness.session.scenarioNames == ["baseline"])
        // The chart of the kept draws.
        harness.expectSuccess("draws | chart active_value by draw")
    }

    @Test("random() is uniform in [0, 1) and an error outside simulate")
    func randomOutsideSimulate() {
        let harness = Harness(SamplePortfolio.source)
        let error = harness.error("partners | where random() < 0.5")
        #expect(error?.message == "`random()` draws only inside `simulate`")
        harness.expectSuccess("metric draw = partners | take 1 | select r = random()")
        let summary = harness.table("simulate 2000 seed 1 { } on draw")
        let (mean, low, high) = (summary.rows[0][1].number ?? -1, summary.rows[0][5].number ?? -1, summary.rows[0][6].number ?? 2)
        #expect(low >= 0 && high < 1)
        #expect(abs(mean - 0.5) < 0.03)
    }

    @Test("percentiles interpolate between ranks, as PERCENTILE.INC")
    func percentiles() {
        let summary = DrawSummary((1...10).map { Value.number(Double($0)) } + [.null])
        let figures = summary.values.compactMap(\.number)
        #expect(figures.count == 6)
        #expect(zip(figures, [5.5, 1.45, 5.5, 9.55, 1, 10]).allSatisfy { abs($0 - $1) < 1e-9 })
        let empty = DrawSummary([.null]).values
        #expect(empty.allSatisfy { $0 == .null })
    }
    // Ctrl-C during `exits` is a pty case (Tests/pty/cases/ally.sh, ctrl_c_cancels_exits): the
    // interrupt flag is process-wide, and would stop the tests running beside this one.
}
