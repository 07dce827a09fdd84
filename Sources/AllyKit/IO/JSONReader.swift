/// Where and why a JSON text could not be read.
struct JSONFailure: Error {
    let message: String
    let offset: Int
}

/// A small JSON reader that keeps object keys in their written order (records such as
/// `decisions` are ordered) and reports where it stopped on bad input. It reads any byte
/// collection, so a large file can be read from a memory map.
struct JSONReader<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
    typealias Failure = JSONFailure

    private let bytes: Bytes
    private var position: Int
    private var depth = 0

    init(_ bytes: Bytes) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    static func parse(_ bytes: Bytes) throws -> Value {
        var reader = JSONReader(bytes)
        reader.skipSpace()
        let value = try reader.readValue()
        try reader.expectEnd()
        return value
    }

    /// The elements of a JSON array one at a time, each read as `body` is about to get it (an
    /// import then never holds the whole document's values). `release` is told, now and then,
    /// the offset before which the bytes are no longer needed. A text that is not an array
    /// fails as `parse` would, or with `notAnArray`.
    static func forEachElement(_ bytes: Bytes, notAnArray: String, release: ((Int) -> Void)? = nil,
                               _ body: (Value) throws -> Void) throws {
        var reader = JSONReader(bytes)
        reader.skipSpace()
        guard reader.position < bytes.endIndex, bytes[reader.position] == UInt8(ascii: "[") else {
            _ = try parse(bytes)
            throw Failure(message: notAnArray, offset: bytes.startIndex)
        }
        reader.position += 1
        reader.depth = 1
        reader.skipSpace()
        if reader.position < bytes.endIndex, bytes[reader.position] == UInt8(ascii: "]") {
            reader.position += 1
        } else {
            var count = 0
            while true {
                reader.skipSpace()
                try body(try reader.readValue())
                count += 1
                if count % 4096 == 0 { release?(reader.position) }
                reader.skipSpace()
                guard reader.position < bytes.endIndex else { throw Failure(message: "unexpected end of JSON", offset: reader.position) }
                if bytes[reader.position] == UInt8(ascii: ",") { reader.position += 1; continue }
                if bytes[reader.position] == UInt8(ascii: "]") { reader.position += 1; break }
                throw Failure(message: "expected `,` or `]`", offset: reader.position)
            }
        }
        try reader.expectEnd()
    }

    private mutating func expectEnd() throws {
        skipSpace()
        guard position == bytes.endIndex else { throw Failure(message: "unexpected text after the JSON value", offset: position) }
    }

    private mutating func skipSpace() {
        while position < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func readValue() throws -> Value {
        guard position < bytes.endIndex else { throw Failure(message: "unexpected end of JSON", offset: position) }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            depth += 1
            defer { depth -= 1 }
            guard depth < 512 else { throw Failure(message: "JSON nested too deeply", offset: position) }
            position += 1
            var record = Record()
            skipSpace()
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "}") { position += 1; return .record(record) }
            while true {
                skipSpace()
                guard position < bytes.endIndex, bytes[position] == UInt8(ascii: "\"") else {
                    throw Failure(message: "expected a key in quotes", offset: position)
                }
                let key = try readString()
                skipSpace()
                guard position < bytes.endIndex, bytes[position] == UInt8(ascii: ":") else { throw Failure(message: "expected `:`", offset: position) }
                position += 1
                skipSpace()
                record.keys.append(key)
                record.values.append(try readValue())
                skipSpace()
                guard position < bytes.endIndex else { throw Failure(message: "unexpected end of JSON", offset: position) }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .record(record) }
                throw Failure(message: "expected `,` or `}`", offset: position)
            }
        case UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth < 512 else { throw Failure(message: "JSON nested too deeply", offset: position) }
            position += 1
            var items: [Value] = []
            skipSpace()
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "]") { position += 1; return .list(items) }
            while true {
                skipSpace()
                items.append(try readValue())
                skipSpace()
                guard position < bytes.endIndex else { throw Failure(message: "unexpected end of JSON", offset: position) }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .list(items) }
                throw Failure(message: "expected `,` or `]`", offset: position)
            }
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            let start = position
            while position < bytes.endIndex, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
            guard position > start, let number = Double(String(decoding: bytes[start..<position], as: UTF8.self)), number.isFinite else {
                throw Failure(message: "unexpected character in JSON", offset: start)
            }
            return .number(number)
        }
    }

    private mutating func literal(_ word: String, _ value: Value) throws -> Value {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.endIndex, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw Failure(message: "unexpected word in JSON", offset: position)
        }
        position += utf8.count
        return value
    }

    private mutating func readString() throws -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { position += 1; return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.endIndex else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code), position + 1 < bytes.endIndex, bytes[position] == UInt8(ascii: "\\"),
                       bytes[position + 1] == UInt8(ascii: "u") {
                        position += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw Failure(message: "invalid \\u escape", offset: position) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(escape)
                }
                continue
            }
            out.append(byte)
            position += 1
        }
        throw Failure(message: "unterminated string", offset: start)
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.endIndex, let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw Failure(message: "invalid \\u escape", offset: position)
        }
        position += 4
        return value
    }
}

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
