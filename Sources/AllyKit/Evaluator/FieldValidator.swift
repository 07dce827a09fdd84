/// What `FieldValidator` needs to know about the portfolio: whether an entity exists (a
/// reference) and which partner is the home partner.
protocol ReferenceResolver {
    /// Whether the entity exists. A resolver that cannot tell answers false.
    func exists(_ type: EntityType, _ id: String) -> Bool
    /// Ids of a type, to suggest one in an error message.
    func ids(_ type: EntityType) -> [String]
    /// The home partner's id if it is not `id`: setting `home` on partner `id` would then make a
    /// second one. A resolver that cannot tell answers with some id.
    func otherHome(than id: String) -> String?
}

extension Runtime: ReferenceResolver {
    // Through `inout`: calling the method on the class's property copied the whole portfolio
    // (a reference count on each of its fields) for every reference a definition checks.
    func exists(_ type: EntityType, _ id: String) -> Bool { Self.contains(&portfolio, type, id) }
    private static func contains(_ portfolio: inout Portfolio, _ type: EntityType, _ id: String) -> Bool {
        portfolio.contains(type, id)
    }
    func ids(_ type: EntityType) -> [String] { portfolio.sortedIds(type) }
    func otherHome(than id: String) -> String? { portfolio.homePartner.map(\.id).flatMap { $0 == id ? nil : $0 } }
}

/// The portfolio as it was when an import started, for checking rows on the import's reading
/// thread, which must not touch the live portfolio. Only the types the import does not write
/// are kept (`exists` answers false for the one it writes); it answers conservatively: a row
/// that fails a check here is checked again, on the thread that owns the portfolio, and only
/// that check's answer counts.
///
/// The trees are O(1) copies of the portfolio's: the thread that owns the portfolio changes
/// only nodes no other copy holds, so this thread reads them as they were.
struct ReferenceSnapshot: ReferenceResolver, Sendable {
    /// By type, in `EntityType.allCases` order; nil for the type the import writes.
    private let trees: [IdTree<Entity>?]

    init(_ portfolio: Portfolio, excluding written: EntityType) {
        trees = EntityType.allCases.map { $0 == written ? nil : portfolio.boxes(of: $0) }
    }

    func exists(_ type: EntityType, _ id: String) -> Bool { trees[type.order]?.contains(id) ?? false }
    func ids(_ type: EntityType) -> [String] { [] }
    /// Partners may be the type being written, so no answer is trusted: any `home: true` fails.
    func otherHome(than id: String) -> String? { "" }
}

/// Checks values against fields' types and the domain's rules; the one place those rules live
/// (definitions, updates, `add party` and imports all come here).
struct FieldValidator<References: ReferenceResolver> {
    let file: SourceFile
    let references: References

    func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    /// Checks a value against a field's type; returns it normalized (strings naming enum cases
    /// become enum values, ids become references).
    func validate(_ value: Value, as type: FieldType, nullable: Bool, field: @autoclosure () -> String, range: SourceRange) throws -> Value {
        // `field` names the value in messages; a record's member names are only spelled out
        // when one is wrong (an import validates millions of members).
        if value.isNull {
            if nullable { return .null }
            throw error(.invalidValue, "`\(field())` cannot be null", range)
        }
        func mismatch() -> Diagnostic {
            error(.typeMismatch, "`\(field())` needs \(article(type.description)), not \(article(value.typeName))", range)
        }
        switch type {
        case .identifier:
            guard let text = value.idText, PortfolioEditor.isIdentifier(text) else {
                throw error(.invalidValue, "`\(field())` must be an identifier (letters, digits and _; not starting with a digit)", range)
            }
            return .string(text)
        case .string:
            guard case .string = value else { throw mismatch() }
            return value
        case .number, .percent, .integer, .bounded:
            guard case .number(let n) = value else { throw mismatch() }
            guard type.admits(n) else { throw error(.invalidValue, type.inadmissibleMessage(n, field: field()), range) }
            return value
        case .bool:
            guard case .bool = value else { throw mismatch() }
            return value
        case .date:
            guard case .date = value else { throw mismatch() }
            return value
        case .duration:
            guard case .duration = value else { throw mismatch() }
            return value
        case .enumeration(let enumType):
            switch value {
            case .enumeration(let e) where e.type == enumType: return value
            case .string(let text):
                if let e = enumType.value(named: text) { return .enumeration(e) }
                throw error(.unknownEnumCase, FieldType.unknownCaseMessage(text, field: field(), of: enumType), range,
                            help: Suggestions.help(for: text, in: enumType.cases))
            case .enumeration(let e):
                if let converted = enumType.value(named: e.name) { return .enumeration(converted) }
                throw error(.unknownEnumCase, FieldType.unknownCaseMessage(e.name, field: field(), of: enumType), range,
                            help: Suggestions.help(for: e.name, in: enumType.cases))
            default: break
            }
            throw mismatch()
        case .reference(let entityType):
            guard let id = value.idText else { throw mismatch() }
            guard references.exists(entityType, id) else {
                throw error(.unknownEntity, "`\(field())` refers to \(entityType.rawValue) `\(id)`, which does not exist", range,
                            help: Suggestions.help(for: id, in: references.ids(entityType)))
            }
            return .reference(entityType, id)
        case .list(let element):
            guard case .list(let items) = value else {
                // A single string where a list of strings is expected: a one-item list.
                if case .string = value, element == .string { return .list([value]) }
                throw mismatch()
            }
            return .list(try items.map { try validate($0, as: element, nullable: false, field: field(), range: range) })
        case .fit, .party, .kpi, .milestone:
            guard case .record(let record) = value else { throw mismatch() }
            return .record(try validateMembers(record, as: type, field: field(), range: range))
        case .decisions:
            guard case .record(let record) = value else { throw mismatch() }
            var out = Record()
            for (key, rule) in record.pairs {
                out[key] = try validate(rule, as: .enumeration(.rule), nullable: false, field: "decisions.\(key)", range: range)
            }
            return .record(out)
        }
    }

    /// A record-shaped value's members, each checked against its type, in declaration order
    /// (appended, no look-up: an import checks a record per row), then the party's own rules.
    private func validateMembers(_ record: Record, as type: FieldType, field: @autoclosure () -> String, range: SourceRange) throws -> Record {
        let members = type.members!
        for key in record.keys where !members.contains(where: { $0.name == key }) {
            throw error(.unknownField, "`\(key)` is not a member of \(type.description)", range,
                        help: Suggestions.help(for: key, in: members.map(\.name)))
        }
        var out = Record()
        out.keys.reserveCapacity(members.count)
        out.values.reserveCapacity(members.count)
        for member in members {
            if let memberValue = record[member.name] {
                out.keys.append(member.name)
                out.values.append(try validate(memberValue, as: member.type, nullable: member.nullable,
                                               field: "\(field()).\(member.name)", range: range))
            } else if member.required {
                throw error(.missingField, "\(type.description) needs `\(member.name)`", range)
            }
        }
        if type == .party, let problem = FieldType.partyProblem(contributes: out["contributes"]?.number, equity: out["equity"]?.number) {
            throw error(.invalidValue, problem, range)
        }
        return out
    }

    private func article(_ noun: String) -> String {
        guard let first = noun.first else { return noun }
        return ("aeiou".contains(first) ? "an " : "a ") + noun
    }

    /// Rules that span fields or entities: one home partner, a partner once per agreement, no self-ties.
    /// `fieldRange` gives where a field was written, for the caret (asked only on an error).
    func checkInvariants(_ entity: Entity, range: SourceRange, fieldRange: (String) -> SourceRange? = { _ in nil }) throws {
        switch entity {
        case .partner(let partner):
            if partner.home, let home = references.otherHome(than: partner.id) {
                throw error(.invalidValue, "`\(home)` is already the home partner; at most one partner has `home: true`",
                            fieldRange("home") ?? range)
            }
            if let country = partner.country, !(country.utf8.count == 2 && country.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }) {
                throw error(.invalidValue, "`country` must be an ISO 3166 alpha-2 code such as \"US\" or \"DE\", not \"\(country)\"",
                            fieldRange("country") ?? range)
            }
        case .agreement(let agreement):
            // A few parties each: comparing pairs is cheaper than hashing them into a set.
            let parties = agreement.parties
            for (index, party) in parties.enumerated() where parties[..<index].contains(where: { $0.partner == party.partner }) {
                throw error(.invalidValue, "`\(party.partner)` appears twice in the parties of `\(agreement.id)`",
                            fieldRange("parties") ?? range)
            }
        case .stakeholder(let stakeholder):
            if stakeholder.knows.contains(stakeholder.id) {
                throw error(.invalidValue, "`\(stakeholder.id)` cannot know themselves", fieldRange("knows") ?? range)
            }
        }
    }
}
