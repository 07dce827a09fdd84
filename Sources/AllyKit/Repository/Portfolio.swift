import HashTreeCollections

/// The in-memory repository: partners, agreements and stakeholders in persistent B+ trees
/// ordered by id (`IdTree`), triggers in a persistent hash trie, so that a copy is O(1) and
/// shares every unchanged entity. Relation indexes are persistent too, so a fork never
/// rebuilds them.
///
/// Mutators keep the invariants the rest of Ally relies on (symmetric `knows`, relation
/// indexes, id order) but do not validate input: `PortfolioEditor` does that first.
public struct Portfolio: Sendable {
    /// Entities by id, stored as `Entity` values: the box behind each one is shared by the
    /// trees, every fork, the id-ordered row caches and the pipelines that read it.
    private var partnerBoxes = IdTree<Entity>()
    private var agreementBoxes = IdTree<Entity>()
    private var stakeholderBoxes = IdTree<Entity>()
    public var partners: EntityLookup<Partner> { EntityLookup(boxes: partnerBoxes) }
    public var agreements: EntityLookup<Agreement> { EntityLookup(boxes: agreementBoxes) }
    public var stakeholders: EntityLookup<Stakeholder> {
        assert(deferred.isEmpty, "a stakeholder's ties read before deferred edits were settled")
        return EntityLookup(boxes: stakeholderBoxes)
    }
    /// Triggers by name.
    public internal(set) var triggers = TreeDictionary<String, TriggerDefinition>()

    /// partner id → ids of the agreements listing it as a party (sorted).
    private var agreementsByPartner = IdTree<SortedIds>()
    /// partner id → ids of the stakeholders whose org it is (sorted).
    private var stakeholdersByOrg = IdTree<SortedIds>()

    /// Relation-index entries and mirrored ties that new entities stored with
    /// `insertNew(_:deferringEdits:)` left for later: applied by `settle`, a batch at a time in
    /// id order, so that a script's million definitions visit the indexes and the stakeholders
    /// they tie to in order (a few cache misses a leaf) rather than at random (several an edit).
    /// Every mutator settles first; reads that depend on them assert that nothing is left.
    private var deferred = DeferredEdits()
    /// Pairs deferred at most before `insertNew` settles them itself (smaller in tests).
    var deferredEditsLimit = DeferredEdits.batch

    /// Every entity of a type in id order, built on first use and dropped by any change to
    /// that type, so repeated queries on an unchanged portfolio skip the lookups.
    private var partnerRows = EntityRows()
    private var agreementRows = EntityRows()
    private var stakeholderRows = EntityRows()

    /// Keys of the entities changed since the session last cleared this (one statement), while
    /// `tracksChanges` is on.
    public internal(set) var touched: [EntityKey] = []
    public internal(set) var tracksChanges = true

    public init() {}

    // MARK: Reading

    public func count(_ type: EntityType) -> Int {
        switch type {
        case .partner: return partnerBoxes.count
        case .agreement: return agreementBoxes.count
        case .stakeholder: return stakeholderBoxes.count
        }
    }

    /// Every id of a type, in byte-wise ascending order (read from the tree on each call).
    public func sortedIds(_ type: EntityType) -> [String] { boxes(of: type).keys }

    /// Up to `limit` ids of a type that start with `prefix`, in order (Tab completion).
    public func ids(_ type: EntityType, withPrefix prefix: String, limit: Int) -> [String] {
        boxes(of: type).keys(withPrefix: prefix, limit: limit)
    }

    /// The positions in `allEntities(type)` of those of `sortedIds` (ascending by id, no
    /// repeats) that exist, ascending. Read from the type's ids in order, kept with its rows
    /// until the type changes: a relation stage places tens of thousands of ids, and the
    /// tree's leaves hold no ids of their own (each would be read from its entity's box).
    func positions(ofSorted sortedIds: [String], _ type: EntityType) -> [Int32] {
        let tree = boxes(of: type)
        return rowsCache(type).ids { tree.keys }.positions(ofSorted: sortedIds)
    }

    private func rowsCache(_ type: EntityType) -> EntityRows {
        switch type {
        case .partner: return partnerRows
        case .agreement: return agreementRows
        case .stakeholder: return stakeholderRows
        }
    }

    /// Every entity of a type, in id order.
    public func allEntities(_ type: EntityType) -> [Entity] {
        assert(deferred.isEmpty, "entities read before deferred edits were settled")
        switch type {
        case .partner: return partnerRows.rows { partnerBoxes.values }
        case .agreement: return agreementRows.rows { agreementBoxes.values }
        case .stakeholder: return stakeholderRows.rows { stakeholderBoxes.values }
        }
    }

    /// A stored field's values for every entity of its type, in `allEntities` order; built on
    /// first use and kept until the type changes. nil for fields without a column layout.
    /// Built from the tree when the rows are not cached: a scan that only counts or summarizes
    /// a million stakeholders does not keep 8 MB of rows it never reads.
    func column(_ field: FieldSpec, of type: EntityType) -> Column? {
        assert(deferred.isEmpty, "a column read before deferred edits were settled")
        let cache = rowsCache(type)
        let tree = boxes(of: type)
        return cache.column(field.name) {
            if let rows = cache.cachedRows { return Column.build(field, count: rows.count) { body in rows.forEach(body) } }
            return Column.build(field, count: tree.count) { body in tree.forEach { _, entity in body(entity); return true } }
        }
    }

    /// One type's tree (an O(1) copy), for reading on another thread.
    func boxes(of type: EntityType) -> IdTree<Entity> {
        switch type {
        case .partner: return partnerBoxes
        case .agreement: return agreementBoxes
        case .stakeholder: return stakeholderBoxes
        }
    }

    public func entity(_ key: EntityKey) -> Entity? {
        assert(deferred.isEmpty || key.type != .stakeholder, "a stakeholder read before deferred edits were settled")
        switch key.type {
        case .partner: return partnerBoxes[key.id]
        case .agreement: return agreementBoxes[key.id]
        case .stakeholder: return stakeholderBoxes[key.id]
        }
    }

    public func contains(_ type: EntityType, _ id: String) -> Bool {
        switch type {
        case .partner: return partnerBoxes.contains(id)
        case .agreement: return agreementBoxes.contains(id)
        case .stakeholder: return stakeholderBoxes.contains(id)
        }
    }

    public func agreementIds(ofPartner id: String) -> [String] {
        assert(deferred.isEmpty, "a relation index read before deferred edits were settled")
        return agreementsByPartner[id]?.ids ?? []
    }

    public func stakeholderIds(ofPartner id: String) -> [String] {
        assert(deferred.isEmpty, "a relation index read before deferred edits were settled")
        return stakeholdersByOrg[id]?.ids ?? []
    }

    /// The id of the partner marked `home`, kept by `put` and `removeEntity`.
    private var homeId: String?

    /// The partner marked `home`, if any.
    public var homePartner: Partner? { homeId.flatMap { partners[$0] } }

    // MARK: Writing

    public mutating func put(_ partner: Partner) {
        settle()
        stored(partner, old: partnerBoxes.updateValue(.partner(partner)))
    }

    public mutating func put(_ agreement: Agreement) {
        settle()
        stored(agreement, old: agreementBoxes.updateValue(.agreement(agreement)).flatMap(Agreement.unwrap))
    }

    /// Stores a stakeholder and mirrors its ties on the stakeholders it knows (ties are undirected).
    public mutating func put(_ stakeholder: Stakeholder) {
        settle()
        let stakeholder = Self.normalized(stakeholder)
        stored(stakeholder, old: stakeholderBoxes.updateValue(.stakeholder(stakeholder)).flatMap(Stakeholder.unwrap))
    }

    /// Stores an entity whose id is not taken yet, with one look-up of the id (an import's
    /// rows); false, and nothing changed, if the id exists.
    ///
    /// `deferringEdits`: the relation indexes and the ties mirrored on other stakeholders are
    /// updated later, by `settle` (which a batch's worth of them also calls); until then only
    /// which entities exist may be read. For a run of definitions, whose caller settles before
    /// anything else runs; not while changes are tracked (they belong to their statement).
    ///
    /// `reboxing`: a stakeholder is stored in a new box even when its ties are in order (an
    /// import's rows: built on its reading thread, between that thread's short-lived cells,
    /// they would keep the CSV import's peak memory 10 MB higher). A script's definitions keep
    /// theirs: a million stakeholders are not boxed twice.
    public mutating func insertNew(_ entity: Entity, deferringEdits: Bool = false, reboxing: Bool = false) -> Bool {
        let deferring = deferringEdits && !tracksChanges
        if !deferring { settle() }
        switch entity {
        case .partner(let partner):
            guard partnerBoxes.insertNew(entity) else { return false }
            stored(partner, old: nil)
        case .agreement(let agreement):
            guard agreementBoxes.insertNew(entity) else { return false }
            stored(agreement, old: nil, deferring: deferring)
        case .stakeholder(var stakeholder):
            var box = entity
            if reboxing || !deferring || !Self.isNormalized(stakeholder) {
                stakeholder = Self.normalized(stakeholder)
                box = .stakeholder(stakeholder)
            }
            guard stakeholderBoxes.insertNew(box) else { return false }
            if deferring {
                EntityRows.invalidate(&stakeholderRows)
                deferred.orgs.append(stakeholder.org, stakeholder.id)
                for other in stakeholder.knows where other != stakeholder.id { deferred.ties.append(other, stakeholder.id) }
            } else {
                stored(stakeholder, old: nil)
            }
        }
        if deferred.count >= deferredEditsLimit { settle() }
        return true
    }

    /// Stores an agreement, deferring (as `insertNew(_:deferringEdits:)` does) the relation
    /// index entries of the parties it gains: an import of a party file stores 300,000
    /// agreements, each adding its parties to partners' lists all over the index. Parties it
    /// loses are taken out at once (after settling: one may be an entry still deferred).
    public mutating func put(_ agreement: Agreement, deferringEdits: Bool) {
        guard deferringEdits, !tracksChanges else { return put(agreement) }
        stored(agreement, old: agreementBoxes.updateValue(.agreement(agreement)).flatMap(Agreement.unwrap), deferring: true)
        if deferred.count >= deferredEditsLimit { settle() }
    }

    /// Applies the edits `insertNew(_:deferringEdits:)` deferred: each list sorted by the id it
    /// goes to, so the trees are walked in order.
    public mutating func settle() {
        guard !deferred.isEmpty else { return }
        var edits = DeferredEdits()
        swap(&edits, &deferred)
        edits.parties.forEachKey { partner, ids in
            agreementsByPartner.modify(partner, default: { SortedIds(key: partner, ids: []) }) { $0.ids.mergeSorted(ids) }
        }
        edits.orgs.forEachKey { partner, ids in
            stakeholdersByOrg.modify(partner, default: { SortedIds(key: partner, ids: []) }) { $0.ids.mergeSorted(ids) }
        }
        edits.ties.forEachKey { other, ids in editTies(of: other, adding: ids.count) { $0.mergeSorted(ids) } }
    }

    // What storing an entity entails besides the tree: the caches, the relation indexes, the
    // home partner, mirrored ties and the change log. `old` is what the id held before.

    private mutating func stored(_ partner: Partner, old: Entity?) {
        if partner.home { homeId = partner.id } else if homeId == partner.id { homeId = nil }
        if old == nil {
            EntityRows.invalidate(&partnerRows)
        } else {
            EntityRows.replace(partner.id, with: .partner(partner), in: &partnerRows, tree: partnerBoxes)
        }
        if tracksChanges { touched.append(EntityKey(.partner, partner.id)) }
    }

    /// `deferring`: the index entries of parties the agreement gains are left for `settle`.
    private mutating func stored(_ agreement: Agreement, old: Agreement?, deferring: Bool = false) {
        func add(_ party: Party) {
            if deferring { deferred.parties.append(party.partner, agreement.id) } else { agreementsByPartner.insert(agreement.id, into: party.partner) }
        }
        if let old {
            EntityRows.replace(agreement.id, with: .agreement(agreement), in: &agreementRows, tree: agreementBoxes)
            // Parties are few and unique within an agreement: pairwise checks, no sets. A lost
            // party's entry may still be deferred: settled first, then taken out.
            let lost = old.parties.filter { party in !agreement.parties.contains { $0.partner == party.partner } }
            if !lost.isEmpty { settle() }
            for party in lost { agreementsByPartner.remove(agreement.id, from: party.partner) }
            for party in agreement.parties where !old.parties.contains(where: { $0.partner == party.partner }) { add(party) }
        } else {
            EntityRows.invalidate(&agreementRows)
            // A party appears once per agreement (the editor checks), so no set is needed.
            for party in agreement.parties { add(party) }
        }
        if tracksChanges { touched.append(EntityKey(.agreement, agreement.id)) }
    }

    /// Ties sorted by id, each once.
    private static func normalized(_ stakeholder: Stakeholder) -> Stakeholder {
        var stakeholder = stakeholder
        if !isNormalized(stakeholder) {
            stakeholder.knows = Array(Set(stakeholder.knows)).sorted { Value.compareText($0, $1) < 0 }
        }
        return stakeholder
    }

    private static func isNormalized(_ stakeholder: Stakeholder) -> Bool {
        zip(stakeholder.knows, stakeholder.knows.dropFirst()).allSatisfy { Value.compareText($0, $1) < 0 }
    }

    private mutating func stored(_ stakeholder: Stakeholder, old: Stakeholder?) {
        if old == nil {
            EntityRows.invalidate(&stakeholderRows)
        } else {
            EntityRows.replace(stakeholder.id, with: .stakeholder(stakeholder), in: &stakeholderRows, tree: stakeholderBoxes)
        }
        if old?.org != stakeholder.org {
            if let old { stakeholdersByOrg.remove(old.id, from: old.org) }
            stakeholdersByOrg.insert(stakeholder.id, into: stakeholder.org)
        }
        if old == nil {
            // A new stakeholder's ties are all new (and each once: `normalized`); no sets needed.
            for other in stakeholder.knows where other != stakeholder.id { editTies(of: other, adding: 1) { $0.insertSorted(stakeholder.id) } }
        } else if old?.knows != stakeholder.knows {
            let before = Set(old?.knows ?? []), after = Set(stakeholder.knows)
            for other in after.subtracting(before) where other != stakeholder.id { editTies(of: other, adding: 1) { $0.insertSorted(stakeholder.id) } }
            for other in before.subtracting(after) where other != stakeholder.id { editTies(of: other, adding: 0) { $0.removeAll { $0 == stakeholder.id } } }
        }
        if tracksChanges { touched.append(EntityKey(.stakeholder, stakeholder.id)) }
    }

    /// Edits the ties of stakeholder `id`, which adds at most `adding` of them.
    private mutating func editTies(of id: String, adding: Int, _ edit: (inout [String]) -> Void) {
        guard var other = stakeholderBoxes[id].flatMap(Stakeholder.unwrap) else { return }
        let before = other.knows
        // The list is shared with the stored box, so the edit copies it anyway: copied here with
        // room for exactly the ties an edit adds (a million short lists, none left with slack).
        var knows: [String] = []
        knows.reserveCapacity(before.count + adding)
        knows.append(contentsOf: before)
        edit(&knows)
        other.knows = knows
        if other.knows != before {
            stakeholderBoxes.updateValue(.stakeholder(other))
            EntityRows.replace(id, with: .stakeholder(other), in: &stakeholderRows, tree: stakeholderBoxes)
            if tracksChanges { touched.append(EntityKey(.stakeholder, id)) }
        }
    }

    /// Removes one entity and nothing else; cascades are `PortfolioEditor`'s job.
    public mutating func removeEntity(_ key: EntityKey) {
        settle()
        switch key.type {
        case .partner:
            guard partnerBoxes.removeValue(forKey: key.id) != nil else { return }
            if homeId == key.id { homeId = nil }
            EntityRows.invalidate(&partnerRows)
            agreementsByPartner.removeValue(forKey: key.id)
            stakeholdersByOrg.removeValue(forKey: key.id)
        case .agreement:
            guard let old = agreementBoxes.removeValue(forKey: key.id).flatMap(Agreement.unwrap) else { return }
            EntityRows.invalidate(&agreementRows)
            for party in old.parties { agreementsByPartner.remove(old.id, from: party.partner) }
        case .stakeholder:
            guard let old = stakeholderBoxes.removeValue(forKey: key.id).flatMap(Stakeholder.unwrap) else { return }
            EntityRows.invalidate(&stakeholderRows)
            stakeholdersByOrg.remove(old.id, from: old.org)
            for other in old.knows where other != old.id { editTies(of: other, adding: 0) { $0.removeAll { $0 == old.id } } }
        }
        if tracksChanges { touched.append(key) }
    }

    public mutating func clearTouched() { touched.removeAll(keepingCapacity: false) }

    /// Compacts the trees that many inserts or removals left sparse (see `IdTree.isSparse`);
    /// entities, their order and every cache stay as they are. Called after each statement
    /// the session runs, so a load or an import is compacted once, when it is done.
    public mutating func compactIfSparse() {
        settle()
        if partnerBoxes.isSparse { partnerBoxes.compact() }
        if agreementBoxes.isSparse { agreementBoxes.compact() }
        if stakeholderBoxes.isSparse { stakeholderBoxes.compact() }
    }
}

/// Read access to one type's entities by id.
public struct EntityLookup<T: EntityPayload>: Sendable {
    let boxes: IdTree<Entity>
    public subscript(id: String) -> T? { boxes[id].flatMap(T.unwrap) }
    public var count: Int { boxes.count }
    public var isEmpty: Bool { boxes.isEmpty }
}

/// The struct behind one case of `Entity`.
public protocol EntityPayload: Sendable {
    static func unwrap(_ entity: Entity) -> Self?
}

extension Partner: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Partner? { if case .partner(let p) = entity { return p } else { return nil } }
}

extension Agreement: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Agreement? { if case .agreement(let a) = entity { return a } else { return nil } }
}

extension Stakeholder: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Stakeholder? { if case .stakeholder(let s) = entity { return s } else { return nil } }
}

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

/// A sorted id list held by a relation index, under the id it belongs to.
struct SortedIds: Sendable, IdTreeEntry {
    let key: String
    var ids: [String]

    var treeKey: String { key }
}

extension Entity: IdTreeEntry {
    @inline(__always)
    var treeKey: String { id }
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

/// A lazily built array of a type's entities in id order, shared by every copy of a portfolio
/// until that type changes (a change replaces the box, never edits it).
final class EntityRows: @unchecked Sendable {
    private var cached: [Entity]?
    /// Field name → its column over `cached` (nil: the field has no column layout).
    private var columns: [String: Column?] = [:]
    /// The ids, in the same order (changed entities keep their ids and places).
    private var ids: [String]?

    /// The rows, if they were built.
    var cachedRows: [Entity]? { cached }

    func rows(_ build: () -> [Entity]) -> [Entity] {
        if let cached { return cached }
        let result = build()
        cached = result
        return result
    }

    func ids(_ build: () -> [String]) -> [String] {
        if let ids { return ids }
        let result = build()
        ids = result
        return result
    }

    /// Drops the cached rows of a type that just changed. A cache nothing has built yet and no
    /// other copy of the portfolio shares is kept, so a run of inserts allocates nothing.
    static func invalidate(_ rows: inout EntityRows) {
        if !isKnownUniquelyReferenced(&rows) || rows.cached != nil || !rows.columns.isEmpty || rows.ids != nil { rows = EntityRows() }
    }

    /// Puts a changed entity (same id, so the same position) into the cached rows and columns
    /// instead of dropping them: after `update`, the next scan does not rebuild a million rows.
    /// A copy that other portfolios share is copied first (its arrays only when written).
    static func replace(_ id: String, with entity: Entity, in rows: inout EntityRows, tree: IdTree<Entity>) {
        guard rows.cached != nil || !rows.columns.isEmpty, let position = tree.position(of: id) else {
            invalidate(&rows)
            return
        }
        if !isKnownUniquelyReferenced(&rows) {
            // A fork's first change to the type: its own columns (patched below) but not its own
            // copy of every row, a retain and a release per entity per fork (what made
            // `exits`, a fork per partner, quadratic); rows are rebuilt if a scan needs them.
            let copy = EntityRows()
            copy.columns = rows.columns
            copy.ids = rows.ids
            rows = copy
        }
        let index = Int(position)
        if rows.cached != nil { rows.cached![index] = entity }
        for name in Array(rows.columns.keys) {
            // Taken out first so that the column's arrays are uniquely held while patched; one
            // that cannot take the value is left out and rebuilt when next needed.
            guard case .some(.some(var column)) = rows.columns.removeValue(forKey: name) else { continue }
            if let field = FieldCatalog.field(name, of: entity.type), column.patch(at: index, field: field, entity: entity) {
                rows.columns[name] = .some(column)
            }
        }
    }

    func column(_ name: String, _ build: () -> Column?) -> Column? {
        if let known = columns[name] { return known }
        let column = build()
        columns[name] = column
        return column
    }
}

/// A named rule: `trigger NAME on TYPE when EXPR`.
public struct TriggerDefinition: Sendable {
    public var name: String
    public var type: EntityType
    public var condition: Expr
    public var file: SourceFile
    /// The condition's source text, for `save`.
    public var conditionText: String
}
