import Foundation

/// Parses a large script's statements on a second thread, a bounded queue ahead of the one
/// being run, so that parsing and running overlap on two cores (loading a portfolio script is
/// about one third parsing). Statements and syntax errors come out in source order, exactly
/// as `Parser.nextStatement` gives them.
final class StatementPrefetcher: @unchecked Sendable {
    /// Statements handed over per lock: the threads meet once per batch, not per statement.
    static let batch = 64
    /// Statements parsed ahead at most: enough to keep both threads busy, few enough that the
    /// queued syntax trees stay small.
    static let capacity = 512

    private let condition = NSCondition()
    /// Parsed, not yet taken (guarded by `condition`).
    private var queue: [Result<Statement, Diagnostic>] = []
    private var finished = false
    private var cancelled = false
    private var consumerWaiting = false
    private var producerWaiting = false
    private let done = DispatchSemaphore(value: 0)
    /// Statements already run, handed back so that the parsing thread frees their syntax
    /// trees instead of the running one (guarded by `condition`).
    private var spent: [Result<Statement, Diagnostic>] = []
    /// Taken by the reading thread, in order (only it touches these).
    private var taken: [Result<Statement, Diagnostic>] = []
    private var next = 0

    init(file: SourceFile) {
        let thread = Thread { [self] in
            produce(file)
            done.signal()
        }
        // Deeply nested statements recurse; give the parser the main thread's room.
        thread.stackSize = 16 << 20
        thread.start()
    }

    private func produce(_ file: SourceFile) {
        var parser = Parser(file: file)
        var batch: [Result<Statement, Diagnostic>] = []
        while true {
            let result = parser.nextStatement()
            if let result { batch.append(result) }
            guard result == nil || batch.count >= Self.batch else { continue }
            condition.lock()
            while queue.count >= Self.capacity, !cancelled {
                producerWaiting = true
                condition.wait()
                producerWaiting = false
            }
            if cancelled {
                condition.unlock()
                return
            }
            queue.append(contentsOf: batch)
            if result == nil { finished = true }
            if consumerWaiting { condition.signal() }
            var garbage: [Result<Statement, Diagnostic>] = []
            swap(&garbage, &spent)
            condition.unlock()
            garbage.removeAll()
            batch.removeAll(keepingCapacity: true)
            if result == nil { return }
        }
    }

    /// The next statement or syntax error, or nil at the end of the script.
    func nextStatement() -> Result<Statement, Diagnostic>? {
        if next < taken.count {
            defer { next += 1 }
            return taken[next]
        }
        condition.lock()
        while queue.isEmpty, !finished {
            consumerWaiting = true
            condition.wait()
            consumerWaiting = false
        }
        spent.append(contentsOf: taken)
        taken = queue
        queue = []
        next = 0
        if producerWaiting { condition.signal() }
        condition.unlock()
        guard !taken.isEmpty else { return nil }
        next = 1
        return taken[0]
    }

    /// Stops the parsing thread and waits for it to finish (call once, when done reading).
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
