import Foundation
import Synchronization

/// Long work's progress, for a front end to show: AllyKit never prints. The work says what it
/// is (`begin`), counts as it goes (`advance`, one relaxed atomic add: callers batch rows) and
/// says when it is done (`end`). A listener polls `snapshot()` on its own clock; `end` calls
/// the listener's `finished` before returning, so an indicator is erased before any result is
/// printed. Nobody listening costs the atomic add alone.
public enum WorkProgress {
    /// What a front end sees of the running work.
    public struct Snapshot: Sendable {
        public var what: String
        public var unit: String
        public var done: Int
        public var total: Int?
        /// Seconds since `begin`.
        public var elapsed: Double
    }

    /// Told when the work ends (from the working thread).
    public protocol Listener: AnyObject, Sendable {
        func finished()
    }

    private struct Task {
        var what: String, unit: String, total: Int?, started: UInt64, done: Int
    }

    /// Running tasks, innermost last; the innermost one is on show and counts.
    private static let tasks = Mutex<[Task]>([])
    private static let count = Atomic<Int>(0)
    private static let listenerBox = Mutex<Listener?>(nil)

    public static func listen(_ listener: Listener?) { listenerBox.withLock { $0 = listener } }

    /// Starts counting `unit`s of `what` (out of `total` when known). Nested work (an import
    /// inside a script load) shows until it ends, and then the outer task's count goes on.
    public static func begin(_ what: String, unit: String, total: Int? = nil) {
        let task = Task(what: what, unit: unit, total: total, started: DispatchTime.now().uptimeNanoseconds, done: 0)
        tasks.withLock { stack in
            if !stack.isEmpty { stack[stack.count - 1].done = count.load(ordering: .relaxed) }
            stack.append(task)
            count.store(0, ordering: .relaxed)
        }
    }

    @inline(__always)
    public static func advance(_ units: Int) { count.wrappingAdd(units, ordering: .relaxed) }

    /// Sets the count (for work that knows where it is, like a byte offset).
    public static func set(_ units: Int) { count.store(units, ordering: .relaxed) }

    public static func end() {
        let empty = tasks.withLock { stack -> Bool in
            _ = stack.popLast()
            if let outer = stack.last { count.store(outer.done, ordering: .relaxed) }
            return stack.isEmpty
        }
        if empty { listenerBox.withLock { $0 }?.finished() }
    }

    /// Runs `body` as one task: `begin`, then `end` however it leaves.
    public static func run<T>(_ what: String, unit: String, total: Int? = nil, _ body: () throws -> T) rethrows -> T {
        begin(what, unit: unit, total: total)
        defer { end() }
        return try body()
    }

    public static func snapshot() -> Snapshot? {
        guard let current = tasks.withLock({ $0.last }) else { return nil }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - current.started) / 1e9
        return Snapshot(what: current.what, unit: current.unit, done: count.load(ordering: .relaxed), total: current.total, elapsed: elapsed)
    }
}
