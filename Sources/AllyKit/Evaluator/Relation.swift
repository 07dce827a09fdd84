/// The static type of an expression, as far as the compiler can tell; it decides how bare
/// names resolve (`kind == academic`) and catches type errors before rows run.
indirect enum StaticType: Equatable, Sendable {
    case unknown, null, bool, number, string, date, duration
    case enumeration(EnumType)
    case reference(EntityType)
    case list(StaticType)
    case record(FieldType?)

    var isEnumeration: Bool {
        if case .enumeration = self { return true }
        return false
    }

    init(_ field: FieldType) {
        switch field {
        case .identifier, .string: self = .string
        case .number, .integer, .bounded, .percent: self = .number
        case .bool: self = .bool
        case .date: self = .date
        case .duration: self = .duration
        case .enumeration(let e): self = .enumeration(e)
        case .reference(let t): self = .reference(t)
        case .list(let element): self = .list(StaticType(element))
        case .fit, .decisions, .party, .kpi, .milestone: self = .record(field)
        }
    }

    static func of(_ value: Value) -> StaticType {
        switch value {
        case .null: return .null
        case .bool: return .bool
        case .number: return .number
        case .string: return .string
        case .date: return .date
        case .duration: return .duration
        case .enumeration(let e): return .enumeration(e.type)
        case .reference(let t, _): return .reference(t)
        case .list: return .list(.unknown)
        case .record: return .record(nil)
        }
    }
}

/// One row flowing through a pipeline: an entity, computed column values, or both (after
/// `extend` on entities the row keeps its entity so its fields stay reachable).
struct Row {
    var entity: Entity?
    var values: [Value]

    init(entity: Entity?, values: [Value] = []) {
        self.entity = entity
        self.values = values
    }
}

/// What a pipeline stage hands to the next one.
enum Relation {
    case entities(EntityType, [Entity])
    case table(Table)
    case scalar(Value)
    case picture(PictureKind, ResultTable)
}

/// A table in flight; `base` keeps the entity behind each row where there is one.
struct Table {
    var columns: [String]
    var rows: [[Value]]
    var baseType: EntityType?
    var base: [Entity]?

    func row(_ index: Int) -> Row { Row(entity: base?[index], values: rows[index]) }
}

/// The static shape of a stage's output, known before any row runs.
enum Shape: Equatable {
    case entities(EntityType)
    case table(columns: [String], types: [StaticType], base: EntityType?)
    case scalar
    case picture

    var description: String {
        switch self {
        case .entities(let type): return "\(type.rawValue) rows"
        case .table: return "a table"
        case .scalar: return "a single value"
        case .picture: return "a picture"
        }
    }
}

/// The pictures a pipeline can end in.
public enum PictureKind: String, Sendable {
    case grid, chart, timeline
}

/// A finished result, ready to render.
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[Value]]
    public init(columns: [String], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// What a statement shows: a table, a single value, a picture (with its data), text (help,
/// schema, messages), or a line a report prints (`print`), which each format writes its way.
public enum QueryResult: Sendable {
    case scalar(Value)
    case table(ResultTable)
    case picture(PictureKind, ResultTable, today: Day)
    case text(String)
    case line(String)
}
