import Foundation

/// `partners | centrality`: degree, betweenness, closeness and a community label per partner,
/// on the partner network restricted to the given partners.
extension Analytics {
    static let centralityColumns = ["id", "name", "degree", "betweenness", "closeness", "community"]
    static let centralityTypes: [StaticType] = [.string, .string, .number, .number, .number, .number]

    /// Above this many partners a plain `centrality` samples sources (exact Brandes is
    /// O(partners × links): minutes at 100,000) and says so in a note.
    static let automaticSampleAbove = 10_000
    /// Sources sampled then: the estimate's error bound in `.help centrality` is for this N.
    static let automaticSampleSize = 500
    static let defaultSampleSeed: UInt64 = 1

    static func centrality(_ partners: [Entity], method: CentralityMethod, runtime: Runtime) throws -> Table {
        var ids: [String] = []
        var names: [String] = []
        for case .partner(let partner) in partners {
            ids.append(partner.id)
            names.append(partner.name)
        }
        let adjacency = try partnerNetwork(ids, runtime: runtime)
        let n = ids.count
        let sources = sampledSources(nodes: n, method: method)
        if sources.count < n {
            let automatic = method == .automatic ? " (more than \(automaticSampleAbove.formatted()) partners)" : ""
            let seed: UInt64 = { if case .sample(_, let seed) = method { return seed } else { return defaultSampleSeed } }()
            runtime.names.addStatementNote(
                "note: betweenness and closeness estimated from \(sources.count.formatted()) of \(n.formatted()) partners as sources, "
                + "seed \(seed)\(automatic); `centrality exact` computes them exactly")
        }
        let sums = try WorkProgress.run("centrality", unit: "sources", total: sources.count) {
            try Betweenness.run(adjacency, sources: sources, runtime: runtime)
        }
        let closeness = closenessValues(adjacency, sums: sums, sources: sources)
        let community = try communities(adjacency, runtime: runtime)
        // Each unordered pair is counted from both ends; normalized by (n−1)(n−2)/2 pairs, and
        // scaled by n/k for k sampled sources (Brandes and Pich; NetworkX's `k=`).
        let scale = n > 2 ? Double(n) / Double(sources.count) / Double((n - 1) * (n - 2)) : 0
        let rows: [[Value]] = (0..<n).map { index in
            [.string(ids[index]), .string(names[index]), .number(Double(adjacency[index].count)),
             .number(sums.betweenness[index] * scale), closeness[index].map(Value.number) ?? .null, .number(Double(community[index]))]
        }
        return Table(columns: centralityColumns, rows: rows)
    }

    /// Neighbour positions per partner, ascending (so that sums are added in one order and the
    /// figures are the same bits every run).
    static func partnerNetwork(_ ids: [String], runtime: Runtime) throws -> [[Int]] {
        var position: [String: Int] = [:]
        for (index, id) in ids.enumerated() { position[id] = index }
        var adjacency = [[Int]](repeating: [], count: ids.count)
        for (index, id) in ids.enumerated() {
            if index % 4096 == 0 { try runtime.checkCancelled() }
            for neighbour in networkNeighbours(of: id, in: runtime.portfolio).keys {
                if let other = position[neighbour] { adjacency[index].append(other) }
            }
            adjacency[index].sort()
        }
        return adjacency
    }

    /// Every node (exact), or k distinct nodes drawn uniformly with a seeded SplitMix64
    /// (partial Fisher–Yates), ascending so that the block sums do not depend on the draw order.
    static func sampledSources(nodes n: Int, method: CentralityMethod) -> [Int] {
        let (count, seed): (Int, UInt64)
        switch method {
        case .exact: return Array(0..<n)
        case .automatic:
            guard n > automaticSampleAbove else { return Array(0..<n) }
            (count, seed) = (automaticSampleSize, defaultSampleSeed)
        case .sample(let k, let s): (count, seed) = (k, s)
        }
        guard count < n else { return Array(0..<n) }
        var random = PortfolioGenerator.Random(state: seed)
        var order = Array(0..<n)
        for index in 0..<count { order.swapAt(index, index + random.below(n - index)) }
        return order[0..<count].sorted()
    }

    /// NetworkX's closeness with `wf_improved` (its default, for disconnected graphs):
    /// (r−1)/Σd · (r−1)/(n−1), r the partners reachable from v (v included), Σd their distances;
    /// 0 for an isolated partner. With sampled sources, Σd is estimated from the sources in v's
    /// component (Eppstein and Wang): Σd ≈ (r−1)/k_v · Σ_{sampled s≠v} d(s, v); null when no
    /// source fell in v's component.
    static func closenessValues(_ adjacency: [[Int]], sums: Betweenness.Sums, sources: [Int]) -> [Double?] {
        let n = adjacency.count
        guard n > 1 else { return [Double?](repeating: 0, count: n) }
        let sizes = sources.count == n ? sums.reachedBy : componentSizes(adjacency)
        var isSource = [Bool](repeating: sources.count == n, count: n)
        if sources.count < n { for s in sources { isSource[s] = true } }
        return (0..<n).map { v -> Double? in
            let r = Double(sizes[v])
            guard sizes[v] > 1 else { return 0 }
            let sampled = sums.reachedBy[v] - (isSource[v] ? 1 : 0)
            guard sampled > 0 else { return nil }
            let distances = Double(sums.distanceSum[v]) * (r - 1) / Double(sampled)
            return (r - 1) / distances * (r - 1) / Double(n - 1)
        }
    }

    /// The size of each node's connected component.
    static func componentSizes(_ adjacency: [[Int]]) -> [Int] {
        let n = adjacency.count
        var component = [Int](repeating: -1, count: n)
        var sizes: [Int] = []
        var queue: [Int] = []
        for start in 0..<n where component[start] < 0 {
            component[start] = sizes.count
            queue.removeAll(keepingCapacity: true)
            queue.append(start)
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                for w in adjacency[v] where component[w] < 0 {
                    component[w] = sizes.count
                    queue.append(w)
                }
            }
            sizes.append(queue.count)
        }
        return component.map { sizes[$0] }
    }

    /// Louvain (Blondel et al. 2008) without randomness: nodes visited in id order, each moved
    /// to the neighbouring community with the largest modularity gain (only a strict gain moves
    /// it), rounds until nothing moves, then communities merged into nodes and again, until a
    /// level moves nothing. So the same network always gives the same partition. Communities
    /// are numbered 1, 2, … by size, largest first (ties: the one whose first partner comes first).
    static func communities(_ adjacency: [[Int]], runtime: Runtime) throws -> [Int] {
        let n = adjacency.count
        let twiceLinks = Double(adjacency.reduce(0) { $0 + $1.count })
        var membership = Array(0..<n)
        guard twiceLinks > 0 else { return numberedBySize(membership) }
        var graph: [[(node: Int, weight: Double)]] = adjacency.map { $0.map { (node: $0, weight: 1) } }
        var selfWeight = [Double](repeating: 0, count: n)
        while true {
            let community = try louvainLevel(graph, selfWeight: selfWeight, twiceLinks: twiceLinks, runtime: runtime)
            var index = [Int](repeating: -1, count: graph.count)
            var count = 0
            for c in community where index[c] < 0 { index[c] = count; count += 1 }
            guard count < graph.count else { break }
            for node in 0..<n { membership[node] = index[community[membership[node]]] }
            var merged = [[Int: Double]](repeating: [:], count: count)
            var mergedSelfWeight = [Double](repeating: 0, count: count)
            for v in graph.indices {
                let cv = index[community[v]]
                mergedSelfWeight[cv] += selfWeight[v]
                for (w, weight) in graph[v] {
                    let cw = index[community[w]]
                    if cv == cw { mergedSelfWeight[cv] += weight / 2 } else { merged[cv][cw, default: 0] += weight }
                }
            }
            graph = merged.map { $0.sorted { $0.key < $1.key }.map { (node: $0.key, weight: $0.value) } }
            selfWeight = mergedSelfWeight
        }
        return numberedBySize(membership)
    }

    /// One Louvain level: each node's community (a node index) after local moves.
    private static func louvainLevel(_ graph: [[(node: Int, weight: Double)]], selfWeight: [Double], twiceLinks: Double,
                                     runtime: Runtime) throws -> [Int] {
        let size = graph.count
        let degree = (0..<size).map { v in graph[v].reduce(2 * selfWeight[v]) { $0 + $1.weight } }
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
                for (w, weight) in graph[v] {
                    let c = community[w]
                    if weightTo[c] == 0 { touched.append(c) }
                    weightTo[c] += weight
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
