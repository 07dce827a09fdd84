import Foundation
import Testing
@testable import AllyKit

/// Renders what a session prints the way the command line does: results in the session's
/// current format on "stdout", diagnostics rendered on "stderr", both into one transcript in
/// the order they happen.
final class TranscriptSink: OutputSink {
    let session: Session
    private(set) var text = ""

    init(session: Session) { self.session = session }

    func emit(_ result: QueryResult) {
        text += Renderer(format: session.settings.format, width: 80, color: false).render(result)
    }
    func report(_ diagnostic: Diagnostic) { text += DiagnosticRenderer.render(diagnostic, color: false) }
    func note(_ text: String) { self.text += text + "\n" }
    func confirm(_ text: String) {}
}

/// Data-driven tests: every `Tests/Golden/NAME.ally` runs in a fresh, empty session (keeping
/// going after errors) and its transcript must equal `Tests/Golden/NAME.out`.
/// Run with `ALLY_UPDATE_GOLDEN=1` to rewrite the .out files, then read them.
@Suite("Golden files")
struct GoldenTests {
    static let folder = packageRoot().appendingPathComponent("Tests/Golden")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".ally") }.map { String($0.dropLast(5)) }.sorted()
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["ALLY_UPDATE_GOLDEN"] == "1" }

    static func transcript(of name: String) throws -> String {
        let source = try String(contentsOf: folder.appendingPathComponent(name + ".ally"), encoding: .utf8)
        let session = Session(settings: Settings(today: testToday))
        let sink = TranscriptSink(session: session)
        session.run(SourceFile(name: name + ".ally", text: source, directory: folder.path), sink: sink, keepGoing: true)
        return sink.text
    }

    @Test("the golden folder has cases")
    func hasCases() {
        #expect(Self.names.count >= 9, "found \(Self.names) in \(Self.folder.path)")
    }

    @Test("golden transcript", arguments: GoldenTests.names)
    func golden(name: String) throws {
        let actual = try Self.transcript(of: name)
        let expectedURL = Self.folder.appendingPathComponent(name + ".out")
        if Self.updating {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
            Issue.record("\(name).out is missing; run the tests with ALLY_UPDATE_GOLDEN=1 to write it")
            return
        }
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actualLines.count, expectedLines.count)
            let line = first < expectedLines.count ? String(expectedLines[first]) : "<end>"
            let got = first < actualLines.count ? String(actualLines[first]) : "<end>"
            Issue.record("""
            \(name).out differs at line \(first + 1):
              expected: \(line)
              actual:   \(got)
            (ALLY_UPDATE_GOLDEN=1 rewrites the expected files: read every changed one before keeping it)
            """)
        }
    }

    @Test("a golden run is the same every time")
    func deterministic() throws {
        for name in Self.names.prefix(3) {
            #expect(try Self.transcript(of: name) == Self.transcript(of: name))
        }
    }
}
