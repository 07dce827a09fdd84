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
    static func run(_ adjacency: PartnerNetwork, sources: [Int], runtime: Runtime) throws -> Sums {
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
            defer { scratch.deallocate() }
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

    /// One thread's per-source arrays, reset between sources. (Raw memory, as `Partials`: the
    /// search's inner loops then check no bounds and no exclusive access.)
    private struct Scratch {
        let sigma: UnsafeMutableBufferPointer<Double>, delta: UnsafeMutableBufferPointer<Double>
        let dist: UnsafeMutableBufferPointer<Int32>
        /// Nodes in the order the search reached them; the queue and, read backwards, the stack.
        let order: UnsafeMutableBufferPointer<Int32>
        var reachedCount = 0

        init(nodes n: Int) {
            sigma = .allocate(capacity: n)
            sigma.initialize(repeating: 0)
            delta = .allocate(capacity: n)
            delta.initialize(repeating: 0)
            dist = .allocate(capacity: n)
            dist.initialize(repeating: -1)
            order = .allocate(capacity: n)
            order.initialize(repeating: 0)
        }

        func deallocate() { sigma.deallocate(); delta.deallocate(); dist.deallocate(); order.deallocate() }

        /// Brandes' single-source step: shortest-path counts forward, dependencies backward.
        /// The queue is the order array read forwards; the stack is the same array read back.
        mutating func accumulate(from source: Int, _ adjacency: PartnerNetwork, into sums: UnsafeMutableBufferPointer<Double>,
                                 _ distances: UnsafeMutableBufferPointer<Int>, _ reached: UnsafeMutableBufferPointer<Int>) {
            // Only the nodes reached from the last source were touched: reset those.
            for index in 0..<reachedCount {
                let touched = Int(order[index])
                sigma[touched] = 0; dist[touched] = -1; delta[touched] = 0
            }
            adjacency.start.withUnsafeBufferPointer { start in
                adjacency.targets.withUnsafeBufferPointer { targets in
                    sigma[source] = 1
                    dist[source] = 0
                    order[0] = Int32(source)
                    var tail = 1, head = 0
                    while head < tail {
                        let v = Int(order[head])
                        head += 1
                        let next = dist[v] + 1
                        distances[v] += Int(dist[v])
                        reached[v] += 1
                        for edge in start[v]..<start[v + 1] {
                            let w = Int(targets[edge])
                            if dist[w] < 0 {
                                dist[w] = next
                                order[tail] = Int32(w)
                                tail += 1
                            }
                            if dist[w] == next { sigma[w] += sigma[v] }
                        }
                    }
                    reachedCount = tail
                    var index = tail
                    while index > 0 {
                        index -= 1
                        let w = Int(order[index])
                        let previous = dist[w] - 1
                        for edge in start[w]..<start[w + 1] {
                            let v = Int(targets[edge])
                            if dist[v] == previous { delta[v] += sigma[v] / sigma[w] * (1 + delta[w]) }
                        }
                        if w != source { sums[w] += delta[w] }
                    }
                }
            }
        }
    }
}
