import Foundation
import Testing
@testable import AllyKit

/// The language server checks an edited script again only where the edit can change the
/// verdict (`CheckedScript`); after every random edit of every `.ally` file in the repository,
/// that must be exactly what a check of the whole text gives.
@Suite("Checking an edited script")
struct CheckedScriptTests {
    static var scripts: [URL] {
        let root = packageRoot()
        return ["Tests/Golden", "Tests/Conformance/cases"].flatMap { folder -> [URL] in
            let url = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".ally") }.sorted().map { url.appendingPathComponent($0) }
        }
    }

    /// A reproducible generator (SplitMix64).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let insertions = ["x", "\n", " ", "| take 5", "\n| sort name\n", "let x = partners\n", "metric m = partners | count\n",
                             "kind == hospital", ")", "{", "}", "# a comment\n", "7", "\"", ";", "partner p9 { name: \"P\" }\n"]

    /// One edit: a line moved, copied or deleted (edits that usually keep the script valid,
    /// so that reuse is exercised), or a few bytes replaced by a snippet.
    static func edit(_ text: [UInt8], _ random: inout Seeded) -> [UInt8] {
        var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where lines.count > 1:
            lines.remove(at: Int.random(in: 0..<lines.count, using: &random))
            return Array(lines.joined(separator: [0x0A]))
        case 1 where !lines.isEmpty:
            let line = lines[Int.random(in: 0..<lines.count, using: &random)]
            lines.insert(line, at: Int.random(in: 0...lines.count, using: &random))
            return Array(lines.joined(separator: [0x0A]))
        default:
            var edited = text
            let start = Int.random(in: 0...edited.count, using: &random)
            let end = min(edited.count, start + Int.random(in: 0...6, using: &random))
            edited.replaceSubrange(start..<end, with: insertions.randomElement(using: &random)!.utf8)
            return edited
        }
    }

    static func summary(_ checked: CheckedScript) -> [String] {
        ["parses: \(checked.parses)"] + checked.diagnostics.map { diagnostic in
            "\(diagnostic.code.rawValue) \(diagnostic.range.lower)-\(diagnostic.range.upper) \(diagnostic.file === checked.file) "
                + "\(diagnostic.message) \(diagnostic.help ?? "") \(diagnostic.notes)"
        }
    }

    @Test func aCheckAfterEditsIsTheWholeCheck() throws {
        let scripts = Self.scripts
        #expect(scripts.count > 50)
        var random = Seeded(state: 29)
        var reused = 0
        for url in scripts {
            var text = Array(try Data(contentsOf: url))
            var previous = CheckedScript.check(SourceFile(name: url.path, bytes: text), session: Session(settings: Settings(today: Day(daysSinceEpoch: 20_000))))
            for _ in 0..<12 {
                text = Self.edit(text, &random)
                let file = SourceFile(name: url.path, bytes: text)
                let edited = CheckedScript.check(file, session: Session(settings: Settings(today: Day(daysSinceEpoch: 20_000))), after: previous)
                let whole = CheckedScript.check(SourceFile(name: url.path, bytes: text), session: Session(settings: Settings(today: Day(daysSinceEpoch: 20_000))))
                #expect(Self.summary(edited) == Self.summary(whole), "\(url.lastPathComponent) edited to:\n\(String(decoding: text, as: UTF8.self))")
                if edited.parses { reused += 1 }
                previous = edited
            }
        }
        #expect(reused > 100)
    }
}
