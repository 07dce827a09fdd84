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

    static func fieldValues(_ entity: Entity) -> [(String, String)] {
        var out: [(String, String)] = []
        func add(_ name: String, _ value: Value) { out.append((name, ValueFormatter.literal(value))) }
        switch entity {
        case .partner(let p):
            add("name", .string(p.name))
            add("kind", .enumeration(p.kind))
            if p.sector != Partner.defaultSector(for: p.kind) { add("sector", .enumeration(p.sector)) }
            if let region = p.region { add("region", .string(region)) }
            if let country = p.country { add("country", .string(country)) }
            if p.stage.name != "prospect" { add("stage", .enumeration(p.stage)) }
            if p.home { add("home", .bool(true)) }
            let scores = zip(FitScores.dimensions, p.fit).compactMap { name, score in score.map { (name, Value.number($0)) } }
            if !scores.isEmpty { add("fit", .record(Record(scores))) }
            if !p.tags.isEmpty { add("tags", .list(p.tags.map(Value.string))) }
            if let notes = p.notes { add("notes", .string(notes)) }
        case .agreement(let a):
            add("title", .string(a.title))
            add("form", .enumeration(a.form))
            if a.status.name != "proposed" { add("status", .enumeration(a.status)) }
            if !a.parties.isEmpty {
                out.append(("parties", "[" + a.parties.map(party).joined(separator: ", ") + "]"))
            }
            if let starts = a.starts { add("starts", .date(starts)) }
            if let ends = a.ends { add("ends", .date(ends)) }
            if let review = a.review { add("review", .date(review)) }
            if a.notice != Duration(90, .days) { add("notice", .duration(a.notice)) }
            if a.autoRenew { add("auto_renew", .bool(true)) }
            if a.value != 0 { add("value", .number(a.value)) }
            if let scope = a.scope { add("scope", .string(scope)) }
            if !a.decisions.isEmpty {
                add("decisions", .record(Record(keys: a.decisions.map(\.name), values: a.decisions.map { .enumeration($0.rule) })))
            }
            if !a.kpis.isEmpty { add("kpis", .list(a.kpis.map(FieldCatalog.kpiRecord))) }
            if !a.milestones.isEmpty { add("milestones", .list(a.milestones.map(FieldCatalog.milestoneRecord))) }
            if let health = a.health { add("health", .number(health)) }
            if a.phi { add("phi", .bool(true)) }
            if !a.jurisdictions.isEmpty { add("jurisdictions", .list(a.jurisdictions.map(Value.string))) }
            if !a.tags.isEmpty { add("tags", .list(a.tags.map(Value.string))) }
        case .stakeholder(let s):
            add("name", .string(s.name))
            add("org", .reference(.partner, s.org))
            add("group", .enumeration(s.group))
            if let title = s.title { add("title", .string(title)) }
            if s.influence != 3 { add("influence", .number(Double(s.influence))) }
            if s.interest != 3 { add("interest", .number(Double(s.interest))) }
            if s.stance.name != "neutral" { add("stance", .enumeration(s.stance)) }
            if !s.interests.isEmpty { add("interests", .list(s.interests.map(Value.string))) }
            if !s.concerns.isEmpty { add("concerns", .list(s.concerns.map(Value.string))) }
            let earlier = s.knows.filter { Value.compareText($0, s.id) < 0 }
            if !earlier.isEmpty { out.append(("knows", "[" + earlier.joined(separator: ", ") + "]")) }
        }
        return out
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
