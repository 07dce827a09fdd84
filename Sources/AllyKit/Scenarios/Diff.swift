/// Field-level differences between two versions of the portfolio (LANGUAGE.md, `diff`).
enum PortfolioDiff {
    static let columns = ["change", "type", "id", "field", "before", "after"]

    /// Rows for the entities in `keys`: added, removed, or one row per changed stored field
    /// (record fields one row per member), ordered by type, id, field.
    static func rows(keys: Set<EntityKey>, before: Portfolio, after: Portfolio, context: EntityContext) -> [[Value]] {
        var rows: [[Value]] = []
        for key in keys.sorted() {
            let a = before.entity(key), b = after.entity(key)
            let type = Value.string(key.type.rawValue), id = Value.string(key.id)
            switch (a, b) {
            case (nil, nil): continue
            case (nil, .some): rows.append([.string("added"), type, id, .null, .null, .null])
            case (.some, nil): rows.append([.string("removed"), type, id, .null, .null, .null])
            case let (old?, new?):
                guard old != new else { continue }
                var changes: [(String, Value, Value)] = []
                for field in FieldCatalog.storedFields(of: key.type) {
                    let x = field.get(old, context), y = field.get(new, context)
                    guard x != y else { continue }
                    if field.type == .fit || field.type == .decisions, case .record(let rx) = x, case .record(let ry) = y {
                        var members = rx.keys
                        for member in ry.keys where !members.contains(member) { members.append(member) }
                        for member in members {
                            let mx = rx[member] ?? .null, my = ry[member] ?? .null
                            if mx != my { changes.append(("\(field.name).\(member)", mx, my)) }
                        }
                    } else {
                        changes.append((field.name, x, y))
                    }
                }
                changes.sort { Value.compareText($0.0, $1.0) < 0 }
                for (field, x, y) in changes {
                    rows.append([.string("changed"), type, id, .string(field), x, y])
                }
            }
        }
        return rows
    }

    /// Entities whose trigger results could have moved because of a change to `keys`: the keys
    /// themselves and their immediate relations in either version.
    static func triggerCandidates(_ keys: Set<EntityKey>, before: Portfolio, after: Portfolio) -> Set<EntityKey> {
        var result = keys
        for key in keys {
            for portfolio in [before, after] {
                switch portfolio.entity(key) {
                case .partner(let p)?:
                    for id in portfolio.agreementIds(ofPartner: p.id) { result.insert(EntityKey(.agreement, id)) }
                    for id in portfolio.stakeholderIds(ofPartner: p.id) { result.insert(EntityKey(.stakeholder, id)) }
                case .agreement(let a)?:
                    for party in a.parties { result.insert(EntityKey(.partner, party.partner)) }
                case .stakeholder(let s)?:
                    result.insert(EntityKey(.partner, s.org))
                case nil:
                    break
                }
            }
        }
        return result
    }
}
