/// A sorted id list held by a relation index, under the id it belongs to.
///
/// The ids are stored 8 bytes each when every one of them is at most 8 ASCII bytes (nearly all
/// ids, `s123456`), half the 16 bytes a `String` takes: the relation indexes of 100,000
/// partners hold 1.7 million ids, 13 MB less at the CSV import's peak. Read and written as
/// strings; a list with a longer id keeps them all as strings.
struct SortedIds: Sendable, IdTreeEntry {
    let key: String
    private var storage: Storage

    private enum Storage {
        case packed([UInt64])
        case strings([String])
    }

    init(key: String, ids: [String]) {
        self.key = key
        storage = Self.stored(ids)
    }

    var treeKey: String { key }

    var ids: [String] {
        get {
            switch storage {
            case .packed(let packed): return packed.map(Self.unpacked)
            case .strings(let strings): return strings
            }
        }
        set { storage = Self.stored(newValue) }
    }

    var isEmpty: Bool {
        switch storage {
        case .packed(let packed): return packed.isEmpty
        case .strings(let strings): return strings.isEmpty
        }
    }

    private static func stored(_ ids: [String]) -> Storage {
        var packed: [UInt64] = []
        packed.reserveCapacity(ids.count)
        for id in ids {
            guard let key = self.packed(id) else { return .strings(ids) }
            packed.append(key)
        }
        return .packed(packed)
    }

    /// An id of 1-8 ASCII bytes (no NUL: ids are letters, digits and _) as one integer, its
    /// bytes from the top down, zeros after: the integers' order is the ids' byte order.
    private static func packed(_ id: String) -> UInt64? {
        if SmallKey.isAvailable, let key = SmallKey(unchecked: id) {
            // At most 8 bytes, none of them NUL (which would read as the end).
            guard key.low >> 8 == 0, 8 - key.high.trailingZeroBitCount / 8 == key.low & 0xF else { return nil }
            return key.high
        }
        var id = id
        return id.withUTF8 { bytes -> UInt64? in
            guard bytes.count <= 8 else { return nil }
            var key: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                guard byte != 0, byte < 0x80 else { return nil }
                key |= UInt64(byte) << (56 - 8 * index)
            }
            return key
        }
    }

    private static func unpacked(_ key: UInt64) -> String {
        let count = 8 - key.trailingZeroBitCount / 8
        // The packed form is `SmallKey`'s high word (a relation stage reads thousands of these).
        if SmallKey.isAvailable { return SmallKey(high: key, low: UInt64(count)).string }
        return String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count { buffer[index] = UInt8(truncatingIfNeeded: key >> (56 - 8 * index)) }
            return count
        }
    }
}

extension SmallKey {
    /// The key of an id of at most 8 bytes, whose big-endian bytes are `high` (`low` is the length).
    fileprivate init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
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
            return list.isEmpty
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
