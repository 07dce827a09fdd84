import Testing
@testable import AllyKit

/// The CSV reader takes unquoted cells in one slice; this is the byte-at-a-time reader it
/// replaced, kept as the reference for what every input must give.
struct ReferenceCSVReader<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
    struct Cell {
        var text: String
        var quoted: Bool
    }

    private let bytes: Bytes
    private var position: Int
    /// 1-based line of the record being read, for messages.
    private(set) var line = 1

    /// How far the reader has read (the start of the next record).
    var offset: Int { position }

    init(_ bytes: Bytes) {
        self.bytes = bytes
        position = bytes.startIndex
        // Skip a UTF-8 byte-order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position += 3 }
    }

    /// The next record, or nil at the end.
    mutating func next() throws -> [Cell]? {
        guard position < bytes.endIndex else { return nil }
        var cells: [Cell] = []
        var field: [UInt8] = []
        var quoted = false
        while true {
            if position >= bytes.endIndex {
                cells.append(Cell(text: String(decoding: field, as: UTF8.self), quoted: quoted))
                return cells
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\""), field.isEmpty, !quoted {
                quoted = true
                position += 1
                var closed = false
                while position < bytes.endIndex {
                    let inner = bytes[position]
                    if inner == UInt8(ascii: "\"") {
                        if position + 1 < bytes.endIndex, bytes[position + 1] == UInt8(ascii: "\"") {
                            field.append(inner)
                            position += 2
                            continue
                        }
                        position += 1
                        closed = true
                        break
                    }
                    if inner == 0x0A { line += 1 }
                    field.append(inner)
                    position += 1
                }
                if !closed { throw JSONFailure(message: "a quoted cell is not closed", offset: position) }
                continue
            }
            if byte == UInt8(ascii: ",") {
                cells.append(Cell(text: String(decoding: field, as: UTF8.self), quoted: quoted))
                field.removeAll(keepingCapacity: true)
                quoted = false
                position += 1
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                cells.append(Cell(text: String(decoding: field, as: UTF8.self), quoted: quoted))
                if byte == 0x0D, position + 1 < bytes.endIndex, bytes[position + 1] == 0x0A { position += 1 }
                position += 1
                line += 1
                return cells
            }
            field.append(byte)
            position += 1
        }
    }
}


@Suite("IO: CSV records")
struct CSVReaderTests {
    static func records<R>(_ next: () throws -> R?) -> [R]? {
        var out: [R] = []
        do {
            while let record = try next() { out.append(record) }
        } catch { return nil }
        return out
    }

    @Test("random CSV text (quotes, doubled quotes, CR, LF, CRLF, empty cells, UTF-8) reads as the byte-at-a-time reader read it")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "bc", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", "x y", "\u{E9}", "'=1", " "]
        var inputs = ["", "a", "a,b\n", "\"a,b\",c", "\"a\"\"b\"", "\"open", "a,\n,b", "a\r\nb\r\n", "ab\"c,d", "\"x\"y,z"]
        for _ in 0..<3_000 {
            inputs.append((0..<Int.random(in: 1...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for input in inputs {
            let bytes = Array(input.utf8)
            var new = CSVReader(bytes), old = ReferenceCSVReader(bytes)
            let got = Self.records { try new.next() }, expected = Self.records { try old.next() }
            #expect(got?.map { $0.map(\.text) } == expected?.map { $0.map(\.text) }, "\(input.debugDescription)")
            #expect(got?.map { $0.map(\.quoted) } == expected?.map { $0.map(\.quoted) }, "\(input.debugDescription)")
            #expect(new.line == old.line && new.offset == old.offset, "\(input.debugDescription)")
        }
    }
}
