/// `sweep` and `simulate`: a block of statements run once per value or draw, each time in a
/// fresh fork of the current scenario, with the `on` metrics evaluated in the fork. Nothing
/// outlives a case but what `keep as` asks for; a failing or interrupted statement leaves the
/// session as it was (`executeTopLevel` rolls back what `keep as` made). `exits` is in
/// ExitRanking.swift.
extension Session {
    /// Runs a batch, then prints its rows, or binds them to `name` as a table (`let NAME = ...`).
    func executeWhatIf(_ batch: WhatIfBatch, bindingAs name: Name?, file: SourceFile, sink: OutputSink) throws {
        if let name { try checkBindingName(name, file: file) }
        let result: ResultTable
        switch batch {
        case .sweep(let variable, let values, let block, let metrics, let keep):
            result = try sweep(variable, over: values, block, on: metrics, keep: keep, file: file, sink: sink)
        case .exits(let pipeline, let metrics):
            result = try rankExits(pipeline, by: metrics, file: file)
        case .simulate(let draws, let seed, let block, let metrics, let keep):
            result = try simulate(draws, seed: seed ?? Self.defaultSimulationSeed, block, on: metrics, keep: keep, file: file, sink: sink)
        }
        guard let name else { return sink.emit(.table(result)) }
        bindTable(name.text, result)
    }

    /// `simulate` without `seed`: a fixed seed, so that a run without one is reproducible too.
    static let defaultSimulationSeed: UInt64 = 1

    /// Binds rows as a `let` table does, with each column's type read from its values.
    func bindTable(_ name: String, _ result: ResultTable) {
        let types: [StaticType] = result.columns.indices.map { column in
            result.rows.lazy.map { $0[column] }.first { !$0.isNull }.map(StaticType.of) ?? .unknown
        }
        bindings[name] = .table(Table(columns: result.columns, rows: result.rows),
                                .table(columns: result.columns, types: types, base: nil))
        bindings.metricOrder.removeAll { $0 == name }
    }

    // MARK: sweep

    /// Rows `VAR, METRIC..., delta, change` (of the first metric against the current scenario),
    /// one per value in list order. VAR is bound as `let VAR = value` would bind it.
    private func sweep(_ variable: Name, over valueExprs: [Expr], _ block: [Statement], on metricList: [Name], keep: Name?,
                       file: SourceFile, sink: OutputSink) throws -> ResultTable {
        try checkBindingName(variable, file: file)
        let metrics = try scenarioQueries.metricNames(metricList, file: file)
        try checkCaseBlock(block, in: "sweep", file: file)
        let values = try valueExprs.map { expr -> Value in
            // A bare word that names nothing is its text (`sweep s in [piloting, active]`), as a
            // parameter's bare default is; `set stage = s` then reads it as the case.
            if case .name(let word) = expr.kind, !hasBinding(word) { return .string(word) }
            return try evaluate(expr, file: file).0
        }
        let keptNames = try keep.map { try keptScenarioNames($0, count: values.count, file: file) }
        let baseline = try currentMetricValues(metrics, file: file)
        let savedBindings = bindings.snapshot()
        defer { bindings.restore(savedBindings) }
        let rows = try WorkProgress.run("sweep", unit: "cases", total: values.count) {
            try values.enumerated().map { index, value -> [Value] in
                bindings[variable.text] = .scalar(value)
                let measured = try runCase(block, keptAs: keptNames?[index], metrics: metrics, file: file, sink: sink)
                WorkProgress.advance(1)
                return [value] + measured + ScenarioQueries.deltaAndChange(from: baseline[0], to: measured[0])
            }
        }
        return ResultTable(columns: [variable.text] + metrics + ["delta", "change"], rows: rows)
    }

    /// `NAME_1` ... `NAME_count`, none of which may exist yet.
    private func keptScenarioNames(_ keep: Name, count: Int, file: SourceFile) throws -> [Name] {
        try (1...max(1, count)).prefix(count).map { index in
            let name = Name("\(keep.text)_\(index)", keep.range)
            if scenarios.scenario(named: name.text) != nil {
                throw Diagnostic(.duplicateScenario, "scenario `\(name.text)` already exists", at: keep.range, in: file,
                                 help: "keep the cases under another name, or `drop scenario \(name.text)` first")
            }
            return name
        }
    }

    // MARK: simulate

    /// Rows `metric, mean, p5, p50, p95, min, max`, one per metric; `keep as NAME` also binds
    /// the draws as a table `draw, METRIC...` (one row per draw, from 1).
    private func simulate(_ draws: Int, seed: UInt64, _ block: [Statement], on metricList: [Name], keep: Name?,
                          file: SourceFile, sink: OutputSink) throws -> ResultTable {
        let metrics = try scenarioQueries.metricNames(metricList, file: file)
        if let keep { try checkBindingName(keep, file: file) }
        try checkCaseBlock(block, in: "simulate", file: file)
        defer { activeDraws = nil }
        let results = try WorkProgress.run("simulate", unit: "draws", total: draws) {
            try (0..<draws).map { draw -> [Value] in
                activeDraws = RandomDraws(seed: seed, draw: draw)
                let measured = try runCase(block, keptAs: nil, metrics: metrics, file: file, sink: sink)
                WorkProgress.advance(1)
                return measured
            }
        }
        if let keep {
            bindTable(keep.text, ResultTable(columns: ["draw"] + metrics,
                                             rows: results.enumerated().map { [.number(Double($0 + 1))] + $1 }))
        }
        let rows = metrics.indices.map { column in
            [.string(metrics[column])] + DrawSummary(results.map { $0[column] }).values
        }
        return ResultTable(columns: ["metric"] + DrawSummary.columns, rows: rows)
    }

    // MARK: One case

    /// The statements a case may run: those that change its fork or bind a name for the rest
    /// of the block. Anything that switches scenarios, touches files or prints would act
    /// outside the fork or once per case.
    private func checkCaseBlock(_ block: [Statement], in statement: String, file: SourceFile) throws {
        for inner in block {
            switch inner.kind {
            case .define, .update, .remove, .addParty, .removeParty, .letBinding, .letExpression, .assert: continue
            default:
                let word = file.text(inner.range).split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? "this"
                throw Diagnostic(.wrongInput, "`\(word)` cannot run inside `\(statement)`: a case only changes its own fork",
                                 at: inner.range, in: file,
                                 help: "a case may define, update, remove, add or remove parties, `let` and `assert`")
            }
        }
    }

    /// The metrics' values in the current scenario, before any case.
    func currentMetricValues(_ metrics: [String], file: SourceFile) throws -> [Value] {
        let runtime = makeRuntime()
        return try metrics.map { try bindings.metricValue($0, runtime: runtime, range: .none, file: file) }
    }

    /// Runs `block` in a fresh fork of the current scenario (the scenario `keptAs`, kept, when
    /// given), evaluates the metrics there, and returns to where it started; `let` names the
    /// block binds end with the case.
    private func runCase(_ block: [Statement], keptAs kept: Name?, metrics: [String], file: SourceFile, sink: OutputSink) throws -> [Value] {
        // Checked per case too: a block of definitions alone has no loop that would check it.
        if Interrupt.isRequested { throw Diagnostic(.cancelled, "interrupted", at: .none) }
        let origin = scenarios.current, wasLogging = origin.isLogging
        let savedBindings = bindings.snapshot()
        defer {
            bindings.restore(savedBindings)
            scenarios.current = origin
        }
        if let kept {
            try scenarios.createScenario(kept, from: nil, file: file)
        } else {
            scenarios.current = origin.fork(named: origin.name)
            // A fork nothing keeps leaves its parent as it was (a parent that starts logging
            // keeps a list of every key it changes from then on).
            origin.isLogging = wasLogging
        }
        let caseSink = CaseSink(sink)
        for inner in block { _ = try execute(inner, file: file, sink: caseSink) }
        return try currentMetricValues(metrics, file: file)
    }
}

/// What a case's statements may say: warnings and notes once each (not once per case), and
/// no confirmations.
private final class CaseSink: OutputSink {
    let target: OutputSink
    private var seen = Set<String>()
    init(_ target: OutputSink) { self.target = target }
    func emit(_ result: QueryResult) {}
    func report(_ diagnostic: Diagnostic) {
        if seen.insert("\(diagnostic.code.rawValue) \(diagnostic.range) \(diagnostic.message)").inserted { target.report(diagnostic) }
    }
    func note(_ text: String) { if seen.insert(text).inserted { target.note(text) } }
    func confirm(_ text: String) {}
    var wantsConfirmations: Bool { false }
}

/// `simulate`'s summary of one metric over the draws: mean, the 5th, 50th and 95th percentiles
/// (linear between the two nearest ranks, as a spreadsheet's PERCENTILE.INC and numpy's
/// default), min and max. Draws whose value is not a number (null) are left out; with none
/// left, every figure is null.
struct DrawSummary {
    static let columns = ["mean", "p5", "p50", "p95", "min", "max"]
    let values: [Value]

    init(_ draws: [Value]) {
        let numbers = draws.compactMap { value -> Double? in if case .number(let n) = value { return n } else { return nil } }.sorted()
        guard !numbers.isEmpty else {
            values = Array(repeating: .null, count: Self.columns.count)
            return
        }
        // Summed in draw order, so the mean is the same bits on every run.
        let mean = draws.reduce(0.0) { sum, value in if case .number(let n) = value { return sum + n } else { return sum } }
            / Double(numbers.count)
        values = [mean, Self.percentile(numbers, 0.05), Self.percentile(numbers, 0.5), Self.percentile(numbers, 0.95),
                  numbers[0], numbers[numbers.count - 1]].map(Value.number)
    }

    /// The `p` quantile of ascending `sorted`, interpolating between neighbouring ranks.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

extension StaticChecker {
    /// `sweep`, `exits`, `simulate` for `ally check`: the block's statements (the sweep's name
    /// bound), the pipeline of `exits`, and the names the statement binds.
    func checkWhatIf(_ batch: WhatIfBatch, bindingAs name: Name?) throws {
        func checkMetrics(_ metrics: [Name]) throws {
            for metric in metrics where !bindings.hasBinding(metric.text) {
                throw Diagnostic(.unknownMetric, "no metric `\(metric.text)`", at: metric.range, in: file,
                                 help: Suggestions.help(for: metric.text, in: bindings.metricOrder))
            }
        }
        let columns: [String]
        switch batch {
        case .sweep(let variable, _, let block, let metrics, _):
            try checkMetrics(metrics)
            let saved = bindings.snapshot()
            bindings[variable.text] = .scalar(.null)
            defer { bindings.restore(saved) }
            for inner in block { try checkStatement(inner) }
            columns = [variable.text] + metrics.map(\.text) + ["delta", "change"]
        case .exits(let pipeline, let metrics):
            try checkMetrics(metrics)
            if let pipeline { _ = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline) }
            columns = Session.exitColumns + metrics.map(\.text) + ["delta", "change"] + Session.exitCascadeColumns
        case .simulate(_, _, let block, let metrics, let keep):
            try checkMetrics(metrics)
            for inner in block { try checkStatement(inner) }
            if let keep {
                let kept = ["draw"] + metrics.map(\.text)
                bindings[keep.text] = .table(Table(columns: kept, rows: []), .table(columns: kept, types: [], base: nil))
            }
            columns = ["metric"] + DrawSummary.columns
        }
        if let name {
            bindings[name.text] = .table(Table(columns: columns, rows: []), .table(columns: columns, types: [], base: nil))
        }
    }
}
