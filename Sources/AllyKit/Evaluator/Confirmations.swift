/// What a change did, in the words the shell confirms it with: counts of what actually changed,
/// and the cascade a removal brought with it.
enum Confirmations {
    /// `update`: the entities whose values changed; a no-op says so.
    static func updated(changed: Int, matched: Int, type: EntityType) -> String {
        if changed == 0 {
            return matched == 0 ? "no \(type.rawValue) matched: nothing changed"
                : "nothing changed: the \(counted(matched, type)) already had those values"
        }
        let unchanged = matched - changed
        return "updated \(counted(changed, type))" + (unchanged > 0 ? " (\(unchanged) already had those values)" : "")
    }

    /// `remove`: what went, with the stakeholders that went with their partners and the
    /// agreements that were terminated for want of a second party.
    static func removed(_ removal: PortfolioEditor.Removal, type: EntityType) -> String {
        var text = removal.removed == 0 ? "removed nothing" : "removed \(counted(removal.removed, type))"
        var cascade: [String] = []
        if removal.stakeholders > 0 { cascade.append("\(counted(removal.stakeholders, .stakeholder)) removed with \(removal.removed == 1 ? "it" : "them")") }
        if removal.terminated > 0 { cascade.append("\(counted(removal.terminated, .agreement)) terminated (fewer than two parties left)") }
        if !cascade.isEmpty { text += "; " + cascade.joined(separator: ", ") }
        return text
    }

    /// `export`: how many rows the file holds.
    static func exported(rows: Int, to path: String) -> String {
        "exported \(rows) \(rows == 1 ? "row" : "rows") to \(path)"
    }

    static func counted(_ count: Int, _ type: EntityType) -> String {
        "\(count) \(count == 1 ? type.rawValue : type.plural)"
    }
}
