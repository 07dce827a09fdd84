import AllyKit
import Foundation

/// Draws AllyKit's `WorkProgress` as one line on stderr when it is a terminal: what, how far, the
/// rate, redrawn in place (\r and erase-line) five times a second once the work has run a
/// second, and erased when it ends (before its result is printed). Off when stderr is not a
/// terminal or with ALLY_PROGRESS=0.
final class ProgressLine: WorkProgress.Listener, @unchecked Sendable {
    private let lock = NSLock()
    private var drawn = false

    static func startIfWanted() {
        guard isatty(2) == 1, ProcessInfo.processInfo.environment["ALLY_PROGRESS"] != "0" else { return }
        let line = ProgressLine()
        WorkProgress.listen(line)
        Thread.detachNewThread { line.redrawForever() }
    }

    private func redrawForever() {
        while true {
            Thread.sleep(forTimeInterval: 0.2)
            lock.lock()
            // Read under the lock: `finished` (which takes it) runs after the task is gone, so
            // a line drawn here is always erased.
            if let snapshot = WorkProgress.snapshot(), snapshot.elapsed >= 1 {
                Output.writeError("\r\u{1B}[K" + Self.describe(snapshot))
                drawn = true
            }
            lock.unlock()
        }
    }

    func finished() {
        lock.lock()
        if drawn { Output.writeError("\r\u{1B}[K") }
        drawn = false
        lock.unlock()
    }

    /// "centrality: 1,200 / 5,000 sources, 24% (310/s)"; control characters (a file name can
    /// hold them) shown as `?`, so that no text drives the terminal.
    static func describe(_ snapshot: WorkProgress.Snapshot) -> String {
        let what = String(snapshot.what.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }.prefix(60))
        var text = "\(what): \(snapshot.done.formatted())"
        if let total = snapshot.total, total > 0 {
            text += " / \(total.formatted()) \(snapshot.unit), \(min(100, snapshot.done * 100 / total))%"
        } else {
            text += " \(snapshot.unit)"
        }
        let rate = snapshot.elapsed > 0 ? Double(snapshot.done) / snapshot.elapsed : 0
        return text + " (\(Int(rate).formatted())/s)"
    }
}
