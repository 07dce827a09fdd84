/// A pipeline resolved against its shapes: running it reads the runtime's portfolio.
/// Rows handed over one at a time: calls its argument with each row in order.
typealias RowStream = (_ row: ([Value]) throws -> Void) throws -> Void

struct CompiledPipeline {
    let shape: Shape
    /// Set for stages whose rows may be a selection of every entity of one type (`partners`,
    /// `where` stages a column scan answers, relation stages with many rows in): a following
    /// stage that can read columns calls this instead of `run`, and gets the positions in
    /// `allEntities`, or the rows when the scan gave up.
    let scan: (() throws -> Scan)?
    /// Set for `select`: its rows one at a time, for a consumer that need not hold them all
    /// (a CSV export writes each as it comes). `run` collects the same rows.
    let stream: RowStream?
    let run: () throws -> Relation

    init(shape: Shape, scan: (() throws -> Scan)? = nil, stream: RowStream? = nil,
         run: @escaping () throws -> Relation) {
        self.shape = shape
        self.scan = scan
        self.stream = stream
        self.run = run
    }

    /// What a scan produced: positions of the type's entities, or the rows themselves.
    enum Scan {
        case positions(EntityType, Selection)
        case rows(Relation)

        func relation(_ runtime: Runtime) -> Relation {
            switch self {
            case .positions(let type, let selection):
                let all = runtime.portfolio.allEntities(type)
                if case .all = selection { return .entities(type, all) }
                return .entities(type, selection.rows.map { all[Int($0)] })
            case .rows(let relation): return relation
            }
        }
    }
}

/// Compiles pipelines stage by stage: each stage is resolved against the static shape of the
/// one before it, so every name is checked before any row runs.
struct PipelineCompiler {
    let runtime: Runtime
    let file: SourceFile

    func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    func expressions(_ scope: Scope, aggregates: AggregateCollector? = nil) -> ExpressionCompiler {
        ExpressionCompiler(runtime: runtime, file: file, scope: scope, aggregates: aggregates)
    }

    func compile(_ pipeline: Pipeline) throws -> CompiledPipeline {
        var current = try compileSource(pipeline.source, range: pipeline.sourceRange)
        var upstream: (stage: Stage, input: CompiledPipeline)?
        for stage in pipeline.stages {
            let compiled = IndexPlan.planned(stage, try compileStage(stage, after: current), input: current, upstream: upstream, compiler: self)
            upstream = (stage, current)
            current = compiled
        }
        return current
    }

    // MARK: Sources

    func compileSource(_ source: PipelineSource, range: SourceRange) throws -> CompiledPipeline {
        let runtime = self.runtime
        switch source {
        case .all(let type):
            return CompiledPipeline(shape: .entities(type), scan: { .positions(type, .all(runtime.portfolio.count(type))) }) {
                .entities(type, runtime.portfolio.allEntities(type))
            }
        case .one(let type, let id):
            if !runtime.checkOnly, !runtime.portfolio.contains(type, id.text) {
                throw error(.unknownEntity, "no \(type.rawValue) `\(id.text)`", id.range,
                            help: Suggestions.help(for: id.text, in: runtime.portfolio.sortedIds(type)))
            }
            let file = self.file
            return CompiledPipeline(shape: .entities(type)) {
                guard let entity = runtime.portfolio.entity(EntityKey(type, id.text)) else {
                    throw Diagnostic(.unknownEntity, "no \(type.rawValue) `\(id.text)`", at: id.range, in: file)
                }
                return .entities(type, [entity])
            }
        case .binding(let name):
            return try runtime.names.compileBindingSource(name, file: file, runtime: runtime)
        case .renewals(let within):
            var horizon = Compiled(run: { _ in .duration(Duration(180, .days)) }, type: .duration)
            if let within {
                horizon = try expressions(.empty).compile(within)
                if horizon.type != .duration, horizon.type != .unknown {
                    throw error(.typeMismatch, "`renewals within` takes a duration such as `90d` or `6mo`", within.range)
                }
            }
            let file = self.file
            return CompiledPipeline(shape: .table(columns: Analytics.renewalColumns, types: Analytics.renewalTypes, base: .agreement)) {
                guard case .duration(let duration) = try horizon.run(Row(entity: nil)) else {
                    throw Diagnostic(.typeMismatch, "`renewals within` takes a duration", at: range, in: file)
                }
                return .table(Analytics.renewals(in: runtime, within: duration))
            }
        case .path(let from, let to):
            return CompiledPipeline(shape: .table(columns: ["step", "from", "to", "via"], types: [.number, .string, .string, .string], base: nil)) {
                .table(try Analytics.path(from: from, to: to, runtime: runtime, file: self.file))
            }
        case .diff(let first, let second):
            let names = runtime.names
            let resolve = { () throws -> (Scenario, Scenario) in
                (try first.map { try names.requireScenario($0, file: self.file) } ?? names.baselineScenario,
                 try second.map { try names.requireScenario($0, file: self.file) } ?? names.currentScenario)
            }
            if !runtime.checkOnly { _ = try resolve() }
            return CompiledPipeline(shape: .table(columns: PortfolioDiff.columns, types: [.string, .string, .string, .string, .unknown, .unknown], base: nil)) {
                let (a, b) = try resolve()
                let result = try names.scenarioQueries.diff(a, b)
                return .table(Table(columns: result.columns, rows: result.rows))
            }
        case .compare(let names, let metrics):
            let lookup = runtime.names
            let resolve = { () throws -> [Scenario] in try names.map { try lookup.requireScenario($0, file: self.file) } }
            if !runtime.checkOnly { _ = try resolve() }
            let columns = ["metric"] + names.map(\.text) + ["delta", "change"]
            var seen = Set<String>()
            for name in names where !seen.insert(name.text).inserted {
                throw error(.invalidValue, "`\(name.text)` is compared twice", name.range)
            }
            return CompiledPipeline(shape: .table(columns: columns, types: [.string] + names.map { _ in .unknown } + [.number, .number], base: nil)) {
                let result = try lookup.scenarioQueries.compare(try resolve(), metrics: metrics, file: self.file)
                return .table(Table(columns: result.columns, rows: result.rows))
            }
        case .triggers:
            return CompiledPipeline(shape: .table(columns: ["trigger", "type", "id"], types: [.string, .string, .string], base: nil)) {
                .table(try runtime.names.scenarioQueries.firingTriggers(runtime: runtime))
            }
        case .scenarios:
            return CompiledPipeline(shape: .table(columns: ["name", "parent", "changed", "current"],
                                                  types: [.string, .string, .number, .bool], base: nil)) {
                .table(runtime.names.scenarioQueries.scenarioTable())
            }
        case .log(let name):
            let lookup = runtime.names
            let resolve = { () throws -> Scenario in try name.map { try lookup.requireScenario($0, file: self.file) } ?? lookup.currentScenario }
            if !runtime.checkOnly { _ = try resolve() }
            return CompiledPipeline(shape: .table(columns: ["step", "statement", "changed"], types: [.number, .string, .number], base: nil)) {
                .table(Table(columns: ["step", "statement", "changed"], rows: try resolve().history.rows))
            }
        }
    }

    // MARK: Stages

    func compileStage(_ stage: Stage, after input: CompiledPipeline) throws -> CompiledPipeline {
        if input.shape == .scalar {
            throw error(.stageAfterScalar, "`\(file.text(stage.nameRange))` cannot follow a single value", stage.nameRange,
                        help: "a stage needs rows; the pipeline before it gives one value")
        }
        if input.shape == .picture {
            throw error(.wrongInput, "`\(file.text(stage.nameRange))` cannot follow a picture", stage.nameRange,
                        help: "put `grid`, `chart` and `timeline` last")
        }
        let scope = Scope(shape: input.shape)
        let runtime = self.runtime
        let file = self.file
        switch stage.kind {
        case .filter(let expr):
            let predicate = try expressions(scope).compile(expr)
            if let inputScan = input.scan, case .entities(let type) = input.shape,
               let plan = ColumnPredicate.plan(expr, type: type, compiler: expressions(scope)) {
                let scan = { () throws -> CompiledPipeline.Scan in
                    let scanned = try inputScan()
                    try runtime.checkCancelled()
                    if case .positions(let type, let rows) = scanned, let kept = plan.select(rows, type: type, runtime: runtime) {
                        return .positions(type, .some(kept))
                    }
                    return .rows(try Self.filter(scanned.relation(runtime), runtime: runtime, file: file) { try predicate.run($0).isTrue })
                }
                return CompiledPipeline(shape: input.shape, scan: scan) { try scan().relation(runtime) }
            }
            return CompiledPipeline(shape: input.shape) {
                try Self.filter(try input.run(), runtime: runtime, file: file) { try predicate.run($0).isTrue }
            }
        case .sort(let keys):
            let compiled = try keys.map { (key: SortKey) -> (Compiled, Bool, SourceRange) in
                (try expressions(scope).compile(key.expr), key.descending, key.expr.range)
            }
            return CompiledPipeline(shape: input.shape) {
                try Self.sort(try input.run(), keys: compiled, runtime: runtime, file: file)
            }
        case .take(let expr):
            let count = try expressions(.empty).compile(expr)
            if count.type != .number, count.type != .unknown {
                throw error(.typeMismatch, "`take` needs a number of rows", expr.range)
            }
            return CompiledPipeline(shape: input.shape) {
                guard case .number(let n) = try count.run(Row(entity: nil)), n >= 0, n == n.rounded() else {
                    throw Diagnostic(.invalidValue, "`take` needs a whole number of rows, 0 or more", at: expr.range, in: file)
                }
                let limit = n > Double(Int.max / 2) ? Int.max / 2 : Int(n)
                switch try input.run() {
                case .entities(let type, let entities): return .entities(type, Array(entities.prefix(limit)))
                case .table(var table):
                    table.rows = Array(table.rows.prefix(limit))
                    table.base = table.base.map { Array($0.prefix(limit)) }
                    return .table(table)
                case let other: return other
                }
            }
        case .select(let items):
            let compiled = try compileItems(items, scope: scope)
            let columns = items.map(\.label)
            try checkDuplicateColumns(items)
            let stream: RowStream = { emit in
                let rows = try Self.rows(of: try input.run(), runtime: runtime)
                for row in rows {
                    try runtime.checkCancelled()
                    try emit(try Self.evaluate(compiled, on: row, file: file))
                }
            }
            return CompiledPipeline(shape: .table(columns: columns, types: compiled.map(\.type), base: nil), stream: stream) {
                var out: [[Value]] = []
                try stream { out.append($0) }
                return .table(Table(columns: columns, rows: out))
            }
        case .extend(let items):
            let (baseColumns, baseTypes, baseType) = Self.tableColumns(of: input.shape)
            let compiled = try compileItems(items, scope: scope)
            var columns = baseColumns
            var types = baseTypes
            var positions: [Int] = []
            for (item, compiledItem) in zip(items, compiled) {
                if let existing = columns.firstIndex(of: item.label) {
                    positions.append(existing)
                    types[existing] = compiledItem.type
                } else {
                    positions.append(columns.count)
                    columns.append(item.label)
                    types.append(compiledItem.type)
                }
            }
            let finalColumns = columns
            return CompiledPipeline(shape: .table(columns: columns, types: types, base: baseType)) {
                let relation = try input.run()
                var table = Self.table(of: relation, runtime: runtime)
                for index in table.rows.indices {
                    try runtime.checkCancelled()
                    let row = table.row(index)
                    let values = try Self.evaluate(compiled, on: row, file: file)
                    var newRow = table.rows[index]
                    for (position, value) in zip(positions, values) {
                        if position < newRow.count { newRow[position] = value } else { newRow.append(value) }
                    }
                    table.rows[index] = newRow
                }
                table.columns = finalColumns
                return .table(table)
            }
        case .summarize(let items, let by):
            return try compileSummarize(items, by: by, scope: scope, input: input)
        case .count:
            return CompiledPipeline(shape: .scalar) {
                let relation: Relation
                if let scan = input.scan {
                    let scanned = try scan()
                    if case .positions(_, let rows) = scanned { return .scalar(.number(Double(rows.count))) }
                    relation = scanned.relation(runtime)
                } else {
                    relation = try input.run()
                }
                switch relation {
                case .entities(_, let entities): return .scalar(.number(Double(entities.count)))
                case .table(let table): return .scalar(.number(Double(table.rows.count)))
                case .scalar: return .scalar(.number(1))
                case .picture(_, let data): return .scalar(.number(Double(data.rows.count)))
                }
            }
        case .distinct(let items):
            let compiled = try compileItems(items, scope: scope)
            let columns = items.map(\.label)
            try checkDuplicateColumns(items)
            return CompiledPipeline(shape: .table(columns: columns, types: compiled.map(\.type), base: nil)) {
                var seen = Set<[Value]>()
                var out: [[Value]] = []
                for row in try Self.rows(of: try input.run(), runtime: runtime) {
                    try runtime.checkCancelled()
                    let values = try Self.evaluate(compiled, on: row, file: file)
                    if seen.insert(values.map(\.distinctKey)).inserted { out.append(values) }
                }
                return .table(Table(columns: columns, rows: out))
            }
        case .relation(let target):
            guard let from = Self.entityType(of: input.shape) else {
                throw error(.wrongInput, "`\(target.plural)` follows a relation from partners, agreements or stakeholders, not from \(input.shape.description)",
                            stage.nameRange)
            }
            if from == target, from == .agreement {
                throw error(.wrongInput, "agreements have no relation to other agreements", stage.nameRange,
                            help: "try `agreements | partners | agreements`")
            }
            // Many rows in: follow by positions, so that later stages can read columns.
            let scan = { () throws -> CompiledPipeline.Scan in
                let entities = try Self.entities(of: try input.scan?().relation(runtime) ?? input.run())
                switch try Analytics.followRelation(entities, to: target, runtime: runtime) {
                case .positions(let positions): return .positions(target, .some(positions))
                case .ids(let ids): return .rows(.entities(target, ids.compactMap { runtime.portfolio.entity(EntityKey(target, $0)) }))
                }
            }
            return CompiledPipeline(shape: .entities(target), scan: scan) { try scan().relation(runtime) }
        case .parties, .balance:
            let isBalance: Bool = { if case .balance = stage.kind { return true } else { return false } }()
            try requireInput(input.shape, .agreement, stage)
            let columns = isBalance ? Analytics.balanceColumns : Analytics.partyColumns
            let types = isBalance ? Analytics.balanceTypes : Analytics.partyTypes
            let stream: RowStream = { emit in
                let agreements = try Self.entities(of: try input.run())
                if isBalance { try Analytics.balance(agreements, emit) } else { try Analytics.parties(agreements, emit) }
            }
            return CompiledPipeline(shape: .table(columns: columns, types: types, base: nil), stream: stream) {
                let agreements = try Self.entities(of: try input.run())
                return .table(isBalance ? Analytics.balance(agreements) : Analytics.parties(agreements))
            }
        case .centrality(let method):
            try requireInput(input.shape, .partner, stage)
            return CompiledPipeline(shape: .table(columns: Analytics.centralityColumns, types: Analytics.centralityTypes, base: nil)) {
                let partners = try Self.entities(of: try input.run())
                return .table(try Analytics.centrality(partners, method: method, runtime: runtime))
            }
        case .grid:
            try requireInput(input.shape, .stakeholder, stage)
            return CompiledPipeline(shape: .picture) {
                .picture(.grid, Analytics.grid(try Self.entities(of: try input.run())))
            }
        case .timeline:
            try requireInput(input.shape, .agreement, stage)
            return CompiledPipeline(shape: .picture) {
                .picture(.timeline, Analytics.timeline(try Self.entities(of: try input.run()), runtime: runtime))
            }
        case .kpis, .milestones:
            return try compileAgreementItems(stage, after: input)
        case .chart(let valueItem, let byItem):
            let value = try expressions(scope).compile(valueItem.expr)
            let label = try byItem.map { try expressions(scope).compile($0.expr) }
            let labelColumn = byItem?.label ?? (scope.entityType != nil ? "id" : scope.columns.first ?? "label")
            let firstColumnLabel = scope.entityType == nil && !scope.columns.isEmpty
            return CompiledPipeline(shape: .picture) {
                let rows = try Self.rows(of: try input.run(), runtime: runtime)
                var order: [Value] = []
                var totals: [Value: Double] = [:]
                var seenNull: Set<Value> = []
                for row in rows {
                    try runtime.checkCancelled()
                    let key: Value
                    if let label { key = try label.run(row) }
                    else if let entity = row.entity, !firstColumnLabel { key = .string(entity.id) }
                    else { key = row.values.first ?? .null }
                    let amount = try value.run(row)
                    guard case .number(let n) = amount else {
                        if amount.isNull { if totals[key] == nil, seenNull.insert(key).inserted { order.append(key) }; continue }
                        throw Diagnostic(.typeMismatch, "`chart` needs a number, not a \(amount.typeName)", at: valueItem.expr.range, in: file)
                    }
                    if totals[key] == nil, !seenNull.contains(key) { order.append(key) }
                    totals[key, default: 0] += n
                }
                let data = order.map { [$0, totals[$0].map(Value.number) ?? .null] }
                return .picture(.chart, ResultTable(columns: [labelColumn, valueItem.label], rows: data))
            }
        }
    }

    func requireInput(_ shape: Shape, _ type: EntityType, _ stage: Stage) throws {
        guard Self.entityType(of: shape) == type else {
            throw error(.wrongInput, "`\(file.text(stage.nameRange))` needs \(type.plural), not \(shape.description)", stage.nameRange,
                        help: "start from `\(type.plural)`")
        }
    }

    func compileItems(_ items: [Item], scope: Scope) throws -> [Compiled] {
        try items.map { try expressions(scope).compile($0.expr) }
    }

    func checkDuplicateColumns(_ items: [Item]) throws {
        var seen = Set<String>()
        for item in items where !seen.insert(item.label).inserted {
            throw error(.invalidValue, "the column `\(item.label)` appears twice", item.name?.range ?? item.expr.range,
                        help: "name one of them: `other = ...`")
        }
    }

    /// summarize ITEM, ... [by EXPR, ...]: by-columns then aggregates, groups sorted by the
    /// by-columns ascending with nulls last.
    func compileSummarize(_ items: [Item], by: [Item], scope: Scope, input: CompiledPipeline) throws -> CompiledPipeline {
        let keys = try compileItems(by, scope: scope)
        let collector = AggregateCollector(rowScope: scope, slotOffset: by.count)
        let groupScope = Scope(columns: by.map(\.label), columnTypes: keys.map(\.type))
        let outputs = try items.map { try expressions(groupScope, aggregates: collector).compile($0.expr) }
        try checkDuplicateColumns(by + items)
        let aggregates = collector.aggregates
        let runtime = self.runtime
        let file = self.file
        let columns = by.map(\.label) + items.map(\.label)
        // A scan over every entity of a type groups by columns when the `by` items and the
        // aggregates' arguments are bare stored fields.
        var columnGrouping: ((Selection) throws -> Grouping?)?
        if input.scan != nil, case .entities(let type) = input.shape {
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
            if byFields.allSatisfy({ $0 != nil }), argumentFields.allSatisfy({ $0 != nil }) {
                columnGrouping = { selection in
                    try Self.columnGrouping(selection, type: type, by: byFields.map { $0! }, arguments: argumentFields.map { $0! },
                                            runtime: runtime)
                }
            }
        }
        return CompiledPipeline(shape: .table(columns: columns, types: keys.map(\.type) + outputs.map(\.type), base: nil)) {
            var grouping: Grouping?
            var relation: Relation?
            if let columnGrouping, let scan = input.scan {
                let scanned = try scan()
                if case .positions(_, let selection) = scanned { grouping = try columnGrouping(selection) }
                if grouping == nil { relation = scanned.relation(runtime) }
            }
            if grouping == nil {
                grouping = try Self.rowGrouping(try Self.rows(of: try relation ?? input.run(), runtime: runtime), keys: keys, byCount: by.count,
                                                aggregates: aggregates, runtime: runtime, file: file)
            }
            let groupKeys = grouping!.keys
            var order = Array(groupKeys.indices)
            try Self.stableSort(&order, keys: groupKeys.map { $0 }, descending: Array(repeating: false, count: by.count), file: file,
                                ranges: by.map(\.expr.range))
            var out: [[Value]] = []
            for group in order {
                var slots = groupKeys[group]
                for (position, aggregate) in aggregates.enumerated() {
                    do {
                        slots.append(try grouping!.fold(aggregate.function, argument: position, group: group))
                    } catch let message as FunctionError {
                        throw Diagnostic(.typeMismatch, message.text, at: aggregate.range, in: file)
                    }
                }
                let groupRow = Row(entity: nil, values: slots)
                var outRow = groupKeys[group]
                for output in outputs { outRow.append(try output.run(groupRow)) }
                out.append(outRow)
            }
            return .table(Table(columns: columns, rows: out))
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

    // MARK: Row helpers

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
