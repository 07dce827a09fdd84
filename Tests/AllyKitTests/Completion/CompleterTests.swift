import Foundation
import Testing
@testable import AllyKit

/// Tab completion as data: `Tests/Completion/completions.txt` holds one case a
/// line, `input⎀cursor -> candidates`.
@Suite("Completer: cases as data")
struct CompleterTests {
    static let setup = """
    partner mercy { name: "Mercy", kind: hospital }
    partner mayo { name: "Mayo", kind: clinic }
    partner stateu { name: "State U", kind: academic }
    agreement a1 { title: "Pilot", form: mou, parties: [{ partner: mercy }, { partner: stateu }] }
    metric total = agreements | count
    scenario s1
    use baseline
    """

    struct Case: CustomTestStringConvertible, Sendable {
        let line: Int
        let text: String
        let cursor: Int
        let candidates: [String]
        var testDescription: String { "line \(line): \(text)" }
    }

    static func cases() throws -> [Case] {
        let url = packageRoot().appendingPathComponent("Tests/Completion/completions.txt")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var cases: [Case] = []
        for (number, line) in lines.enumerated() where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            guard let arrow = line.range(of: " ->", options: .backwards), let mark = line.range(of: "⎀") else {
                Issue.record("completions.txt:\(number + 1): expected `input⎀rest -> candidates`")
                continue
            }
            let before = String(line[..<mark.lowerBound]), after = String(line[mark.upperBound..<arrow.lowerBound])
            let candidates = line[arrow.upperBound...].split(separator: " ").map(String.init)
            cases.append(Case(line: number + 1, text: before + after, cursor: before.utf8.count, candidates: candidates))
        }
        return cases
    }

    @Test("the data file has cases")
    func hasCases() throws {
        #expect(try Self.cases().count >= 20)
    }

    @Test("each case offers exactly its candidates", arguments: try CompleterTests.cases())
    func completes(_ example: Case) {
        let harness = Harness(Self.setup)
        let offered = Completer(session: harness.session).complete(example.text, cursor: example.cursor).candidates
        #expect(offered == example.candidates, "completions.txt:\(example.line)")
    }
}
