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
}
