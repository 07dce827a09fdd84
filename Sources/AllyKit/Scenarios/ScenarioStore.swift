/// The session's scenarios: baseline first, then every fork in creation order, and which one
/// statements run in.
final class ScenarioStore {
    private(set) var all: [Scenario]
    var current: Scenario
    /// Scenarios by name; rebuilt whenever the list changed size (drops, restores).
    private var index: [String: Scenario] = [:]

    init() {
        let baseline = Scenario(name: "baseline", parent: nil, portfolio: Portfolio())
        all = [baseline]
        current = baseline
    }

    var baseline: Scenario { all[0] }
    var names: [String] { all.map(\.name) }

    func scenario(named name: String) -> Scenario? {
        // Scenarios are few in a session but a script may make thousands: look them up by name.
        if index.count != all.count {
            index = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return index[name]
    }

    func requireScenario(_ name: Name, file: SourceFile) throws -> Scenario {
        guard let found = scenario(named: name.text) else {
            throw Diagnostic(.unknownScenario, "no scenario `\(name.text)`", at: name.range, in: file,
                             help: Suggestions.help(for: name.text, in: names) ?? "scenarios: \(names.joined(separator: ", "))")
        }
        return found
    }

    /// `scenario NAME [from OTHER]`: forks OTHER (or the current scenario) and makes the fork current.
    func createScenario(_ name: Name, from: Name?, file: SourceFile) throws {
        if ["metric", "delta", "change"].contains(name.text) {
            throw Diagnostic(.reservedName, "`\(name.text)` cannot name a scenario (it is a column of `compare`)", at: name.range, in: file)
        }
        if scenario(named: name.text) != nil {
            throw Diagnostic(.duplicateScenario, "scenario `\(name.text)` already exists", at: name.range, in: file,
                             help: "`use \(name.text)` to switch to it")
        }
        let parent = try from.map { try requireScenario($0, file: file) } ?? current
        let child = parent.fork(named: name.text)
        child.unsaved = true
        all.append(child)
        index[child.name] = child
        current = child
    }

    /// `drop NAME`: neither baseline nor the current scenario.
    func dropScenario(_ name: Name, file: SourceFile) throws {
        let target = try requireScenario(name, file: file)
        if target.parent == nil {
            throw Diagnostic(.invalidValue, "baseline cannot be dropped", at: name.range, in: file)
        }
        if target === current {
            throw Diagnostic(.invalidValue, "`\(name.text)` is the current scenario", at: name.range, in: file,
                             help: "`use baseline` first")
        }
        all.removeAll { $0 === target }
        index[target.name] = nil
    }

    func contains(_ scenario: Scenario) -> Bool { all.contains { $0 === scenario } }

    // MARK: Rolling back

    /// Every scenario's state, to roll back a failing block or load.
    struct Snapshot {
        fileprivate var scenarios: [(Scenario, State)]
        fileprivate var current: Scenario
        /// The scenarios the snapshot holds, to tell those made since.
        func contains(_ scenario: Scenario) -> Bool { scenarios.contains { $0.0 === scenario } }
    }

    /// What of one scenario a rollback puts back (its log only grows, so its length suffices).
    fileprivate struct State {
        var portfolio: Portfolio
        var logCount: Int
        var isLogging: Bool
        var history: ScenarioHistory
        var unsaved: Bool
    }

    func snapshot() -> Snapshot {
        Snapshot(scenarios: all.map { ($0, State(portfolio: $0.portfolio, logCount: $0.log.count, isLogging: $0.isLogging,
                                                 history: $0.history, unsaved: $0.unsaved)) },
                 current: current)
    }

    func restore(_ snapshot: Snapshot) {
        index = [:]
        all = snapshot.scenarios.map { scenario, state in
            scenario.portfolio = state.portfolio
            if scenario.log.count > state.logCount { scenario.log.removeSubrange(state.logCount...) }
            scenario.isLogging = state.isLogging
            scenario.history = state.history
            scenario.unsaved = state.unsaved
            return scenario
        }
        current = snapshot.current
    }
}
