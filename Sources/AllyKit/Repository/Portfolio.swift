import HashTreeCollections

/// The in-memory repository: partners, agreements, stakeholders and triggers, in persistent
/// hash tries (`TreeDictionary`) so that a copy is O(1) and shares every unchanged entity.
/// Relation indexes are persistent too, so a fork never rebuilds them.
///
/// Mutators keep the invariants the rest of Ally relies on (symmetric `knows`, relation
/// indexes, id order) but do not validate input: `PortfolioEditor` does that first.
public struct Portfolio: Sendable {
    public private(set) var partners = TreeDictionary<String, Partner>()
    public private(set) var agreements = TreeDictionary<String, Agreement>()
    public private(set) var stakeholders = TreeDictionary<String, Stakeholder>()
    /// Triggers by name.
    public internal(set) var triggers = TreeDictionary<String, TriggerDefinition>()

    /// partner id → ids of the agreements listing it as a party (sorted).
    private var agreementsByPartner = TreeDictionary<String, SortedIds>()
    /// partner id → ids of the stakeholders whose org it is (sorted).
    private var stakeholdersByOrg = TreeDictionary<String, SortedIds>()

    private var partnerOrder = IdOrder()
    private var agreementOrder = IdOrder()
    private var stakeholderOrder = IdOrder()
    /// Every entity of a type in id order, built on first use and dropped by any change to
    /// that type, so repeated queries on an unchanged portfolio skip the lookups.
    private var partnerRows = EntityRows()
    private var agreementRows = EntityRows()
    private var stakeholderRows = EntityRows()

    /// Keys of the entities changed since the session last cleared this (one statement).
    public internal(set) var touched: [EntityKey] = []

    public init() {}

    // MARK: Reading

    public func count(_ type: EntityType) -> Int {
        switch type {
        case .partner: return partners.count
        case .agreement: return agreements.count
        case .stakeholder: return stakeholders.count
        }
    }

    /// Every id of a type, in byte-wise ascending order.
    public func sortedIds(_ type: EntityType) -> [String] {
        switch type {
        case .partner: return partnerOrder.ids(of: partners.keys)
        case .agreement: return agreementOrder.ids(of: agreements.keys)
        case .stakeholder: return stakeholderOrder.ids(of: stakeholders.keys)
        }
    }

    /// Every entity of a type, in id order.
    public func allEntities(_ type: EntityType) -> [Entity] {
        switch type {
        case .partner: return partnerRows.rows { sortedIds(.partner).compactMap { id in partners[id].map(Entity.partner) } }
        case .agreement: return agreementRows.rows { sortedIds(.agreement).compactMap { id in agreements[id].map(Entity.agreement) } }
        case .stakeholder:
            return stakeholderRows.rows { sortedIds(.stakeholder).compactMap { id in stakeholders[id].map(Entity.stakeholder) } }
        }
    }

    public func entity(_ key: EntityKey) -> Entity? {
        switch key.type {
        case .partner: return partners[key.id].map(Entity.partner)
        case .agreement: return agreements[key.id].map(Entity.agreement)
        case .stakeholder: return stakeholders[key.id].map(Entity.stakeholder)
        }
    }

    public func contains(_ type: EntityType, _ id: String) -> Bool {
        switch type {
        case .partner: return partners[id] != nil
        case .agreement: return agreements[id] != nil
        case .stakeholder: return stakeholders[id] != nil
        }
    }

    public func agreementIds(ofPartner id: String) -> [String] { agreementsByPartner[id]?.ids ?? [] }
    public func stakeholderIds(ofPartner id: String) -> [String] { stakeholdersByOrg[id]?.ids ?? [] }

    /// The id of the partner marked `home`, kept by `put` and `removeEntity`.
    private var homeId: String?

    /// The partner marked `home`, if any.
    public var homePartner: Partner? { homeId.flatMap { partners[$0] } }

    // MARK: Writing

    public mutating func put(_ partner: Partner) {
        if partner.home { homeId = partner.id } else if homeId == partner.id { homeId = nil }
        if partners.updateValue(partner, forKey: partner.id) == nil { partnerOrder = IdOrder() }
        partnerRows = EntityRows()
        touched.append(EntityKey(.partner, partner.id))
    }

    public mutating func put(_ agreement: Agreement) {
        let old = agreements.updateValue(agreement, forKey: agreement.id)
        if old == nil { agreementOrder = IdOrder() }
        agreementRows = EntityRows()
        let before = Set(old?.parties.map(\.partner) ?? [])
        let after = Set(agreement.parties.map(\.partner))
        for partner in before.subtracting(after) { agreementsByPartner.remove(agreement.id, from: partner) }
        for partner in after.subtracting(before) { agreementsByPartner.insert(agreement.id, into: partner) }
        touched.append(EntityKey(.agreement, agreement.id))
    }

    /// Stores a stakeholder and mirrors its ties on the stakeholders it knows (ties are undirected).
    public mutating func put(_ stakeholder: Stakeholder) {
        var stakeholder = stakeholder
        if !stakeholder.knows.isEmpty, !zip(stakeholder.knows, stakeholder.knows.dropFirst()).allSatisfy({ Value.compareText($0, $1) < 0 }) {
            stakeholder.knows = Array(Set(stakeholder.knows)).sorted { Value.compareText($0, $1) < 0 }
        }
        let old = stakeholders.updateValue(stakeholder, forKey: stakeholder.id)
        if old == nil { stakeholderOrder = IdOrder() }
        stakeholderRows = EntityRows()
        if old?.org != stakeholder.org {
            if let old { stakeholdersByOrg.remove(old.id, from: old.org) }
            stakeholdersByOrg.insert(stakeholder.id, into: stakeholder.org)
        }
        let before = Set(old?.knows ?? []), after = Set(stakeholder.knows)
        for other in after.subtracting(before) where other != stakeholder.id { editTies(of: other) { $0.insertSorted(stakeholder.id) } }
        for other in before.subtracting(after) where other != stakeholder.id { editTies(of: other) { $0.removeAll { $0 == stakeholder.id } } }
        touched.append(EntityKey(.stakeholder, stakeholder.id))
    }

    private mutating func editTies(of id: String, _ edit: (inout [String]) -> Void) {
        guard var other = stakeholders[id] else { return }
        let before = other.knows
        edit(&other.knows)
        if other.knows != before {
            stakeholders[id] = other
            stakeholderRows = EntityRows()
            touched.append(EntityKey(.stakeholder, id))
        }
    }

    /// Removes one entity and nothing else; cascades are `PortfolioEditor`'s job.
    public mutating func removeEntity(_ key: EntityKey) {
        switch key.type {
        case .partner:
            guard partners.removeValue(forKey: key.id) != nil else { return }
            if homeId == key.id { homeId = nil }
            partnerOrder = IdOrder()
            partnerRows = EntityRows()
            agreementsByPartner[key.id] = nil
            stakeholdersByOrg[key.id] = nil
        case .agreement:
            guard let old = agreements.removeValue(forKey: key.id) else { return }
            agreementOrder = IdOrder()
            agreementRows = EntityRows()
            for party in old.parties { agreementsByPartner.remove(old.id, from: party.partner) }
        case .stakeholder:
            guard let old = stakeholders.removeValue(forKey: key.id) else { return }
            stakeholderOrder = IdOrder()
            stakeholderRows = EntityRows()
            stakeholdersByOrg.remove(old.id, from: old.org)
            for other in old.knows where other != old.id { editTies(of: other) { $0.removeAll { $0 == old.id } } }
        }
        touched.append(key)
    }

    public mutating func clearTouched() { touched.removeAll(keepingCapacity: false) }
}

/// A sorted id list held by a relation index.
struct SortedIds: Sendable {
    var ids: [String]
}

extension TreeDictionary where Key == String, Value == SortedIds {
    mutating func insert(_ id: String, into key: String) {
        var list = self[key]?.ids ?? []
        list.insertSorted(id)
        self[key] = SortedIds(ids: list)
    }

    mutating func remove(_ id: String, from key: String) {
        guard var list = self[key]?.ids else { return }
        list.removeAll { $0 == id }
        self[key] = list.isEmpty ? nil : SortedIds(ids: list)
    }
}

extension Array where Element == String {
    /// Inserts keeping byte-wise ascending order and no duplicates.
    mutating func insertSorted(_ id: String) {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            let order = Value.compareText(self[mid], id)
            if order == 0 { return }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        insert(id, at: low)
    }
}

/// A lazily sorted list of ids, shared by every copy of a portfolio until an id is added or
/// removed (updates keep it). Replaced, never mutated in place, once sorted.
final class IdOrder: @unchecked Sendable {
    private var sorted: [String]?

    func ids(of keys: some Collection<String>) -> [String] {
        if let sorted { return sorted }
        let result = keys.sorted { Value.compareText($0, $1) < 0 }
        sorted = result
        return result
    }
}

/// A lazily built array of a type's entities in id order, shared by every copy of a portfolio
/// until that type changes (a change replaces the box, never edits it).
final class EntityRows: @unchecked Sendable {
    private var cached: [Entity]?

    func rows(_ build: () -> [Entity]) -> [Entity] {
        if let cached { return cached }
        let result = build()
        cached = result
        return result
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
