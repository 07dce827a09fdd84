import Testing
@testable import AllyKit

/// An edit in a fork notes what it replaced over the caches it shares with its parent (rows,
/// columns, ids) instead of copying them; the fork copies and patches them when it next reads.
/// Whatever the caches held before, a query after an edit must see the edit in the fork and
/// only there: every answer is compared with a session that made the same edits before any
/// cache was built.
@Suite("edits in forks and the caches they share")
struct ForkEditTests {
    static let portfolio: String = {
        var text = ""
        PortfolioGenerator(partners: 60, seed: 3, today: testToday).write { text += $0 + "\n" }
        return text
    }()

    /// Queries that build and read every cache: rows (`select`), dictionary, number and date
    /// columns (`where`, `summarize`), the ids behind positions (a relation stage, an id pinned
    /// after a scan) and the id tree (`where id ==`, `take`).
    static let queries = [
        "partners | select id, notes, stage",
        "partners | where notes == \"x\" | select id",
        "partners | summarize n = count() by stage",
        "agreements | where value == 5 | select id",
        "agreements | where status == active | count",
        "agreements | summarize total = sum(value), n = count() by status",
        "agreements | where ends <= today + 180d | select id, ends",
        "agreements | where status != null | where id == \"a0\" | select id, value",
        "partners | where kind != null | agreements | select id, value",
        "stakeholders | where org == \"p1\" | select id, org",
        "stakeholders | summarize n = count() by group",
        "partners | where id == \"p0\" | select notes",
        "agreements | take 3 | select id, value",
    ]

    static func answers(_ harness: Harness) -> [String] {
        queries.map { ColumnScanPropertyTests.outcome(harness, $0) }
    }

    /// Records each query whose answer differs, with both answers.
    static func expectSame(_ actual: [String], _ expected: [String], _ context: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for (query, (a, b)) in zip(queries, zip(actual, expected)) where a != b {
            Issue.record("\(context): `\(query)`\n  got:      \(a)\n  expected: \(b)", sourceLocation: sourceLocation)
        }
    }

    /// What the queries answer after `edits`, in a session that built no cache before them.
    static func expected(after edits: [String]) -> [String] {
        let fresh = Harness(portfolio)
        for edit in edits { fresh.expectSuccess(edit) }
        return answers(fresh)
    }

    static let edits = [
        "update partner p0 set notes = \"x\"",
        "update partners | take 1 set notes = \"x\"",
        "update partners | where id == \"p2\" set notes = \"x\", stage = engaged",
        "update agreements | take 1 set value = 5",
        "update agreements | where id in [a3, a4] set value = 5, ends = 2026-02-01",
        "update agreements | where status == active | take 2 set status = expired",
        "update stakeholders | where id == \"s2\" set org = p1, group = board",
        "update partners | where kind == academic set notes = \"x\"",
    ]

    @Test("an edit in a fork after every cache was built is seen in the fork, not in its parent", arguments: edits.indices)
    func editAfterQueries(index: Int) {
        let edit = Self.edits[index]
        let harness = Harness(Self.portfolio)
        let before = Self.answers(harness)
        harness.expectSuccess("scenario s from baseline\n\(edit)")
        Self.expectSame(Self.answers(harness), Self.expected(after: [edit]), "in the fork after `\(edit)`")
        #expect(harness.number("diff baseline s | count").map { $0 >= 1 } == true)
        harness.expectSuccess("use baseline")
        Self.expectSame(Self.answers(harness), before, "in baseline after `\(edit)` in the fork")
    }

    @Test("edits upon edits: in a fork read in between, in a fork of a fork read in between, and in a parent after its fork")
    func editChains() {
        let harness = Harness(Self.portfolio)
        _ = Self.answers(harness)
        let first = [Self.edits[0], Self.edits[3]]
        let second = [Self.edits[2], Self.edits[6]]
        // s: two edits, nothing read between them (the second notes its position in the same
        // waiting cache), then read; then two more.
        harness.expectSuccess("scenario s from baseline\n" + first.joined(separator: "\n"))
        Self.expectSame(Self.answers(harness), Self.expected(after: first), "s after two edits")
        // t forks s after s read everything, and edits before anything is read in t.
        harness.expectSuccess("scenario t from s\n" + second.joined(separator: "\n"))
        Self.expectSame(Self.answers(harness), Self.expected(after: first + second), "t (forked from s) after two edits")
        harness.expectSuccess("use s")
        Self.expectSame(Self.answers(harness), Self.expected(after: first), "s after its fork t was edited")
        // u forks t, and t is edited again after the fork: u keeps what t was.
        harness.expectSuccess("scenario u from t\nuse t\n\(Self.edits[5])")
        Self.expectSame(Self.answers(harness), Self.expected(after: first + second + [Self.edits[5]]), "t edited after its fork u")
        harness.expectSuccess("use u")
        Self.expectSame(Self.answers(harness), Self.expected(after: first + second), "u after its parent t was edited")
        // Baseline, edited after all these forks, does not reach them.
        harness.expectSuccess("use baseline\n\(Self.edits[7])")
        Self.expectSame(Self.answers(harness), Self.expected(after: [Self.edits[7]]), "baseline edited after its forks")
        harness.expectSuccess("use s")
        Self.expectSame(Self.answers(harness), Self.expected(after: first), "s after baseline was edited")
    }

    @Test("many edits in a fork before any read, then removals and new entities")
    func manyEditsThenStructuralChanges() {
        let harness = Harness(Self.portfolio)
        _ = Self.answers(harness)
        var edits: [String] = []
        for index in 0..<40 {
            edits.append("update partner p\(index) set notes = \"x\"")
            edits.append("update agreement a\(index) set value = \(index)")
        }
        harness.expectSuccess("scenario s from baseline\n" + edits.joined(separator: "\n"))
        Self.expectSame(Self.answers(harness), Self.expected(after: edits), "s after 80 edits before any read")
        // A removal and a definition change positions: the caches are dropped, not patched.
        let more = ["remove partners | where id == \"p5\"", "partner zz { name: \"Zed\", kind: academic }",
                    "update partner zz set notes = \"x\""]
        harness.expectSuccess(more.joined(separator: "\n"))
        Self.expectSame(Self.answers(harness), Self.expected(after: edits + more), "s after a removal and a definition")
        harness.expectSuccess("use baseline")
        Self.expectSame(Self.answers(harness), Self.expected(after: []), "baseline after all that in s")
    }
}
