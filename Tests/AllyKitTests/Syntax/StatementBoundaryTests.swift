import Foundation
import Testing
@testable import AllyKit

/// Where a statement ends is the parser's rule (`TokenStream`). The fast forms that find it
/// without the parser — the reading thread's byte scan (`ScriptReader.definitionEnd`), the
/// decoder (`DefinitionTokens`) — and the shell's completeness check
/// (`InputCompleteness`) must agree with it on every script in the repository.
@Suite("statement boundaries")
struct StatementBoundaryTests {
    /// Every `.ally` file under Tests/, the sample and a generated portfolio.
    static func scripts() throws -> [(name: String, text: String)] {
        let root = packageRoot()
        var found: [(String, String)] = []
        let tests = root.appendingPathComponent("Tests")
        guard let walker = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil) else { return [] }
        for case let url as URL in walker where url.pathExtension == "ally" {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            found.append((String(url.path.dropFirst(root.path.count + 1)), String(decoding: data, as: UTF8.self)))
        }
        found.append(("the sample", SamplePortfolio.source))
        found.append(("a generated portfolio", DecodedDefinitionTests.generated(partners: 60, seed: 3)))
        return found.sorted { $0.0 < $1.0 }
    }

    @Test("the repository has scripts to check")
    func scriptsAreFound() throws {
        #expect(try Self.scripts().count > 100)
    }

    @Test("the byte scan and the decoder end each statement where the parser does")
    func fastFormsAgreeWithTheParser() throws {
        var checked = (scan: 0, decoder: 0)
        for (name, text) in try Self.scripts() {
            let file = SourceFile(name: name, text: text)
            var parser = Parser(file: file)
            var decoder = DefinitionDecoder(file: file)
            // Where the parser goes on after a statement that ends at `end`.
            func nextStart(after end: Int) -> Int? {
                var resumed = Parser(file: file)
                resumed.resume(at: end)
                return resumed.nextStatementStart()
            }
            while let start = parser.nextStatementStart() {
                guard case .success? = parser.nextStatement() else { continue }
                let next = parser.nextStatementStart()
                let line = file.location(of: start).line
                if let end = ScriptReader.definitionEnd(file.bytes, at: start), !Self.guessMayMiss(file, start, end) {
                    checked.scan += 1
                    #expect(nextStart(after: end) == next, "\(name):\(line): the byte scan ends the statement elsewhere")
                }
                if let (_, end) = decoder.decode(at: start) {
                    checked.decoder += 1
                    #expect(nextStart(after: end) == next, "\(name):\(line): the decoder ends the statement elsewhere")
                }
            }
        }
        #expect(checked.scan > 500 && checked.decoder > 500, "\(checked)")
    }

    /// The byte scan is a guess its reader checks (DecodedDefinitionTests' `leftScripts`): a
    /// `.` right after `{` starts a dot-command the parser reads to the end of the line.
    static func guessMayMiss(_ file: SourceFile, _ start: Int, _ end: Int) -> Bool {
        let text = String(decoding: file.bytes[start..<end], as: UTF8.self)
        return text.contains("{.")
    }

    @Test("each statement the parser reads is complete input for the shell")
    func shellSeesWholeStatements() throws {
        var checked = 0
        for (name, text) in try Self.scripts() {
            let file = SourceFile(name: name, text: text)
            var parser = Parser(file: file)
            while let start = parser.nextStatementStart() {
                guard case .success? = parser.nextStatement() else { continue }
                let end = parser.nextStatementStart() ?? file.bytes.count
                let statement = String(decoding: file.bytes[start..<end], as: UTF8.self)
                checked += 1
                #expect(!InputCompleteness.needsMoreInput(statement),
                        "\(name):\(file.location(of: start).line): the shell would wait for more after a whole statement")
            }
        }
        #expect(checked > 500)
    }
}
