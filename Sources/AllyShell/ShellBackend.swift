/// What the shell needs from the language engine; AllyKit's session adapter implements it.
public protocol ShellBackend: AnyObject {
    /// The prompt for a new statement: "ally> ", or "ally[NAME]> " / "ally[NAME*]> " in a scenario.
    var prompt: String { get }
    /// True when `text` (possibly several lines) is not yet a complete statement (open bracket,
    /// unterminated string, trailing `|` or operator): the shell then reads another line with "...> ".
    func needsMoreInput(_ text: String) -> Bool
    /// Runs the complete input (it may hold several statements); results go to stdout, errors to stderr.
    /// Returns false when the user asked to leave (.quit / .exit).
    func run(_ text: String) -> Bool
    /// Candidates for Tab at `cursor` (a UTF-8 byte offset) in `buffer` (the whole multi-line statement so far
    /// including the current line's text). Returns the UTF-8 byte offset in the current line where the word being
    /// completed starts, and the full replacement words. An empty list means no completion (never fall back to file names).
    func complete(buffer: String, line: String, cursor: Int) -> (wordStart: Int, candidates: [String])
    /// Called (from a signal-safe context such as a DispatchSource handler) when Ctrl-C arrives while `run` executes:
    /// the engine cancels the running statement.
    func interrupt()
    /// History entries the `.history` command shows come from the shell; the backend may ask for them.
    var historyProvider: (() -> [String])? { get set }
    /// Asked when the user leaves (Ctrl-D, `.quit`): a warning to show instead of leaving this
    /// once (unsaved work), or nil to leave.
    func leaveWarning() -> String?
}

extension ShellBackend {
    public func leaveWarning() -> String? { nil }
}
