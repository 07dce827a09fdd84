/// Session-wide settings: shared by every scenario.
public struct Settings: Sendable {
    public var format: OutputFormat = .table
    public var timer = false
    /// `.maxrows N`: the most rows a table shows in the interactive shell (0: no limit). Scripts,
    /// `-c`, piped output and the data formats always get every row.
    public var maxRows = 40
    public var today: Day
    public var weights: [Double] = Array(repeating: 1, count: FitScores.dimensions.count)
    public init(today: Day) { self.today = today }
}

/// How a run of statements ended.
public enum RunStatus: Equatable, Sendable {
    case success
    /// At least one statement failed.
    case failed
    case interrupted
    /// `.quit` or `.exit`.
    case quit
}
