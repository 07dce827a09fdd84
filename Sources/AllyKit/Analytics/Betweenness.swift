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

    /// Brandes from every node in `sources` (distinct). Throws `cancelled` within one source's
    /// work of Ctrl-C, on every thread. `alongside`, work that does not depend on the searches
    /// (the community labels), is taken by the first free thread before the blocks: on two
    /// threads it runs beside them instead of after them; on one, first. Its error is rethrown.
    static func run<Beside>(_ network: PartnerNetwork, sources: [Int], runtime: Runtime,
                            alongside: () throws -> Beside) throws -> (Sums, Beside) {
        try withoutActuallyEscaping(alongside) { work in
            let side = SideWork(work)
            let sums = try run(network, sources: sources, runtime: runtime, side: side)
            return (sums, try side.outcome!.get())
        }
    }

    private static func run<Beside>(_ network: PartnerNetwork, sources: [Int], runtime: Runtime,
                                    side: SideWork<Beside>) throws -> Sums {
        let n = network.count
        guard n > 0, !sources.isEmpty else {
            side.run()
            return Sums(betweenness: .init(repeating: 0, count: n), distanceSum: .init(repeating: 0, count: n),
                        reachedBy: .init(repeating: 0, count: n))
        }
        // Searched renumbered breadth-first, for locality; the sums are mapped back at the end.
        let order = network.breadthFirstOrder()
        let adjacency = network.renumbered(order)
        var position = [Int](repeating: 0, count: n)
        for (index, v) in order.enumerated() { position[v] = index }
        let sources = sources.map { position[$0] }.sorted()
        // Full batches where the sources allow (a sample of 500: 8 blocks of one batch each).
        let blocks = min(blockCount, (sources.count + BatchSearch.lanes - 1) / BatchSearch.lanes)
        let partials = Partials(blocks: blocks, nodes: n)
        let nextBlock = Atomic<Int>(0)
        let cancelled = Atomic<Bool>(false)
        let threads = min(threadCount, blocks + 1)
        let count = sources.count
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var search = BatchSearch(nodes: n)
            defer { search.deallocate() }
            while !cancelled.load(ordering: .relaxed) {
                // Item 0 is `alongside`, item b + 1 block b.
                let block = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue - 1
                if block < 0 { side.run(); continue }
                guard block < blocks else { return }
                partials.withBlock(block) { sums, distances, reached in
                    let blockSources = (block * count / blocks)..<((block + 1) * count / blocks)
                    for batch in stride(from: blockSources.lowerBound, to: blockSources.upperBound, by: BatchSearch.lanes) {
                        if Interrupt.isRequested { cancelled.store(true, ordering: .relaxed); return }
                        let batchSources = sources[batch..<min(batch + BatchSearch.lanes, blockSources.upperBound)]
                        search.accumulate(from: batchSources, adjacency, into: sums, distances, reached)
                        WorkProgress.advance(batchSources.count)
                    }
                }
            }
        }
        try runtime.checkCancelled()
        return partials.total(numberedBy: order)
    }

    /// The work beside the searches and its outcome: run by the one thread that takes item 0,
    /// read once every thread has finished.
    private final class SideWork<Beside>: @unchecked Sendable {
        let work: () throws -> Beside
        var outcome: Result<Beside, any Error>?
        init(_ work: @escaping () throws -> Beside) { self.work = work }
        func run() { outcome = Result { try work() } }
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

        /// The blocks added up, node i's sums given to node `order[i]`.
        func total(numberedBy order: [Int]) -> Sums {
            var sums = Sums(betweenness: .init(repeating: 0, count: nodes), distanceSum: .init(repeating: 0, count: nodes),
                            reachedBy: .init(repeating: 0, count: nodes))
            for block in 0..<blocks {
                for (node, original) in order.enumerated() {
                    sums.betweenness[original] += storage[block * nodes + node]
                    sums.distanceSum[original] += distances[block * nodes + node]
                    sums.reachedBy[original] += reached[block * nodes + node]
                }
            }
            return sums
        }
    }

    /// One thread's state for a batch of up to `lanes` sources searched together (multi-source
    /// BFS, Then et al., VLDB 2015): a node's lanes are one bit each in a mask and `lanes`
    /// adjacent slots, so one read of a neighbour list serves every source whose frontier holds
    /// the node, and the slots of a node share cache lines. (Raw memory, as `Partials`: the inner
    /// loops then check no bounds and no exclusive access.)
    struct BatchSearch {
        /// Sources per batch, one bit each of a mask (measured at 100,000 partners: 8 lanes
        /// saved 15% over one source at a time, 32 lanes 45%, 64 lanes the most).
        static let lanes = 64
        let nodes: Int
        /// Lanes that have reached the node (at any level so far).
        let seen: UnsafeMutableBufferPointer<UInt64>
        /// Forward: lanes reaching the node at the next level. Backward: its lanes at the level
        /// below the one being finished.
        let pending: UnsafeMutableBufferPointer<UInt64>
        /// Per node and lane: the number of shortest paths (forward), then, once the node's
        /// dependency is known, (1 + dependency) / paths, which is what its predecessors add up.
        let slots: UnsafeMutableBufferPointer<Double>
        /// The levels, one after the other: `levelNodes[levelStart[d]..<levelStart[d + 1]]` are the
        /// nodes some lane reaches at distance d, `levelLanes` the lanes that do.
        let levelNodes: UnsafeMutableBufferPointer<Int32>
        let levelLanes: UnsafeMutableBufferPointer<UInt64>
        var levelStart: [Int] = []

        init(nodes n: Int) {
            nodes = n
            seen = .allocate(capacity: n)
            seen.initialize(repeating: 0)
            pending = .allocate(capacity: n)
            pending.initialize(repeating: 0)
            slots = .allocate(capacity: n * Self.lanes)
            slots.initialize(repeating: 0)
            // A node enters one level per distinct distance from the batch's sources: at most
            // `lanes` levels.
            levelNodes = .allocate(capacity: n * Self.lanes)
            levelLanes = .allocate(capacity: n * Self.lanes)
        }

        func deallocate() {
            seen.deallocate(); pending.deallocate(); slots.deallocate(); levelNodes.deallocate(); levelLanes.deallocate()
        }

        /// Brandes for `sources` (at most `lanes`, distinct), added to the block's sums: the
        /// dependency of each reached node on each source other than itself, the distance from
        /// each source reaching it, and how many sources reach it.
        mutating func accumulate(from sources: ArraySlice<Int>, _ adjacency: PartnerNetwork,
                                 into sums: UnsafeMutableBufferPointer<Double>,
                                 _ distances: UnsafeMutableBufferPointer<Int>, _ reached: UnsafeMutableBufferPointer<Int>) {
            adjacency.start.withUnsafeBufferPointer { start in
                adjacency.targets.withUnsafeBufferPointer { targets in
                    countPaths(from: sources, start, targets)
                    addDependencies(start, targets, into: sums, distances, reached)
                }
            }
            // Only the nodes the levels list were touched: reset those.
            for index in 0..<levelStart[levelStart.count - 1] {
                let v = Int(levelNodes[index])
                seen[v] = 0
                for lane in 0..<Self.lanes { slots[v * Self.lanes + lane] = 0 }
            }
        }

        /// Forward, level by level: the nodes each lane reaches at each distance, and the
        /// shortest-path counts (whole numbers, so exact in any order of addition).
        private mutating func countPaths(from sources: ArraySlice<Int>, _ start: UnsafeBufferPointer<Int>,
                                         _ targets: UnsafeBufferPointer<Int32>) {
            let lanes = Self.lanes
            var tail = 0
            for (lane, source) in sources.enumerated() {
                levelNodes[tail] = Int32(source)
                levelLanes[tail] = 1 << UInt64(lane)
                seen[source] = 1 << UInt64(lane)
                slots[source * lanes + lane] = 1
                tail += 1
            }
            levelStart = [0, tail]
            var head = 0
            // A batch at 100,000 partners is a tenth of a second of a core or more: Ctrl-C is heeded
            // between levels (the run then throws, so a cut batch's sums are never read).
            while head < tail, !Interrupt.isRequested {
                let levelEnd = tail
                for index in head..<levelEnd {
                    let v = Int(levelNodes[index]), frontier = levelLanes[index]
                    for edge in start[v]..<start[v + 1] {
                        let w = Int(targets[edge])
                        var arriving = frontier & ~seen[w]
                        guard arriving != 0 else { continue }
                        if pending[w] == 0 { levelNodes[tail] = Int32(w); tail += 1 }
                        pending[w] |= arriving
                        while arriving != 0 {
                            let lane = arriving.trailingZeroBitCount
                            slots[w * lanes + lane] += slots[v * lanes + lane]
                            arriving &= arriving - 1
                        }
                    }
                }
                // The next level in node order: with the breadth-first numbering its nodes' slots
                // and neighbours are then read nearly in address order, forward and backward
                // (measured at 100,000 partners: 30% less CPU, sort included).
                var next = UnsafeMutableBufferPointer(rebasing: levelNodes[levelEnd..<tail])
                next.sort()
                for index in levelEnd..<tail {
                    let w = Int(levelNodes[index])
                    levelLanes[index] = pending[w]
                    seen[w] |= pending[w]
                    pending[w] = 0
                }
                head = levelEnd
                if tail > levelEnd { levelStart.append(tail) }
            }
        }

        /// Backward, deepest level first: each node's dependency δ(v) = σ(v) · Σ (1 + δ(w)) / σ(w)
        /// over its neighbours w one level further from the same source (added in neighbour order).
        private func addDependencies(_ start: UnsafeBufferPointer<Int>, _ targets: UnsafeBufferPointer<Int32>,
                                     into sums: UnsafeMutableBufferPointer<Double>,
                                     _ distances: UnsafeMutableBufferPointer<Int>, _ reached: UnsafeMutableBufferPointer<Int>) {
            let lanes = Self.lanes
            var pulled = [Double](repeating: 0, count: lanes)
            pulled.withUnsafeMutableBufferPointer { pulled in
                for level in stride(from: levelStart.count - 2, through: 0, by: -1) where !Interrupt.isRequested {
                    let below = levelStart[level + 1]..<levelStart[min(level + 2, levelStart.count - 1)]
                    for index in below { pending[Int(levelNodes[index])] = levelLanes[index] }
                    for index in levelStart[level]..<levelStart[level + 1] {
                        let v = Int(levelNodes[index]), here = levelLanes[index]
                        distances[v] += level * here.nonzeroBitCount
                        reached[v] += here.nonzeroBitCount
                        for edge in start[v]..<start[v + 1] {
                            let w = Int(targets[edge])
                            var successors = here & pending[w]
                            while successors != 0 {
                                let lane = successors.trailingZeroBitCount
                                pulled[lane] += slots[w * lanes + lane]
                                successors &= successors - 1
                            }
                        }
                        var lanesHere = here
                        while lanesHere != 0 {
                            let lane = lanesHere.trailingZeroBitCount
                            let paths = slots[v * lanes + lane]
                            let dependency = paths * pulled[lane]
                            if level > 0 { sums[v] += dependency }
                            slots[v * lanes + lane] = (1 + dependency) / paths
                            pulled[lane] = 0
                            lanesHere &= lanesHere - 1
                        }
                    }
                    for index in below { pending[Int(levelNodes[index])] = 0 }
                }
            }
        }
    }
}
