/// An RFC 4180 reader that tells a quoted empty cell (`""`, an empty string) from an empty one
/// (the field's default).
///
/// It reads any byte collection, so a large file can be read from a memory map record by record.
struct CSVReader<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
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
        var cells: [Cell] = []
        return try next(into: &cells) ? cells : nil
    }

    /// Reads the next record into `cells` (emptied first, its storage kept: a file of a million
    /// rows is read without a new array for each); false at the end.
    mutating func next(into cells: inout [Cell]) throws -> Bool {
        cells.removeAll(keepingCapacity: true)
        guard position < bytes.endIndex else { return false }
        var field: [UInt8] = []
        var quoted = false
        while true {
            if position >= bytes.endIndex {
                cells.append(Cell(text: String(decoding: field, as: UTF8.self), quoted: quoted))
                return true
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
            if field.isEmpty, !quoted, byte != UInt8(ascii: ",") && byte != 0x0A && byte != 0x0D {
                // An unquoted cell (most of them): its bytes up to the next delimiter, as they are
                // (a quote inside it is an ordinary character, as below).
                let start = position
                while position < bytes.endIndex {
                    let next = bytes[position]
                    if next == UInt8(ascii: ",") || next == 0x0A || next == 0x0D { break }
                    position += 1
                }
                cells.append(Cell(text: String(decoding: bytes[start..<position], as: UTF8.self), quoted: false))
                if position >= bytes.endIndex { return true }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == 0x0D, position + 1 < bytes.endIndex, bytes[position + 1] == 0x0A { position += 1 }
                position += 1
                line += 1
                return true
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
                return true
            }
            field.append(byte)
            position += 1
        }
    }
}
