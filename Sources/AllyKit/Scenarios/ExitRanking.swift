import Synchronization

/// `exits [PIPELINE] rank by M, ...`: the "single point of failure" view of a portfolio. Each
/// partner's exit is a case of its own: a fork of the current scenario (O(1)) in which the
/// partner is removed exactly as `remove partner P` removes it, cascades included, and the
/// metrics are evaluated. Cases share nothing they write, so they run on several threads
/// (`ParallelCases`); nothing of them is kept.
extension Session {
    static let exitColumns = ["partner", "name"]
    static let exitCascadeColumns = ["agreements_terminated", "stakeholders_removed"]

    /// Rows `partner, name, METRIC..., delta, change, agreements_terminated, stakeholders_removed`
    /// (delta and change of the first metric against the current scenario, as `compare` gives
    /// them), by the absolute delta, largest first; ties (and deltas that are not numbers, last)
    /// by partner id.
    func rankExits(_ pipeline: Pipeline?, by metricList: [Name], file: SourceFile) throws -> ResultTable {
        let metrics = try scenarioQueries.metricNames(metricList, file: file)
        let runtime = makeRuntime()
        let partners = try exitCandidates(pipeline, runtime: runtime, file: file)
        // Every type's rows, built here once and shared by every fork: a fork's changed agreements
        // are then patched into a copy of them (not the whole column rebuilt from the tree, per
        // case), and no two threads build a shared cache at once.
        for type in EntityType.allCases { _ = runtime.portfolio.allEntities(type) }
        // Evaluated here first, on this thread: that also builds the column caches the metrics
        // read, which every case's fork shares, so the cases only read them.
        let before = try metrics.map { try bindings.metricValue($0, runtime: runtime, range: .none, file: file) }
        _ = scenarios.scenario(named: scenarios.baseline.name)
        let origin = scenarios.current
        let notes = CaseNotes()
        let outcomes = try WorkProgress.run("exits", unit: "partners", total: partners.count) {
            try ParallelCases.run(count: partners.count, threads: caseThreads) { index in
                try runtime.checkCancelled()
                let outcome = try exitCase(partners[index], from: origin, metrics: metrics, notes: notes, file: file)
                WorkProgress.advance(1)
                return outcome
            }
        }
        try runtime.checkCancelled()
        for note in notes.all where !statementNotes.contains(note) { statementNotes.append(note) }
        let rows = zip(partners, outcomes).map { partner, outcome -> (delta: Double?, row: [Value]) in
            let change = ScenarioQueries.deltaAndChange(from: before[0], to: outcome.values[0])
            let delta: Double? = if case .number(let d) = change[0] { Swift.abs(d) } else { nil }
            let row: [Value] = [.reference(.partner, partner.id), .string(partner.name)] + outcome.values + change
                + [.number(Double(outcome.removal.terminated)), .number(Double(outcome.removal.stakeholders))]
            return (delta, row)
        }
        // Stable: partners come in id order, so equal deltas stay by id.
        let ranked = rows.enumerated().sorted { a, b in
            switch (a.element.delta, b.element.delta) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }
        return ResultTable(columns: Self.exitColumns + metrics + ["delta", "change"] + Self.exitCascadeColumns,
                           rows: ranked.map(\.element.row))
    }

    /// The partners of `pipeline` (by default every partner but the home one), in id order.
    private func exitCandidates(_ pipeline: Pipeline?, runtime: Runtime, file: SourceFile) throws -> [Partner] {
        guard let pipeline else {
            return runtime.portfolio.allEntities(.partner).compactMap { entity in
                if case .partner(let partner) = entity, !partner.home { return partner } else { return nil }
            }
        }
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        guard PipelineCompiler.entityType(of: compiled.shape) == .partner else {
            throw Diagnostic(.wrongInput, "`exits` needs partners, not \(compiled.shape.description)", at: pipeline.range, in: file,
                             help: "for example `exits partners | where stage == exiting rank by active_value`")
        }
        let entities = try PipelineCompiler.entities(of: try compiled.run())
        let ids = Set(entities.map(\.id))
        return runtime.portfolio.allEntities(.partner).compactMap { entity in
            if case .partner(let partner) = entity, ids.contains(partner.id) { return partner } else { return nil }
        }
    }

    /// What one exit leaves: the metrics in the fork, and what the removal's cascade took.
    struct ExitOutcome {
        var values: [Value]
        var removal: PortfolioEditor.Removal
    }

    /// One partner's exit in a fork of `origin`, on whichever thread: the fork is a scenario of
    /// its own (so a metric built on `diff` sees the exit), never added to the session.
    private func exitCase(_ partner: Partner, from origin: Scenario, metrics: [String], notes: CaseNotes,
                          file: SourceFile) throws -> ExitOutcome {
        let fork = Scenario(name: origin.name, parent: origin, portfolio: origin.portfolio)
        let names = CaseNames(session: self, scenario: fork, notes: notes)
        let runtime = names.makeRuntime(for: fork)
        let removal = try PortfolioEditor(runtime: runtime, file: file).remove([EntityKey(.partner, partner.id)])
        fork.record(runtime.portfolio.touched)
        runtime.portfolio.clearTouched()
        fork.portfolio = runtime.portfolio
        let values = try metrics.map { try bindings.metricValue($0, runtime: runtime, range: .none, file: file) }
        return ExitOutcome(values: values, removal: removal)
    }
}

/// Side notes the cases leave (a metric that samples `centrality`), from any thread, once each.
final class CaseNotes: Sendable {
    private let notes = Mutex<[String]>([])
    func add(_ note: String) { notes.withLock { if !$0.contains(note) { $0.append(note) } } }
    var all: [String] { notes.withLock { $0 } }
}

/// What the compilers of one case ask beyond its portfolio: the session's bindings, parameters
/// and scenarios, only read, with the case's fork as the current scenario. Notes go to
/// `CaseNotes` (the session's list is not shared between threads).
final class CaseNames: NameLookup {
    unowned let session: Session
    let scenario: Scenario
    let notes: CaseNotes

    init(session: Session, scenario: Scenario, notes: CaseNotes) {
        self.session = session
        self.scenario = scenario
        self.notes = notes
    }

    /// A runtime reading `scenario` through this lookup, with the session's settings.
    func makeRuntime(for scenario: Scenario) -> Runtime {
        var portfolio = scenario.portfolio
        portfolio.tracksChanges = scenario.isLogging
        return Runtime(names: self, portfolio: portfolio, today: session.settings.today, weights: session.settings.weights)
    }

    func hasBinding(_ name: String) -> Bool { session.hasBinding(name) }
    var bindingNames: [String] { session.bindingNames }

    func compileBindingReference(_ name: String, _ range: SourceRange, file: SourceFile, runtime: Runtime) throws -> Compiled {
        try session.compileBindingReference(name, range, file: file, runtime: runtime)
    }

    func compileBindingSource(_ name: Name, file: SourceFile, runtime: Runtime) throws -> CompiledPipeline {
        try session.compileBindingSource(name, file: file, runtime: runtime)
    }

    func requireScenario(_ name: Name, file: SourceFile) throws -> Scenario { try session.requireScenario(name, file: file) }
    var baselineScenario: Scenario { session.baselineScenario }
    var currentScenario: Scenario { scenario }

    var scenarioQueries: ScenarioQueries {
        ScenarioQueries(scenarios: session.scenarios, bindings: session.bindings, makeRuntime: { [unowned self] in self.makeRuntime(for: $0) })
    }

    func parameterWord(_ name: String) -> String? { session.parameterWord(name) }
    func parameterOverride(_ name: String) -> String? { session.parameterOverride(name) }
    func addStatementNote(_ note: String) { notes.add(note) }
}
