/// One what-if world: a full portfolio that shares unchanged data with the one it was forked
/// from. Forking copies a `Portfolio` value, which is O(1); the change log lets `diff` visit
/// only what changed since the fork instead of comparing whole portfolios.
final class Scenario {
    let name: String
    let parent: Scenario?
    /// The parent's log length when this scenario was forked.
    let forkPosition: Int
    /// What the scenario holds: its portfolio, but for while a change edits it in place.
    private var held: Portfolio
    /// The working copy a change edits in place (`lend(to:)`), which then is the scenario's
    /// real current state: a query that runs meanwhile (a definition's value that reads a
    /// metric built on `diff`) reads it there, never what the scenario holds in between.
    private unowned(unsafe) var borrower: Runtime?
    /// The scenario's current state, wherever it is being edited.
    var portfolio: Portfolio {
        get { borrower?.portfolio ?? held }
        // In place, so that settling or compacting the portfolio copies no tree node.
        _modify {
            precondition(borrower == nil, "a scenario lent to a change is written only through it")
            yield &held
        }
    }
    /// Keys changed in this scenario, in order (with repeats). Baseline starts logging only
    /// once something forks from it: changes before the first fork are never diffed.
    var log: [EntityKey] = []
    var isLogging: Bool
    /// Forks between this scenario and baseline (0 for baseline).
    let depth: Int
    /// The parent's state when this scenario was forked (a value: O(1) to keep), the base a
    /// `merge` compares both sides with.
    let forkBase: Portfolio?
    /// The changing statements since the fork or load, for `log`, `undo` and `redo`.
    var history = ScenarioHistory()
    /// Changed since the last `save` that wrote it (the shell asks before leaving).
    var unsaved = false

    init(name: String, parent: Scenario?, portfolio: Portfolio) {
        self.name = name
        self.parent = parent
        self.depth = parent.map { $0.depth + 1 } ?? 0
        self.held = portfolio
        self.forkBase = parent == nil ? nil : portfolio
        self.forkPosition = parent?.log.count ?? 0
        self.isLogging = parent != nil
    }

    /// A child forked from this scenario's current state.
    func fork(named name: String) -> Scenario {
        isLogging = true
        return Scenario(name: name, parent: self, portfolio: portfolio)
    }

    /// Moves the portfolio into `runtime` (which gives back what it held), so that the runtime
    /// holds the only reference and edits copy no tree node; until `takeBack(from:)` the
    /// scenario's state is read there.
    func lend(to runtime: Runtime) {
        precondition(borrower == nil, "a scenario is lent to one change at a time")
        swap(&runtime.portfolio, &held)
        borrower = runtime
    }

    /// Ends `lend(to:)`: the runtime's portfolio comes back, and the runtime gets what it held.
    func takeBack(from runtime: Runtime) {
        precondition(borrower === runtime, "a scenario is taken back from the change it was lent to")
        borrower = nil
        swap(&runtime.portfolio, &held)
    }

    func record(_ keys: [EntityKey]) {
        if isLogging { log.append(contentsOf: keys) }
    }

    var ancestors: [Scenario] {
        var chain: [Scenario] = []
        var node: Scenario? = self
        while let current = node {
            chain.append(current)
            node = current.parent
        }
        return chain
    }

    /// Keys that may differ between `a` and `b`: the logs along the path through their
    /// closest common ancestor, each cut at the fork that matters. O(changes).
    static func candidateKeys(_ a: Scenario, _ b: Scenario) -> Set<EntityKey> {
        // The closest common ancestor, walking up only as far as the two are apart.
        var x = a, y = b
        while x.depth > y.depth, let parent = x.parent { x = parent }
        while y.depth > x.depth, let parent = y.parent { y = parent }
        while x !== y {
            guard let px = x.parent, let py = y.parent else { return [] }
            x = px
            y = py
        }
        let common = x
        func chain(from start: Scenario) -> [Scenario] {
            var nodes: [Scenario] = []
            var node: Scenario? = start
            while let current = node {
                nodes.append(current)
                if current === common { break }
                node = current.parent
            }
            return nodes
        }
        let chainA = chain(from: a), chainB = chain(from: b)
        var keys = Set<EntityKey>()
        func collect(_ chain: [Scenario]) -> Int {
            // Walk up to the common ancestor; return the position in its log where this branch left it.
            var position = common.log.count
            var childFork: Int?
            for scenario in chain {
                if scenario === common {
                    position = childFork ?? common.log.count
                    break
                }
                let limit = childFork ?? scenario.log.count
                keys.formUnion(scenario.log[0..<min(limit, scenario.log.count)])
                childFork = scenario.forkPosition
            }
            return position
        }
        let positionA = collect(chainA), positionB = collect(chainB)
        let low = min(positionA, positionB), high = max(positionA, positionB)
        if low < high { keys.formUnion(common.log[low..<high]) }
        return keys
    }
}
