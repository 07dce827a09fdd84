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

    /// The first `limit` entities of a type in id order: `take` reads the entities it keeps,
    /// from the tree when the rows of them all are not cached (or wait to be copied).
    func firstEntities(_ type: EntityType, limit: Int) -> [Entity] {
        assert(deferred.isEmpty, "entities read before deferred edits were settled")
        if let rows = rowsCache(type).cachedRows { return Array(rows.prefix(limit)) }
        var first: [Entity] = []
        first.reserveCapacity(Swift.min(limit, count(type)))
        boxes(of: type).forEach { _, entity in
            guard first.count < limit else { return false }
            first.append(entity)
            return true
        }
        return first
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

/// A named rule: `trigger NAME on TYPE when EXPR`.
public struct TriggerDefinition: Sendable {
    public var name: String
    public var type: EntityType
    public var condition: Expr
    public var file: SourceFile
    /// The condition's source text, for `save`.
    public var conditionText: String
}
