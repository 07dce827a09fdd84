import Foundation
import Testing
@testable import AllyKit

/// CSV files of a megabyte or more are read on a second thread while their rows are stored
/// (`Prefetcher`). The result, the first error and its row must be what a small file gives.
@Suite("IO: large CSV imports")
struct LargeImportTests {
    static let exports = [
        "export partners to \"partners.csv\"",
        "export agreements | select id, title, form, status, starts, ends, value to \"agreements.csv\"",
        "export agreements | parties to \"parties.csv\"",
        "export stakeholders to \"stakeholders.csv\"",
    ]

    static func generated(_ folder: TemporaryFolder) -> Harness {
        var text = ""
        PortfolioGenerator(partners: 2_500, seed: 11, today: testToday).write { text += $0 + "\n" }
        let harness = Harness(text)
        harness.expectSuccess(exports.joined(separator: "\n"), directory: folder.path)
        return harness
    }

    static func contents(_ folder: TemporaryFolder, _ name: String) -> String {
        folder.read(name) ?? ""
    }

    @Test("a large file imports to the same data, exported again byte for byte")
    func sameData() throws {
        let folder = TemporaryFolder()
        _ = Self.generated(folder)
        let big = try FileManager.default.attributesOfItem(atPath: folder.path + "/stakeholders.csv")[.size] as? Int ?? 0
        #expect(big >= Prefetching.minimumBytes, "the stakeholders file must take the second-thread path")
        let first = ["partners", "agreements", "parties", "stakeholders"].map { Self.contents(folder, "\($0).csv") }
        let reloaded = Harness()
        reloaded.expectSuccess("""
            import partners from "partners.csv"
            import agreements from "agreements.csv"
            import parties from "parties.csv"
            import stakeholders from "stakeholders.csv"
            """, directory: folder.path)
        let again = TemporaryFolder()
        reloaded.expectSuccess(Self.exports.joined(separator: "\n"), directory: again.path)
        let second = ["partners", "agreements", "parties", "stakeholders"].map { Self.contents(again, "\($0).csv") }
        #expect(first.allSatisfy { $0.count > 1000 })
        #expect(first == second)
        #expect(reloaded.number("stakeholders | count") ?? 0 > 20_000)
    }

    @Test("a bad row deep in a large file is reported with its row, and nothing is imported")
    func badRow() throws {
        let folder = TemporaryFolder()
        _ = Self.generated(folder)
        // The export ends records with CRLF (one Character in Swift, so split on the pair).
        var lines = Self.contents(folder, "stakeholders.csv").components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        let group = header.firstIndex(of: "group")!
        // Deep in the file (the reading thread is well ahead by then), then a second problem.
        let bad = lines.count * 4 / 5
        #expect(bad > 10_000, "stakeholders.csv has \(lines.count) lines")
        var cells = lines[bad].components(separatedBy: ",")
        cells[group] = "royalty"
        lines[bad] = cells.joined(separator: ",")
        lines[bad + 100] = "s_short,only two"
        try lines.joined(separator: "\r\n").write(toFile: folder.path + "/stakeholders.csv", atomically: true, encoding: .utf8)
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        let (status, _) = harness.run("import stakeholders from \"stakeholders.csv\"", directory: folder.path)
        #expect(status == .failed)
        let message = harness.sink.diagnostics.first?.message ?? ""
        #expect(message.contains("stakeholders.csv: row \(bad + 1), column `group`"), "\(message)")
        #expect(message.contains("nothing was imported"))
        #expect(harness.number("stakeholders | count") == 0)
    }
}
