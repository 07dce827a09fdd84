/// Louvain communities (Blondel et al. 2008) without randomness: nodes visited in id order,
/// each moved to the neighbouring community with the largest modularity gain (only a strict
/// gain moves it), rounds until nothing moves, then communities merged into nodes and again,
/// until a level moves nothing. So the same network always gives the same partition.
/// Communities are numbered 1, 2, … by size, largest first (ties: the one whose first partner
/// comes first).
enum Louvain {
    /// A level's network: compressed sparse rows as `PartnerNetwork`, with a weight per link end
    /// and the weight of links inside each node (communities merged into it).
    struct Level {
        var start: [Int]
        var targets: [Int32]
        var weights: [Double]
        var selfWeight: [Double]
        var count: Int { start.count - 1 }
    }

    static func communities(_ network: PartnerNetwork, runtime: Runtime) throws -> [Int] {
        let n = network.count
        let twiceLinks = Double(network.linkEnds)
        var membership = Array(0..<n)
        guard twiceLinks > 0 else { return numberedBySize(membership) }
        var level = Level(start: network.start, targets: network.targets,
                          weights: [Double](repeating: 1, count: network.linkEnds), selfWeight: [Double](repeating: 0, count: n))
        while true {
            let community = try localMoves(level, twiceLinks: twiceLinks, runtime: runtime)
            var index = [Int](repeating: -1, count: level.count)
            var count = 0
            for c in community where index[c] < 0 { index[c] = count; count += 1 }
            guard count < level.count else { break }
            for node in 0..<n { membership[node] = index[community[membership[node]]] }
            level = merged(level, into: count) { index[community[$0]] }
        }
        return numberedBySize(membership)
    }

    /// Each community of `level` (numbered by `communityOf`) as one node of the next level;
    /// links between two communities add up, links inside one become its self weight. (The
    /// weights are sums of ones and halves, exact in any order.)
    private static func merged(_ level: Level, into count: Int, communityOf: (Int) -> Int) -> Level {
        var selfWeight = [Double](repeating: 0, count: count)
        var links: [(from: Int32, to: Int32, weight: Double)] = []
        links.reserveCapacity(level.targets.count)
        for v in 0..<level.count {
            let cv = communityOf(v)
            selfWeight[cv] += level.selfWeight[v]
            for edge in level.start[v]..<level.start[v + 1] {
                let cw = communityOf(Int(level.targets[edge]))
                if cv == cw { selfWeight[cv] += level.weights[edge] / 2 } else { links.append((Int32(cv), Int32(cw), level.weights[edge])) }
            }
        }
        var start = [Int](repeating: 0, count: count + 1)
        for link in links { start[Int(link.from) + 1] += 1 }
        for c in 0..<count { start[c + 1] += start[c] }
        var fill = start
        var ends = [(to: Int32, weight: Double)](repeating: (0, 0), count: links.count)
        for link in links {
            ends[fill[Int(link.from)]] = (link.to, link.weight)
            fill[Int(link.from)] += 1
        }
        var targets: [Int32] = [], weights: [Double] = []
        targets.reserveCapacity(ends.count)
        weights.reserveCapacity(ends.count)
        var compacted = [0]
        compacted.reserveCapacity(count + 1)
        for c in 0..<count {
            ends[start[c]..<start[c + 1]].sort { $0.to < $1.to }
            for index in start[c]..<start[c + 1] {
                if targets.count > compacted[c], targets[targets.count - 1] == ends[index].to {
                    weights[weights.count - 1] += ends[index].weight
                } else {
                    targets.append(ends[index].to)
                    weights.append(ends[index].weight)
                }
            }
            compacted.append(targets.count)
        }
        return Level(start: compacted, targets: targets, weights: weights, selfWeight: selfWeight)
    }

    /// One level's local moves: each node's community (a node index) once no move gains.
    private static func localMoves(_ level: Level, twiceLinks: Double, runtime: Runtime) throws -> [Int] {
        let size = level.count
        var degree = [Double](repeating: 0, count: size)
        for v in 0..<size {
            var sum = 2 * level.selfWeight[v]
            for edge in level.start[v]..<level.start[v + 1] { sum += level.weights[edge] }
            degree[v] = sum
        }
        var community = Array(0..<size)
        var total = degree
        var weightTo = [Double](repeating: 0, count: size)
        var touched: [Int] = []
        for _ in 0..<100 {
            var moved = false
            for v in 0..<size {
                if v % 4096 == 0 { try runtime.checkCancelled() }
                let own = community[v]
                touched.removeAll(keepingCapacity: true)
                for edge in level.start[v]..<level.start[v + 1] {
                    let c = community[Int(level.targets[edge])]
                    if weightTo[c] == 0 { touched.append(c) }
                    weightTo[c] += level.weights[edge]
                }
                total[own] -= degree[v]
                var best = own
                var bestGain = weightTo[own] - total[own] * degree[v] / twiceLinks
                for c in touched {
                    let gain = weightTo[c] - total[c] * degree[v] / twiceLinks
                    if gain > bestGain + 1e-12 { best = c; bestGain = gain }
                }
                total[best] += degree[v]
                for c in touched { weightTo[c] = 0 }
                if best != own { community[v] = best; moved = true }
            }
            if !moved { break }
        }
        return community
    }

    private static func numberedBySize(_ label: [Int]) -> [Int] {
        var size: [Int: Int] = [:], first: [Int: Int] = [:]
        for (node, l) in label.enumerated() {
            size[l, default: 0] += 1
            if first[l] == nil { first[l] = node }
        }
        let order = size.keys.sorted { a, b in size[a]! != size[b]! ? size[a]! > size[b]! : first[a]! < first[b]! }
        var number: [Int: Int] = [:]
        for (index, l) in order.enumerated() { number[l] = index + 1 }
        return label.map { number[$0]! }
    }
}
