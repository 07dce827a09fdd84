/// A sorted id list held by a relation index, under the id it belongs to.
struct SortedIds: Sendable, IdTreeEntry {
    let key: String
    var ids: [String]

    var treeKey: String { key }
}

extension IdTree where Element == SortedIds {
    mutating func insert(_ id: String, into key: String) {
        // Edited in place: a partner with thousands of agreements does not copy its list on
        // every insert (unless another copy of the portfolio shares it).
        modify(key, default: { SortedIds(key: key, ids: []) }) { $0.ids.insertSorted(id) }
    }

    mutating func remove(_ id: String, from key: String) {
        guard self[key] != nil else { return }
        let emptied = modify(key, default: { SortedIds(key: key, ids: []) }) { list -> Bool in
            list.ids.removeAll { $0 == id }
            return list.ids.isEmpty
        }
        if emptied { removeValue(forKey: key) }
    }
}

extension Array where Element == String {
    /// The positions in this ascending id list of those of `wanted` (ascending, no repeats)
    /// that are in it, ascending. Each is looked for from where the last one was found, by
    /// steps that double and then halve: many ids cost about one comparison each, a few a
    /// handful each.
    func positions(ofSorted wanted: [String]) -> [Int32] {
        var found: [Int32] = []
        found.reserveCapacity(Swift.min(wanted.count, count))
        let fast = SmallKey.isAvailable
        withUnsafeBufferPointer { own in
            var index = 0
            for key in wanted {
                // Every id before `low` is below the key; the one at `high`, if any, is not.
                var low = index, high = index, step = 1
                while high < own.count, SmallKey.compare(own[high], key, fast: fast) < 0 {
                    low = high + 1
                    high = low + step
                    step <<= 1
                }
                high = Swift.min(high, own.count)
                while low < high {
                    let mid = (low + high) >> 1
                    if SmallKey.compare(own[mid], key, fast: fast) < 0 { low = mid + 1 } else { high = mid }
                }
                guard low < own.count else { break }
                if SmallKey.compare(own[low], key, fast: fast) == 0 {
                    found.append(Int32(truncatingIfNeeded: low))
                    index = low + 1
                } else {
                    index = low
                }
            }
        }
        return found
    }

    /// Adds `ids` (ascending, no repeats) keeping byte-wise ascending order and no duplicates:
    /// appended when they all go after the last (the usual case), merged otherwise.
    mutating func mergeSorted(_ ids: [String]) {
        guard let first = ids.first else { return }
        if isEmpty || SmallKey.compare(self[count - 1], first) < 0 {
            reserveCapacity(count + ids.count)
            append(contentsOf: ids)
            return
        }
        if ids.count == 1 {
            insertSorted(first)
            return
        }
        var merged: [String] = []
        merged.reserveCapacity(count + ids.count)
        var i = 0, j = 0
        while i < count || j < ids.count {
            let order = i == count ? 1 : j == ids.count ? -1 : SmallKey.compare(self[i], ids[j])
            if order <= 0 { merged.append(self[i]); i += 1 } else { merged.append(ids[j]); j += 1 }
            if order == 0 { j += 1 }
        }
        self = merged
    }

    /// Inserts keeping byte-wise ascending order and no duplicates.
    mutating func insertSorted(_ id: String) {
        var low = count
        // Ids usually arrive in order (an export is sorted by id): past the last one, append.
        if let last, SmallKey.compare(last, id) >= 0 {
            low = 0
            var high = count
            while low < high {
                let mid = (low + high) / 2
                let order = SmallKey.compare(self[mid], id)
                if order == 0 { return }
                if order < 0 { low = mid + 1 } else { high = mid }
            }
        }
        // Grown by an eighth (at least 2), not doubled: the relation indexes of a large portfolio
        // are hundreds of thousands of short lists, and doubling left a third of their room empty.
        if count == capacity { reserveCapacity(count + Swift.max(2, count / 8)) }
        insert(id, at: low)
    }
}
