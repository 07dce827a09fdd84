/// Validates and applies changes to the working portfolio: definitions, assignments,
/// parties, removals and their cascades. Every value passes through `validate`, which is
/// where the domain's rules live (enum cases, references, ranges, one home partner).
struct PortfolioEditor {
    let runtime: Runtime
    let file: SourceFile

    func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    /// Definitions' values, worked out and checked against the working portfolio.
    var builder: DefinitionBuilder { DefinitionBuilder(file: file, runtime: runtime) }

    // MARK: Type-directed values

    /// The value of a definition field: bare names resolve by the field's type (an enum case,
    /// an entity id); anything else is a constant expression.
    func resolve(_ expr: Expr, as type: FieldType, field: String) throws -> Value {
        try builder.resolve(expr, as: type, field: field)
    }

    func resolveRecord(_ fields: [FieldInit], as type: FieldType, field: String) throws -> Record {
        try builder.resolveRecord(fields, as: type, field: field)
    }

    // MARK: Validation

    /// The domain's rules for values, checked against the working portfolio.
    var validator: FieldValidator<Runtime> { FieldValidator(file: file, references: runtime) }

    /// Checks a value against a field's type and the domain's rules; returns it normalized
    /// (strings naming enum cases become enum values, ids become references).
    func validate(_ value: Value, as type: FieldType, nullable: Bool, field: @autoclosure () -> String, range: SourceRange) throws -> Value {
        try validator.validate(value, as: type, nullable: nullable, field: field(), range: range)
    }

    /// Words that read as literals or operators wherever an id would be used.
    static let reservedIds = ["true", "false", "null", "today", "and", "or", "not", "in", "contains"]

    /// Whether `id` is a reserved word: compared only with those of its length (cheaper than
    /// hashing it, and every definition and imported row asks).
    static func isReservedId(_ id: String) -> Bool {
        let length = id.utf8.count
        return reservedIds.contains { $0.utf8.count == length && $0 == id }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, Lexer.isIdentifierStart(first) else { return false }
        return text.utf8.allSatisfy(Lexer.isIdentifierContinue)
    }

    // MARK: Definitions

    /// `partner ID { ... }` and friends: an error if the id exists, a field is unknown or a
    /// required one is missing.
    func define(_ type: EntityType, id: Name, fields: [FieldInit]) throws {
        if Self.isReservedId(id.text) {
            throw error(.reservedName, "`\(id.text)` cannot be an id: it reads as a literal or an operator", id.range,
                        help: "choose another id, e.g. `\(id.text)_\(type.rawValue)`")
        }
        // The id is looked up once, when the entity is stored; a definition that fails before
        // then still reports a taken id first.
        let entity: Entity
        do {
            entity = try builder.build(type, id: id, fields: fields)
        } catch let failure as Diagnostic {
            if runtime.portfolio.contains(type, id.text) { throw taken(type, id.text, at: id.range) }
            throw failure
        }
        guard runtime.portfolio.insertNew(entity) else { throw taken(type, id.text, at: id.range) }
    }

    /// A definition decoded straight into its entity (`DefinitionDecoder`), its references not
    /// yet looked up: stored if they exist and the invariants hold here (true), an error if its
    /// id is taken. False, changing nothing, when they do not: the definition must then be run
    /// the general way, which reports what is wrong.
    func define(_ definition: DecodedDefinition) throws -> Bool {
        let entity = definition.entity
        switch entity {
        case .partner:
            break
        case .agreement(let agreement):
            for party in agreement.parties where !runtime.exists(.partner, party.partner) { return false }
        case .stakeholder(let stakeholder):
            guard runtime.exists(.partner, stakeholder.org) else { return false }
            for other in stakeholder.knows where !runtime.exists(.stakeholder, other) { return false }
        }
        guard (try? validator.checkInvariants(entity, range: definition.idRange)) != nil else { return false }
        // Its index entries and mirrored ties wait for the session's next `settle` (a run of
        // definitions stores them in id order, a batch at a time).
        guard runtime.portfolio.insertNew(entity, deferringEdits: true) else {
            throw taken(entity.type, entity.id, at: definition.idRange)
        }
        return true
    }

    private func taken(_ type: EntityType, _ id: String, at range: SourceRange) -> Diagnostic {
        error(.duplicateEntity, "\(type.rawValue) `\(id)` already exists", range,
              help: "use `update \(type.rawValue) \(id) set ...` to change it")
    }

    /// A new entity: the required fields fill its initializer, then every value in `values` is
    /// set on the struct, which is boxed once (not boxed, unboxed and boxed again per step).
    static func make(_ type: EntityType, id: String, values: [(FieldSpec, Value)]) -> Entity {
        // Found by identity, by index (a closure over the pairs copied each): a load or an
        // import builds a million of these.
        func value(_ spec: FieldSpec) -> Value? {
            for index in values.indices where values[index].0 === spec { return values[index].1 }
            return nil
        }
        switch type {
        case .partner:
            var kind = Required.defaultKind
            if case .enumeration(let e)? = value(Required.partnerKind) { kind = e }
            var partner = Partner(id: id, name: value(Required.partnerName)?.string ?? "", kind: kind)
            for (spec, value) in values { if case .partner(let set)? = spec.set { set(&partner, value) } }
            return .partner(partner)
        case .agreement:
            var form = Required.defaultForm
            if case .enumeration(let e)? = value(Required.form) { form = e }
            var agreement = Agreement(id: id, title: value(Required.title)?.string ?? "", form: form)
            for (spec, value) in values { if case .agreement(let set)? = spec.set { set(&agreement, value) } }
            return .agreement(agreement)
        case .stakeholder:
            var group = Required.defaultGroup
            if case .enumeration(let e)? = value(Required.group) { group = e }
            var stakeholder = Stakeholder(id: id, name: value(Required.stakeholderName)?.string ?? "",
                                          org: value(Required.org)?.idText ?? "", group: group)
            for (spec, value) in values { if case .stakeholder(let set)? = spec.set { set(&stakeholder, value) } }
            return .stakeholder(stakeholder)
        }
    }

    /// The fields a new entity's initializer takes.
    private enum Required {
        static let partnerName = FieldCatalog.field("name", of: .partner)!
        static let partnerKind = FieldCatalog.field("kind", of: .partner)!
        static let title = FieldCatalog.field("title", of: .agreement)!
        static let form = FieldCatalog.field("form", of: .agreement)!
        static let stakeholderName = FieldCatalog.field("name", of: .stakeholder)!
        static let org = FieldCatalog.field("org", of: .stakeholder)!
        static let group = FieldCatalog.field("group", of: .stakeholder)!
        /// What the initializers get when a required field is missing (the checks report it).
        static let defaultKind = EnumType.partnerKind.value("hospital")
        static let defaultForm = EnumType.form.value("mou")
        static let defaultGroup = EnumType.group.value("executive")
    }

    /// Rules that span fields or entities: one home partner, a partner once per agreement, no self-ties.
    func checkInvariants(_ entity: Entity, range: SourceRange, fieldRange: (String) -> SourceRange? = { _ in nil }) throws {
        try validator.checkInvariants(entity, range: range, fieldRange: fieldRange)
    }

    func put(_ entity: Entity) {
        switch entity {
        case .partner(let p): runtime.portfolio.put(p)
        case .agreement(let a): runtime.portfolio.put(a)
        case .stakeholder(let s): runtime.portfolio.put(s)
        }
    }

    // MARK: Updates

    /// Sets `path` (a field, or a member of a record field) on an entity to a validated value.
    func assign(_ value: Value, to path: [Name], on entity: inout Entity, range: SourceRange) throws {
        let type = entity.type
        let head = path[0]
        guard let spec = FieldCatalog.field(head.text, of: type) else {
            throw error(.unknownField, "`\(head.text)` is not a field of \(type.rawValue)", head.range,
                        help: Suggestions.help(for: head.text, in: FieldCatalog.storedFields(of: type).map(\.name)))
        }
        guard spec.isStored else {
            throw error(.readOnlyField, "`\(spec.name)` is computed and cannot be set", head.range)
        }
        if spec.name == "id" {
            throw error(.readOnlyField, "ids cannot be changed", head.range, help: "define a new entity and remove the old one")
        }
        var newValue: Value
        if path.count == 1 {
            newValue = try validate(value, as: spec.type, nullable: spec.isNullable, field: spec.name, range: range)
        } else {
            guard path.count == 2, case .record(var record) = spec.get(entity, runtime) else {
                throw error(.unknownField, "`\(path.map(\.text).joined(separator: "."))` is not a field of \(type.rawValue)",
                            path[1].range)
            }
            let member = path[1].text
            let memberType: FieldType
            var nullable = true
            if spec.type == .decisions {
                memberType = .enumeration(.rule)
            } else if let found = spec.type.members?.first(where: { $0.name == member }) {
                memberType = found.type
                nullable = found.nullable
            } else {
                throw error(.unknownField, "`\(member)` is not a member of `\(spec.name)`", path[1].range,
                            help: Suggestions.help(for: member, in: spec.type.members?.map(\.name) ?? []))
            }
            let checked = try validate(value, as: memberType, nullable: nullable, field: "\(spec.name).\(member)", range: range)
            if spec.type == .decisions, checked.isNull { record[member] = nil } else { record[member] = checked }
            newValue = .record(record)
        }
        spec.apply(newValue, to: &entity)
    }

    // MARK: Removal and cascades

    /// Removes entities with their cascades: a partner takes its stakeholders (and their
    /// ties) and its party entries; an agreement left with fewer than two parties is
    /// terminated. Returns what went, cascade included.
    @discardableResult
    func remove(_ keys: [EntityKey]) throws -> Removal {
        var removal = Removal()
        for key in keys {
            try runtime.checkCancelled()
            guard runtime.portfolio.contains(key.type, key.id) else { continue }
            if key.type == .partner {
                for stakeholder in runtime.portfolio.stakeholderIds(ofPartner: key.id)
                where runtime.portfolio.contains(.stakeholder, stakeholder) {
                    runtime.portfolio.removeEntity(EntityKey(.stakeholder, stakeholder))
                    removal.stakeholders += 1
                }
                for agreementId in runtime.portfolio.agreementIds(ofPartner: key.id) {
                    guard var agreement = runtime.portfolio.agreements[agreementId] else { continue }
                    let wasTerminated = agreement.status == EnumType.status.value("terminated")
                    agreement.parties.removeAll { $0.partner == key.id }
                    terminateIfAlone(&agreement)
                    if !wasTerminated, agreement.status == EnumType.status.value("terminated") { removal.terminated += 1 }
                    runtime.portfolio.put(agreement)
                }
            }
            runtime.portfolio.removeEntity(key)
            removal.removed += 1
        }
        return removal
    }

    /// What a `remove` took: the entities named, the stakeholders of removed partners, and the
    /// agreements it left with fewer than two parties (terminated, not removed).
    struct Removal {
        var removed = 0
        var stakeholders = 0
        var terminated = 0
    }

    func terminateIfAlone(_ agreement: inout Agreement) {
        if agreement.parties.count < 2 { agreement.status = EnumType.status.value("terminated") }
    }

    // MARK: Parties

    func addParty(partner: Name, agreement: Name, fields: [FieldInit]) throws {
        guard var target = runtime.portfolio.agreements[agreement.text] else {
            throw error(.unknownEntity, "no agreement `\(agreement.text)`", agreement.range,
                        help: Suggestions.help(for: agreement.text, in: runtime.portfolio.sortedIds(.agreement)))
        }
        guard runtime.portfolio.partners[partner.text] != nil else {
            throw error(.unknownEntity, "no partner `\(partner.text)`", partner.range,
                        help: Suggestions.help(for: partner.text, in: runtime.portfolio.sortedIds(.partner)))
        }
        if target.parties.contains(where: { $0.partner == partner.text }) {
            throw error(.invalidValue, "`\(partner.text)` is already a party to `\(agreement.text)`", partner.range)
        }
        var record = try resolveRecord(fields, as: .party, field: "party")
        if record["partner"] != nil {
            throw error(.invalidValue, "the partner is given after `add party`", partner.range)
        }
        record.keys.insert("partner", at: 0)
        record.values.insert(.reference(.partner, partner.text), at: 0)
        let checked = try validate(.record(record), as: .party, nullable: false, field: "party", range: partner.range)
        guard let party = FieldCatalog.party(from: checked) else { return }
        target.parties.append(party)
        runtime.portfolio.put(target)
    }

    func removeParty(partner: Name, agreement: Name) throws {
        guard var target = runtime.portfolio.agreements[agreement.text] else {
            throw error(.unknownEntity, "no agreement `\(agreement.text)`", agreement.range,
                        help: Suggestions.help(for: agreement.text, in: runtime.portfolio.sortedIds(.agreement)))
        }
        guard target.parties.contains(where: { $0.partner == partner.text }) else {
            throw error(.unknownEntity, "`\(partner.text)` is not a party to `\(agreement.text)`", partner.range,
                        help: Suggestions.help(for: partner.text, in: target.parties.map(\.partner)))
        }
        target.parties.removeAll { $0.partner == partner.text }
        terminateIfAlone(&target)
        runtime.portfolio.put(target)
    }
}
