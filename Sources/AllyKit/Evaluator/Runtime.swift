import Synchronization

/// The state a running statement reads: the working copy of the portfolio, the session date
/// and weights, and the session's bindings. Compiled expressions capture it and read it
/// when rows run, so one compiled pipeline always sees the statement's current data. Names
/// beyond the portfolio (bindings, scenarios) are asked of `names`, never of the session.
final class Runtime: EntityContext {
    var portfolio: Portfolio
    var today: Day
    var weights: [Double]
    unowned let names: NameLookup
    /// Metric values computed during the current statement, so a metric used per row runs once.
    var metricCache: [String: Value] = [:]
    /// Metrics and lets being evaluated, to catch a definition that uses itself.
    var evaluating: Set<String> = []
    /// When true, names are resolved without data (for `ally check`): ids are not looked up.
    var checkOnly = false
    /// Warnings found while compiling the statement (a quoted value no enum case can match),
    /// reported before it runs; the statement still runs.
    var warnings: [Diagnostic] = []
    /// What `random()` draws from: set only while a draw of `simulate` runs.
    var randomDraws: RandomDraws?

    init(names: NameLookup, portfolio: Portfolio, today: Day, weights: [Double]) {
        self.names = names
        self.portfolio = portfolio
        self.today = today
        self.weights = weights
    }

    /// Called in every loop over rows; throws once Ctrl-C has been pressed. A relaxed atomic
    /// load is cheap enough to make on every call, and a coarse loop (one source of
    /// `centrality`) then still answers within a fraction of a second.
    @inline(__always)
    func checkCancelled() throws {
        if Interrupt.isRequested {
            throw Diagnostic(.cancelled, "interrupted", at: .none)
        }
    }
}

/// Ctrl-C, as a flag the evaluator polls: set from a signal handler or another thread,
/// cleared before each statement.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
}
