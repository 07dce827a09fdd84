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
        let (sums, community) = try WorkProgress.run("centrality", unit: "sources", total: sources.count) {
            try Betweenness.run(adjacency, sources: sources, runtime: runtime) {
                try Louvain.communities(adjacency, runtime: runtime)
            }
        }
        let closeness = closenessValues(adjacency, sums: sums, sources: sources)
        // Each unordered pair is counted from both ends; normalized by (n−1)(n−2)/2 pairs, and
        // scaled by n/k for k sampled sources (Brandes and Pich; NetworkX's `k=`).
        let scale = n > 2 ? Double(n) / Double(sources.count) / Double((n - 1) * (n - 2)) : 0
        let rows: [[Value]] = (0..<n).map { index in
            [.string(ids[index]), .string(names[index]), .number(Double(adjacency.degree(index))),
             .number(sums.betweenness[index] * scale), closeness[index].map(Value.number) ?? .null, .number(Double(community[index]))]
        }
        return Table(columns: centralityColumns, rows: rows)
    }

    /// The network among `ids`: partners linked when they share a live agreement. One pass
    /// over the agreements (no lookup by id), so its cost is the portfolio's agreements and
    /// parties, whichever partners are asked about.
    static func partnerNetwork(_ ids: [String], runtime: Runtime) throws -> PartnerNetwork {
        var position: [String: Int32] = [:]
        position.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() { position[id] = Int32(index) }
        var links: [(Int32, Int32)] = []
        var parties: [Int32] = []
        var seen = 0
        var cancelled = false
        runtime.portfolio.boxes(of: .agreement).forEach { _, entity in
            seen += 1
            if seen % 4096 == 0, Interrupt.isRequested { cancelled = true; return false }
            guard case .agreement(let agreement) = entity, agreement.isLive else { return true }
            parties.removeAll(keepingCapacity: true)
            for party in agreement.parties { if let node = position[party.partner] { parties.append(node) } }
            for a in parties { for b in parties where a != b { links.append((a, b)) } }
            return true
        }
        if cancelled { try runtime.checkCancelled() }
        return PartnerNetwork(nodes: ids.count, links: links)
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
    static func closenessValues(_ adjacency: PartnerNetwork, sums: Betweenness.Sums, sources: [Int]) -> [Double?] {
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
    static func componentSizes(_ adjacency: PartnerNetwork) -> [Int] {
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
                for w in adjacency.neighbours(of: v) where component[Int(w)] < 0 {
                    component[Int(w)] = sizes.count
                    queue.append(Int(w))
                }
            }
            sizes.append(queue.count)
        }
        return component.map { sizes[$0] }
    }
}
