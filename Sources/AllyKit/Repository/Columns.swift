/// One stored field's values for every entity of a type, in id order (the order of
/// `Portfolio.allEntities`). A column is built the first time a scan needs it and lives as long
/// as the type's entity rows do: any change to the type drops it, and forks share it.
enum Column: Sendable {
    /// Fields with few distinct values (enums, text, references, bools): each row holds the
    /// position of its value in `values`, so a comparison runs once per distinct value.
    /// `lookup` finds a value's code when a changed entity is patched in (kept while there are
    /// few distinct values; a column without it is rebuilt instead).
    case dictionary(values: [Value], codes: [UInt32], lookup: [Value: UInt32]?)
    /// Numbers; `present[i]` is false where the field is null.
    case numbers([Double], present: [Bool])
    /// Dates as days since 1970-01-01; `present[i]` is false where the field is null.
    case days([Int], present: [Bool])

    /// How a field is laid out in a column, or nil for fields scans leave to the row-by-row path
    /// (lists, records, durations, computed fields).
    enum Layout { case dictionary, numbers, days }

    /// Distinct values up to which a dictionary column keeps its lookup for patching.
    static let patchableDistinctValues = 4096

    static func layout(of field: FieldSpec) -> Layout? {
        guard field.isStored, field.read != nil else { return nil }
        switch field.type {
        case .identifier, .string, .bool, .enumeration, .reference: return .dictionary
        case .number, .integer, .bounded, .percent: return .numbers
        case .date: return .days
        default: return nil
        }
    }

    /// Reads `field` from each of `count` entities in order (`forEach` calls its argument with
    /// each); nil if a value does not fit the layout (never expected of a stored field, but a
    /// scan then falls back to rows rather than guess).
    static func build(_ field: FieldSpec, count: Int, _ forEach: ((Entity) -> Void) -> Void) -> Column? {
        guard let layout = layout(of: field), let get = field.read else { return nil }
        switch layout {
        case .dictionary:
            var positions: [Value: UInt32] = [:]
            // Enum cases by index, without hashing (most dictionary columns are enums).
            var enumCodes = [UInt32](repeating: .max, count: 256)
            var values: [Value] = []
            var codes: [UInt32] = []
            codes.reserveCapacity(count)
            forEach { entity in
                let value = get(entity)
                if case .enumeration(let e) = value, enumCodes[Int(e.index)] != .max {
                    codes.append(enumCodes[Int(e.index)])
                } else if let code = positions[value] {
                    codes.append(code)
                } else {
                    let code = UInt32(values.count)
                    positions[value] = code
                    if case .enumeration(let e) = value { enumCodes[Int(e.index)] = code }
                    values.append(value)
                    codes.append(code)
                }
            }
            return .dictionary(values: values, codes: codes, lookup: values.count <= patchableDistinctValues ? positions : nil)
        case .numbers:
            var numbers = [Double](repeating: 0, count: count)
            var present = [Bool](repeating: false, count: count)
            var index = 0, fits = true
            forEach { entity in
                switch get(entity) {
                case .number(let n): numbers[index] = n; present[index] = true
                case .null: break
                default: fits = false
                }
                index += 1
            }
            return fits ? .numbers(numbers, present: present) : nil
        case .days:
            var days = [Int](repeating: 0, count: count)
            var present = [Bool](repeating: false, count: count)
            var index = 0, fits = true
            forEach { entity in
                switch get(entity) {
                case .date(let d): days[index] = d.daysSinceEpoch; present[index] = true
                case .null: break
                default: fits = false
                }
                index += 1
            }
            return fits ? .days(days, present: present) : nil
        }
    }

    /// Makes row `index` hold `entity`'s value of `field` (an entity changed in place), editing
    /// the arrays in place when nothing else holds them; false when the column cannot take the
    /// value and must be rebuilt.
    mutating func patch(at index: Int, field: FieldSpec, entity: Entity) -> Bool {
        guard let value = field.read?(entity) else { return false }
        // Each case first empties `self`, so that the arrays bound below are the only
        // references and grow or change in place.
        switch self {
        case .dictionary(var values, var codes, var lookup):
            self = .numbers([], present: [])
            guard lookup != nil else { return false }
            if let code = lookup![value] {
                codes[index] = code
            } else {
                guard values.count < Self.patchableDistinctValues else { return false }
                lookup![value] = UInt32(values.count)
                codes[index] = UInt32(values.count)
                values.append(value)
            }
            self = .dictionary(values: values, codes: codes, lookup: lookup)
        case .numbers(var numbers, var present):
            self = .numbers([], present: [])
            switch value {
            case .number(let n): numbers[index] = n; present[index] = true
            case .null: numbers[index] = 0; present[index] = false
            default: return false
            }
            self = .numbers(numbers, present: present)
        case .days(var days, var present):
            self = .numbers([], present: [])
            switch value {
            case .date(let d): days[index] = d.daysSinceEpoch; present[index] = true
            case .null: days[index] = 0; present[index] = false
            default: return false
            }
            self = .days(days, present: present)
        }
        return true
    }

    /// The value of row `index`, as the field's getter gives it.
    func value(at index: Int) -> Value {
        switch self {
        case .dictionary(let values, let codes, _): return values[Int(codes[index])]
        case .numbers(let numbers, let present): return present[index] ? .number(numbers[index]) : .null
        case .days(let days, let present): return present[index] ? .date(Day(daysSinceEpoch: days[index])) : .null
        }
    }
}

/// Which rows of a type's id-ordered entities a scan has kept so far.
enum Selection: Sendable {
    /// Every row, `0..<count`.
    case all(Int)
    /// These rows, ascending.
    case some([Int32])

    var count: Int {
        switch self {
        case .all(let n): return n
        case .some(let rows): return rows.count
        }
    }

    /// The rows of this selection that pass `keep`, ascending.
    /// (Written into room for every row at once: a scan keeps up to hundreds of thousands, and
    /// growing the array as it goes copied them several times.)
    @inline(__always)
    func filter(_ keep: (Int) -> Bool) -> [Int32] {
        switch self {
        case .all(let n):
            return [Int32](unsafeUninitializedCapacity: n) { buffer, kept in
                var next = 0
                for index in 0..<n where keep(index) {
                    buffer[next] = Int32(truncatingIfNeeded: index)
                    next += 1
                }
                kept = next
            }
        case .some(let rows):
            return [Int32](unsafeUninitializedCapacity: rows.count) { buffer, kept in
                var next = 0
                rows.withUnsafeBufferPointer { rows in
                    for row in rows where keep(Int(row)) {
                        buffer[next] = row
                        next += 1
                    }
                }
                kept = next
            }
        }
    }

    func forEach(_ body: (Int) -> Void) {
        switch self {
        case .all(let n): for index in 0..<n { body(index) }
        case .some(let rows): for row in rows { body(Int(row)) }
        }
    }

    var rows: [Int32] {
        switch self {
        case .all(let n): return (0..<n).map { Int32(truncatingIfNeeded: $0) }
        case .some(let rows): return rows
        }
    }
}
