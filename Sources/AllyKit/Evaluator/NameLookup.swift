/// What the compilers may ask beyond their runtime's portfolio: the `let` and `metric` names,
/// and the scenarios that `diff`, `compare`, `triggers` and `scenarios` read. The compilers
/// see this, not the session.
protocol NameLookup: AnyObject {
    func hasBinding(_ name: String) -> Bool
    var bindingNames: [String] { get }
    /// A binding used inside an expression (`hasBinding` is true for it).
    func compileBindingReference(_ name: String, _ range: SourceRange, file: SourceFile, runtime: Runtime) throws -> Compiled
    /// A binding used as a pipeline source; an error naming the candidates if there is none.
    func compileBindingSource(_ name: Name, file: SourceFile, runtime: Runtime) throws -> CompiledPipeline
    func requireScenario(_ name: Name, file: SourceFile) throws -> Scenario
    var baselineScenario: Scenario { get }
    var currentScenario: Scenario { get }
    var scenarioQueries: ScenarioQueries { get }
    /// The bare name a report parameter holds (`--set kind=clinic`), read as a case or id where
    /// it is compared with one (Reports/Parameters.swift); nil for other names.
    func parameterWord(_ name: String) -> String?
    /// The `--set`/`.set` text given for a parameter, if any.
    func parameterOverride(_ name: String) -> String?
    /// A side note for stderr, shown when the statement succeeds (`centrality` says how it computed).
    func addStatementNote(_ note: String)
}
