import Foundation
import Synchronization

/// How many threads long work splits over: `ALLY_THREADS` when set (1 gives the one-thread
/// run), else every core. Results never depend on it (`Betweenness`, `ParallelCases`).
enum WorkThreads {
    static var count: Int {
        if let text = ProcessInfo.processInfo.environment["ALLY_THREADS"], let n = Int(text), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Independent cases (`exits`: one partner's removal each) run on `WorkThreads.count` threads.
/// Each thread takes the next case number from a shared counter and stores the outcome at that
/// number, so the rows are the same whatever the thread count or timing. The first failure in
/// case order is thrown, as a one-thread run would throw it: every case before it was taken
/// first and runs to its end, and no thread takes a new case once one has failed.
enum ParallelCases {
    /// `body` runs on several threads at once: it may only read what it shares with the others.
    static func run<Outcome>(count: Int, threads: Int = WorkThreads.count, _ body: (Int) throws -> Outcome) throws -> [Outcome] {
        let threads = min(threads, count)
        if threads <= 1 { return try (0..<count).map(body) }
        let outcomes = Outcomes<Outcome>(count: count)
        let next = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while !stop.load(ordering: .relaxed) {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < count else { return }
                    do {
                        outcomes.store(.success(try shared.body(index)), at: index)
                    } catch {
                        outcomes.store(.failure(error), at: index)
                        stop.store(true, ordering: .relaxed)
                    }
                }
            }
        }
        return try outcomes.inCaseOrder()
    }

    /// The cases' body, handed to the worker threads (which only read what it captures).
    private struct SharedBody<Outcome>: @unchecked Sendable {
        let body: (Int) throws -> Outcome
    }

    /// One slot per case, each written by the one thread that took the case.
    private final class Outcomes<Outcome>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Result<Outcome, any Error>?>
        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }
        deinit {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        func store(_ outcome: Result<Outcome, any Error>, at index: Int) { slots[index] = outcome }

        func inCaseOrder() throws -> [Outcome] {
            var result: [Outcome] = []
            result.reserveCapacity(slots.count)
            for slot in slots {
                guard let slot else { break }
                result.append(try slot.get())
            }
            return result
        }
    }
}
