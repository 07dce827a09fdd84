/// `scenario NAME [from OTHER]` and `scenario NAME { ... }` (`use` and `drop` are one call to
/// the `ScenarioStore` each).
extension Session {
    func executeScenario(_ name: Name, from: Name?, file: SourceFile, sink: OutputSink) throws {
        try scenarios.createScenario(name, from: from, file: file)
        sink.confirm("now in scenario \(name.text)")
    }

    /// Runs the block's statements in the scenario (made if new), then returns to the one it
    /// started in; `executeTopLevel` rolls the whole block back if one fails.
    func executeScenarioBlock(_ name: Name, _ statements: [Statement], file: SourceFile, sink: OutputSink) throws -> RunStatus {
        let returnTo = scenarios.current
        if let existing = scenarios.scenario(named: name.text) {
            scenarios.current = existing
        } else {
            try scenarios.createScenario(name, from: nil, file: file)
        }
        for inner in statements {
            if try execute(inner, file: file, sink: sink) == .quit { return .quit }
        }
        if scenarios.contains(returnTo) { scenarios.current = returnTo }
        return .success
    }
}
