import Foundation
import Testing
@testable import AllyKit

/// The formatter's promise, held on every `.ally` file the project has: the layout is a fixed
/// point (formatting twice is formatting once), the tokens are the same, and the formatted
/// script prints the same results and errors as the original.
@Suite("Formatter round trip")
struct FormatterRoundTripTests {
    /// Every `.ally` file under Tests/ and the shared conformance cases, with its folder.
    static var scripts: [(name: String, text: String, directory: String)] {
        var found: [(String, String, String)] = []
        let roots = [packageRoot().appendingPathComponent("Tests").path, "/work/shared/conformance/cases"]
        for root in roots {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".ally") else { continue }
                let path = root + "/" + relative
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                found.append((path, text, (path as NSString).deletingLastPathComponent))
            }
        }
        return found.sorted { $0.0 < $1.0 }
    }

    static func sampleAsSaved() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ally-fmt-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = Harness()
        harness.expectSuccess(SamplePortfolio.source)
        harness.expectSuccess("save \"\(folder.path)/sample.ally\"")
        return try String(contentsOfFile: folder.path + "/sample.ally", encoding: .utf8)
    }

    static func generatedPortfolio() -> String {
        var text = ""
        PortfolioGenerator(partners: 40, seed: 7, today: testToday).write { text += $0 }
        return text
    }

    /// What a script prints, with diagnostics as code and message (their lines move).
    static func outcome(_ text: String, directory: String?) -> [String] {
        let sink = CollectingSink()
        let session = Session(settings: Settings(today: testToday))
        session.run(SourceFile(name: "script.ally", text: text, directory: directory), sink: sink, keepGoing: true)
        return sink.events.map { event -> String in
            switch event {
            case .result(let result): return Renderer(format: .table, width: 100, color: false).render(result)
            case .diagnostic(let diagnostic): return "\(diagnostic.code.rawValue) \(diagnostic.message)"
            case .note(let text): return "note \(text)"
            case .confirmation(let text): return "confirm \(text)"
            }
        }
    }

    static func checkRoundTrip(name: String, text: String, directory: String?, runIt: Bool) {
        let original = SourceFile(name: name, text: text, directory: directory)
        guard case .success(let once) = Formatter.format(original) else {
            // Only a file with syntax errors may be refused.
            #expect(!Parser.parse(original).diagnostics.isEmpty, "\(name) was refused without a syntax error")
            return
        }
        let formatted = SourceFile(name: name, text: once, directory: directory)
        #expect(Formatter.sameTokens(original, formatted), "\(name): tokens changed")
        guard case .success(let twice) = Formatter.format(formatted) else {
            Issue.record("\(name): the formatted text was refused")
            return
        }
        #expect(twice == once, "\(name): formatting is not idempotent")
        if runIt {
            // In a copy of the script's folder: scripts that `save` or `export` write beside
            // themselves, and the repository must not be changed by a test.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ally-fmt-run-\(getpid())-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            var folder: String? = nil
            if let directory, (try? FileManager.default.copyItem(atPath: directory, toPath: scratch.path)) != nil { folder = scratch.path }
            #expect(outcome(text, directory: folder) == outcome(once, directory: folder), "\(name): results changed")
        }
    }

    @Test func everyScriptInTheRepository() {
        let all = Self.scripts
        #expect(all.count > 150)
        for script in all {
            // Fuzz corpora are parsed, not run (some are built to be slow or huge).
            Self.checkRoundTrip(name: script.name, text: script.text, directory: script.directory,
                                runIt: !script.name.contains("/Fuzz/"))
        }
    }

    @Test func theSampleAsSavedAndAGeneratedPortfolio() throws {
        Self.checkRoundTrip(name: "sample.ally", text: try Self.sampleAsSaved(), directory: nil, runIt: true)
        Self.checkRoundTrip(name: "sample-source", text: SamplePortfolio.source, directory: nil, runIt: true)
        Self.checkRoundTrip(name: "generated.ally", text: Self.generatedPortfolio(), directory: nil, runIt: true)
    }

    static func format(_ text: String) -> String? {
        guard case .success(let formatted) = Formatter.format(SourceFile(name: "t.ally", text: text)) else { return nil }
        return formatted
    }

    @Test func commentsStayWhereTheyWere() {
        let text = """
        # heading


        partner a {   # the home
          # its name
          name:"A" ,kind: hospital   # kind
        }
        partners|where kind==hospital   # hospitals only
        # between stages
        | sort name
        """
        #expect(Self.format(text) == """
        # heading

        partner a { # the home
          # its name
          name: "A", kind: hospital # kind
        }
        partners | where kind == hospital # hospitals only
        # between stages
          | sort name

        """)
    }

    @Test func longLinesBreakBeforePipesAndIntoFields() {
        let pipeline = "partners | where kind == hospital and fit_score > 3 | sort fit_score desc | select name, kind, region, fit_score | take 5"
        #expect(Self.format(pipeline) == """
        partners
          | where kind == hospital and fit_score > 3
          | sort fit_score desc
          | select name, kind, region, fit_score
          | take 5

        """)
        let definition = #"partner harbor { name: "Harbor Point Community Hospital", kind: hospital, region: "US-Midwest", country: "US" }"#
        #expect(Self.format(definition) == """
        partner harbor {
          name: "Harbor Point Community Hospital",
          kind: hospital,
          region: "US-Midwest",
          country: "US"
        }

        """)
    }

    @Test func signsAndSubtractions() {
        let text = "let x = partners | where fit_score > 3-1 | count\npartners | where fit_score > -1\npartners | select a = 4 - -1, b = 2 -1, c = fit_score -1\n"
        #expect(Self.format(text) == "let x = partners | where fit_score > 3 - 1 | count\npartners | where fit_score > -1\npartners | select a = 4 - -1, b = 2 - 1, c = fit_score -1\n")
    }

    @Test func aSyntaxErrorLeavesTheFileAlone() {
        guard case .failure(let refusal) = Formatter.format(SourceFile(name: "t.ally", text: "partners | where kind = clinic\n")) else {
            Issue.record("a syntax error was formatted")
            return
        }
        #expect(refusal.diagnostics.first?.code == .assignmentInExpression)
    }
}
