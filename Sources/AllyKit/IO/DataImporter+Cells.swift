import Foundation

extension DataImporter {
    // MARK: Cells

    /// A CSV cell read as a field of a plain type and checked in one step: what
    /// `convert` then `FieldValidator.validate` give, or nil when the type is not plain or the
    /// cell does not pass (those two then run and word the error, in their order).
    static func quickCell(_ raw: Value, as type: FieldType, references: some ReferenceResolver) -> Value? {
        guard case .string(let text) = raw else { return nil }
        switch type {
        case .string: return raw
        case .identifier: return PortfolioEditor.isIdentifier(text) ? raw : nil
        case .number, .percent, .integer, .bounded:
            guard let number = DataImporter.number(text), type.admits(number) else { return nil }
            return .number(number)
        case .enumeration(let enumType):
            // By the name's bytes (a table look-up), unless it has spaces to trim.
            var name = text
            if let value = name.withUTF8({ bytes -> EnumValue? in
                guard let first = bytes.first, let last = bytes.last, String.isPlain(first), String.isPlain(last) else { return nil }
                return enumType.value(utf8: UnsafeRawBufferPointer(bytes)[...])
            }) {
                return .enumeration(value)
            }
            return enumType.value(named: text.trimmedSpaces).map { .enumeration($0) }
        case .date:
            return Day(iso: text.trimmedSpaces).map { .date($0) }
        case .bool:
            return bool(text).map(Value.bool)
        case .reference(let entityType):
            let id = text.trimmedSpaces
            return references.exists(entityType, id) ? .reference(entityType, id) : nil
        default:
            return nil
        }
    }


    /// A CSV cell (text) or JSON value, read as a field's type.
    /// `json`: `raw` is a JSON value, so a string for a list field is one item (as in a
    /// definition), not a cell of `;`-separated items or of JSON.
    static func convert(_ raw: Value, to type: FieldType, row: Int, column: String, json: Bool = false) throws -> Value {
        func fail(_ message: String, help: String? = nil) -> RowError {
            RowError(row: row, column: column, message: message, help: help)
        }
        guard case .string(let text) = raw else {
            // JSON values: lists and records convert member by member.
            switch (type, raw) {
            case (.list(let element), .list(let items)):
                return .list(try items.map { try convert($0, to: element, row: row, column: column) })
            case (.party, .record(let record)), (.kpi, .record(let record)), (.milestone, .record(let record)), (.fit, .record(let record)):
                var out = Record()
                for (key, value) in record.pairs {
                    guard let member = type.members?.first(where: { $0.name == key }) else {
                        throw fail("`\(key)` is not a member of \(type.description)", help: Suggestions.help(for: key, in: type.members?.map(\.name) ?? []))
                    }
                    out[key] = value.isNull ? .null : try convert(value, to: member.type, row: row, column: "\(column).\(key)")
                }
                return .record(out)
            case (.decisions, .record(let record)):
                return .record(Record(try record.pairs.map { ($0.0, try convert($0.1, to: .enumeration(.rule), row: row, column: "\(column).\($0.0)")) }))
            default:
                return raw
            }
        }
        switch type {
        case .string, .identifier: return raw
        case .number, .integer, .bounded, .percent:
            guard let number = Self.number(text) else { throw fail("`\(text)` is not a number") }
            return .number(number)
        case .bool:
            guard let flag = bool(text) else { throw fail("`\(text)` is not true or false") }
            return .bool(flag)
        case .date:
            guard let day = Day(iso: text.trimmedSpaces) else { throw fail("`\(text)` is not a date (YYYY-MM-DD)") }
            return .date(day)
        case .duration:
            guard let duration = Duration(text: text.trimmedSpaces) else {
                throw fail("`\(text)` is not a duration such as 90d, 12w, 6mo or 2y (a whole number up to \(Duration.largestAmount))")
            }
            return .duration(duration)
        case .enumeration(let enumType):
            let name = text.trimmedSpaces
            guard let value = enumType.value(named: name) else {
                throw fail("`\(name)` is not a \(enumType.rawValue)", help: Suggestions.help(for: name, in: enumType.cases))
            }
            return .enumeration(value)
        case .reference(let entityType):
            return .reference(entityType, text.trimmedSpaces)
        case .list(let element) where json:
            return .list([try convert(raw, to: element, row: row, column: column, json: true)])
        case .list(let element):
            if text.hasPrefix("[") {
                do { return try convert(try JSONReader.parse(Array(text.utf8)), to: type, row: row, column: column) } catch is JSONFailure {}
            }
            let items = text.split(separator: ";", omittingEmptySubsequences: true).map { $0.trimmedSpaces }
            return .list(try items.map { try convert(.string($0), to: element, row: row, column: column) })
        case .party where PortfolioEditor.isIdentifier(text.trimmedSpaces):
            // A party given by its partner's id alone, as in a definition: `[mercy, stateu]`.
            return .record(Record(keys: ["partner"], values: [.reference(.partner, text.trimmedSpaces)]))
        case .fit, .decisions, .party, .kpi, .milestone:
            do {
                return try convert(try JSONReader.parse(Array(text.utf8)), to: type, row: row, column: column)
            } catch let failure as JSONFailure {
                throw fail("the cell must hold JSON (\(failure.message))")
            }
        }
    }

    /// A cell as a bool: true, yes, 1 or false, no, 0 (any case).
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: return nil
        }
    }

    /// A number as Ally writes it (`1_000`, `2.5M`, `60%`) or plain.
    static func number(_ text: String) -> Double? {
        // Plain digits, the usual cell (scores, amounts): exact without the text-to-double
        // conversion (15 digits stay below 2^53, so the value is the same).
        let utf8 = text.utf8
        if !utf8.isEmpty, utf8.count <= 15 {
            var whole = 0
            var digits = true
            for byte in utf8 {
                guard byte >= 0x30, byte <= 0x39 else { digits = false; break }
                whole = whole * 10 + Int(byte - 0x30)
            }
            if digits { return Double(whole) }
        }
        var body = text.trimmedSpaces
        if body.utf8.contains(UInt8(ascii: "_")) { body = body.replacingOccurrences(of: "_", with: "") }
        var multiplier = 1.0
        if let last = body.last {
            switch last {
            case "k": multiplier = 1e3
            case "M": multiplier = 1e6
            case "B": multiplier = 1e9
            case "%": multiplier = 0.01
            default: break
            }
            if multiplier != 1 { body.removeLast() }
        }
        guard let value = Double(body), value.isFinite else { return nil }
        return multiplier == 0.01 ? value / 100 : value * multiplier
    }
}

extension String {
    /// Not a byte `trimmedSpaces` trims (space, tab) nor part of a wider character.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }

    /// `trimmedSpaces` of a string (every cell): its first and last bytes read in place.
    var trimmedSpaces: String {
        var copy = self
        let plain = copy.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return Self.isPlain(first) && Self.isPlain(last)
        }
        return plain ? self : trimmingCharacters(in: .whitespaces)
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's round trip through UTF-16
    /// when there is nothing to trim (the usual cell): `.whitespaces` holds no ASCII byte but
    /// space and tab.
    var trimmedSpaces: String {
        guard let first = utf8.first, let last = utf8.last else { return String(self) }
        if String.isPlain(first), String.isPlain(last) { return String(self) }
        return trimmingCharacters(in: .whitespaces)
    }
}
