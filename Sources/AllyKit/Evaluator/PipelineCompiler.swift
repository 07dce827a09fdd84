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

    /// The rows as a scan gives them where the stage has one (positions, which a stage that
    /// reads columns can use), else as `run` gives them: the one place that decides between them.
    func scanOrRun() throws -> Scan {
        if let scan { return try scan() }
        return .rows(try run())
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

        /// `relation`, or its first `limit` rows if that is fewer: when they are every entity of
        /// a type, read from the tree (`take 1` reads one entity, not the rows of them all).
        func prefix(_ limit: Int, _ runtime: Runtime) -> Relation {
            if case .positions(let type, .all) = self { return .entities(type, runtime.portfolio.firstEntities(type, limit: limit)) }
            return relation(runtime)
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
        var previous: (stage: Stage, input: CompiledPipeline)?
        for stage in pipeline.stages {
            let compiled = try compileStage(stage, after: StageInput(rows: current, previous: previous))
            previous = (stage, current)
            current = compiled
        }
        return current
    }

    // MARK: Stages

    /// Checks that the rows before `stage` are rows it takes (its entry in the stage table says
    /// which), then compiles it with the entry's function.
    func compileStage(_ stage: Stage, after input: StageInput) throws -> CompiledPipeline {
        if input.shape == .scalar {
            throw error(.stageAfterScalar, "`\(file.text(stage.nameRange))` cannot follow a single value", stage.nameRange,
                        help: "a stage needs rows; the pipeline before it gives one value")
        }
        if input.shape == .picture {
            throw error(.wrongInput, "`\(file.text(stage.nameRange))` cannot follow a picture", stage.nameRange,
                        help: "put `grid`, `chart` and `timeline` last")
        }
        let entry = StageTable.entry(stage.kind)
        try requireRows(entry.needs, input.shape, stage)
        return try entry.compile(self, stage, input)
    }

    /// The errors for rows a stage does not take.
    func requireRows(_ needs: RowsNeeded, _ shape: Shape, _ stage: Stage) throws {
        let from = Self.entityType(of: shape)
        guard !needs.accepts(from) else { return }
        switch needs {
        case .anyRows: return
        case .entitiesOf(let type):
            throw error(.wrongInput, "`\(file.text(stage.nameRange))` needs \(type.plural), not \(shape.description)", stage.nameRange,
                        help: "start from `\(type.plural)`")
        case .relation(let target):
            guard from != nil else {
                throw error(.wrongInput, "`\(target.plural)` follows a relation from partners, agreements or stakeholders, not from \(shape.description)",
                            stage.nameRange)
            }
            throw error(.wrongInput, "agreements have no relation to other agreements", stage.nameRange,
                        help: "try `agreements | partners | agreements`")
        }
    }

    func compileItems(_ items: [Item], scope: Scope) throws -> [Compiled] {
        try items.map { try expressions(scope).compile($0.expr) }
    }

    func checkDuplicateColumns(_ items: [Item]) throws {
        // Pairwise: a stage has a handful of items, and a set would cost more than the check.
        for (index, item) in items.enumerated() where items[..<index].contains(where: { $0.label == item.label }) {
            throw error(.invalidValue, "the column `\(item.label)` appears twice", item.name?.range ?? item.expr.range,
                        help: "name one of them: `other = ...`")
        }
    }
}
