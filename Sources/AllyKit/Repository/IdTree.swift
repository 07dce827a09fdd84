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

    // MARK: Node

    /// What an insert reports back up its path.
    struct Insertion {
        /// The new id went after every id of its leaf (and of each node above that split).
        var appending = false
        var leafSplits = 0
        /// The id was absent and is now added.
        var added = false
    }

    final class Node {
        /// An inner node's separators: each child's ids are not below its own and are below
        /// the next one's (a child's smallest id when it was split off; removals may leave it
        /// lower). Empty in leaves, whose ids are their entries'.
        var keys: [String]
        /// A leaf's entries, ascending by id; empty in inner nodes.
        var values: [Element]
        /// A leaf's ids' first eight bytes (`IdTree.prefix`), in the same order, each as its
        /// distance above `base` (at most `Distance.max`, which stands for any distance from
        /// there up): a search reads these, not the entries (an entity's id is in its box, one
        /// cache miss a step), and reads an entry only where they cannot tell. Four bytes an
        /// entry: the ids of a leaf are close together, and their distances small.
        var distances: [Distance]
        /// At most every prefix in the leaf.
        var base: UInt64
        /// An inner node's children; empty in leaves.
        var children: [Node]
        /// Entries under this node.
        var count: Int
        let isLeaf: Bool

        /// A leaf of `values`, whose ids have `prefixes`.
        init(leaf values: [Element], prefixes: [UInt64]) {
            assert(values.count == prefixes.count)
            self.keys = []
            self.values = values
            let base = prefixes.first ?? 0
            self.base = base
            self.distances = prefixes.map { IdTree.distance($0, above: base) }
            self.children = []
            self.count = values.count
            self.isLeaf = true
        }

        init(children: [Node]) {
            self.keys = children.map(\.firstKey)
            self.values = []
            self.distances = []
            self.base = 0
            self.children = children
            self.count = children.reduce(0) { $0 + $1.count }
            self.isLeaf = false
        }

        private init(copying node: Node) {
            keys = node.keys
            values = node.values
            distances = node.distances
            base = node.base
            children = node.children
            count = node.count
            isLeaf = node.isLeaf
        }

        func copy() -> Node { Node(copying: self) }

        /// The smallest id under this node (its separator in the parent).
        var firstKey: String { isLeaf ? values[0].treeKey : keys[0] }

        /// In a leaf: the first position whose id is not below `key` (where it is or would go).
        @inline(__always)
        func lowerBound(_ key: String) -> Int {
            let prefix = IdTree.prefix(key)
            return lowerBound(key, prefix: prefix, whole: IdTree.prefixIsWhole(key, prefix))
        }

        /// `lowerBound` given `key`'s prefix: the distances decide, but where they are equal
        /// and the prefix is not all of the key, or both are `Distance.max` (then the entry's
        /// id is read).
        @inline(__always)
        func lowerBound(_ key: String, prefix: UInt64, whole: Bool) -> Int {
            // Below the base, the key is below every id here.
            guard prefix >= base else { return 0 }
            let distance = IdTree.distance(prefix, above: base)
            return distances.withUnsafeBufferPointer { distances in
                var low = 0, high = distances.count
                while low < high {
                    let mid = (low + high) >> 1
                    let other = distances[mid]
                    let below = other != distance ? other < distance
                        : (other == Distance.max || !whole) && SmallKey.compare(values[mid].treeKey, key) < 0
                    if below { low = mid + 1 } else { high = mid }
                }
                return low
            }
        }

        /// In a leaf: where `key` is (found) or would go. An id that its prefix is all of is
        /// found without reading the entry.
        @inline(__always)
        func slot(_ key: String) -> (index: Int, found: Bool) {
            let prefix = IdTree.prefix(key)
            let whole = IdTree.prefixIsWhole(key, prefix)
            let index = lowerBound(key, prefix: prefix, whole: whole)
            guard index < distances.count, prefix >= base else { return (index, false) }
            let distance = IdTree.distance(prefix, above: base)
            guard distances[index] == distance else { return (index, false) }
            return (index, (whole && distance != Distance.max) || SmallKey.compare(values[index].treeKey, key) == 0)
        }

        /// The prefix of the entry at `index`: from its distance, or (past `Distance.max`) its id.
        func prefix(at index: Int) -> UInt64 {
            distances[index] == Distance.max ? IdTree.prefix(values[index].treeKey) : base + UInt64(distances[index])
        }

        /// In an inner node: the child whose range holds `key`, the last one whose separator
        /// is not above it (the first child for keys below every other).
        @inline(__always)
        func childIndex(_ key: String) -> Int { Swift.max(0, IdTree.search(keys, key, orEqual: true) { $0 } - 1) }

        /// Edits the entry for `key` under this (uniquely held) node in place, adding
        /// `make()` first if the id is absent; returns `body`'s result and a new right sibling
        /// when the node split.
        func modify<R>(_ key: String, _ make: () -> Element, _ body: (inout Element) -> R,
                       _ state: inout Insertion) -> (result: R, split: Node?) {
            if isLeaf {
                let (index, found) = slot(key)
                if found {
                    let result = body(&values[index])
                    assert(values[index].treeKey == key, "an entry's id changed in place")
                    return (result, nil)
                }
                var value = make()
                let result = body(&value)
                assert(value.treeKey == key, "an entry was added under another id")
                state.added = true
                return (result, insertEntry(value, prefix: IdTree.prefix(key), at: index, &state))
            }
            let index = childIndex(key)
            if !isKnownUniquelyReferenced(&children[index]) { children[index] = children[index].copy() }
            let (result, split) = children[index].modify(key, make, body, &state)
            if state.added { count += 1 }
            return (result, adopt(split, at: index, &state))
        }

        /// Puts a new entry at `index` of this leaf; returns the right half if the leaf split.
        private func insertEntry(_ value: Element, prefix: UInt64, at index: Int, _ state: inout Insertion) -> Node? {
            state.appending = index == values.count
            if prefix < base {
                // A new lowest prefix: every distance grows by as much (saturating stays true).
                let lower = IdTree.distance(base, above: prefix)
                for i in distances.indices where distances[i] != Distance.max {
                    distances[i] = IdTree.distance(UInt64(distances[i]) + UInt64(lower), above: 0)
                }
                base = prefix
            }
            IdTree.makeRoom(in: &values)
            IdTree.makeRoom(in: &distances)
            values.insert(value, at: index)
            distances.insert(IdTree.distance(prefix, above: base), at: index)
            count += 1
            guard values.count > IdTree.leafCapacity else { return nil }
            state.leafSplits += 1
            return splitLeaf(appending: state.appending)
        }

        /// After an insert under `children[index]`: keeps its smallest key and takes in the
        /// sibling it split off, if any; returns this node's right half if it split in turn.
        private func adopt(_ split: Node?, at index: Int, _ state: inout Insertion) -> Node? {
            if index == 0 { keys[0] = children[0].firstKey }
            guard let split else { return nil }
            state.appending = state.appending && index == children.count - 1
            IdTree.makeRoom(in: &children)
            IdTree.makeRoom(in: &keys)
            children.insert(split, at: index + 1)
            keys.insert(split.firstKey, at: index + 1)
            guard children.count > IdTree.innerCapacity else { return nil }
            return splitInner(appending: state.appending)
        }

        /// Keys arriving in order fill each leaf before the next (splitting at the end); any
        /// other insert splits in half.
        private func splitLeaf(appending: Bool) -> Node {
            let cut = appending ? values.count - 1 : values.count / 2
            // The right half measured from its own first id (ids filled in order would otherwise
            // all be measured from the first leaf's, and soon too far for four bytes).
            let right = Node(leaf: Array(values[cut...]), prefixes: (cut..<values.count).map(prefix(at:)))
            // A new array, sized to what it holds (cutting the old one would keep its room).
            values = Array(values[..<cut])
            distances = Array(distances[..<cut])
            count = values.count
            return right
        }

        private func splitInner(appending: Bool) -> Node {
            let cut = appending ? children.count - 1 : children.count / 2
            let right = Node(children: Array(children[cut...]))
            children = Array(children[..<cut])
            keys = Array(keys[..<cut])
            count -= right.count
            return right
        }

        /// Removes `key`, which is present, under this (uniquely held) node; returns what it
        /// held. A node left empty is dropped by its parent (underfull ones wait for compaction).
        func remove(_ key: String, leavesRemoved: inout Int) -> Element? {
            if isLeaf {
                let (index, found) = slot(key)
                guard found else { return nil }
                count -= 1
                distances.remove(at: index)
                return values.remove(at: index)
            }
            let index = childIndex(key)
            if !isKnownUniquelyReferenced(&children[index]) { children[index] = children[index].copy() }
            let old = children[index].remove(key, leavesRemoved: &leavesRemoved)
            count -= 1
            if children[index].count == 0 {
                if children[index].isLeaf { leavesRemoved += 1 }
                children.remove(at: index)
                keys.remove(at: index)
            } else {
                keys[index] = children[index].firstKey
            }
            return old
        }

        func find(_ key: String) -> Element? {
            leaf(key)._withUnsafeGuaranteedRef { leaf in
                let (index, found) = leaf.slot(key)
                return found ? leaf.values[index] : nil
            }
        }

        /// `find` without reading the entry (nor, for most ids, any entry of the leaf).
        func contains(_ key: String) -> Bool {
            leaf(key)._withUnsafeGuaranteedRef { $0.slot(key).found }
        }

        /// The leaf whose range holds `key`, walked to without retaining a node: the tree this
        /// node belongs to holds each while the caller runs, and a retain is an atomic write to
        /// a node a search only reads (a copy another thread reads is never changed).
        @inline(__always)
        private func leaf(_ key: String) -> Unmanaged<Node> {
            var node = Unmanaged.passUnretained(self)
            while let child = node._withUnsafeGuaranteedRef({ node in
                node.isLeaf ? nil : Unmanaged.passUnretained(node.children[node.childIndex(key)])
            }) {
                node = child
            }
            return node
        }
    }

    /// Grows a full node array by an eighth (at least 4), not by doubling, and never past one
    /// more than a node holds (the insert that splits it): a node's arrays then keep little
    /// room they do not use, whether or not the tree is compacted later.
    @inline(__always)
    static func makeRoom<T>(in array: inout [T]) {
        guard array.count == array.capacity else { return }
        array.reserveCapacity(Swift.min(Swift.max(leafCapacity, innerCapacity) + 1, array.count + Swift.max(4, array.count / 8)))
    }

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

// MARK: Small keys

/// An id of at most 15 ASCII bytes as two big-endian integers whose order is the id's byte
/// order: Swift stores such a string inline (the bytes in its two words, the last byte of the
/// second holding flags and the length), so this reads no memory besides the string itself.
/// `isAvailable` checks that layout once (on known strings); if a toolchain ever laid strings
/// out otherwise, every comparison takes the byte-by-byte path instead.
struct SmallKey: Comparable {
    let high: UInt64
    let low: UInt64

    @inline(__always)
    init?(_ string: String) {
        guard SmallKey.isAvailable else { return nil }
        self.init(unchecked: string)
    }

    /// As `init?(_:)`, once `isAvailable` is known to be true.
    @inline(__always)
    init?(unchecked string: String) {
        let (first, second) = unsafeBitCast(string, to: (UInt64, UInt64).self)
        // 0b1110 in the top four bits: an immortal small ASCII string.
        guard second >> 60 == 0xE else { return nil }
        high = first.byteSwapped
        // Bytes 8-14, then the length in the lowest byte: padded alike, the shorter id is smaller.
        low = (second & 0x00FF_FFFF_FFFF_FFFF).byteSwapped | ((second >> 56) & 0xF)
    }

    static func < (a: SmallKey, b: SmallKey) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }

    /// The string this key was made from (an immortal small string: its two words are all of
    /// it, so rebuilding it takes no memory and no reference count).
    var string: String {
        let count = low & 0xF
        // Bytes past the id's length are zero in the words Swift keeps.
        let second = (low & ~0xFF).byteSwapped | ((0xE0 | count) << 56)
        return unsafeBitCast((high.byteSwapped, second), to: String.self)
    }

    /// Byte-wise order of two ids (-1, 0, 1): as two integers each when both are small.
    @inline(__always)
    static func compare(_ a: String, _ b: String) -> Int { compare(a, b, fast: isAvailable) }

    /// As `compare(_:_:)`, with `isAvailable` read once by the caller (`fast`) for a loop.
    @inline(__always)
    static func compare(_ a: String, _ b: String, fast: Bool) -> Int {
        if fast, let x = SmallKey(unchecked: a), let y = SmallKey(unchecked: b) { return x < y ? -1 : (x == y ? 0 : 1) }
        return compareBytes(a, b)
    }

    /// Distinct ids in byte order: small ones sorted as integers (a relation stage sorts tens
    /// of thousands; comparing them as strings took most of its time).
    static func sorted(_ ids: [String]) -> [String] {
        let fast = isAvailable
        var keyed: [(key: SmallKey, index: Int32)] = []
        keyed.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard fast, let key = SmallKey(unchecked: id) else { return ids.sorted { compare($0, $1, fast: fast) < 0 } }
            keyed.append((key, Int32(truncatingIfNeeded: index)))
        }
        keyed.sort { $0.key < $1.key }
        return keyed.map { ids[Int($0.index)] }
    }

    /// Byte-wise order of any two strings (-1, 0, 1).
    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { p in
            b.withUTF8 { q in
                let n = Swift.min(p.count, q.count)
                var i = 0
                while i < n {
                    let u = p[i], v = q[i]
                    if u != v { return u < v ? -1 : 1 }
                    i += 1
                }
                return p.count == q.count ? 0 : (p.count < q.count ? -1 : 1)
            }
        }
    }

    /// Whether strings are laid out as this type reads them (checked once, on known strings).
    static let isAvailable: Bool = {
        func bits(_ string: String) -> (UInt64, UInt64) { unsafeBitCast(string, to: (UInt64, UInt64).self) }
        var built = "p"
        built += "12"
        let samples: [(String, UInt64, UInt64)] = [
            ("", 0, 0xE000_0000_0000_0000), (built, 0x32_3170, 0xE300_0000_0000_0000),
            ("abcdefghijklmno", 0x6867_6665_6463_6261, 0xEF6F_6E6D_6C6B_6A69),
        ]
        return samples.allSatisfy { bits($0.0) == ($0.1, $0.2) } && bits("abcdefghijklmnop").1 >> 60 != 0xE
            && bits("é").1 >> 60 != 0xE
    }()
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
