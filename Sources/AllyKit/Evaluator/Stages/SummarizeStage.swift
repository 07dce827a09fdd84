/// `summarize`: groups rows by their `by` values and folds each aggregate over each group,
/// from columns when the input is a scan over every entity of a type.
extension PipelineCompiler {
    /// summarize ITEM, ... [by EXPR, ...]: by-columns then aggregates, groups sorted by the
    /// by-columns ascending with nulls last.
    func compileSummarize(_ items: [Item], by: [Item], after input: CompiledPipeline) throws -> CompiledPipeline {
        let scope = Scope(shape: input.shape)
        let keys = try compileItems(by, scope: scope)
        let collector = AggregateCollector(rowScope: scope, slotOffset: by.count)
        let groupScope = Scope(columns: by.map(\.label), columnTypes: keys.map(\.type))
        let outputs = try items.map { try expressions(groupScope, aggregates: collector).compile($0.expr) }
        try checkDuplicateColumns(by + items)
        let aggregates = collector.aggregates
        let runtime = self.runtime
        let file = self.file
        let columns = by.map(\.label) + items.map(\.label)
        let columnGrouping = columnGroupingPlan(by: by, aggregates: aggregates, input: input)
        return CompiledPipeline(shape: .table(columns: columns, types: keys.map(\.type) + outputs.map(\.type), base: nil)) {
            let scanned = try input.scanOrRun()
            var fromColumns: Grouping?
            if let columnGrouping, case .positions(_, let selection) = scanned { fromColumns = try columnGrouping(selection) }
            let grouping = try fromColumns ?? Self.rowGrouping(try Self.rows(of: scanned.relation(runtime), runtime: runtime), keys: keys,
                                                               byCount: by.count, aggregates: aggregates, runtime: runtime, file: file)
            var order = Array(grouping.keys.indices)
            try Self.stableSort(&order, keys: grouping.keys, descending: Array(repeating: false, count: by.count), file: file,
                                ranges: by.map(\.expr.range))
            var out: [[Value]] = []
            for group in order {
                var slots = grouping.keys[group]
                for (position, aggregate) in aggregates.enumerated() {
                    do {
                        slots.append(try grouping.fold(aggregate.function, argument: position, group: group))
                    } catch let message as FunctionError {
                        throw Diagnostic(.typeMismatch, message.text, at: aggregate.range, in: file)
                    }
                }
                let groupRow = Row(entity: nil, values: slots)
                var outRow = grouping.keys[group]
                for output in outputs { outRow.append(try output.run(groupRow)) }
                out.append(outRow)
            }
            return .table(Table(columns: columns, rows: out))
        }
    }

    /// A scan over every entity of a type groups by columns when the `by` items and the
    /// aggregates' arguments are bare stored fields; nil otherwise.
    private func columnGroupingPlan(by: [Item], aggregates: [AggregateCollector.Aggregate],
                                    input: CompiledPipeline) -> ((Selection) throws -> Grouping?)? {
        guard input.scan != nil, case .entities(let type) = input.shape else { return nil }
        let byFields = by.map { item -> FieldSpec? in
            guard case .name(let name) = item.expr.kind, let field = FieldCatalog.field(name, of: type),
                  Column.layout(of: field) == .dictionary else { return nil }
            return field
        }
        let argumentFields = aggregates.map { aggregate -> FieldSpec?? in
            guard let expr = aggregate.argumentExpr else { return .some(nil) }
            guard case .name(let name) = expr.kind, let field = FieldCatalog.field(name, of: type),
                  Column.layout(of: field) != nil else { return nil }
            return .some(field)
        }
        guard byFields.allSatisfy({ $0 != nil }), argumentFields.allSatisfy({ $0 != nil }) else { return nil }
        let runtime = self.runtime
        return { selection in
            try Self.columnGrouping(selection, type: type, by: byFields.map { $0! }, arguments: argumentFields.map { $0! }, runtime: runtime)
        }
    }

    /// Rows gathered into groups: each group's key values and members, and each aggregate's
    /// argument.
    struct Grouping {
        var keys: [[Value]] = []
        /// Positions in the input rows (`Argument.values`) or rows of the type's columns
        /// (`Argument.column`).
        var members: [[Int]] = []
        var arguments: [Argument] = []

        enum Argument {
            /// `count()`.
            case none
            /// The argument's value for every input row.
            case values([Value])
            /// A stored field's column, read at the members' rows (a million stakeholders are
            /// not copied into values first).
            case column(Column)
        }

        /// `function` over one group's values of argument `index`.
        func fold(_ function: AggregateFunction, argument index: Int, group: Int) throws -> Value {
            let members = self.members[group]
            switch arguments[index] {
            case .none: return try function.apply(nil, rowCount: members.count)
            case .values(let all): return try function.apply(members.map { all[$0] }, rowCount: members.count)
            case .column(let column):
                guard case .numbers(let numbers, let present) = column else {
                    return try function.apply(members.map { column.value(at: $0) }, rowCount: members.count)
                }
                var kept: [Double] = []
                kept.reserveCapacity(members.count)
                for row in members where present[row] { kept.append(numbers[row]) }
                return try function.apply(numbers: kept)
            }
        }
    }

    /// Groups rows by their key values in first-seen order (the caller sorts the groups).
    static func rowGrouping(_ rows: [Row], keys: [Compiled], byCount: Int, aggregates: [AggregateCollector.Aggregate],
                            runtime: Runtime, file: SourceFile) throws -> Grouping {
        var grouping = Grouping()
        if byCount == 0 {
            grouping.keys = [[]]
            grouping.members = [Array(rows.indices)]
        } else {
            var groupIndex: [[Value]: Int] = [:]
            for (position, row) in rows.enumerated() {
                try runtime.checkCancelled()
                let key = try evaluate(keys, on: row, file: file)
                let hashable = key.map(\.distinctKey)
                if let existing = groupIndex[hashable] {
                    grouping.members[existing].append(position)
                } else {
                    groupIndex[hashable] = grouping.keys.count
                    grouping.keys.append(key)
                    grouping.members.append([position])
                }
            }
        }
        // Aggregate arguments, evaluated once per row.
        for aggregate in aggregates {
            guard let argument = aggregate.argument else { grouping.arguments.append(.none); continue }
            var values: [Value] = []
            values.reserveCapacity(rows.count)
            for row in rows {
                try runtime.checkCancelled()
                do { values.append(try argument.run(row)) } catch var diagnostic as Diagnostic {
                    if let id = row.entity?.id { diagnostic.notes.append("while evaluating \(row.entity!.type.rawValue) `\(id)`") }
                    throw diagnostic
                }
            }
            grouping.arguments.append(.values(values))
        }
        return grouping
    }

    /// The same grouping read from columns: group codes instead of hashed key values, argument
    /// values straight from their columns. nil when a column is missing (rows decide then).
    static func columnGrouping(_ selection: Selection, type: EntityType, by: [FieldSpec], arguments: [FieldSpec?],
                               runtime: Runtime) throws -> Grouping? {
        let portfolio = runtime.portfolio
        var keyColumns: [(values: [Value], codes: [UInt32])] = []
        for field in by {
            guard case .dictionary(let values, let codes, _)? = portfolio.column(field, of: type) else { return nil }
            keyColumns.append((values, codes))
        }
        var argumentColumns: [Column?] = []
        for field in arguments {
            guard let field else { argumentColumns.append(nil); continue }
            guard let column = portfolio.column(field, of: type) else { return nil }
            argumentColumns.append(column)
        }
        try runtime.checkCancelled()
        var grouping = Grouping()
        if by.isEmpty {
            grouping.keys = [[]]
            var rows: [Int] = []
            rows.reserveCapacity(selection.count)
            selection.forEach { rows.append($0) }
            grouping.members = [rows]
        } else {
            // Codes that `==` cannot tell apart (by `distinctKey`) share a group.
            let canonical = keyColumns.map { column -> [Int] in
                var first: [Value: Int] = [:]
                return column.values.enumerated().map { code, value in
                    if let known = first[value.distinctKey] { return known }
                    first[value.distinctKey] = code
                    return code
                }
            }
            var groupOf: [[Int]: Int] = [:]
            var singleGroupOf = [Int](repeating: -1, count: keyColumns.count == 1 ? keyColumns[0].values.count : 0)
            selection.forEach { row in
                let group: Int
                if keyColumns.count == 1 {
                    let code = canonical[0][Int(keyColumns[0].codes[row])]
                    if singleGroupOf[code] < 0 {
                        singleGroupOf[code] = grouping.keys.count
                        grouping.keys.append([keyColumns[0].values[code]])
                        grouping.members.append([])
                    }
                    group = singleGroupOf[code]
                } else {
                    let codes = keyColumns.indices.map { canonical[$0][Int(keyColumns[$0].codes[row])] }
                    if let known = groupOf[codes] {
                        group = known
                    } else {
                        group = grouping.keys.count
                        groupOf[codes] = group
                        grouping.keys.append(keyColumns.indices.map { keyColumns[$0].values[codes[$0]] })
                        grouping.members.append([])
                    }
                }
                grouping.members[group].append(row)
            }
        }
        grouping.arguments = argumentColumns.map { $0.map(Grouping.Argument.column) ?? .none }
        return grouping
    }
}
