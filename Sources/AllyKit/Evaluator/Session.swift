import Foundation

/// An Ally session: the scenarios with their portfolios, the session-wide bindings and
/// settings, and the one door statements come in by. One per process (or per test).
///
/// The work is done elsewhere: scripts are read and run by `ScriptRunner`, each kind of
/// statement by its handler (`Statements/`), scenarios live in `ScenarioStore` and are read
/// together by `ScenarioQueries`, `let` and `metric` names in `BindingRegistry`.
public final class Session {
    public var settings: Settings
    let scenarios = ScenarioStore()
    let bindings = BindingRegistry()
    /// Side notes a statement leaves for stderr (how `centrality` computed), shown once it ends.
    var statementNotes: [String] = []
    /// Report inputs (`param`, `--set`, `.set`): Reports/Parameters.swift.
    var parameters = ParameterStore()
    /// Where `.output` and `.once` send results: Reports/OutputRedirection.swift.
    let outputRedirection = OutputRedirection()
    /// Threads `exits` runs its cases on (`ALLY_THREADS`, else every core); rows never depend on it.
    var caseThreads = WorkThreads.count
    /// The generator of the `simulate` draw running now: what `random()` in its statements draws from.
    var activeDraws: RandomDraws?
    /// The shell's history, for `.history`.
    public var historyProvider: (() -> [String])?
    private(set) lazy var runner = ScriptRunner(session: self)
    /// Keys the last committed change touched, for its history step in a scenario that keeps
    /// no log (`recordingStep`).
    var lastCommittedKeys: [EntityKey] = []
    /// Entities an import added in place where no log tracks them, for its history step.
    var importedUntracked: Int?
    /// How the party import a history step records is taken back (`recordingStep`).
    var importTakeBack: DataImporter.Undo?
    /// The run of definitions the current scenario's last step is, and the script it is in.
    var definitionRun: (scenario: Scenario, file: SourceFile)?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The current scenario's portfolio.
    public var portfolio: Portfolio { scenarios.current.portfolio }
    public var currentScenarioName: String { scenarios.current.name }
    public var scenarioNames: [String] { scenarios.names }
    public var metricNames: [String] { bindings.metricOrder }
    public var bindingNames: [String] { bindings.names }

    /// The prompt's scenario marker: nil in baseline, else the name with `*` when it
    /// differs from its parent.
    public var promptLabel: String? {
        let current = scenarios.current
        guard current.parent != nil else { return nil }
        return current.name + (scenarioQueries.changedCount(current) > 0 ? "*" : "")
    }

    // MARK: Running statements

    /// Parses and runs `file` statement by statement; stops at the first failing statement
    /// unless `keepGoing`. Large scripts are read ahead on a second thread.
    @discardableResult
    public func run(_ file: SourceFile, sink: OutputSink, keepGoing: Bool = false) -> RunStatus {
        runner.run(file, sink: sink, keepGoing: keepGoing, prefetch: nil)
    }

    /// `prefetch` forces (or forbids) parsing ahead on a second thread.
    func run(_ file: SourceFile, sink: OutputSink, keepGoing: Bool, prefetch: Bool?) -> RunStatus {
        runner.run(file, sink: sink, keepGoing: keepGoing, prefetch: prefetch)
    }

    /// Parses and resolves without running: every diagnostic, at most one per line.
    public func check(_ file: SourceFile) -> [Diagnostic] { checkReport(file).diagnostics }

    /// `check`'s diagnostics, and whether the file parsed (the language server then formats
    /// it without parsing it again).
    func checkReport(_ file: SourceFile) -> (diagnostics: [Diagnostic], parses: Bool) {
        let checked = CheckedScript.check(file, session: self)
        return (checked.diagnostics, checked.parses)
    }

    /// A runtime reading `scenario` (by default the current one) as it is now.
    func makeRuntime(for scenario: Scenario? = nil) -> Runtime {
        let scenario = scenario ?? scenarios.current
        var portfolio = scenario.portfolio
        // A change's keys make its history step (`recordingStep`) even where no log keeps them;
        // definitions and imports, which may be millions, edit in place (`inPlace`) instead.
        portfolio.tracksChanges = true
        let runtime = Runtime(names: self, portfolio: portfolio, today: settings.today, weights: settings.weights)
        runtime.randomDraws = activeDraws
        return runtime
    }

    var scenarioQueries: ScenarioQueries {
        ScenarioQueries(scenarios: scenarios, bindings: bindings, makeRuntime: { [unowned self] in self.makeRuntime(for: $0) })
    }

    // MARK: All or nothing

    /// A snapshot of everything a statement may change, to roll back a failing block or load.
    struct Snapshot {
        var scenarios: ScenarioStore.Snapshot
        var bindings: BindingRegistry.Snapshot
        var settings: Settings
        var parameters: ParameterStore
    }

    func snapshot() -> Snapshot {
        Snapshot(scenarios: scenarios.snapshot(), bindings: bindings.snapshot(), settings: settings, parameters: parameters)
    }

    func restore(_ snapshot: Snapshot) {
        scenarios.restore(snapshot.scenarios)
        bindings.restore(snapshot.bindings)
        settings = snapshot.settings
        parameters = snapshot.parameters
    }

    /// Runs one statement all-or-nothing.
    func executeTopLevel(_ statement: Statement, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        // Cleared here, not per statement: a Ctrl-C between the statements of a block (or of a
        // `sweep` case) stops the whole statement.
        Interrupt.clear()
        // Most statements work on a copy of the portfolio and commit it only on success, so they
        // need no snapshot; blocks and loads run several statements and roll back as a whole.
        switch statement.kind {
        case .scenarioBlock, .load, .whatIf, .letWhatIf: break
        default: return try execute(statement, file: file, sink: sink)
        }
        let saved = snapshot()
        do {
            return try execute(statement, file: file, sink: sink)
        } catch {
            restore(saved)
            throw error
        }
    }

    /// Commits a runtime's working portfolio to the current scenario.
    func commit(_ runtime: Runtime) {
        let current = scenarios.current
        current.record(runtime.portfolio.touched)
        if !current.isLogging { lastCommittedKeys += runtime.portfolio.touched }
        var portfolio = runtime.portfolio
        portfolio.clearTouched()
        current.portfolio = portfolio
    }

    /// Runs a change on the current scenario's portfolio in place: the scenario lends it to one
    /// runtime, which then holds the only reference, so no tree node is copied (what makes
    /// loading and importing large data fast). `body` must leave the portfolio as it was when
    /// it throws. Meanwhile the scenario's state is read in the runtime (`Scenario.lend(to:)`).
    ///
    /// The portfolio is lent to one runtime kept for this (not copied into a new one): a script
    /// of a million definitions would otherwise count references on every field of the
    /// portfolio twice per definition.
    func inPlace<T>(_ body: (Runtime) throws -> T) throws -> T {
        guard let runtime = inPlaceRuntime else {
            preconditionFailure("in-place changes do not nest: a change's values never run a statement")
        }
        let scenario = scenarios.current
        inPlaceRuntime = nil
        runtime.today = settings.today
        runtime.weights = settings.weights
        runtime.metricCache.removeAll()
        runtime.evaluating.removeAll()
        runtime.checkOnly = false
        runtime.randomDraws = activeDraws
        scenario.lend(to: runtime)
        runtime.portfolio.tracksChanges = scenario.isLogging
        defer {
            runtime.portfolio.clearTouched()
            scenario.takeBack(from: runtime)
            inPlaceRuntime = runtime
        }
        let result = try body(runtime)
        scenario.record(runtime.portfolio.touched)
        if !scenario.isLogging { lastCommittedKeys += runtime.portfolio.touched }
        return result
    }

    /// The runtime `inPlace` lends the portfolio to; between statements it holds an empty one
    /// (one per session, so that a definition allocates no empty caches).
    private lazy var inPlaceRuntime: Runtime? = Runtime(names: self, portfolio: Portfolio(), today: settings.today,
                                                         weights: settings.weights)

    // MARK: Statements

    /// Runs one statement: each kind has its handler in `Statements/`.
    func execute(_ statement: Statement, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        if case .define = statement.kind {} else { endDefinitionRun() }
        switch statement.kind {
        case .define(let type, let id, let fields):
            _ = try recordingDefinition(statement.range, file: file) {
                try executeDefinition(type, id: id, fields: fields, file: file, sink: sink)
                return true
            }
        case .letBinding(let name, let pipeline):
            try executeLet(name, pipeline, file: file)
        case .metric(let name, let pipeline):
            try executeMetric(name, pipeline, file: file)
        case .trigger(let name, let type, _, let condition):
            try recordingStep(statement, file: file, alwaysCounts: true) {
                try executeTrigger(name, type: type, condition: condition, file: file)
            }
        case .query(let pipeline):
            try executeQuery(pipeline, file: file, sink: sink)
        case .update(let pipeline, let assignments):
            try recordingStep(statement, file: file) { try executeUpdate(pipeline, assignments, file: file, sink: sink) }
        case .remove(let pipeline):
            try recordingStep(statement, file: file) { try executeRemove(pipeline, file: file, sink: sink) }
        case .addParty(let partner, let agreement, let fields):
            try recordingStep(statement, file: file) {
                try executeAddParty(partner: partner, agreement: agreement, fields: fields, file: file, sink: sink)
            }
        case .removeParty(let partner, let agreement):
            try recordingStep(statement, file: file) {
                try executeRemoveParty(partner: partner, agreement: agreement, file: file, sink: sink)
            }
        case .scenario(let name, let from):
            try executeScenario(name, from: from, file: file, sink: sink)
        case .scenarioBlock(let name, let from, let statements):
            return try executeScenarioBlock(name, from: from, statements, file: file, sink: sink)
        case .use(let name):
            scenarios.current = try scenarios.requireScenario(name, file: file)
        case .dropScenario(let name):
            try scenarios.dropScenario(name, file: file)
            sink.confirm("dropped scenario \(name.text)")
        case .load(let path):
            try executeLoad(path, statement: statement, file: file, sink: sink)
        case .save(let path):
            try executeSave(path, file: file, sink: sink)
        case .saveScenarios(let path):
            try executeSaveScenarios(path, file: file, sink: sink)
        case .undo(let steps):
            try executeUndo(steps: steps, range: statement.range, file: file, sink: sink)
        case .redo(let steps):
            try executeRedo(steps: steps, range: statement.range, file: file, sink: sink)
        case .merge(let source, let target, let prefer):
            return try executeMerge(source, into: target, prefer: prefer, statement: statement, file: file, sink: sink)
        case .importData(let type, let path):
            try recordingStep(statement, file: file, keepsStateBefore: type.text != "parties") {
                try executeImport(type, path, file: file, sink: sink)
            }
        case .export(let pipeline, let path):
            try executeExport(pipeline, path, file: file, sink: sink)
        case .exportNetwork(let path):
            try executeExportNetwork(path, file: file, sink: sink)
        case .letExpression(let name, let expr):
            try bindExpression(name, expr, file: file)
        case .param(let name, let expr):
            try declareParameter(name, expr, file: file)
        case .print(let expr):
            try printLine(expr, file: file, sink: sink)
        case .assert(let expr, let message):
            try checkAssertion(expr, message: message, file: file)
        case .refresh(let type, let path):
            try recordingStep(statement, file: file) { try refresh(type, path, file: file, sink: sink) }
        case .whatIf(let batch):
            try executeWhatIf(batch, bindingAs: nil, file: file, sink: sink)
        case .letWhatIf(let name, let batch):
            try executeWhatIf(batch, bindingAs: name, file: file, sink: sink)
        case .dotCommand(let name, let arguments):
            return try DotCommands.run(name: name, arguments: arguments, session: self, file: file, sink: sink)
        }
        return .success
    }
}

extension Session: NameLookup {
    func hasBinding(_ name: String) -> Bool { bindings.hasBinding(name) }

    func compileBindingReference(_ name: String, _ range: SourceRange, file: SourceFile, runtime: Runtime) throws -> Compiled {
        try bindings.compileBindingReference(name, range, file: file, runtime: runtime)
    }

    func compileBindingSource(_ name: Name, file: SourceFile, runtime: Runtime) throws -> CompiledPipeline {
        try bindings.compileBindingSource(name, file: file, runtime: runtime)
    }

    func requireScenario(_ name: Name, file: SourceFile) throws -> Scenario {
        try scenarios.requireScenario(name, file: file)
    }

    func parameterWord(_ name: String) -> String? { parameters.word(of: name) }
    func addStatementNote(_ note: String) { statementNotes.append(note) }
    func parameterOverride(_ name: String) -> String? { parameters.overrides[name] }

    var baselineScenario: Scenario { scenarios.baseline }
    var currentScenario: Scenario { scenarios.current }
}
