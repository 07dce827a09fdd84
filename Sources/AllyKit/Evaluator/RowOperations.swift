/// Row-at-a-time operations the stages share: a relation's rows, entities and table, filtering
/// and sorting, and the row context errors carry.
extension PipelineCompiler {
    static func entityType(of shape: Shape) -> EntityType? {
        switch shape {
        case .entities(let type): return type
        case .table(_, _, let base): return base
        default: return nil
        }
    }

    static func tableColumns(of shape: Shape) -> ([String], [StaticType], EntityType?) {
        switch shape {
        case .entities(let type):
            let columns = FieldCatalog.defaultColumns(of: type)
            let types = columns.map { name in FieldCatalog.field(name, of: type).map { StaticType($0.resultType ?? $0.type) } ?? .unknown }
            return (columns, types, type)
        case .table(let columns, let types, let base):
            return (columns, types.count == columns.count ? types : Array(repeating: .unknown, count: columns.count), base)
        default:
            return ([], [], nil)
        }
    }

    static func rows(of relation: Relation, runtime: Runtime) throws -> [Row] {
        switch relation {
        case .entities(_, let entities): return entities.map { Row(entity: $0) }
        case .table(let table): return table.rows.indices.map { table.row($0) }
        case .scalar(let value): return [Row(entity: nil, values: [value])]
        case .picture(_, let data): return data.rows.map { Row(entity: nil, values: $0) }
        }
    }

    static func entities(of relation: Relation) throws -> [Entity] {
        switch relation {
        case .entities(_, let entities): return entities
        case .table(let table): return table.base ?? []
        default: return []
        }
    }

    /// An entity set as a table of its default columns, keeping the entities as the base.
    static func table(of relation: Relation, runtime: Runtime) -> Table {
        switch relation {
        case .entities(let type, let entities):
            let getters = FieldCatalog.defaultColumns(of: type).compactMap { FieldCatalog.field($0, of: type)?.get }
            let rows = entities.map { entity in getters.map { $0(entity, runtime) } }
            return Table(columns: FieldCatalog.defaultColumns(of: type), rows: rows, baseType: type, base: entities)
        case .table(let table): return table
        case .scalar(let value): return Table(columns: ["value"], rows: [[value]])
        case .picture(_, let data): return Table(columns: data.columns, rows: data.rows)
        }
    }

    static func filter(_ relation: Relation, runtime: Runtime, file: SourceFile, _ keep: (Row) throws -> Bool) throws -> Relation {
        switch relation {
        case .entities(let type, let entities):
            var out: [Entity] = []
            for entity in entities {
                try runtime.checkCancelled()
                if try withRowContext(entity, { try keep(Row(entity: entity)) }) { out.append(entity) }
            }
            return .entities(type, out)
        case .table(var table):
            var rows: [[Value]] = []
            var base: [Entity]? = table.base == nil ? nil : []
            for index in table.rows.indices {
                try runtime.checkCancelled()
                if try withRowContext(table.base?[index], { try keep(table.row(index)) }) {
                    rows.append(table.rows[index])
                    base?.append(table.base![index])
                }
            }
            table.rows = rows
            table.base = base
            return .table(table)
        case let other:
            return other
        }
    }

    /// Adds "while evaluating partner `x`" to a run-time error.
    static func withRowContext<T>(_ entity: Entity?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var diagnostic as Diagnostic {
            if let entity, diagnostic.code != .cancelled {
                diagnostic.notes.append("while evaluating \(entity.type.rawValue) `\(entity.id)`")
            }
            throw diagnostic
        }
    }

    static func evaluate(_ compiled: [Compiled], on row: Row, file: SourceFile) throws -> [Value] {
        try withRowContext(row.entity) { try compiled.map { try $0.run(row) } }
    }

    static func sort(_ relation: Relation, keys: [(Compiled, Bool, SourceRange)], runtime: Runtime, file: SourceFile) throws -> Relation {
        let rows = try rows(of: relation, runtime: runtime)
        var keyValues: [[Value]] = []
        keyValues.reserveCapacity(rows.count)
        for row in rows {
            try runtime.checkCancelled()
            keyValues.append(try evaluate(keys.map(\.0), on: row, file: file))
        }
        var order = Array(rows.indices)
        try stableSort(&order, keys: keyValues, descending: keys.map(\.1), file: file, ranges: keys.map(\.2))
        switch relation {
        case .entities(let type, let entities): return .entities(type, order.map { entities[$0] })
        case .table(var table):
            table.rows = order.map { table.rows[$0] }
            table.base = table.base.map { base in order.map { base[$0] } }
            return .table(table)
        case let other: return other
        }
    }

    /// Sorts row positions by their keys: stable, nulls last in both directions. Keys of
    /// different types in one column are an error.
    static func stableSort(_ order: inout [Int], keys: [[Value]], descending: [Bool], file: SourceFile, ranges: [SourceRange]) throws {
        for column in descending.indices {
            var first: Value?
            for row in keys where !row[column].isNull {
                if let first {
                    if Value.order(first, row[column]) == nil {
                        throw Diagnostic(.typeMismatch, "cannot sort a \(first.typeName) with a \(row[column].typeName)",
                                         at: ranges[column], in: file)
                    }
                } else {
                    first = row[column]
                }
            }
        }
        order.sort { a, b in
            for column in descending.indices {
                let x = keys[a][column], y = keys[b][column]
                if x.isNull, y.isNull { continue }
                if x.isNull { return false }
                if y.isNull { return true }
                let comparison = Value.order(x, y) ?? 0
                if comparison != 0 { return descending[column] ? comparison > 0 : comparison < 0 }
            }
            return a < b
        }
    }
}

extension Value {
    /// A hashable key under which values `==` considers equal group together (ids with strings).
    var distinctKey: Value {
        switch self {
        case .reference(_, let id): return .string(id)
        case .enumeration(let e): return .string(e.name)
        default: return self
        }
    }
}
