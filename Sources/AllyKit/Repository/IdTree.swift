/// What an `IdTree` holds: each entry carries its own id, so a leaf keeps the entries alone
/// (an entity's id is in its box already; a second copy in the leaf cost 16 bytes an entity,
/// 23 MB at a million stakeholders). An entry's id never changes while it is in a tree.
protocol IdTreeEntry {
    var treeKey: String { get }
}

/// A persistent B+ tree keyed by entity id in byte order: the portfolio's primary store.
///
/// Copying a tree is O(1) (one reference); a change copies only the nodes on its path that
/// another copy still shares, so scenarios fork in constant time and share every unchanged
/// node. Unlike the hash tries it replaced, it keeps the ids in order: listing them, listing
/// those with a prefix (Tab completion) and finding an id's position (inner nodes count their
/// entries) need no sorted copy of the ids. A leaf holds up to 64 entries in one array grown
/// an eighth at a time and reads their ids from the entries: ~10 bytes an entity besides the
/// entry itself, against ~53 in the hash tries.
///
/// Ids are compared byte by byte. Every id Ally stores is an ASCII identifier, so this is the
/// order `Value.compareText` gives them, and equal bytes is equal text.
struct IdTree<Element: IdTreeEntry>: @unchecked Sendable {
    // Sendable as the persistent tries were: nodes are never changed once another copy (which
    // another thread may read) shares them.
    private var root: Node?
    /// Entries added or removed since the tree was last compacted (or created).
    private var changes = 0
    /// Leaves in the tree, for the fill ratio that decides compaction.
    private var leaves = 0

    static var leafCapacity: Int { 64 }
    static var innerCapacity: Int { 64 }

    init() {}

    var count: Int { root?.count ?? 0 }
    var isEmpty: Bool { root == nil }

    // MARK: Reading

    /// Binary search of `items` sorted by `keyOf`: the first position whose key is above `key`
    /// (`orEqual`) or not below it. The array is read once (one access to the node's property,
    /// not one per step), and ids of up to 15 ASCII bytes, which Swift keeps inline, compare as
    /// two integers.
    @inline(__always)
    static func search<T>(_ items: [T], _ key: String, orEqual: Bool, _ keyOf: (T) -> String) -> Int {
        let fast = SmallKey.isAvailable
        return items.withUnsafeBufferPointer { items in
            var low = 0, high = items.count
            while low < high {
                let mid = (low + high) >> 1
                let order = SmallKey.compare(keyOf(items[mid]), key, fast: fast)
                if order < 0 || (orEqual && order == 0) { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    /// An id's first eight bytes as a big-endian integer, zero-padded: ids with different
    /// prefixes are in the prefixes' order; equal prefixes say nothing (`SmallKey` decides).
    @inline(__always)
    static func prefix(_ key: String) -> UInt64 {
        if SmallKey.isAvailable {
            let (first, second) = unsafeBitCast(key, to: (UInt64, UInt64).self)
            if second >> 60 == 0xE { return first.byteSwapped }
        }
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for byte in key.utf8.prefix(8) {
            prefix |= UInt64(byte) << shift
            shift &-= 8
        }
        return prefix
    }

    /// Whether `prefix`, `key`'s, is all of it: at most seven bytes, none of them zero. A
    /// stored id with that prefix is then `key` itself (stored ids are identifiers: no zero
    /// bytes, so the zero eighth byte ends theirs too).
    @inline(__always)
    static func prefixIsWhole(_ key: String, _ prefix: UInt64) -> Bool {
        guard prefix & 0xFF == 0 else { return false }
        let length = 8 - prefix.trailingZeroBitCount / 8
        // The bytes before the trailing zeros are the key's only if it is no longer than them.
        return key.utf8.count == length && !hasZeroByte(prefix | (UInt64.max >> (8 * length)))
    }

    /// Whether any of the eight bytes is zero.
    @inline(__always)
    static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// How far a prefix is above a leaf's base, in four bytes: `Distance.max` for that far or further.
    typealias Distance = UInt32

    @inline(__always)
    static func distance(_ prefix: UInt64, above base: UInt64) -> Distance {
        let distance = prefix - base
        return distance >= UInt64(Distance.max) ? Distance.max : Distance(truncatingIfNeeded: distance)
    }

    subscript(key: String) -> Element? { root?.find(key) }

    func contains(_ key: String) -> Bool { root?.contains(key) ?? false }

    /// The entry's position in id order, if the id is present.
    func position(of key: String) -> Int? {
        guard var node = root else { return nil }
        var position = 0
        while !node.isLeaf {
            let index = node.childIndex(key)
            for child in node.children[..<index] { position += child.count }
            node = node.children[index]
        }
        let (index, found) = node.slot(key)
        return found ? position + index : nil
    }

    /// Calls `body` with each entry in id order from the first id not below `start` (from the
    /// first entry when nil) until it returns false.
    func forEach(from start: String? = nil, _ body: (String, Element) throws -> Bool) rethrows {
        guard let root else { return }
        _ = try Self.visit(root, from: start, body)
    }

    /// false: stopped.
    private static func visit(_ node: Node, from start: String?, _ body: (String, Element) throws -> Bool) rethrows -> Bool {
        if node.isLeaf {
            let first = start.map(node.lowerBound) ?? 0
            for value in node.values[first...] where try !body(value.treeKey, value) { return false }
            return true
        }
        let first = start.map(node.childIndex) ?? 0
        for index in first..<node.children.count {
            // Only the first child visited can hold ids below `start`.
            if try !visit(node.children[index], from: index == first ? start : nil, body) { return false }
        }
        return true
    }

    /// Every id, in order.
    var keys: [String] {
        var keys: [String] = []
        keys.reserveCapacity(count)
        forEach { key, _ in keys.append(key); return true }
        return keys
    }

    /// Every entry, in id order.
    var values: [Element] {
        var values: [Element] = []
        values.reserveCapacity(count)
        forEach { _, value in values.append(value); return true }
        return values
    }

    /// Up to `limit` ids that start with `prefix`, in order.
    func keys(withPrefix prefix: String, limit: Int) -> [String] {
        var found: [String] = []
        let prefixBytes = Array(prefix.utf8)
        forEach(from: prefix) { key, _ in
            guard found.count < limit, key.utf8.starts(with: prefixBytes) else { return false }
            found.append(key)
            return true
        }
        return found
    }

    // MARK: Writing

    /// Sets the entry for `value`'s id; returns the one it replaced.
    @discardableResult
    mutating func updateValue(_ value: Element) -> Element? {
        set(value, replacing: true)
    }

    /// Adds `value` if its id is absent (one descent); false, and nothing changed, if it is
    /// present.
    mutating func insertNew(_ value: Element) -> Bool {
        set(value, replacing: false) == nil
    }

    /// The entry `value`'s id had before; with `replacing` false, an entry present is left as it is.
    private mutating func set(_ value: Element, replacing: Bool) -> Element? {
        var old: Element?
        let added = edit(value.treeKey, default: { value }) { entry in
            old = entry
            if replacing { entry = value }
        }.added
        return added ? nil : old
    }

    /// Edits the entry for `key` in place (its arrays are not copied unless another copy of
    /// the tree shares them), adding `make()` first if the id is absent. `make` returns, and
    /// `body` leaves, an entry whose id is `key`.
    @discardableResult
    mutating func modify<R>(_ key: String, default make: () -> Element, _ body: (inout Element) -> R) -> R {
        edit(key, default: make, body).result
    }

    /// `modify`, also telling whether the id was added.
    private mutating func edit<R>(_ key: String, default make: () -> Element,
                                  _ body: (inout Element) -> R) -> (result: R, added: Bool) {
        guard root != nil else {
            var value = make()
            let result = body(&value)
            root = Node(leaf: [value], prefixes: [Self.prefix(key)])
            leaves = 1
            changes += 1
            return (result, true)
        }
        if !isKnownUniquelyReferenced(&root!) { root = root!.copy() }
        var state = Insertion()
        let (result, split) = root!.modify(key, make, body, &state)
        if state.added { changes += 1 }
        leaves += state.leafSplits
        if let split { root = Node(children: [root!, split]) }
        return (result, state.added)
    }

    /// Removes the entry for `key`; returns it.
    @discardableResult
    mutating func removeValue(forKey key: String) -> Element? {
        guard root != nil, root!.find(key) != nil else { return nil }
        if !isKnownUniquelyReferenced(&root!) { root = root!.copy() }
        var leavesRemoved = 0
        let old = root!.remove(key, leavesRemoved: &leavesRemoved)
        leaves -= leavesRemoved
        changes += 1
        if root!.count == 0 {
            root = nil
            leaves = 0
        } else {
            // A root left with one child hands over to it.
            while !root!.isLeaf, root!.children.count == 1 { root = root!.children[0] }
        }
        return old
    }
}

// MARK: Compaction

extension IdTree {
    /// Whether enough entries came and went since the last compaction (an eighth of the tree, so
    /// compacting costs O(1) per change) to leave the leaves under 80% full. Ids added out of
    /// order split leaves in half: a generated portfolio loads into leaves ~60% full.
    var isSparse: Bool {
        count >= 2 * Self.leafCapacity && changes * 8 >= count && count * 5 < leaves * Self.leafCapacity * 4
    }

    /// Repacks the entries into full leaves and the leaves into full inner nodes. Nodes no other
    /// copy shares are emptied as they are read, so the tree's memory is not needed twice.
    mutating func compact() {
        guard var old = root else { return }
        root = nil
        let unique = isKnownUniquelyReferenced(&old)
        var builder = Builder()
        Self.drain(old, unique: unique, into: &builder)
        var level = builder.finish()
        leaves = level.count
        while level.count > 1 {
            var next: [Node] = []
            next.reserveCapacity((level.count + Self.innerCapacity - 1) / Self.innerCapacity)
            var start = 0
            while start < level.count {
                let end = Swift.min(start + Self.innerCapacity, level.count)
                next.append(Node(children: Array(level[start..<end])))
                start = end
            }
            level = next
        }
        root = level.first
        changes = 0
    }

    private struct Builder {
        var leaves: [Node] = []
        var values: [Element] = []
        var prefixes: [UInt64] = []

        mutating func append(_ newValues: [Element], _ newPrefixes: [UInt64]) {
            for (value, prefix) in zip(newValues, newPrefixes) {
                if values.isEmpty {
                    values.reserveCapacity(IdTree.leafCapacity)
                    prefixes.reserveCapacity(IdTree.leafCapacity)
                }
                values.append(value)
                prefixes.append(prefix)
                if values.count == IdTree.leafCapacity { flush() }
            }
        }

        mutating func flush() {
            guard !values.isEmpty else { return }
            leaves.append(Node(leaf: values, prefixes: prefixes))
            values = []
            prefixes = []
        }

        mutating func finish() -> [Node] {
            flush()
            return leaves
        }
    }

    /// Appends the entries under `node` to `builder` in order; a `unique` node (no other copy
    /// holds it) gives up its arrays as it goes, so each old leaf is freed once copied.
    private static func drain(_ node: Node, unique: Bool, into builder: inout Builder) {
        if node.isLeaf {
            if unique {
                let values = node.values, prefixes = node.values.indices.map(node.prefix(at:))
                node.values = []
                node.distances = []
                builder.append(values, prefixes)
            } else {
                builder.append(node.values, node.values.indices.map(node.prefix(at:)))
            }
            return
        }
        var children = node.children
        if unique { node.children = [] }
        children.reverse()
        while var child = children.popLast() {
            let childUnique = unique && isKnownUniquelyReferenced(&child)
            drain(child, unique: childUnique, into: &builder)
        }
    }
}
