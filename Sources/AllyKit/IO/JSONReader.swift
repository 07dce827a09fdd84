import Foundation

/// Where and why a JSON text could not be read.
struct JSONFailure: Error {
    let message: String
    let offset: Int
    /// False when the text is valid JSON of the wrong shape (not an array): no position to show.
    var isSyntax = true
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
        // A UTF-8 byte-order mark is not part of the text (editors on Windows write one).
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position += 3 }
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
            throw Failure(message: notAnArray, offset: bytes.startIndex, isSyntax: false)
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
                let element = try reader.readValue()
                do {
                    try body(element)
                } catch {
                    // A record refused before the end: a syntax error later in the text is
                    // what is wrong with the file, so it is the one reported.
                    try reader.skipElements()
                    throw error
                }
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

    /// Reads (and drops) the rest of an array's elements and checks the text ends after it.
    private mutating func skipElements() throws {
        while true {
            skipSpace()
            guard position < bytes.endIndex else { throw Failure(message: "unexpected end of JSON", offset: position) }
            if bytes[position] == UInt8(ascii: "]") { position += 1; break }
            guard bytes[position] == UInt8(ascii: ",") else { throw Failure(message: "expected `,` or `]`", offset: position) }
            position += 1
            skipSpace()
            _ = try readValue()
        }
        try expectEnd()
    }

    private mutating func expectEnd() throws {
        skipSpace()
        guard position == bytes.endIndex else { throw Failure(message: "unexpected text after the JSON value", offset: position) }
    }

    private mutating func skipSpace() {
        while position < bytes.endIndex {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
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
            return try readNumber()
        }
    }

    /// number = [ "-" ] ( "0" | digit1-9 *digit ) [ "." 1*digit ] [ ( "e" | "E" ) [ "-" | "+" ] 1*digit ]
    /// (RFC 8259 section 6: no `+1`, `01`, `.5`, `1.` or `2.e3`).
    private mutating func readNumber() throws -> Value {
        let start = position
        func isDigit(_ at: Int) -> Bool { at < bytes.endIndex && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        func digits() throws {
            guard isDigit(position) else {
                throw Failure(message: "a digit must follow `\(Character(Unicode.Scalar(bytes[position - 1])))` in a number", offset: position)
            }
            while isDigit(position) { position += 1 }
        }
        if position < bytes.endIndex, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else {
            throw Failure(message: position > start ? "a digit must follow `-` in a number" : "expected a JSON value", offset: position)
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) { throw Failure(message: "a number must not start with 0 (write `0.5`, or the number without leading zeros)", offset: start) }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < bytes.endIndex, bytes[position] == UInt8(ascii: ".") {
            position += 1
            try digits()
        }
        if position < bytes.endIndex, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            try digits()
        }
        guard let number = Double(String(decoding: bytes[start..<position], as: UTF8.self)), number.isFinite else {
            throw Failure(message: "the number is too large", offset: start)
        }
        return .number(number)
    }

    private mutating func literal(_ word: String, _ value: Value) throws -> Value {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.endIndex, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw Failure(message: "unexpected word in JSON", offset: position)
        }
        position += utf8.count
        return value
    }

    /// A string (RFC 8259 section 7): only the escapes `\" \\ \/ \b \f \n \r \t \uXXXX`, a high
    /// surrogate only with a low one after it, no raw control character, and valid UTF-8.
    private mutating func readString() throws -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw Failure(message: "the string is not valid UTF-8", offset: start)
                }
                return text
            }
            if byte < 0x20 {
                throw Failure(message: "a control character (U+\(String(format: "%04X", byte))) must be written as an escape such as \\n or \\u0009 inside a string", offset: position)
            }
            if byte == UInt8(ascii: "\\") {
                let escapeStart = position
                position += 1
                guard position < bytes.endIndex else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4(escapeStart)
                    if (0xDC00...0xDFFF).contains(code) {
                        throw Failure(message: "\\u\(String(format: "%04X", code)) is a low surrogate without a high one before it", offset: escapeStart)
                    }
                    if (0xD800...0xDBFF).contains(code) {
                        guard position + 1 < bytes.endIndex, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw Failure(message: "\\u\(String(format: "%04X", code)) is a high surrogate without a low one (\\uDC00 to \\uDFFF) after it", offset: escapeStart)
                        }
                        let lowStart = position
                        position += 2
                        let low = try hex4(lowStart)
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw Failure(message: "\\u\(String(format: "%04X", code)) must be followed by a low surrogate (\\uDC00 to \\uDFFF), not \\u\(String(format: "%04X", low))", offset: lowStart)
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw Failure(message: "invalid \\u escape", offset: escapeStart) }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw Failure(message: "`\\\(escape < 0x80 && escape >= 0x20 ? String(Character(Unicode.Scalar(escape))) : "")` is not a JSON escape (they are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", offset: escapeStart)
                }
                continue
            }
            // A run of plain bytes is copied in one go (a script an editor sends is one long run).
            let run = position
            while position < bytes.endIndex, bytes[position] >= 0x20, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
                position += 1
            }
            out.append(contentsOf: bytes[run..<position])
        }
        throw Failure(message: "unterminated string", offset: start)
    }

    /// The four hex digits of a `\\u` escape (exactly four: no sign, no space).
    private mutating func hex4(_ escapeStart: Int) throws -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 {
            guard position + index < bytes.endIndex, let digit = Self.hexDigit(bytes[position + index]) else {
                throw Failure(message: "\\u must be followed by four hex digits", offset: escapeStart)
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}
