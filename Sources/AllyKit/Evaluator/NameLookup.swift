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
}
