import Testing
@testable import AllyShell

@Suite struct HistoryCodecTests {
    @Test func plainEntryIsStoredAsIs() {
        #expect(HistoryCodec.encode("partners | where kind == academic") == "partners | where kind == academic")
    }

    @Test func multiLineEntryIsOneLine() {
        let entry = "partners |\nwhere kind == academic"
        let line = HistoryCodec.encode(entry)
        #expect(line == #"partners |\nwhere kind == academic"#)
        #expect(!line.contains("\n"))
        #expect(HistoryCodec.decode(line) == entry)
    }

    @Test func backslashesSurvive() {
        // An Ally string escape `\n` typed by the user is text, not a line break.
        let entry = #"partners | where name contains "a\nb" and note == "c:\\d""#
        #expect(HistoryCodec.encode(entry) == #"partners | where name contains "a\\nb" and note == "c:\\\\d""#)
        #expect(HistoryCodec.decode(HistoryCodec.encode(entry)) == entry)
    }

    @Test(arguments: [
        "", "\\", "\\\\", "\n", "\r\n", "a\\nb", "x\n\n\ny", "trailing\\", "\\n\n\\r\r", "naïve ✓\nünïcode",
    ])
    func roundTrips(_ entry: String) {
        #expect(HistoryCodec.decode(HistoryCodec.encode(entry)) == entry)
    }

    @Test func unknownEscapesAndLoneBackslashAreKept() {
        #expect(HistoryCodec.decode(#"a\tb"#) == #"a\tb"#)
        #expect(HistoryCodec.decode(#"end\"#) == #"end\"#)
    }

    @Test func fileRoundTripSkipsEmptyLinesAndCarriageReturns() {
        let entries = ["partners", "partners |\nwhere stage == piloting", #"say "\""#]
        let bytes = HistoryCodec.encodeFile(entries)
        #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == entries.count)
        #expect(HistoryCodec.decodeFile(bytes) == entries)
        #expect(HistoryCodec.decodeFile(Array("a\r\n\r\n\nb\nc".utf8)) == ["a", "b", "c"])
    }
}
