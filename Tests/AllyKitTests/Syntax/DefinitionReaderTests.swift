import Foundation
import Testing
@testable import AllyKit

/// The parser reads the usual one-line definitions with `DefinitionReader` instead of its
/// token window. For any text, it must return the same statements (every node, name, value
/// and range) and the same errors, in the same order, as parsing everything the general way.
@Suite("definitions read directly")
struct DefinitionReaderTests {
    /// Every statement (a full dump, ranges included) and every error (rendered, with its caret).
    static func outcome(_ text: String, direct: Bool) -> [String] {
        let file = SourceFile(name: "d.ally", text: text)
        var parser = Parser(file: file, readsDefinitionsDirectly: direct)
        var out: [String] = []
        while let next = parser.nextStatement() {
            switch next {
            case .success(let statement):
                var dumped = ""
                dump(statement, to: &dumped)
                out.append(dumped)
            case .failure(let diagnostic):
                out.append(DiagnosticRenderer.render(diagnostic))
            }
        }
        return out
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let direct = outcome(text, direct: true)
        let general = outcome(text, direct: false)
        #expect(direct == general, "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    static func generated(partners: Int, seed: UInt64) -> [String] {
        var lines: [String] = []
        PortfolioGenerator(partners: partners, seed: seed, today: testToday).write { lines.append($0) }
        return lines
    }

    @Test("generated portfolios parse the same", arguments: [1, 2, 3] as [UInt64])
    func generatedPortfolios(seed: UInt64) {
        Self.expectSame(Self.generated(partners: 150, seed: seed).joined(separator: "\n") + "\n")
    }

    /// A generated portfolio as `save` writes it (a field a line, trailing commas).
    static func saved(partners: Int, seed: UInt64) -> String {
        let harness = Harness()
        harness.expectSuccess(generated(partners: partners, seed: seed).joined(separator: "\n"))
        return ScriptWriter.script(for: harness.session.portfolio, metrics: [])
    }

    @Test("saved portfolios and the built-in sample parse the same")
    func savedPortfolios() {
        Self.expectSame(Self.saved(partners: 60, seed: 4))
        Self.expectSame(SamplePortfolio.source)
    }

    @Test("newlines inside a definition, as the parser's token stream counts them", arguments: [
        "partner p1 {\n  name: \"A\",\n  kind: academic,\n}\n",
        "partner p1 {\n\n  name: \"A\"   # the name\n\n  kind: academic\n}\npartners | count\n",
        "partner p1 {\n  name:\n \"A\"\n}\n",
        "partner p1 {\n  name\n : \"A\"\n}\n",
        "partner p1 { name: \"A\", kind: in\n stage: prospect }\n",
        "partner p1 { name: \"A\", kind: not\n}\n",
        "partner p1 { tags: [\"a\",\n \"b\"\n\n], name: \"A\"\n}\n",
        "agreement a1 { title: \"T\", parties: [p1\n{role: lead}, p2\n] }\n",
        "agreement a1 { title: \"T\", parties: [p1 {\n role: lead\n contributes: 5 }, p2] }\n",
        "agreement a1 { title: \"T\", x: p1\n{role: lead} }\n",
        "agreement a1 { title: \"T\", x: f\n(1) }\n",
        "agreement a1 { title: \"T\",\n| count }\n",
        "agreement a1 { title: \"T\"\n  | count\n}\n",
        "agreement a1\n{ title: \"T\" }\n",
        "agreement\na1 { title: \"T\" }\n",
        "agreement a1 { title: \"T\", kpis: [{\nname: \"k\"\ntarget: 1\n}] }\n",
        "agreement a1 { title: \"T\", kpis: [{name: \"k\",\n\n target: 1,}\n,\n] }\n",
        "partner p1 {\n  name: \"A\"\n}\n| count\n",
        "partner p1 { name: \"A\" ,\n ; \n , kind: payer }\n",
    ])
    func newlines(text: String) {
        Self.expectSame(text)
    }

    @Test("definitions it must leave to the parser, or read exactly as the parser does", arguments: [
        "partner p1 { name: \"A\", kind: academic }\n| count\n",
        "partner p1 { name: \"A\", kind: academic }\n\n# note\n  | count\n",
        "partner p1 { name: \"A\", kind: academic } # a comment\npartners | count\n",
        "partner p1 { name: \"A\", kind: academic };partner p2 { name: \"B\", kind: payer }; partners | count\n",
        "partner p1 { name: \"A\", kind: academic }\r\npartner p2 { name: \"B\", kind: payer }\r\n",
        "partner p1 {\n  name: \"A\"\n  kind: academic\n}\n",
        "partner p1 { name: \"A\", kind: academic } partners\n",
        "partner p1 { name: \"A\", kind: academic }}\n",
        "partner p1 { , name: \"A\" ; kind: academic ,, }\n",
        "partner p1 {}\npartner true { name: \"T\" }\n",
        "agreement a1 { title: \"T\", form: mou, ends: today + 90d, value: -5, health: (3) }\n",
        "agreement a1 { title: \"T\", value: 2 * 1k, parties: [p1, p2,], kpis: [{name: \"k\", target: 1,}] }\n",
        "agreement a1 { title: \"T\", parties: [p1 {role: lead, contributes: 900k, equity: 30%}, p2 {}], notice: 1_000d }\n",
        "agreement a1 { title: \"T\", starts: 2026-02-30, notice: 6mo, review: 2026-01-15, value: 1.5M, phi: true, x: null }\n",
        "agreement a1 { title: \"T\", value: 123456789012345678901234 }\n",
        "agreement a1 { title: \"bad \\q escape\" }\n",
        "agreement a1 { title: \"unterminated }\n",
        "agreement a1 { title: \"é ü \\u{1F600} \\\"q\\\" \\n\" }\n",
        "stakeholder s1 { name: \"A\", org: p1, knows: [s2, s3], tags: [[[[[[[[[[1]]]]]]]]]] }\n",
        "stakeholder s1 { name: \"A\", org: p1.id, group: f(x) }\n",
        "stakeholder s1 { name: \"A\" org: p1 }\n",
        "stakeholder s1 { name: \"A\", org: p1 \n",
        "stakeholder s1 { name: \"A\", org: p1",
        "stakeholder { name: \"A\" }\nstakeholder s1 name\npartners s1 { }\n",
        "  partner p1 { name: \"A\" }   \n\n\npartner p2 { name: \"B\" }",
        ".timer on\npartner p1 { name: \"A\" }\n.timer off\n",
        "scenario s { partner p1 { name: \"A\" } }\npartner p2 { name: \"B\" }\n",
        "partner p1 { name: \"A\", kind: academic } | count\n",
        "partner p1 { name: \"A\", fit: {mission: 4.5, strategy: 0} , region: \"US\" }\n",
        "partner p1 { name: \"A\", tags: [\"a\", \"b\"], value: 007, value: 1e5 }\n",
        // Found by the mutation test: a field line starting with `.` after an earlier failed line.
        "stakeholder s67 { name: \"Y\", org: p6, g[oup: clinical }\nstakeholder s68 { name: \"S\", org: p6 }\nstakeholder s69 {\n  name: \"F\",\n  org: p6,\n  .roup: board,\n  influence: 5,\n}\n",
        "stakeholder s69 {\n  name: \"F\",\n  org: p6,\n  .roup: board,\n  influence: 5,\n}\n",
    ])
    func edgeCases(text: String) {
        Self.expectSame(text)
    }

    @Test("mutated definition lines parse the same")
    func mutations() {
        var generator = SystemRandomNumberGenerator()
        let saved = Self.saved(partners: 10, seed: 9).components(separatedBy: "\n}\n").map { $0 + "\n}" }
        let lines = Self.generated(partners: 30, seed: 9).filter { !$0.hasPrefix("#") } + saved.filter { $0.contains("{") }
        let pieces = ["{", "}", "[", "]", "(", ")", ",", ";", ":", "|", "#", "\"", "\n", " ", "-", "+", ".", "0", "9k", "2026-01-01",
                      "90d", "x", "true", "null", "today", "\\", "é", "\t", "==", "p1 {", "}\n|", "_", "1_0", "%", "mo", "\r"]
        for _ in 0..<4_000 {
            var line = Array(lines.randomElement(using: &generator)!)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0...line.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: line.insert(contentsOf: pieces.randomElement(using: &generator)!, at: position)
                case 1: if position < line.count { line.remove(at: position) }
                default: if position < line.count { line[position] = pieces.randomElement(using: &generator)!.first! }
                }
            }
            let next = lines.randomElement(using: &generator)!
            Self.expectSame(String(line) + "\n" + next + "\n")
        }
    }

    @Test("the usual definitions are read directly, saved ones too")
    func readsDirectly() throws {
        let saved = "partner p1 {\n  name: \"A\",\n  tags: [\"a\", \"b\"],\n}\npartners"
        var savedReader = DefinitionReader(file: SourceFile(name: "s.ally", text: saved))
        #expect(savedReader.read(at: 0)?.end == saved.utf8.count - "partners".utf8.count)
        let file = SourceFile(name: "d.ally", text: "agreement a1 { title: \"T\", form: mou, parties: [p1 {role: lead}, p2], notice: 90d }\nx\n")
        var reader = DefinitionReader(file: file)
        let read = reader.read(at: 0)
        let (statement, end) = try #require(read)
        #expect(end == file.bytes.count - 2)
        guard case .define(.agreement, let id, let fields) = statement.kind else { Issue.record("not a definition"); return }
        #expect(id.text == "a1" && fields.map(\.name.text) == ["title", "form", "parties", "notice"])
        #expect(DefinitionReader(file: SourceFile(name: "d", text: "partner p1 { value: 1 + 2 }")).readCopy(at: 0) == nil)
    }
}

extension DefinitionReader {
    /// `read` on a copy (for expressions in tests).
    func readCopy(at start: Int) -> Statement? {
        var copy = self
        return copy.read(at: start)?.statement
    }
}
