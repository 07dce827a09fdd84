/// The nodes of an `IdTree`: leaves of entries with their ids' prefixes, inner nodes of
/// children with separators and counts; edited in place only while one tree holds them.
extension IdTree {
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
}
