import Testing
@testable import AllyKit

/// `.maxrows`: a box-drawn table over the limit shows its first and last rows around one `…` row.
@Suite("Rendering: .maxrows")
struct MaxRowsTests {
    let table = ResultTable(columns: ["id", "n"], rows: (1...10).map { [.string("r\($0)"), .number(Double($0))] })

    func lines(maxRows: Int, format: OutputFormat = .table) -> [String] {
        Renderer(format: format, width: 80, maxRows: maxRows).render(.table(table))
            .split(separator: "\n").map(String.init)
    }

    @Test("over the limit: the first ceil(N/2) and last floor(N/2) rows, a `…` row, and what was left out")
    func elides() {
        let out = lines(maxRows: 5)
        let ids = out.compactMap { line in line.split(separator: "│").first.map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { $0.hasPrefix("r") || $0 == "…" }
        #expect(ids == ["r1", "r2", "r3", "…", "r9", "r10"])
        #expect(out.last == "(10 rows, 5 left out: `.last` shows them all)")
    }

    @Test("at or under the limit, or with 0, every row and the plain count", arguments: [0, 10, 11])
    func keepsAll(maxRows: Int) {
        let out = lines(maxRows: maxRows)
        #expect(out.last == "(10 rows)")
        #expect(!out.contains { $0.contains("…") })
    }

    @Test("data formats ignore the limit", arguments: [OutputFormat.csv, .json, .markdown])
    func dataFormats(format: OutputFormat) {
        let text = lines(maxRows: 2, format: format).joined(separator: "\n")
        #expect(text.contains("r5") && text.contains("r10"))
    }
}
