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

    var count: Int { start.count - 1 }
    /// Both ends of every link: twice the number of links.
    var linkEnds: Int { targets.count }
    func degree(_ v: Int) -> Int { start[v + 1] - start[v] }
    func neighbours(of v: Int) -> ArraySlice<Int32> { targets[start[v]..<start[v + 1]] }
}
