/// Where a session's output goes. The library never prints: the command line and the
/// shell implement this.
public protocol OutputSink: AnyObject {
    /// A statement's result (stdout).
    func emit(_ result: QueryResult)
    /// An error (stderr).
    func report(_ diagnostic: Diagnostic)
    /// Timing and other side notes (stderr).
    func note(_ text: String)
    /// A confirmation of a change (`updated 3 agreements`); shown only interactively.
    func confirm(_ text: String)
    /// False for sinks that drop confirmations, so that loading a million definitions does
    /// not format a million messages nobody sees.
    var wantsConfirmations: Bool { get }
    /// `.last`: shows the previous result again, whole (no `.maxrows` limit). False when this
    /// sink keeps no result, or none was shown yet.
    func showLastResult() -> Bool
}

extension OutputSink {
    public var wantsConfirmations: Bool { true }
    public func showLastResult() -> Bool { false }
}

/// Passes results, errors and notes through but not confirmations: for `load`, the start-up
/// file and `--data`, whose definitions would otherwise confirm one by one.
public final class ForwardingSink: OutputSink {
    let target: OutputSink
    public init(_ target: OutputSink) { self.target = target }
    public func emit(_ result: QueryResult) { target.emit(result) }
    public func report(_ diagnostic: Diagnostic) { target.report(diagnostic) }
    public func note(_ text: String) { target.note(text) }
    public func showLastResult() -> Bool { target.showLastResult() }
    public func confirm(_ text: String) {}
    public var wantsConfirmations: Bool { false }
}
