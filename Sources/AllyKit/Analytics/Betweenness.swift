import Foundation
import Synchronization

/// Exact Brandes betweenness on every core. Sources are cut into a fixed number of blocks
/// (whatever the number of threads); each block's contributions are summed in source order and
/// the blocks are added in block order, so the floating-point sums, and so the answer, are the
/// same bits on one thread as on many.
enum Betweenness {
    /// Blocks of sources; fixed so that the summation order never depends on the machine.
    static let blockCount = 16

    /// Threads used: `ALLY_THREADS` when set (1 gives the one-thread run), else every core.
    static var threadCount: Int { WorkThreads.count }

    /// What the shortest-path searches from a set of sources leave per node: unnormalized
    /// betweenness (each unordered pair counted from both ends, when every node is a source),
    /// the sum of distances from the sources that reach the node, and how many sources reach it
    /// (the node itself included when it is one).
    struct Sums {
        var betweenness: [Double]
        var distanceSum: [Int]
        var reachedBy: [Int]
    }

    /// Brandes from every node in `sources` (ascending). Throws `cancelled` within one source's
    /// work of Ctrl-C, on every thread.
    static func run(_ adjacency: [[Int]], sources: [Int], runtime: Runtime) throws -> Sums {
        let n = adjacency.count
        guard n > 0, !sources.isEmpty else {
            return Sums(betweenness: .init(repeating: 0, count: n), distanceSum: .init(repeating: 0, count: n),
                        reachedBy: .init(repeating: 0, count: n))
        }
        let blocks = min(blockCount, sources.count)
        let partials = Partials(blocks: blocks, nodes: n)
        let nextBlock = Atomic<Int>(0)
        let cancelled = Atomic<Bool>(false)
        let threads = min(threadCount, blocks)
        let count = sources.count
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var scratch = Scratch(nodes: n)
            while !cancelled.load(ordering: .relaxed) {
                let block = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
                guard block < blocks else { return }
                partials.withBlock(block) { sums, distances, reached in
                    for index in (block * count / blocks)..<((block + 1) * count / blocks) {
                        if Interrupt.isRequested { cancelled.store(true, ordering: .relaxed); return }
                        scratch.accumulate(from: sources[index], adjacency, into: sums, distances, reached)
                        WorkProgress.advance(1)
                    }
                }
            }
        }
        try runtime.checkCancelled()
        return partials.total()
    }

    /// One block's sums per node, written by the one thread that owns the block. (Raw memory:
    /// an array's `withUnsafeMutableBufferPointer` may not be entered from two threads at once.)
    private final class Partials: @unchecked Sendable {
        let blocks: Int, nodes: Int
        let storage: UnsafeMutableBufferPointer<Double>
        let distances: UnsafeMutableBufferPointer<Int>
        let reached: UnsafeMutableBufferPointer<Int>
        init(blocks: Int, nodes: Int) {
            self.blocks = blocks
            self.nodes = nodes
            storage = .allocate(capacity: blocks * nodes)
            storage.initialize(repeating: 0)
            distances = .allocate(capacity: blocks * nodes)
            distances.initialize(repeating: 0)
            reached = .allocate(capacity: blocks * nodes)
            reached.initialize(repeating: 0)
        }
        deinit { storage.deallocate(); distances.deallocate(); reached.deallocate() }

        func withBlock(_ block: Int, _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Int>,
                                              UnsafeMutableBufferPointer<Int>) -> Void) {
            let range = (block * nodes)..<((block + 1) * nodes)
            body(UnsafeMutableBufferPointer(rebasing: storage[range]), UnsafeMutableBufferPointer(rebasing: distances[range]),
                 UnsafeMutableBufferPointer(rebasing: reached[range]))
        }

        func total() -> Sums {
            var sums = Sums(betweenness: .init(repeating: 0, count: nodes), distanceSum: .init(repeating: 0, count: nodes),
                            reachedBy: .init(repeating: 0, count: nodes))
            for block in 0..<blocks {
                for node in 0..<nodes {
                    sums.betweenness[node] += storage[block * nodes + node]
                    sums.distanceSum[node] += distances[block * nodes + node]
                    sums.reachedBy[node] += reached[block * nodes + node]
                }
            }
            return sums
        }
    }

    /// One thread's per-source arrays, reset between sources.
    private struct Scratch {
        var sigma: [Double], dist: [Int], delta: [Double], stack: [Int], queue: [Int]
        init(nodes n: Int) {
            sigma = [Double](repeating: 0, count: n)
            dist = [Int](repeating: -1, count: n)
            delta = [Double](repeating: 0, count: n)
            stack = []
            queue = []
            stack.reserveCapacity(n)
            queue.reserveCapacity(n)
        }

        /// Brandes' single-source step: shortest-path counts forward, dependencies backward.
        mutating func accumulate(from source: Int, _ adjacency: [[Int]], into sums: UnsafeMutableBufferPointer<Double>,
                                 _ distances: UnsafeMutableBufferPointer<Int>, _ reached: UnsafeMutableBufferPointer<Int>) {
            // Only the nodes reached from the last source were touched: reset those.
            for touched in stack { sigma[touched] = 0; dist[touched] = -1; delta[touched] = 0 }
            stack.removeAll(keepingCapacity: true)
            queue.removeAll(keepingCapacity: true)
            sigma[source] = 1
            dist[source] = 0
            queue.append(source)
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                stack.append(v)
                distances[v] += dist[v]
                reached[v] += 1
                for w in adjacency[v] {
                    if dist[w] < 0 {
                        dist[w] = dist[v] + 1
                        queue.append(w)
                    }
                    if dist[w] == dist[v] + 1 { sigma[w] += sigma[v] }
                }
            }
            var index = stack.count
            while index > 0 {
                index -= 1
                let w = stack[index]
                for v in adjacency[w] where dist[v] == dist[w] - 1 {
                    delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
                }
                if w != source { sums[w] += delta[w] }
            }
        }
    }
}
