/// Where a pipeline's rows come from: every entity of a type, one entity, a binding, and the
/// sources that compute a table (renewals, path, diff, compare, triggers, scenarios).
extension PipelineCompiler {
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
        case .diff, .compare, .triggers, .scenarios, .log:
            return try compileScenarioSource(source)
        }
    }

    /// The sources that read the session's scenarios: diff, compare, triggers, scenarios, log.
    private func compileScenarioSource(_ source: PipelineSource) throws -> CompiledPipeline {
        let runtime = self.runtime
        switch source {
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
        default:
            preconditionFailure("compileScenarioSource is given scenario sources only")
        }
    }
}
