/// `merge A into B`: a three-way merge of A's changes into B, against the state both started
/// from (the common ancestor when the earlier of the two branches forked from it). Only the
/// entities whose keys the logs name are visited, so a merge costs O(changes log n).
///
/// Per entity: what only one side changed is taken from it; when both changed it, field by
/// field, and list fields (parties, knows, tags, kpis, ...) and record fields (fit, decisions)
/// item by item. What both changed differently, an entity removed on one side and changed on
/// the other, a party added to an agreement the other side terminated, and an item that would
/// name an entity the merge leaves out are conflicts.
struct ScenarioMerge {
    struct Conflict {
        var key: EntityKey
        var field: String?
        var base: Value, source: Value, target: Value
    }

    enum Preference { case source, target }

    let base: Portfolio
    let source: Portfolio
    let target: Portfolio
    let prefer: Preference?
    let context: EntityContext

    private(set) var conflicts: [Conflict] = []
    /// The merged entity (nil: removed) for every key the merge changes in the target.
    private(set) var outcome: [EntityKey: Entity?] = [:]

    static let terminated = EnumType.status.value("terminated")

    /// The state `a` and `b` both started from, or nil when one is the other.
    static func base(_ a: Scenario, _ b: Scenario) -> Portfolio? {
        var x = a, y = b
        var childX: Scenario?, childY: Scenario?
        while x.depth > y.depth, let up = x.parent { childX = x; x = up }
        while y.depth > x.depth, let up = y.parent { childY = y; y = up }
        while x !== y, let upX = x.parent, let upY = y.parent {
            childX = x; childY = y
            x = upX; y = upY
        }
        switch (childX, childY) {
        case (nil, nil): return nil
        case (let cx?, nil): return cx.forkBase
        case (nil, let cy?): return cy.forkBase
        case (let cx?, let cy?): return cx.forkPosition <= cy.forkPosition ? cx.forkBase : cy.forkBase
        }
    }

    init(base: Portfolio, source: Portfolio, target: Portfolio, prefer: Preference?, context: EntityContext, keys: Set<EntityKey>) {
        self.base = base
        self.source = source
        self.target = target
        self.prefer = prefer
        self.context = context
        for key in keys.sorted() { mergeEntity(key) }
        checkReferences()
    }

    // MARK: Entities

    private mutating func mergeEntity(_ key: EntityKey) {
        let e0 = base.entity(key), ea = source.entity(key), eb = target.entity(key)
        guard ea != eb, ea != e0 else { return }
        if eb == e0 {
            guard let ea else { return removeFromTarget(key) }
            outcome[key] = .some(ea)
            return
        }
        switch (ea, eb) {
        case (nil, _):
            conflict(key, nil, e0 == nil ? .null : .string("present"), .string("removed"), .string("changed"))
        case (_, nil):
            conflict(key, nil, .string("present"), .string("changed"), .string("removed"))
        case let (a?, b?):
            mergeFields(key, e0, a, b)
        }
    }

    /// A removal taken from the source; a conflict when the target gave the entity something new
    /// to hold on to (a party entry or a stakeholder of a removed partner).
    private mutating func removeFromTarget(_ key: EntityKey) {
        var held = false
        if key.type == .partner {
            for id in target.agreementIds(ofPartner: key.id) {
                guard let now = target.agreements[id], now.parties.contains(where: { $0.partner == key.id }) else { continue }
                let before = base.agreements[id]
                if before?.parties.contains(where: { $0.partner == key.id }) != true {
                    let field = FieldCatalog.field("parties", of: .agreement)!
                    conflict(EntityKey(.agreement, id), "parties", before.map { field.get(.agreement($0), context) } ?? .null,
                             source.agreements[id].map { field.get(.agreement($0), context) } ?? .null,
                             field.get(.agreement(now), context))
                    held = true
                }
            }
        }
        if !held || prefer == .source { outcome[key] = .some(nil) }
    }

    private mutating func mergeFields(_ key: EntityKey, _ e0: Entity?, _ a: Entity, _ b: Entity) {
        var merged = b
        for field in FieldCatalog.storedFields(of: key.type) where field.name != "id" {
            let v0 = e0.map { field.get($0, context) } ?? .null, va = field.get(a, context), vb = field.get(b, context)
            guard va != vb, va != v0 else { continue }
            if vb == v0 {
                field.apply(va, to: &merged)
                continue
            }
            if let items = Self.mergeItems(v0, va, vb) {
                field.apply(items, to: &merged)
            } else {
                conflict(key, field.name, v0, va, vb)
                if prefer == .source { field.apply(va, to: &merged) }
            }
        }
        // A party added on one side to an agreement the other side terminated.
        if case .agreement(let old)? = e0, case .agreement(let x) = a, case .agreement(let y) = b,
           old.status != Self.terminated {
            let added = { (side: Agreement) in side.parties.contains { party in !old.parties.contains { $0.partner == party.partner } } }
            if (x.status == Self.terminated && added(y)) || (y.status == Self.terminated && added(x)) {
                let field = FieldCatalog.field("parties", of: .agreement)!
                conflict(key, "parties", field.get(.agreement(old), context), field.get(a, context), field.get(b, context))
                merged = prefer == .source ? a : b
            }
        }
        if merged != b { outcome[key] = .some(merged) }
    }

    /// Lists merge item by item (a party by partner, a KPI or milestone by name, any other item
    /// by its value), records member by member; nil when one item changed differently on both sides.
    static func mergeItems(_ v0: Value, _ va: Value, _ vb: Value) -> Value? {
        switch (va, vb) {
        case (.list(let a), .list(let b)):
            let o: [Value] = { if case .list(let items) = v0 { return items } else { return [] } }()
            return mergePairs(o.map(keyed), a.map(keyed), b.map(keyed)).map { .list($0.map(\.1)) }
        case (.record(let a), .record(let b)):
            let o: [(String, Value)] = { if case .record(let r) = v0 { return r.pairs } else { return [] } }()
            return mergePairs(o, a.pairs, b.pairs).map { .record(Record($0)) }
        default:
            return nil
        }
    }

    private static func keyed(_ item: Value) -> (String, Value) {
        if case .record(let record) = item {
            for member in ["partner", "name"] {
                if let id = record[member] { return (ValueFormatter.literal(id), item) }
            }
        }
        return (ValueFormatter.literal(item), item)
    }

    /// The target's items in its order, changed or dropped as the source did, then the source's new ones.
    private static func mergePairs(_ o: [(String, Value)], _ a: [(String, Value)], _ b: [(String, Value)]) -> [(String, Value)]? {
        let base = Dictionary(o, uniquingKeysWith: { x, _ in x }), source = Dictionary(a, uniquingKeysWith: { x, _ in x })
        let targetKeys = Set(b.map(\.0))
        var out: [(String, Value)] = []
        for (key, ib) in b {
            let i0 = base[key], ia = source[key]
            if ia == ib || ia == i0 { out.append((key, ib)); continue }
            guard ib == i0 else { return nil }
            if let ia { out.append((key, ia)) }
        }
        for (key, ia) in a where !targetKeys.contains(key) {
            let i0 = base[key]
            if i0 == nil { out.append((key, ia)); continue }
            guard ia == i0 else { return nil }
        }
        return out
    }

    // MARK: Conflicts

    private mutating func conflict(_ key: EntityKey, _ field: String?, _ v0: Value, _ va: Value, _ vb: Value) {
        conflicts.append(Conflict(key: key, field: field, base: v0, source: va, target: vb))
        guard field == nil else { return }
        // A whole entity: the preferred side's version (nil: removed).
        if prefer == .source {
            outcome[key] = .some(source.entity(key))
        }
    }

    /// Items that name an entity the merge leaves out (a party added to one side whose partner the
    /// other side removed) are conflicts; a preference drops them.
    private mutating func checkReferences() {
        func exists(_ type: EntityType, _ id: String) -> Bool {
            if let changed = outcome[EntityKey(type, id)] { return changed != nil }
            return target.contains(type, id)
        }
        for (key, entity) in outcome.sorted(by: { $0.key < $1.key }) {
            guard var entity = entity else { continue }
            var dangling = false
            switch entity {
            case .agreement(var agreement):
                let kept = agreement.parties.filter { exists(.partner, $0.partner) }
                if kept.count != agreement.parties.count { dangling = true; agreement.parties = kept; entity = .agreement(agreement) }
            case .stakeholder(var stakeholder):
                if !exists(.partner, stakeholder.org) { dangling = true }
                let kept = stakeholder.knows.filter { exists(.stakeholder, $0) }
                if kept.count != stakeholder.knows.count { dangling = true; stakeholder.knows = kept; entity = .stakeholder(stakeholder) }
            case .partner:
                break
            }
            guard dangling else { continue }
            conflicts.append(Conflict(key: key, field: key.type == .agreement ? "parties" : "org",
                                      base: .string(base.entity(key) == nil ? "absent" : "present"),
                                      source: .string("names a removed entity"), target: .string(target.entity(key) == nil ? "absent" : "present")))
            if case .stakeholder(let s) = entity, !exists(.partner, s.org) {
                outcome.removeValue(forKey: key)
            } else {
                outcome[key] = .some(entity)
            }
        }
    }

    var conflictRows: [[Value]] {
        conflicts.map { c in
            [.string(c.key.type.rawValue), .string(c.key.id), c.field.map(Value.string) ?? .null, c.base, c.source, c.target]
        }
    }
}
