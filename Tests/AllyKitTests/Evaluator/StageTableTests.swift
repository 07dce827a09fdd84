import Foundation
import Testing
@testable import AllyKit

/// The stage table (`StageTable`) is the one list of stages: the grammar's `stage` rule, the
/// parser, `.help`, Tab completion and the compiler must all agree with it.
@Suite("stage table")
struct StageTableTests {
    /// The keywords the grammar's `stage` rule starts its choices with (`entityPlural` is the
    /// three plurals).
    static func grammarStageNames() throws -> [String] {
        guard let rule = try GrammarContractTests.grammarRules().first(where: { $0.name == "stage" }) else {
            Issue.record("grammar/ally.ebnf has no `stage` rule")
            return []
        }
        var names: [String] = []
        for choice in rule.body.components(separatedBy: " | ") {
            let first = choice.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            if first == "entityPlural" { names += EntityType.allCases.map(\.plural); continue }
            #expect(first.hasPrefix("'") && first.hasSuffix("'"), "a `stage` choice starts with \(first), not a keyword")
            names.append(String(first.dropFirst().dropLast()))
        }
        return names
    }

    @Test("the grammar's stage rule and the table name the same stages")
    func grammarAndTableAgree() throws {
        let grammar = try Self.grammarStageNames()
        #expect(Set(grammar) == Set(StageTable.names), "grammar: \(grammar.sorted())\ntable: \(StageTable.names.sorted())")
        #expect(Set(StageTable.names).count == StageTable.names.count, "a stage is in the table twice")
    }

    @Test("every stage the parser reads after `|` is in the table, under its keyword")
    func parserMakesOnlyTableStages() throws {
        // The parser's cases: every keyword the grammar lists must parse, and the stage it
        // makes must be the table's entry of that name (a parse case missing from the table
        // would fail to parse, one parsed under another name would fail here).
        for name in try Self.grammarStageNames() {
            let entry = StageTable.entry(named: name)
            #expect(entry != nil, "`\(name)` is a stage in the grammar but not in the stage table")
            guard let entry else { continue }
            let (statements, diagnostics) = Parser.parse(SourceFile(name: "stage.ally", text: entry.example))
            #expect(diagnostics.isEmpty, "`\(entry.example)` does not parse: \(diagnostics.map(\.message))")
            guard case .query(let pipeline)? = statements.first?.kind, let last = pipeline.stages.last else {
                Issue.record("`\(entry.example)` is not a pipeline ending in a stage")
                continue
            }
            #expect(last.kind.name == name, "`\(entry.example)` parses to a `\(last.kind.name)` stage")
        }
        let unknown = Parser.parse(SourceFile(name: "stage.ally", text: "partners | wher x")).diagnostics
        #expect(unknown.first?.code == .unknownStage)
    }

    @Test("each entry's example runs on the sample, and the rows after it are what the entry says")
    func examplesRunAndGiveTheirRows() throws {
        let harness = Harness(SamplePortfolio.source)
        for entry in StageTable.entries {
            let (status, _) = harness.run(entry.example)
            #expect(status == .success, "`\(entry.example)`: \(harness.sink.diagnostics.map(\.message))")
            guard case .query(let pipeline)? = Parser.parse(SourceFile(name: "stage.ally", text: entry.example)).statements.first?.kind
            else { continue }
            let file = SourceFile(name: "stage.ally", text: entry.example)
            let compiler = PipelineCompiler(runtime: harness.session.makeRuntime(), file: file)
            var before = pipeline
            before.stages.removeLast()
            let input = try compiler.compile(before).shape
            let shape = try compiler.compile(pipeline).shape
            switch entry.gives {
            case .same: #expect(shape == input, "`\(entry.name)` gives \(shape)")
            case .entities(let type): #expect(shape == .entities(type), "`\(entry.name)` gives \(shape)")
            case .table(let columns, let base):
                guard case .table(let got, _, let gotBase) = shape else { Issue.record("`\(entry.name)` gives \(shape)"); continue }
                #expect(got == columns && gotBase == base, "`\(entry.name)` gives \(shape)")
            case .items, .extended:
                guard case .table = shape else { Issue.record("`\(entry.name)` gives \(shape)"); continue }
            case .scalar: #expect(shape == .scalar, "`\(entry.name)` gives \(shape)")
            case .picture: #expect(shape == .picture, "`\(entry.name)` gives \(shape)")
            }
        }
    }

    @Test("the rows an entry says it needs are the rows the compiler takes (what Tab offers after `|`)")
    func neededRowsMatchTheCompiler() throws {
        let harness = Harness(SamplePortfolio.source)
        let sources: [(String, EntityType?)] = [("partners", .partner), ("agreements", .agreement), ("stakeholders", .stakeholder),
                                                ("agreements | parties", nil), ("agreements | kpis", .agreement)]
        for entry in StageTable.entries {
            // The example's stage, after each source in turn.
            guard let pipe = entry.example.range(of: " | ", options: .backwards) else {
                Issue.record("`\(entry.example)` has no stage")
                continue
            }
            let stage = entry.example[pipe.upperBound...]
            for (source, entity) in sources {
                let text = "\(source) | \(stage)"
                let file = SourceFile(name: "stage.ally", text: text)
                guard case .query(let pipeline)? = Parser.parse(file).statements.first?.kind else { continue }
                let runtime = harness.session.makeRuntime()
                runtime.checkOnly = true
                var wrongInput = false
                do { _ = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline) } catch let diagnostic as Diagnostic {
                    wrongInput = diagnostic.code == .wrongInput
                }
                #expect(entry.needs.accepts(entity) == !wrongInput, "`\(text)`: the table says \(entry.needs.accepts(entity)), the compiler \(!wrongInput)")
                #expect(StageTable.names(after: entity).contains(entry.name) == entry.needs.accepts(entity))
            }
        }
    }

    @Test("every stage has its `.help` page, and the overview lists every stage")
    func helpComesFromTheTable() {
        for entry in StageTable.entries {
            #expect(Help.text(for: entry.name) == entry.help)
            #expect(Help.text(for: nil).contains(entry.synopsis), "the overview does not list `\(entry.synopsis)`")
        }
        #expect(Set(Help.topicPages.keys).isDisjoint(with: StageTable.names), "a stage's page is also written in Help.topicPages")
    }
}

/// A `where` condition is compiled once: the column scan and the index plan read the
/// comparisons' compiled operands (`ComparisonOperands`) instead of compiling it again, so a
/// compile-time warning is given once for each place, with nothing to remove duplicates.
@Suite("where compiles its condition once")
struct WhereCompilesOnceTests {
    @Test("an index-planned and a column-scanned condition warn once per impossible case",
          arguments: ["stakeholders | where org == \"a\" and org.kind == \"acadmic\" | count",
                      "partners | where id == \"a\" and kind == \"acadmic\" | count",
                      "partners | where kind == \"acadmic\" or kind in [\"Clinic\", hospital] | count",
                      "agreements | parties | where partner == \"a\" and role == \"Lead\""])
    func oneWarningEach(_ query: String) {
        let harness = Harness("""
        partner a { name: "A", kind: academic }
        stakeholder s { name: "S", org: a, group: clinical }
        agreement x { title: "X", form: mou, status: active, parties: [a] }
        """)
        harness.expectSuccess(query)
        let warnings = harness.sink.diagnostics.filter { $0.code == .unknownEnumCase }
        let places = Set(warnings.map(\.range))
        #expect(!warnings.isEmpty, "no warning for `\(query)`")
        #expect(warnings.count == places.count, "`\(query)` warned \(warnings.count) times for \(places.count) places")
    }
}
