import Testing
@testable import AllyKit

/// Widths and visible control characters (issue #24); Tests/Rendering/check-output checks
/// whole tables against Python's wcwidth.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("abc", 3), ("東京", 4), ("⌚ Watch 𠀀", 11), ("שָׁלוֹם", 4), ("e\u{301}", 1), ("👍🏽", 2), ("❤️", 2),
        ("👨‍👩‍👧", 2), ("a\u{2060}b\u{FEFF}", 2), ("d\u{FE0F}", 1), ("مستشفى", 6),
    ])
    func widthsAreTerminalCells(text: String, cells: Int) {
        #expect(TerminalText.width(text) == cells)
    }

    @Test func controlsAreShownNotSent() {
        #expect(TerminalText.visible("\u{1B}[2J\tx\u{7F}") == "␛[2J␉x␡")
        #expect(TerminalText.visible("a\u{9B}b\u{202E}c\u{2066}") == "a\\u{9B}b\\u{202E}c\\u{2066}")
        #expect(TerminalText.visible("line\nnext") == "line⏎next")
        #expect(TerminalText.visible("plain é") == "plain é")
    }

    @Test func truncationNeverCutsAGraphemeCluster() {
        let cut = TerminalText.truncate("e\u{301}e\u{301}e\u{301}👨‍👩‍👧👨‍👩‍👧", to: 5)
        #expect(cut == "e\u{301}e\u{301}e\u{301}…")
        #expect(TerminalText.width(cut) <= 5)
        #expect(TerminalText.truncate("東京病院", to: 4) == "東…")
    }

    @Test func aTableLineUpWithWideAndControlText() {
        let table = ResultTable(columns: ["name"], rows: [[.string("東京\t⌚")], [.string("\u{1B}[31mRed")], [.string("שָׁלוֹם")]])
        let lines = Renderer(format: .table, width: 80).render(table).split(separator: "\n").dropLast()
        #expect(Set(lines.map { TerminalText.width(String($0)) }).count == 1)
        #expect(!lines.joined().unicodeScalars.contains { $0.value < 0x20 })
    }
}
