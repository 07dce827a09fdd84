/// One stored field's values for every entity of a type, in id order (the order of
/// `Portfolio.allEntities`). A column is built the first time a scan needs it and lives as long
/// as the type's entity rows do: any change to the type drops it, and forks share it.
enum Column: Sendable {
    /// Fields with few distinct values (enums, text, references, bools): each row holds the
    /// position of its value in `values`, so a comparison runs once per distinct value.
    case dictionary(values: [Value], codes: [UInt32])
    /// Numbers; `present[i]` is false where the field is null.
    case numbers([Double], present: [Bool])
    /// Dates as days since 1970-01-01; `present[i]` is false where the field is null.
    case days([Int], present: [Bool])

    /// How a field is laid out in a column, or nil for fields scans leave to the row-by-row path
    /// (lists, records, durations, computed fields).
    enum Layout { case dictionary, numbers, days }

    static func layout(of field: FieldSpec) -> Layout? {
        guard field.isStored else { return nil }
        switch field.type {
        case .identifier, .string, .bool, .enumeration, .reference: return .dictionary
        case .number, .integer, .bounded, .percent: return .numbers
        case .date: return .days
        default: return nil
        }
    }

    /// Reads `field` from every entity; nil if a value does not fit the layout (never expected
    /// of a stored field, but a scan then falls back to rows rather than guess).
    static func build(_ field: FieldSpec, of entities: [Entity], context: EntityContext) -> Column? {
        guard let layout = layout(of: field) else { return nil }
        let get = field.get
        switch layout {
        case .dictionary:
            var positions: [Value: UInt32] = [:]
            var values: [Value] = []
            var codes: [UInt32] = []
            codes.reserveCapacity(entities.count)
            for entity in entities {
                let value = get(entity, context)
                if let code = positions[value] {
                    codes.append(code)
                } else {
                    let code = UInt32(values.count)
                    positions[value] = code
                    values.append(value)
                    codes.append(code)
                }
            }
            return .dictionary(values: values, codes: codes)
        case .numbers:
            var numbers = [Double](repeating: 0, count: entities.count)
            var present = [Bool](repeating: false, count: entities.count)
            for (index, entity) in entities.enumerated() {
                switch get(entity, context) {
                case .number(let n): numbers[index] = n; present[index] = true
                case .null: break
                default: return nil
                }
            }
            return .numbers(numbers, present: present)
        case .days:
            var days = [Int](repeating: 0, count: entities.count)
            var present = [Bool](repeating: false, count: entities.count)
            for (index, entity) in entities.enumerated() {
                switch get(entity, context) {
                case .date(let d): days[index] = d.daysSinceEpoch; present[index] = true
                case .null: break
                default: return nil
                }
            }
            return .days(days, present: present)
        }
    }

    /// The value of row `index`, as the field's getter gives it.
    func value(at index: Int) -> Value {
        switch self {
        case .dictionary(let values, let codes): return values[Int(codes[index])]
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
    @inline(__always)
    func filter(_ keep: (Int) -> Bool) -> [Int32] {
        var out: [Int32] = []
        switch self {
        case .all(let n):
            for index in 0..<n where keep(index) { out.append(Int32(truncatingIfNeeded: index)) }
        case .some(let rows):
            for row in rows where keep(Int(row)) { out.append(row) }
        }
        return out
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
