/// The partner network as the searches read it: every node's neighbours in one array, node by
/// node (compressed sparse rows), each node's ascending and without repeats. One allocation
/// instead of one per partner, and a breadth-first search reads neighbours from contiguous memory.
struct PartnerNetwork {
    /// `targets[start[v]..<start[v + 1]]` are v's neighbours.
    let start: [Int]
    let targets: [Int32]

    /// From links given as (from, to) pairs in any order, repeats allowed; a link should be
    /// given both ways.
    init(nodes: Int, links: [(Int32, Int32)]) {
        var start = [Int](repeating: 0, count: nodes + 1)
        for (from, _) in links { start[Int(from) + 1] += 1 }
        for v in 0..<nodes { start[v + 1] += start[v] }
        var fill = start
        var targets = [Int32](repeating: 0, count: links.count)
        for (from, to) in links {
            targets[fill[Int(from)]] = to
            fill[Int(from)] += 1
        }
        // Sort each node's neighbours and drop repeats, compacting in place.
        var write = 0
        for v in 0..<nodes {
            let begin = start[v], end = start[v + 1]
            targets[begin..<end].sort()
            start[v] = write
            var previous: Int32 = -1
            for index in begin..<end where targets[index] != previous {
                previous = targets[index]
                targets[write] = previous
                write += 1
            }
        }
        start[nodes] = write
        targets.removeSubrange(write...)
        self.start = start
        self.targets = targets
    }

    private init(start: [Int], targets: [Int32]) {
        self.start = start
        self.targets = targets
    }

    var count: Int { start.count - 1 }
    /// Both ends of every link: twice the number of links.
    var linkEnds: Int { targets.count }
    func degree(_ v: Int) -> Int { start[v + 1] - start[v] }
    func neighbours(of v: Int) -> ArraySlice<Int32> { targets[start[v]..<start[v + 1]] }

    /// Every node once, breadth-first: from the node of highest degree, then from the highest
    /// unplaced one of each component left (ties: the lower index), neighbours in index order.
    /// Numbered this way, a node's neighbours and the nodes of one search level sit near each
    /// other, so the searches' per-node state is read from far fewer cache lines (measured at
    /// 100,000 partners: 2.2x less CPU for the betweenness searches than the id order).
    func breadthFirstOrder() -> [Int] {
        let n = count
        let starts = (0..<n).sorted { degree($0) != degree($1) ? degree($0) > degree($1) : $0 < $1 }
        var placed = [Bool](repeating: false, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        for first in starts where !placed[first] {
            placed[first] = true
            var head = order.count
            order.append(first)
            while head < order.count {
                let v = order[head]
                head += 1
                for w in neighbours(of: v) where !placed[Int(w)] {
                    placed[Int(w)] = true
                    order.append(Int(w))
                }
            }
        }
        return order
    }

    /// The same network with node `order[i]` as node i (`order` a permutation of the nodes).
    func renumbered(_ order: [Int]) -> PartnerNetwork {
        var position = [Int32](repeating: 0, count: count)
        for (index, v) in order.enumerated() { position[v] = Int32(index) }
        var start = [Int](repeating: 0, count: count + 1)
        var targets = [Int32](repeating: 0, count: self.targets.count)
        for (index, v) in order.enumerated() {
            let begin = start[index], end = begin + degree(v)
            start[index + 1] = end
            var write = begin
            for w in neighbours(of: v) { targets[write] = position[Int(w)]; write += 1 }
            targets[begin..<end].sort()
        }
        return PartnerNetwork(start: start, targets: targets)
    }
}
