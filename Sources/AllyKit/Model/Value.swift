/// A value of the language: what expressions compute, fields hold and results contain.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case date(Day)
    case duration(Duration)
    case enumeration(EnumValue)
    /// A reference to an entity; prints as its id.
    case reference(EntityType, String)
    case list([Value])
    case record(Record)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .duration: return "duration"
        case .enumeration(let e): return e.type.rawValue
        case .reference(let type, _): return "\(type.rawValue) reference"
        case .list: return "list"
        case .record: return "record"
        }
    }

    /// Truth for `where`, `and`, `or`, `not`: null (and anything not a bool) counts as false.
    public var isTrue: Bool { if case .bool(true) = self { return true } else { return false } }

    /// Text for ids, references and strings; used where ids compare with strings.
    var idText: String? {
        switch self {
        case .string(let s): return s
        case .reference(_, let id): return id
        default: return nil
        }
    }
}

/// An ordered record `{k: v}`: fields keep the order they were written in.
public struct Record: Hashable, Sendable {
    public var keys: [String]
    public var values: [Value]

    public init(keys: [String] = [], values: [Value] = []) {
        self.keys = keys
        self.values = values
    }

    public init(_ pairs: [(String, Value)]) {
        keys = pairs.map(\.0)
        values = pairs.map(\.1)
    }

    public subscript(key: String) -> Value? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue { values[index] = newValue } else { keys.remove(at: index); values.remove(at: index) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public var pairs: [(String, Value)] { Array(zip(keys, values)) }
}

extension Value {
    /// Ordering for `sort`, `min`, `max` and comparisons: nil when the two are not comparable.
    /// Numbers numerically, strings by Unicode scalar values, dates chronologically, enum values
    /// by case name, `false < true`.
    static func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)): return compareText(x, y)
        case let (.date(x), .date(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (x ? 1 : -1)
        case let (.enumeration(x), .enumeration(y)): return compareText(x.name, y.name)
        case let (.enumeration(x), .string(y)): return compareText(x.name, y)
        case let (.string(x), .enumeration(y)): return compareText(x, y.name)
        case let (.reference(_, x), .reference(_, y)), let (.reference(_, x), .string(y)), let (.string(x), .reference(_, y)):
            return compareText(x, y)
        case let (.duration(x), .duration(y)):
            let dx = x.approximateDays, dy = y.approximateDays
            return dx < dy ? -1 : (dx > dy ? 1 : 0)
        default: return nil
        }
    }

    /// Byte-wise (UTF-8) order: -1, 0 or 1; 0 also for text `==` calls equal (canonically
    /// equivalent). Ids are compared this way everywhere, so it reads both strings' bytes in
    /// place rather than through a generic sequence.
    static func compareText(_ x: String, _ y: String) -> Int {
        var a = x, b = y
        let (order, plainBytes) = a.withUTF8 { p in
            b.withUTF8 { q -> (Int, Bool) in
                let n = Swift.min(p.count, q.count)
                var i = 0
                while i < n {
                    let u = p[i], v = q[i]
                    // Canonically equivalent texts can only differ first at a non-ASCII byte.
                    if u != v { return (u < v ? -1 : 1, u < 0x80 && v < 0x80) }
                    i += 1
                }
                return (p.count == q.count ? 0 : (p.count < q.count ? -1 : 1), true)
            }
        }
        if order != 0, !plainBytes, x == y { return 0 }
        return order
    }

    /// Equality as `==` sees it: ids and references equal strings by their text, enum values
    /// equal strings holding their case name.
    static func looselyEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.reference(_, x), .string(y)), let (.string(x), .reference(_, y)): return x == y
        case let (.reference(_, x), .reference(_, y)): return x == y
        case let (.enumeration(x), .string(y)), let (.string(y), .enumeration(x)): return x.name == y
        case let (.number(x), .number(y)): return x == y
        case let (.list(x), .list(y)):
            return x.count == y.count && zip(x, y).allSatisfy { looselyEqual($0, $1) }
        default: return a == b
        }
    }
}
