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
        var out = ""
        writeJSON(value, into: &out)
        return out
    }

    static func writeJSON(_ value: Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.isFinite ? number(n) : "null"
        case .string(let s): writeJSONString(s, into: &out)
        case .date(let d): out += "\"\(d)\""
        case .duration(let d): out += "\"\(d)\""
        case .enumeration(let e): out += "\"\(e.name)\""
        case .reference(_, let id): writeJSONString(id, into: &out)
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                writeJSON(item, into: &out)
            }
            out += "]"
        case .record(let record):
            out += "{"
            for (index, (key, item)) in record.pairs.enumerated() {
                if index > 0 { out += ", " }
                writeJSONString(key, into: &out)
                out += ": "
                writeJSON(item, into: &out)
            }
            out += "}"
        }
    }

    static func writeJSONString(_ text: String, into out: inout String) {
        out += "\""
        // Most strings (ids, names) need no escape: appended whole, not scalar by scalar.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
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
