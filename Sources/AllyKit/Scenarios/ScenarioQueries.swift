/// The queries that read several scenarios at once: `scenarios`, `diff`, `compare` and
/// `triggers`, over the session's scenario store. Each scenario is read as its real current
/// state (`Scenario.portfolio`), even while a change edits one in place.
struct ScenarioQueries {
    let scenarios: ScenarioStore
    let bindings: BindingRegistry
    /// A runtime reading one scenario with the session's settings.
    let makeRuntime: (Scenario) -> Runtime

    /// The number of entities that differ between a scenario and its parent.
    func changedCount(_ scenario: Scenario) -> Int {
        guard let parent = scenario.parent else { return 0 }
        let keys = Scenario.candidateKeys(parent, scenario)
        return keys.filter { key in parent.portfolio.entity(key) != scenario.portfolio.entity(key) }.count
    }

    func scenarioTable() -> Table {
        let rows: [[Value]] = scenarios.all.map { scenario in
            [.string(scenario.name), scenario.parent.map { .string($0.name) } ?? .null,
             .number(Double(changedCount(scenario))), .bool(scenario === scenarios.current)]
        }
        return Table(columns: ["name", "parent", "changed", "current"], rows: rows)
    }

    /// `diff A B`: stored-field changes from A to B, then triggers that fire or clear.
    func diff(_ a: Scenario, _ b: Scenario) throws -> ResultTable {
        let keys = Scenario.candidateKeys(a, b)
        let runtime = makeRuntime(b)
        var rows = PortfolioDiff.rows(keys: keys, before: a.portfolio, after: b.portfolio, context: runtime)
        let triggerNames = Set(a.portfolio.triggers.keys).union(b.portfolio.triggers.keys).sorted { Value.compareText($0, $1) < 0 }
        if !triggerNames.isEmpty {
            rows += try triggerChanges(triggerNames, keys: keys, from: a, to: b)
        }
        return ResultTable(columns: PortfolioDiff.columns, rows: rows)
    }

    /// `diff`'s rows for triggers that fire or clear on an entity between `a` and `b`.
    private func triggerChanges(_ triggerNames: [String], keys: Set<EntityKey>, from a: Scenario, to b: Scenario) throws -> [[Value]] {
        let runtimeA = makeRuntime(a), runtimeB = makeRuntime(b)
        let candidates = PortfolioDiff.triggerCandidates(keys, before: a.portfolio, after: b.portfolio)
        var triggerRows: [(EntityKey, String, Bool)] = []
        for name in triggerNames {
            let inA = a.portfolio.triggers[name], inB = b.portfolio.triggers[name]
            let type = (inB ?? inA)!.type
            // A trigger added, dropped or redefined may move on any entity of its type.
            let sameDefinition = inA != nil && inB != nil && inA!.conditionText == inB!.conditionText
            var targets: Set<EntityKey> = sameDefinition ? candidates.filter { $0.type == type } : []
            if !sameDefinition {
                for id in a.portfolio.sortedIds(type) + b.portfolio.sortedIds(type) { targets.insert(EntityKey(type, id)) }
            }
            let testA = try inA.map { try triggerTest($0, runtime: runtimeA) }
            let testB = try inB.map { try triggerTest($0, runtime: runtimeB) }
            for key in targets {
                let before = try a.portfolio.entity(key).map { try testA?($0) ?? false } ?? false
                let after = try b.portfolio.entity(key).map { try testB?($0) ?? false } ?? false
                if before != after { triggerRows.append((key, name, after)) }
            }
        }
        triggerRows.sort { x, y in x.0 != y.0 ? x.0 < y.0 : Value.compareText(x.1, y.1) < 0 }
        return triggerRows.map { key, name, fires in
            [.string(fires ? "fires" : "clears"), .string(key.type.rawValue), .string(key.id), .string(name), .null, .null]
        }
    }

    private func triggerTest(_ trigger: TriggerDefinition, runtime: Runtime) throws -> (Entity) throws -> Bool {
        let compiled = try ExpressionCompiler(runtime: runtime, file: trigger.file, scope: Scope(entityType: trigger.type))
            .compile(trigger.condition)
        return { entity in try PipelineCompiler.withRowContext(entity) { try compiled.run(Row(entity: entity)).isTrue } }
    }

    /// Rows `trigger, type, id` for every entity on which a trigger fires in the runtime's scenario.
    func firingTriggers(runtime: Runtime) throws -> Table {
        var rows: [[Value]] = []
        let names = runtime.portfolio.triggers.keys.sorted { Value.compareText($0, $1) < 0 }
        for name in names {
            let trigger = runtime.portfolio.triggers[name]!
            let test = try triggerTest(trigger, runtime: runtime)
            for id in runtime.portfolio.sortedIds(trigger.type) {
                try runtime.checkCancelled()
                guard let entity = runtime.portfolio.entity(EntityKey(trigger.type, id)) else { continue }
                if try test(entity) {
                    rows.append([.string(name), .string(trigger.type.rawValue), .reference(trigger.type, id)])
                }
            }
        }
        return Table(columns: ["trigger", "type", "id"], rows: rows)
    }

    /// `compare A, B, ... [on M, ...]`: one row per metric, one column per scenario, then delta and change.
    func compare(_ targets: [Scenario], metrics: [Name], file: SourceFile) throws -> ResultTable {
        let names = try metricNames(metrics, file: file)
        let runtimes = targets.map { makeRuntime($0) }
        var rows: [[Value]] = []
        for name in names {
            var row: [Value] = [.string(name)]
            var values: [Value] = []
            for runtime in runtimes {
                values.append(try bindings.metricValue(name, runtime: runtime, range: .none, file: file))
            }
            row += values
            row += Self.deltaAndChange(from: values.first ?? .null, to: values.last ?? .null)
            rows.append(row)
        }
        return ResultTable(columns: ["metric"] + targets.map(\.name) + ["delta", "change"], rows: rows)
    }

    /// The metrics an `on` list names, each checked to be one; every metric in definition
    /// order when the list is empty (`compare`, `sweep`, `exits`, `simulate`).
    func metricNames(_ metrics: [Name], file: SourceFile) throws -> [String] {
        if metrics.isEmpty { return bindings.metricOrder }
        return try metrics.map { metric in
            guard case .metric? = bindings[metric.text] else {
                throw Diagnostic(.unknownMetric, "no metric `\(metric.text)`", at: metric.range, in: file,
                                 help: Suggestions.help(for: metric.text, in: bindings.metricOrder))
            }
            return metric.text
        }
    }

    /// `delta` (after − before) and `change` (delta / before, null when before is 0); both
    /// null unless the two values are numbers.
    static func deltaAndChange(from before: Value, to after: Value) -> [Value] {
        guard case .number(let first) = before, case .number(let last) = after else { return [.null, .null] }
        let delta = last - first
        return [.number(delta), first == 0 ? .null : .number(delta / first)]
    }
}
