/// What `Portfolio.insertNew(_:deferringEdits:)` leaves for `settle`: (key, id) pairs, each
/// an id to add to the sorted list under key.
struct DeferredEdits {
    /// Pairs held at most before they are applied: enough that a batch visits much of a tree in
    /// order, few enough that they take a few megabytes.
    static let batch = 1 << 18
    /// An import's batch: a quarter of that. What is left at the end of an import is settled
    /// when every row is in, at its peak memory, which the CSV import must keep within 1.5x
    /// sqlite3's (256k pairs put 5 MB on it, 64k none measurable; the time was the same).
    static let importBatch = 1 << 16

    /// (partner, agreement naming it as a party).
    var parties = Pairs()
    /// (partner, stakeholder whose org it is).
    var orgs = Pairs()
    /// (stakeholder, new stakeholder that knows it).
    var ties = Pairs()

    var isEmpty: Bool { parties.count == 0 && orgs.count == 0 && ties.count == 0 }
    var count: Int { parties.count + orgs.count + ties.count }

    /// Pairs of ids; those of small ids (nearly all) as plain integers, which sort without
    /// touching memory or reference counts and turn back into the same strings.
    struct Pairs {
        private var small: [(key: SmallKey, id: SmallKey)] = []
        private var other: [(key: String, id: String)] = []

        var count: Int { small.count + other.count }

        mutating func append(_ key: String, _ id: String) {
            if let k = SmallKey(key), let i = SmallKey(id) {
                assert(k.string == key && i.string == id)
                small.append((k, i))
            } else {
                other.append((key, id))
            }
        }

        /// Calls `body` with each key and its ids (ascending, no repeats), keys in byte order
        /// within each of the two kinds of pairs (a key may come twice: once per kind).
        /// Sorted in place (a copy would double what the pairs take at the moment they peak).
        mutating func forEachKey(_ body: (String, [String]) -> Void) {
            small.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
            var start = 0
            while start < small.count {
                var end = start + 1
                while end < small.count, small[end].key == small[start].key { end += 1 }
                body(small[start].key.string, small[start..<end].map(\.id.string))
                start = end
            }
            let fast = SmallKey.isAvailable
            other.sort {
                let order = SmallKey.compare($0.key, $1.key, fast: fast)
                return order != 0 ? order < 0 : SmallKey.compare($0.id, $1.id, fast: fast) < 0
            }
            start = 0
            while start < other.count {
                var end = start + 1
                while end < other.count, other[end].key == other[start].key { end += 1 }
                body(other[start].key, other[start..<end].map(\.id))
                start = end
            }
        }
    }
}
