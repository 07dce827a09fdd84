/// Writes a portfolio as an Ally script that rebuilds it: partners, agreements and
/// stakeholders in id order, then triggers and metrics. Each `knows` tie is written once, on
/// the stakeholder with the larger id, so every reference points backwards. Metrics are
/// written before triggers, which may use them.
public enum ScriptWriter {
    public static func script(for portfolio: Portfolio, metrics: [(String, String)]) -> String {
        var out = "# Ally portfolio: \(portfolio.count(.partner)) partners, \(portfolio.count(.agreement)) agreements, \(portfolio.count(.stakeholder)) stakeholders\n"
        for type in EntityType.allCases {
            let ids = portfolio.sortedIds(type)
            if !ids.isEmpty { out += "\n" }
            for id in ids {
                guard let entity = portfolio.entity(EntityKey(type, id)) else { continue }
                out += definition(entity)
            }
        }
        // Metrics come before triggers: a trigger's condition may use a metric, which must
        // exist when the trigger is defined (a metric's pipeline is resolved only when it runs).
        if !metrics.isEmpty { out += "\n" }
        for (name, pipeline) in metrics { out += "metric \(name) = \(pipeline)\n" }
        let triggers = portfolio.triggers.values.sorted { Value.compareText($0.name, $1.name) < 0 }
        if !triggers.isEmpty { out += "\n" }
        for trigger in triggers {
            out += "trigger \(trigger.name) on \(trigger.type.plural) when \(trigger.conditionText)\n"
        }
        return out
    }

    /// `partner ID { field: value, ... }` with every stored field that differs from its default.
    static func definition(_ entity: Entity) -> String {
        let fields = fieldValues(entity)
        let body = fields.map { "\($0.0): \($0.1)" }
        let header = "\(entity.type.rawValue) \(entity.id) {"
        let oneLine = header + " " + body.joined(separator: ", ") + " }\n"
        if oneLine.count <= 120 { return oneLine }
        // Commas end the lines too: a value such as the id `in` at a line's end would otherwise
        // continue the line.
        return header + "\n" + body.map { "  " + $0 + ",\n" }.joined() + "}\n"
    }

    /// The stored fields `definition` writes, in the catalog's order: the required ones, and
    /// every other that differs from its default (the blank entity's, `FieldCatalog.blank`).
    static func fieldValues(_ entity: Entity) -> [(String, String)] {
        let blank = FieldCatalog.blank(like: entity)
        var out: [(String, String)] = []
        for spec in FieldCatalog.storedFields(of: entity.type) where spec.name != "id" {
            guard let read = spec.read else { continue }
            let value = read(entity)
            guard spec.isRequired || value != read(blank), let text = literal(value, as: spec.type, of: entity) else { continue }
            out.append((spec.name, text))
        }
        return out
    }

    /// A field's value as the definition writes it: its literal, but parties by their partner
    /// (members only where not the default), fit scores without the nulls, and ties to the
    /// entity's own type only towards smaller ids (nil when none is left: each tie is written
    /// once, and every reference points backwards).
    private static func literal(_ value: Value, as type: FieldType, of entity: Entity) -> String? {
        switch (type, value) {
        case (.list(.party), .list(let items)):
            return "[" + items.compactMap(FieldCatalog.party(from:)).map(party).joined(separator: ", ") + "]"
        case (.list(.reference(let target)), .list(let items)) where target == entity.type:
            let earlier = items.compactMap(\.idText).filter { Value.compareText($0, entity.id) < 0 }
            return earlier.isEmpty ? nil : "[" + earlier.joined(separator: ", ") + "]"
        case (.fit, .record(let record)):
            return ValueFormatter.literal(.record(Record(record.pairs.filter { !$0.1.isNull })))
        default:
            return ValueFormatter.literal(value)
        }
    }

    static func party(_ party: Party) -> String {
        var attributes: [String] = []
        if party.role.name != "member" { attributes.append("role: \(party.role.name)") }
        if party.contributes != 0 { attributes.append("contributes: \(ValueFormatter.literal(.number(party.contributes)))") }
        if let equity = party.equity { attributes.append("equity: \(ValueFormatter.literal(.number(equity)))") }
        if party.votes != Party.defaultVotes(for: party.role) { attributes.append("votes: \(ValueFormatter.literal(.number(party.votes)))") }
        return attributes.isEmpty ? party.partner : "\(party.partner) {\(attributes.joined(separator: ", "))}"
    }
}
