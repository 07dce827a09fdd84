/// Text forms of values: plain (messages, CSV cells, table cells), JSON, and Ally literals.
public enum ValueFormatter {
    /// A number as people write it: integers without a fraction, others in shortest round-trip form,
    /// never in exponent notation.
    public static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 9e18 {
            return n == 0 ? "0" : String(Int64(n))
        }
        var text = "\(n)"
        if text.contains("e") { text = expandExponent(text) }
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `1.5e-07` → `0.00000015`; `1.2e+20` → `120000000000000000000`.
    static func expandExponent(_ text: String) -> String {
        let parts = text.split(separator: "e")
        guard parts.count == 2, let exponent = Int(parts[1]) else { return text }
        var mantissa = String(parts[0])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(pieces[0]), fraction = pieces.count > 1 ? String(pieces[1]) : ""
        let digits = integerPart + fraction
        let point = integerPart.count + exponent
        var result: String
        if point <= 0 {
            result = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            result = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: point)
            result = digits[..<index] + "." + digits[index...]
        }
        while result.contains("."), result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return (negative ? "-" : "") + result
    }

    /// Plain text: null is empty, references print as ids, lists and records in JSON form.
    public static func plain(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return number(n)
        case .string(let s): return s
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .enumeration(let e): return e.name
        case .reference(_, let id): return id
        case .list, .record: return json(value)
        }
    }

    public static func json(_ value: Value) -> String {
        var out = JSONText()
        writeJSON(value, into: &out)
        return out.string
    }

    /// JSON text being written: bytes, appended far more cheaply than to a String (a query's
    /// JSON output is many short pieces).
    struct JSONText {
        private(set) var bytes: [UInt8] = []

        init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        mutating func append(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func append(_ text: String) {
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }

        mutating func append(byte: UInt8) { bytes.append(byte) }
    }

    static func writeJSON(_ value: Value, into out: inout JSONText) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): if n.isFinite { out.append(number(n)) } else { out.append("null") }
        case .string(let s): writeJSONString(s, into: &out)
        case .date(let d): writeJSONString(d.description, into: &out)
        case .duration(let d): writeJSONString(d.description, into: &out)
        case .enumeration(let e): writeJSONString(e.name, into: &out)
        case .reference(_, let id): writeJSONString(id, into: &out)
        case .list(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(", ") }
                writeJSON(item, into: &out)
            }
            out.append("]")
        case .record(let record):
            out.append("{")
            for (index, (key, item)) in record.pairs.enumerated() {
                if index > 0 { out.append(", ") }
                writeJSONString(key, into: &out)
                out.append(": ")
                writeJSON(item, into: &out)
            }
            out.append("}")
        }
    }

    /// The lowercase hex digit of a value below 16.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    static func writeJSONString(_ text: String, into out: inout JSONText) {
        out.append(byte: UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out.append("\\\"")
                case UInt8(ascii: "\\"): out.append("\\\\")
                case 0x0A: out.append("\\n")
                case 0x0D: out.append("\\r")
                case 0x09: out.append("\\t")
                case ..<0x20:
                    out.append("\\u00")
                    out.append(byte: hexDigit(byte >> 4))
                    out.append(byte: hexDigit(byte & 0xF))
                default:
                    // Any other byte, a multi-byte character's too, is written as it is.
                    out.append(byte: byte)
                }
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }

    /// An Ally literal that reads back as the same value.
    public static func literal(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n < 0 ? "-" + number(-n) : number(n)
        case .string(let s): return allyString(s)
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .enumeration(let e): return e.name
        case .reference(_, let id): return id
        case .list(let items): return "[" + items.map(literal).joined(separator: ", ") + "]"
        case .record(let record):
            return "{" + record.pairs.map { "\($0.0): \(literal($0.1))" }.joined(separator: ", ") + "}"
        }
    }

    static func allyString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
