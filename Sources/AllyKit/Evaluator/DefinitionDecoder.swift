/// A definition decoded straight into its entity (`DefinitionDecoder`), possibly on a script's
/// parsing thread before the statements ahead of it have run: every value is checked except
/// whether the entities it names exist (those statements may define them) and the rules that
/// look at the portfolio, which `PortfolioEditor.define(_:)` checks when it runs.
struct DecodedDefinition: Sendable {
    let entity: Entity
    /// The statement's source.
    let range: SourceRange
    /// Where its id is written (a taken id is reported there).
    let idRange: SourceRange

    init(entity: Entity, range: SourceRange, idRange: SourceRange) {
        (self.entity, self.range, self.idRange) = (entity, range, idRange)
    }
}

/// Decodes the usual definition (`stakeholder s1 { name: "Ada", org: p1, knows: [s2] }`: literals,
/// on one line or a field a line, as `save` and `ally generate` write them) straight from its
/// tokens into the entity, without the syntax tree, `Value`s and records that the general way
/// (the parser, then `DefinitionBuilder`) builds, resolves, checks and
/// converts: loading a portfolio script is almost all definitions, and that was two thirds of it.
///
/// It accepts a definition only when the general way would build the same entity from it, given
/// that the entities it names exist and the invariants hold (the running thread checks both).
/// Anything else, valid or not, makes it give up: a value written another way than the usual
/// literal (a string for an enum case, an expression, a binding), an unknown, computed or
/// repeated field or member, a value of the wrong kind or out of range, a missing required
/// field or member, a reserved id. The general way then does the statement and reports its
/// errors, so errors are always the general way's. A test holds the two ways together.
struct DefinitionDecoder {
    private var tokens: DefinitionTokens
    private var words = WordCache()
    private typealias GiveUp = DefinitionTokens.GiveUp

    init(file: SourceFile) {
        tokens = DefinitionTokens(file: file)
    }

    /// The definition whose first token (the entity type) starts at `start`, and where the
    /// parser goes on; nil when it is not one this decodes.
    mutating func decode(at start: Int) -> (definition: DecodedDefinition, end: Int)? {
        tokens.restart(at: start)
        do {
            return try decodeDefinition(start)
        } catch {
            return nil
        }
    }

    private var token: Token { tokens.token }

    private func bytes(_ token: Token) -> Slice<UnsafeRawBufferPointer> {
        tokens.file.bytes[token.range.lower..<token.range.upper]
    }

    private mutating func decodeDefinition(_ start: Int) throws(GiveUp) -> (definition: DecodedDefinition, end: Int) {
        try tokens.advance()
        // Any other statement gives up at its first word.
        let type: EntityType
        if tokens.isWord("partner") {
            type = .partner
        } else if tokens.isWord("agreement") {
            type = .agreement
        } else if tokens.isWord("stakeholder") {
            type = .stakeholder
        } else {
            throw GiveUp()
        }
        try tokens.advance()
        let idToken = token
        let id = try reference()
        guard !PortfolioEditor.isReservedId(id), token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        let entity: Entity
        switch type {
        case .partner: entity = try partner(id)
        case .agreement: entity = try agreement(id)
        case .stakeholder: entity = try stakeholder(id)
        }
        // The closing brace ends the statement: what follows it is read with the lexer alone.
        let close = token
        try tokens.leave(last: true)
        let definition = DecodedDefinition(entity: entity, range: SourceRange(start, close.range.upper), idRange: idToken.range)
        return (definition, try tokens.lineEnd(after: close.range.upper))
    }

    // MARK: Fields

    /// The next field of the block or record being read, as one of `names`, never one seen
    /// before (`seen` has a bit per name); nil at the closing `}`.
    private mutating func nextField<Name>(_ names: ShortNameTable<(Name, UInt32)>, seen: inout UInt32) throws(GiveUp) -> Name? {
        guard let field = try tokens.nextField() else { return nil }
        guard let (name, bit) = names[bytes(field)], seen & bit == 0 else { throw GiveUp() }
        seen |= bit
        return name
    }

    /// A table of names to their cases and a bit each.
    private static func names<Name: RawRepresentable & CaseIterable>(_: Name.Type) -> ShortNameTable<(Name, UInt32)>
    where Name.RawValue == String {
        ShortNameTable(Name.allCases.enumerated().map { ($1.rawValue, ($1, UInt32(1) << UInt32($0))) })
    }

    /// The stored fields a definition may set: every stored field but the id (a test holds
    /// them to the catalog; a field missing here would only send its definitions the general
    /// way).
    enum PartnerField: String, CaseIterable {
        case name, kind, sector, region, country, stage, home, fit, tags, notes
    }

    enum AgreementField: String, CaseIterable {
        case title, form, status, parties, starts, ends, review, notice, autoRenew = "auto_renew", value, scope, decisions
        case kpis, milestones, health, phi, jurisdictions, tags
    }

    enum StakeholderField: String, CaseIterable {
        case name, org, group, title, influence, interest, stance, interests, concerns, knows
    }

    private enum PartyMember: String, CaseIterable { case partner, role, contributes, equity, votes }
    private enum KPIMember: String, CaseIterable { case name, target, actual, higherIsBetter = "higher_is_better" }
    private enum MilestoneMember: String, CaseIterable { case name, due, done }

    private static let partnerFields = names(PartnerField.self)
    private static let agreementFields = names(AgreementField.self)
    private static let stakeholderFields = names(StakeholderField.self)
    private static let partyMembers = names(PartyMember.self)
    private static let kpiMembers = names(KPIMember.self)
    private static let milestoneMembers = names(MilestoneMember.self)
    /// The members seen once a party's partner is given before its braces.
    private static let taggedParty = UInt32(1) << UInt32(PartyMember.allCases.firstIndex(of: .partner)!)
    private static let fitDimensions = ShortNameTable(FitScores.dimensions.enumerated().map { ($1, $0) })
    /// The ranged fields' types, whose rules (`FieldType.admits`) the values read must pass.
    private static let healthType = FieldCatalog.field("health", of: .agreement)!.type
    private static let influenceType = FieldCatalog.field("influence", of: .stakeholder)!.type
    private static let interestType = FieldCatalog.field("interest", of: .stakeholder)!.type

    private mutating func partner(_ id: String) throws(GiveUp) -> Entity {
        var seen: UInt32 = 0
        var name: String?, kind: EnumValue?, sector: EnumValue?, stage: EnumValue?
        var region: String?, country: String?, notes: String?
        var home = false, fit = Fit(), tags: [String] = []
        while let field = try nextField(Self.partnerFields, seen: &seen) {
            switch field {
            case .name: name = try string()
            case .kind: kind = try enumCase(.partnerKind)
            case .sector: sector = try enumCase(.sector)
            case .region: region = try nullableString()
            case .country: country = try nullableString()
            case .stage: stage = try enumCase(.stage)
            case .home: home = try bool()
            case .fit: fit = try fitScores()
            case .tags: tags = try strings()
            case .notes: notes = try nullableString()
            }
            try tokens.endField()
        }
        guard let name, let kind else { throw GiveUp() }
        var partner = Partner(id: id, name: name, kind: kind)
        if let sector { partner.sector = sector }
        if let stage { partner.stage = stage }
        (partner.region, partner.country, partner.notes) = (region, country, notes)
        (partner.home, partner.fit, partner.tags) = (home, fit, tags)
        return .partner(partner)
    }

    private mutating func agreement(_ id: String) throws(GiveUp) -> Entity {
        var seen: UInt32 = 0
        var title: String?, form: EnumValue?, status: EnumValue?, notice: Duration?, scope: String?
        var starts: Day?, ends: Day?, review: Day?, health: Double?
        var autoRenew = false, phi = false, value = 0.0
        var parties: [Party] = [], kpis: [KPI] = [], milestones: [Milestone] = []
        var decisions: [(name: String, rule: EnumValue)] = [], jurisdictions: [String] = [], tags: [String] = []
        while let field = try nextField(Self.agreementFields, seen: &seen) {
            switch field {
            case .title: title = try string()
            case .form: form = try enumCase(.form)
            case .status: status = try enumCase(.status)
            case .parties: parties = try list { decoder throws(GiveUp) in try decoder.party() }
            case .starts: starts = try nullable { decoder throws(GiveUp) in try decoder.date() }
            case .ends: ends = try nullable { decoder throws(GiveUp) in try decoder.date() }
            case .review: review = try nullable { decoder throws(GiveUp) in try decoder.date() }
            case .notice: notice = try duration()
            case .autoRenew: autoRenew = try bool()
            case .value: value = try number()
            case .scope: scope = try nullableString()
            case .decisions: decisions = try decisionRules()
            case .kpis: kpis = try list { decoder throws(GiveUp) in try decoder.kpi() }
            case .milestones: milestones = try list { decoder throws(GiveUp) in try decoder.milestone() }
            case .health: health = try nullable { decoder throws(GiveUp) in try decoder.number(Self.healthType) }
            case .phi: phi = try bool()
            case .jurisdictions: jurisdictions = try strings()
            case .tags: tags = try strings()
            }
            try tokens.endField()
        }
        guard let title, let form else { throw GiveUp() }
        var agreement = Agreement(id: id, title: title, form: form)
        if let status { agreement.status = status }
        if let notice { agreement.notice = notice }
        (agreement.parties, agreement.kpis, agreement.milestones) = (parties, kpis, milestones)
        (agreement.starts, agreement.ends, agreement.review, agreement.health) = (starts, ends, review, health)
        (agreement.autoRenew, agreement.phi, agreement.value) = (autoRenew, phi, value)
        // The rarely set fields share a box, made only when one of them is set.
        if let scope { agreement.scope = scope }
        if !decisions.isEmpty { agreement.decisions = decisions }
        if !jurisdictions.isEmpty { agreement.jurisdictions = jurisdictions }
        if !tags.isEmpty { agreement.tags = tags }
        return .agreement(agreement)
    }

    private mutating func stakeholder(_ id: String) throws(GiveUp) -> Entity {
        var seen: UInt32 = 0
        var name: String?, org: String?, group: EnumValue?, stance: EnumValue?, title: String?
        var influence: Int?, interest: Int?
        var interests: [String] = [], concerns: [String] = [], knows: [String] = []
        while let field = try nextField(Self.stakeholderFields, seen: &seen) {
            switch field {
            case .name: name = try string()
            case .org: org = try reference()
            case .group: group = try enumCase(.group)
            case .title: title = try nullableString()
            case .influence: influence = try wholeNumber(Self.influenceType)
            case .interest: interest = try wholeNumber(Self.interestType)
            case .stance: stance = try enumCase(.stance)
            case .interests: interests = try strings()
            case .concerns: concerns = try strings()
            case .knows: knows = try list { decoder throws(GiveUp) in try decoder.reference() }
            }
            try tokens.endField()
        }
        guard let name, let org, let group else { throw GiveUp() }
        var stakeholder = Stakeholder(id: id, name: name, org: org, group: group)
        if let influence { stakeholder.influence = influence }
        if let interest { stakeholder.interest = interest }
        if let stance { stakeholder.stance = stance }
        stakeholder.knows = knows
        if let title { stakeholder.title = title }
        if !interests.isEmpty { stakeholder.interests = interests }
        if !concerns.isEmpty { stakeholder.concerns = concerns }
        return .stakeholder(stakeholder)
    }

    // MARK: Records

    /// `{mission: 4, strategy: null, ...}`: each score 0-5 or null, each dimension once.
    private mutating func fitScores() throws(GiveUp) -> Fit {
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var fit = Fit()
        var seen: UInt8 = 0
        while let member = try tokens.nextField() {
            guard let index = Self.fitDimensions[bytes(member)], seen & (1 << index) == 0 else { throw GiveUp() }
            seen |= 1 << index
            fit[index] = try nullable { decoder throws(GiveUp) in try decoder.number(FieldType.fitScore) }
            try tokens.endField()
        }
        try tokens.leave()
        return fit
    }

    /// `{strategy: unanimous, ...}`: any decision names, each once, in the order written.
    private mutating func decisionRules() throws(GiveUp) -> [(name: String, rule: EnumValue)] {
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var rules: [(name: String, rule: EnumValue)] = []
        while let member = try tokens.nextField() {
            let name = words.text(member.range, in: tokens.file)
            guard !rules.contains(where: { $0.name == name }) else { throw GiveUp() }
            rules.append((name, try enumCase(.rule)))
            try tokens.endField()
        }
        try tokens.leave()
        return rules
    }

    /// A party: `p1`, `p1 {role: lead, ...}` or `{partner: p1, role: lead, ...}`.
    private mutating func party() throws(GiveUp) -> Party {
        var partner: String?
        var seen: UInt32 = 0
        if token.kind == .identifier {
            partner = try reference()
            // Tagged: the partner is given before the braces, not inside them.
            seen = Self.taggedParty
            // (After a newline that separates, a `{` belongs to what follows.)
            guard token.kind == .leftBrace, !tokens.sawNewline else { return Party(partner: partner!) }
        }
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var role: EnumValue?, contributes = 0.0, equity: Double?, votes: Double?
        while let member = try nextField(Self.partyMembers, seen: &seen) {
            switch member {
            case .partner: partner = try reference()
            case .role: role = try enumCase(.role)
            case .contributes: contributes = try number()
            case .equity: equity = try nullable { decoder throws(GiveUp) in try decoder.number() }
            case .votes: votes = try number()
            }
            try tokens.endField()
        }
        try tokens.leave()
        guard let partner, FieldType.partyProblem(contributes: contributes, equity: equity) == nil else { throw GiveUp() }
        return Party(partner: partner, role: role ?? EnumType.role.value("member"), contributes: contributes, equity: equity, votes: votes)
    }

    /// `{name: "...", target: 70, actual: 76, higher_is_better: true}` (name and target required).
    private mutating func kpi() throws(GiveUp) -> KPI {
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var seen: UInt32 = 0
        var name: String?, target: Double?, actual: Double?, higherIsBetter = true
        while let member = try nextField(Self.kpiMembers, seen: &seen) {
            switch member {
            case .name: name = try string()
            case .target: target = try number()
            case .actual: actual = try nullable { decoder throws(GiveUp) in try decoder.number() }
            case .higherIsBetter: higherIsBetter = try bool()
            }
            try tokens.endField()
        }
        try tokens.leave()
        guard let name, let target else { throw GiveUp() }
        return KPI(name: name, target: target, actual: actual, higherIsBetter: higherIsBetter)
    }

    /// `{name: "...", due: 2025-06-08, done: false}` (name and due required).
    private mutating func milestone() throws(GiveUp) -> Milestone {
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var seen: UInt32 = 0
        var name: String?, due: Day?, done = false
        while let member = try nextField(Self.milestoneMembers, seen: &seen) {
            switch member {
            case .name: name = try string()
            case .due: due = try date()
            case .done: done = try bool()
            }
            try tokens.endField()
        }
        try tokens.leave()
        guard let name, let due else { throw GiveUp() }
        return Milestone(name: name, due: due, done: done)
    }

    // MARK: Values

    /// `[item, ...]` (a trailing comma allowed).
    private mutating func list<Item>(_ item: (inout Self) throws(GiveUp) -> Item) throws(GiveUp) -> [Item] {
        guard token.kind == .leftBracket else { throw GiveUp() }
        try tokens.enter(brace: false)
        var items: [Item] = []
        while token.kind != .rightBracket {
            items.append(try item(&self))
            if token.kind == .comma {
                try tokens.advance()
            } else if token.kind != .rightBracket {
                throw GiveUp()
            }
        }
        try tokens.leave()
        return items
    }

    /// `null`, or what `value` reads.
    private mutating func nullable<Value>(_ value: (inout Self) throws(GiveUp) -> Value) throws(GiveUp) -> Value? {
        if tokens.isWord("null") {
            try tokens.advance()
            return nil
        }
        return try value(&self)
    }

    /// A list of strings, or one string for a list of one.
    private mutating func strings() throws(GiveUp) -> [String] {
        if token.kind == .string { return [try string()] }
        return try list { decoder throws(GiveUp) in try decoder.string() }
    }

    private mutating func string() throws(GiveUp) -> String {
        guard token.kind == .string, let text = try? Parser.decodeString(token, in: tokens.file) else { throw GiveUp() }
        try tokens.advance()
        return text
    }

    private mutating func nullableString() throws(GiveUp) -> String? {
        try nullable { decoder throws(GiveUp) in try decoder.string() }
    }

    /// An id, written as a name (not one of the words that read as literals).
    private mutating func reference() throws(GiveUp) -> String {
        guard token.kind == .identifier, !tokens.isWord("true"), !tokens.isWord("false"), !tokens.isWord("null"),
              !tokens.isWord("today") else { throw GiveUp() }
        let id = words.text(token.range, in: tokens.file)
        try tokens.advance()
        return id
    }

    /// A case of `type`, written as a name.
    private mutating func enumCase(_ type: EnumType) throws(GiveUp) -> EnumValue {
        guard token.kind == .identifier, let value = type.value(utf8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return value
    }

    private mutating func bool() throws(GiveUp) -> Bool {
        let value: Bool
        if tokens.isWord("true") {
            value = true
        } else if tokens.isWord("false") {
            value = false
        } else {
            throw GiveUp()
        }
        try tokens.advance()
        return value
    }

    /// A finite number (as every number literal is) that `type` admits.
    private mutating func number(_ type: FieldType = .number) throws(GiveUp) -> Double {
        guard token.kind == .number, let number = try? Parser.decodeNumber(token, in: tokens.file), number.isFinite,
              type.admits(number) else { throw GiveUp() }
        try tokens.advance()
        return number
    }

    /// A whole number that `type` (an `integer` field's) admits.
    private mutating func wholeNumber(_ type: FieldType) throws(GiveUp) -> Int {
        let number = try number(type)
        guard number == number.rounded() else { throw GiveUp() }
        return Int(number)
    }

    private mutating func date() throws(GiveUp) -> Day {
        guard token.kind == .date, let day = Day(isoUTF8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return day
    }

    private mutating func duration() throws(GiveUp) -> Duration {
        guard token.kind == .duration, let duration = Duration(plainUTF8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return duration
    }
}
