import Foundation
import Testing
@testable import AllyKit

/// Printing a parsed tree back to source and parsing it again gives the same tree: the printed
/// forms (which print every node, fully parenthesized) are equal. Column labels of unnamed
/// items are left out: they are the source text, so reformatting a query renames them.
@Suite("Syntax: print and parse again")
struct ASTPrinterTests {
    /// Every statement of a source, printed.
    static func printed(_ text: String) -> (statements: [String], errors: Int) {
        let (statements, diagnostics) = Parser.parse(SourceFile(name: "t.ally", text: text))
        return (statements.map(ASTPrinter.print), diagnostics.count)
    }

    static func checkRoundTrip(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let first = printed(text)
        let second = printed(first.statements.joined(separator: "\n"))
        #expect(second.errors == 0, "the printed form of \(what) does not parse:\n\(first.statements.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        #expect(second.statements == first.statements, "\(what) prints differently after a round trip", sourceLocation: sourceLocation)
    }

    static var corpus: [(String, String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var files: [(String, String)] = [("sample portfolio", SamplePortfolio.source)]
        for folder in ["Tests/Conformance/cases", "Tests/Golden", "Tests/Hostile", "../shared/conformance/cases"] {
            let url = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".ally") {
                guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path),
                      data.count < 200_000, let text = String(data: data, encoding: .utf8) else { continue }
                files.append(("\(folder)/\(name)", text))
            }
        }
        return files
    }

    @Test("every statement of the sample, the golden files and the conformance cases")
    func corpusRoundTrips() {
        let files = Self.corpus
        #expect(files.count > 50)
        for (name, text) in files { Self.checkRoundTrip(text, name) }
    }

    @Test("random statements", arguments: 0..<8)
    func randomRoundTrips(seed: UInt64) {
        var generator = RandomStatements(seed: seed)
        for _ in 0..<150 {
            let text = generator.statement()
            let parsed = Self.printed(text)
            #expect(parsed.errors == 0 && parsed.statements.count == 1, "generated text does not parse: \(text)")
            Self.checkRoundTrip(text, "`\(text)`")
        }
    }
}

/// Random Ally statements, written as source text: every expression form, every stage and
/// statement kind, nested to a few levels.
struct RandomStatements {
    var random: PortfolioGenerator.Random
    init(seed: UInt64) { random = PortfolioGenerator.Random(state: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1) }

    mutating func below(_ n: Int) -> Int { random.below(n) }
    mutating func pick<T>(_ items: [T]) -> T { random.pick(items) }

    static let names = ["name", "kind", "value", "ends", "fit", "org", "status", "x", "tags", "stage"]
    static let strings = ["\"\"", "\"a b\"", "\"quote \\\" and \\\\\"", "\"line\\nbreak\"", "\"tab\\t\"", "\"é 東京 \\u{1F600}\""]

    mutating func literal() -> String {
        pick(["12", "4.5", "1_000", "2.5M", "60%", "0", "2026-03-01", "90d", "12w", "6mo", "2y", "true", "false", "null", "today"]
             + Self.strings)
    }

    mutating func expr(_ depth: Int = 0) -> String {
        if depth > 3 { return below(2) == 0 ? literal() : pick(Self.names) }
        switch below(10) {
        case 0, 1: return literal()
        case 2: return pick(Self.names)
        case 3: return "\(pick(Self.names)).\(pick(["mission", "name", "id"]))"
        case 4: return "\(pick(["len", "lower", "round", "coalesce", "year", "days_between"]))(\(expr(depth + 1))\(below(2) == 0 ? ", \(expr(depth + 1))" : ""))"
        case 5: return "\(pick(["-", "not "]))\(below(2) == 0 ? "(\(expr(depth + 1)))" : pick(Self.names))"
        case 6: return "[\((0..<below(3)).map { _ in expr(depth + 1) }.joined(separator: ", "))]"
        case 7: return "(\(expr(depth + 1)))"
        default:
            let op = pick(["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or", "??", "in", "contains"])
            // Comparisons do not chain (`a == b == c` is an error): operands with their own
            // operators are parenthesized when that could happen.
            func operand(_ text: String) -> String { text.contains(" ") ? "(\(text))" : text }
            return "\(operand(expr(depth + 1))) \(op) \(operand(expr(depth + 1)))"
        }
    }

    mutating func items(named: Bool = false) -> String {
        (0...below(3)).map { index in (named || below(2) == 0 ? "c\(index) = " : "") + expr(1) }.joined(separator: ", ")
    }

    mutating func stage() -> String {
        switch below(16) {
        case 0: return "where \(expr())"
        case 1: return "sort \(expr(2))\(pick(["", " asc", " desc"])), \(pick(Self.names))"
        case 2: return "take \(pick(["3", "0", "1_000"]))"
        case 3: return "select \(items())"
        case 4: return "extend \(items(named: true))"
        case 5: return "summarize n = count(), sum(\(pick(Self.names)))\(below(2) == 0 ? " by \(pick(Self.names))" : "")"
        case 6: return "count"
        case 7: return "distinct \(items())"
        case 8: return pick(["partners", "agreements", "stakeholders"])
        case 9: return pick(["parties", "balance", "centrality", "grid", "timeline"])
        case 10: return "chart \(pick(Self.names)) by \(pick(Self.names))"
        default: return "where \(pick(Self.names)) == \(literal())"
        }
    }

    mutating func pipeline() -> String {
        let source = pick(["partners", "agreements", "stakeholders", "partner mercy", "agreement jv", "renewals",
                           "renewals within 90d", "path from ann to cat", "triggers", "scenarios", "diff", "diff a b",
                           "compare a, b on m", "us"])
        return ([source] + (0..<below(4)).map { _ in stage() }).joined(separator: " | ")
    }

    mutating func statement() -> String {
        switch below(14) {
        case 0: return "partner p\(below(99)) { name: \(pick(Self.strings)), kind: clinic, fit: {mission: 4}, tags: [\"a\", \"b\"] }"
        case 1: return "agreement a\(below(99)) { title: \"T\", form: mou, parties: [mercy {role: lead, contributes: 2M}, stateu], ends: today + 90d }"
        case 2: return "let v\(below(99)) = \(pipeline())"
        case 3: return "metric m\(below(99)) = \(pipeline())"
        case 4: return "trigger t on agreements when \(expr())"
        case 5: return "update \(pipeline()) set \(pick(["value", "fit.mission", "stage"])) = \(expr()), notes = \(pick(Self.strings))"
        case 6: return "remove \(pipeline())"
        case 7: return pick(["add party acme to jv { role: observer }", "add party acme to jv", "remove party acme from jv"])
        case 8: return pick(["scenario s", "scenario s from baseline", "use baseline", "drop scenario s"])
        case 9: return "scenario blk {\n\(pipeline())\nupdate agreements set value = value * 0.5\n}"
        case 10: return pick(["load \"x.ally\"", "save \"a b.ally\"", "import partners from \"p.csv\"", "export network to \"n.dot\""])
        case 11: return "export \(pipeline()) to \"out.json\""
        case 12: return pick([".format json", ".timer on", ".weights mission=2 reach=0.5", ".help"])
        default: return pipeline()
        }
    }
}

/// Any statement that fails leaves the portfolio as it was (LANGUAGE.md: all-or-nothing).
@Suite("Evaluator: a failing statement changes nothing")
struct FailedStatementProperty {
    @Test("random statements on the sample portfolio", arguments: 0..<4)
    func failuresChangeNothing(seed: UInt64) {
        let session = Session(settings: Settings(today: Day(iso: "2026-01-15")!))
        session.run(SourceFile(name: "<sample>", text: SamplePortfolio.source), sink: CollectingSink())
        var generator = RandomStatements(seed: 1000 + seed)
        var failures = 0
        for _ in 0..<120 {
            let text = generator.statement()
            // Files are not this test's business.
            if text.contains("load ") || text.contains("save ") || text.contains("import ") || text.contains("export ") { continue }
            let before = ScriptWriter.script(for: session.portfolio, metrics: [])
            let scenario = session.currentScenarioName
            let status = session.run(SourceFile(name: "t.ally", text: text), sink: CollectingSink())
            if status == .failed {
                failures += 1
                #expect(ScriptWriter.script(for: session.portfolio, metrics: []) == before, "`\(text)` failed but changed the portfolio")
                #expect(session.currentScenarioName == scenario, "`\(text)` failed but switched scenarios")
            }
        }
        #expect(failures > 10, "the generator should produce failing statements too")
    }
}
