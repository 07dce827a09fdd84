/// What an expression needs to read entities: the session date, the fit weights and the
/// portfolio the statement runs against.
public protocol EntityContext: AnyObject {
    var portfolio: Portfolio { get }
    var today: Day { get }
    var weights: [Double] { get }
}

/// One field of an entity type, stored or computed: its name and type, how to read it and
/// (for stored fields) how to write it. Field lookups happen once, when an expression is
/// compiled; rows then run the closures.
public final class FieldSpec: @unchecked Sendable {
    public let name: String
    public let type: FieldType
    public let isStored: Bool
    public let isRequired: Bool
    public let isNullable: Bool
    /// The default as `.schema` shows it: "required", "computed", or the value the entity's
    /// initializer gives the field (`FieldCatalog.blank`), unless the catalog words it.
    public var defaultText: String {
        if !isStored { return "computed" }
        if isRequired { return "required" }
        if let defaultWording { return defaultWording }
        guard let read, let type = set?.entityType else { return "" }
        return ValueFormatter.literal(read(FieldCatalog.blank(of: type)))
    }
    /// For a default that no one value shows (a partner's sector follows its kind).
    private let defaultWording: String?
    public let summary: String
    /// For computed fields: the static result type, for completion and resolution.
    public let resultType: FieldType?
    let get: (Entity, EntityContext) -> Value
    /// For stored fields: the value, which needs no context (what column caches read).
    let read: ((Entity) -> Value)?
    /// Stores an already validated value.
    let set: FieldSetter?

    init(name: String, type: FieldType, isStored: Bool, isRequired: Bool, isNullable: Bool, defaultWording: String?,
         summary: String, resultType: FieldType?, get: @escaping (Entity, EntityContext) -> Value,
         read: ((Entity) -> Value)? = nil, set: FieldSetter?) {
        self.name = name
        self.type = type
        self.isStored = isStored
        self.isRequired = isRequired
        self.isNullable = isNullable
        self.defaultWording = defaultWording
        self.summary = summary
        self.resultType = resultType
        self.get = get
        self.read = read
        self.set = set
    }

    /// Stores an already validated value on an entity of this field's type.
    func apply(_ value: Value, to entity: inout Entity) {
        set?.apply(value, to: &entity)
    }
}

/// A stored field's writer, typed by entity so that a new entity's fields are all set on its
/// struct before it is boxed (`PortfolioEditor.make`).
enum FieldSetter {
    case partner((inout Partner, Value) -> Void)
    case agreement((inout Agreement, Value) -> Void)
    case stakeholder((inout Stakeholder, Value) -> Void)

    var entityType: EntityType {
        switch self {
        case .partner: return .partner
        case .agreement: return .agreement
        case .stakeholder: return .stakeholder
        }
    }

    /// Sets the field on a boxed entity of the setter's type (an update): unboxed, set, boxed.
    func apply(_ value: Value, to entity: inout Entity) {
        switch (self, entity) {
        case (.partner(let set), .partner(var partner)):
            set(&partner, value)
            entity = .partner(partner)
        case (.agreement(let set), .agreement(var agreement)):
            set(&agreement, value)
            entity = .agreement(agreement)
        case (.stakeholder(let set), .stakeholder(var stakeholder)):
            set(&stakeholder, value)
            entity = .stakeholder(stakeholder)
        default:
            break
        }
    }
}

/// The fields of every entity type, in DOMAIN.md's order.
public enum FieldCatalog {
    public static func fields(of type: EntityType) -> [FieldSpec] {
        switch type {
        case .partner: return partnerFields
        case .agreement: return agreementFields
        case .stakeholder: return stakeholderFields
        }
    }

    public static func field(_ name: String, of type: EntityType) -> FieldSpec? {
        switch type {
        case .partner: return partnerIndex[name]
        case .agreement: return agreementIndex[name]
        case .stakeholder: return stakeholderIndex[name]
        }
    }

    public static func storedFields(of type: EntityType) -> [FieldSpec] {
        switch type {
        case .partner: return storedPartnerFields
        case .agreement: return storedAgreementFields
        case .stakeholder: return storedStakeholderFields
        }
    }

    private static let storedPartnerFields = partnerFields.filter(\.isStored)
    private static let storedAgreementFields = agreementFields.filter(\.isStored)
    private static let storedStakeholderFields = stakeholderFields.filter(\.isStored)
    private static let partnerIndex = FieldIndex(partnerFields)
    private static let agreementIndex = FieldIndex(agreementFields)
    private static let stakeholderIndex = FieldIndex(stakeholderFields)

    /// Columns an entity set shows when printed without `select`.
    public static func defaultColumns(of type: EntityType) -> [String] {
        switch type {
        case .partner: return ["id", "name", "kind", "region", "stage", "fit_score"]
        case .agreement: return ["id", "title", "form", "status", "ends", "value"]
        case .stakeholder: return ["id", "name", "org", "group", "influence", "interest", "stance"]
        }
    }

    /// Every field name of every type: `let` and `metric` names may not shadow them.
    public static let allFieldNames: Set<String> = Set(EntityType.allCases.flatMap { fields(of: $0).map(\.name) })

    // MARK: Defaults and equality

    /// The fields an entity's initializer takes (id and the required ones), by type.
    private static let initializerFields: [[FieldSpec]] = EntityType.allCases.map { type in storedFields(of: type).filter(\.isRequired) }

    /// The entity that `entity`'s id and required fields alone make: every other stored field
    /// at its default. The defaults live in the entities' initializers (which definitions,
    /// the decoder and imports all start from); `save` and `.schema` read them here.
    static func blank(like entity: Entity) -> Entity {
        let fields = initializerFields[entity.type.order]
        return PortfolioEditor.make(entity.type, id: entity.id, values: fields.map { ($0, $0.read!(entity)) })
    }

    /// A blank entity of a type, for defaults that do not depend on the required fields.
    static func blank(of type: EntityType) -> Entity {
        PortfolioEditor.make(type, id: "blank", values: [])
    }

    /// Whether two entities hold the same value in every stored field: the entities' `==`
    /// (what `diff` and the prompt's `*` see), so a field is compared once it is in the catalog.
    static func sameStoredFields(_ a: Entity, _ b: Entity) -> Bool {
        guard a.type == b.type else { return false }
        for spec in storedFields(of: a.type) where spec.read!(a) != spec.read!(b) { return false }
        return true
    }

    // MARK: Helpers for the tables below

    /// A stored field; its default is the initializer's (`blank`), unless `default` words it.
    private static func stored(_ name: String, _ type: FieldType, required: Bool = false, nullable: Bool = false,
                               default wording: String? = nil, _ summary: String,
                               get: @escaping (Entity) -> Value, set: FieldSetter) -> FieldSpec {
        FieldSpec(name: name, type: type, isStored: true, isRequired: required, isNullable: nullable,
                  defaultWording: wording, summary: summary, resultType: nil,
                  get: { entity, _ in get(entity) }, read: get, set: set)
    }

    private static func computed(_ name: String, _ type: FieldType, _ summary: String,
                                 get: @escaping (Entity, EntityContext) -> Value) -> FieldSpec {
        FieldSpec(name: name, type: type, isStored: false, isRequired: false, isNullable: true, defaultWording: nil,
                  summary: summary, resultType: type, get: get, set: nil)
    }

    static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
    static func optional(_ number: Double?) -> Value { number.map(Value.number) ?? .null }
    static func optional(_ day: Day?) -> Value { day.map(Value.date) ?? .null }
    static func strings(_ list: [String]) -> Value { .list(list.map(Value.string)) }
    static func stringList(_ value: Value) -> [String] {
        guard case .list(let items) = value else { return [] }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            if let text = item.idText { strings.append(text) } else if !item.isNull { strings.append("\(item)") }
        }
        return strings
    }

    // MARK: Partner

    private static func partner(_ body: @escaping (Partner) -> Value) -> (Entity) -> Value {
        { entity in if case .partner(let p) = entity { return body(p) } else { return .null } }
    }

    private static func partner(_ body: @escaping (inout Partner, Value) -> Void) -> FieldSetter {
        .partner(body)
    }

    private static func partnerComputed(_ body: @escaping (Partner, EntityContext) -> Value) -> (Entity, EntityContext) -> Value {
        { entity, context in if case .partner(let p) = entity { return body(p, context) } else { return .null } }
    }

    static func fitRecord(_ fit: Fit) -> Value {
        .record(Record(keys: FitScores.dimensions, values: fit.map(optional)))
    }

    static func mean(_ values: some Sequence<Double?>) -> Value {
        let present = values.compactMap { $0 }
        return present.isEmpty ? .null : .number(present.reduce(0, +) / Double(present.count))
    }

    static let partnerFields: [FieldSpec] = [
        stored("id", .identifier, required: true, "unique id", get: partner { .string($0.id) }, set: partner { $0.id = $1.idText ?? $0.id }),
        stored("name", .string, required: true, "display name", get: partner { .string($0.name) }, set: partner { $0.name = $1.string ?? $0.name }),
        stored("kind", .enumeration(.partnerKind), required: true, "kind of organization",
               get: partner { .enumeration($0.kind) }, set: partner { if case .enumeration(let e) = $1 { $0.kind = e } }),
        stored("sector", .enumeration(.sector), default: "by kind", "public, private or nonprofit",
               get: partner { .enumeration($0.sector) }, set: partner { if case .enumeration(let e) = $1 { $0.sector = e } }),
        stored("region", .string, nullable: true, "free text, e.g. \"US-Midwest\"",
               get: partner { optional($0.region) }, set: partner { $0.region = $1.string }),
        stored("country", .string, nullable: true, "ISO 3166 alpha-2, e.g. \"US\"",
               get: partner { optional($0.country) }, set: partner { $0.country = $1.string }),
        stored("stage", .enumeration(.stage), "relationship life cycle",
               get: partner { .enumeration($0.stage) }, set: partner { if case .enumeration(let e) = $1 { $0.stage = e } }),
        stored("home", .bool, "the analyst's own organization (at most one)",
               get: partner { .bool($0.home) }, set: partner { if case .bool(let b) = $1 { $0.home = b } }),
        stored("fit", .fit, default: "all null", "fit scores 0–5: \(FitScores.dimensions.joined(separator: " "))",
               get: partner { fitRecord($0.fit) },
               set: partner { partner, value in
                   guard case .record(let record) = value else { return }
                   // One pass over the record (its members are unique and known, as checked).
                   var fit = Fit()
                   for (name, score) in zip(record.keys, record.values) {
                       if let index = FitScores.dimensions.firstIndex(of: name) { fit[index] = score.number }
                   }
                   partner.fit = fit
               }),
        stored("tags", .list(.string), "labels",
               get: partner { strings($0.tags) }, set: partner { $0.tags = stringList($1) }),
        stored("notes", .string, nullable: true, "free text",
               get: partner { optional($0.notes) }, set: partner { $0.notes = $1.string }),
        computed("alignment", .number, "mean of the non-null fit.mission, fit.strategy, fit.culture, fit.reputation",
                 get: partnerComputed { p, _ in mean(p.fit[0..<4]) }),
        computed("capability", .number, "mean of the non-null fit.complementarity, fit.expertise, fit.reach, fit.innovation",
                 get: partnerComputed { p, _ in mean(p.fit[4..<8]) }),
        computed("fit_score", .number, "weighted mean of the non-null fit scores, weights from .weights",
                 get: partnerComputed { p, context in
                     var total = 0.0, weight = 0.0
                     for (position, score) in p.fit.enumerated() {
                         guard let score else { continue }
                         let w = position < context.weights.count ? context.weights[position] : 1
                         total += score * w
                         weight += w
                     }
                     return weight == 0 ? .null : .number(total / weight)
                 }),
        computed("agreements", .list(.reference(.agreement)), "agreements that list this partner as a party",
                 get: partnerComputed { p, context in
                     .list(context.portfolio.agreementIds(ofPartner: p.id).map { .reference(.agreement, $0) })
                 }),
        computed("stakeholders", .list(.reference(.stakeholder)), "stakeholders whose org is this partner",
                 get: partnerComputed { p, context in
                     .list(context.portfolio.stakeholderIds(ofPartner: p.id).map { .reference(.stakeholder, $0) })
                 }),
    ]

    // MARK: Agreement

    private static func agreement(_ body: @escaping (Agreement) -> Value) -> (Entity) -> Value {
        { entity in if case .agreement(let a) = entity { return body(a) } else { return .null } }
    }

    private static func agreement(_ body: @escaping (inout Agreement, Value) -> Void) -> FieldSetter {
        .agreement(body)
    }

    private static func agreementComputed(_ body: @escaping (Agreement, EntityContext) -> Value) -> (Entity, EntityContext) -> Value {
        { entity, context in if case .agreement(let a) = entity { return body(a, context) } else { return .null } }
    }

    static func partyRecord(_ party: Party) -> Value {
        .record(Record(keys: ["partner", "role", "contributes", "equity", "votes"],
                       values: [.reference(.partner, party.partner), .enumeration(party.role), .number(party.contributes),
                                optional(party.equity), .number(party.votes)]))
    }

    static func party(from value: Value) -> Party? {
        guard case .record(let record) = value, let partner = record["partner"]?.idText else { return nil }
        var role = EnumType.role.value("member")
        if case .enumeration(let e)? = record["role"] { role = e }
        return Party(partner: partner, role: role, contributes: record["contributes"]?.number ?? 0,
                     equity: record["equity"]?.number, votes: record["votes"]?.number)
    }

    static func kpiRecord(_ kpi: KPI) -> Value {
        .record(Record(keys: ["name", "target", "actual", "higher_is_better"],
                       values: [.string(kpi.name), .number(kpi.target), optional(kpi.actual), .bool(kpi.higherIsBetter)]))
    }

    static func milestoneRecord(_ milestone: Milestone) -> Value {
        .record(Record(keys: ["name", "due", "done"],
                       values: [.string(milestone.name), .date(milestone.due), .bool(milestone.done)]))
    }

    static func attainment(_ a: Agreement) -> Double? {
        let ratios = a.kpis.compactMap(attainmentRatio)
        return ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count)
    }

    /// One KPI's share of its target, as `attainment` averages it (and `kpis` rows show it).
    static func attainmentRatio(_ kpi: KPI) -> Double? {
        guard let actual = kpi.actual else { return nil }
        let numerator = kpi.higherIsBetter ? actual : kpi.target
        let denominator = kpi.higherIsBetter ? kpi.target : actual
        let ratio = denominator == 0 ? 0 : numerator / denominator
        return min(1, max(0, ratio))
    }

    static func onTime(_ a: Agreement, today: Day) -> Double? {
        let due = a.milestones.filter { $0.due <= today }
        return due.isEmpty ? nil : Double(due.filter(\.done).count) / Double(due.count)
    }

    static func category(_ a: Agreement, _ portfolio: Portfolio) -> Value {
        let parties = a.parties.compactMap { portfolio.partners[$0.partner] }
        let kinds = Set(parties.map(\.kind.name))
        let sectors = Set(parties.map(\.sector.name))
        func value(_ name: String) -> Value { .enumeration(EnumType.category.value(name)) }
        if sectors.contains("public"), sectors.contains("private") { return value("public_private") }
        if !kinds.isDisjoint(with: ["academic", "research_institute"]),
           !kinds.isDisjoint(with: ["pharma", "biotech", "device_maker", "technology", "startup"]) {
            return value("academic_industry")
        }
        if !kinds.isDisjoint(with: ["hospital", "health_system", "clinic"]), !kinds.isDisjoint(with: ["technology", "startup"]) {
            return value("hospital_healthtech")
        }
        let providers: Set<String> = ["hospital", "health_system", "clinic", "physician_group"]
        if parties.count >= 2, parties.allSatisfy({ providers.contains($0.kind.name) }) { return value("provider_provider") }
        return value("cross_sector")
    }

    static let agreementFields: [FieldSpec] = [
        stored("id", .identifier, required: true, "unique id", get: agreement { .string($0.id) }, set: agreement { $0.id = $1.idText ?? $0.id }),
        stored("title", .string, required: true, "title", get: agreement { .string($0.title) }, set: agreement { $0.title = $1.string ?? $0.title }),
        stored("form", .enumeration(.form), required: true, "form of partnership",
               get: agreement { .enumeration($0.form) }, set: agreement { if case .enumeration(let e) = $1 { $0.form = e } }),
        stored("status", .enumeration(.status), "where the agreement stands",
               get: agreement { .enumeration($0.status) }, set: agreement { if case .enumeration(let e) = $1 { $0.status = e } }),
        stored("parties", .list(.party), "parties: {partner, role, contributes, equity, votes}",
               get: agreement { .list($0.parties.map(partyRecord)) },
               set: agreement { a, value in
                   if case .list(let items) = value { a.parties = items.compactMap(party(from:)) }
               }),
        stored("starts", .date, nullable: true, "start of the agreement",
               get: agreement { optional($0.starts) }, set: agreement { if case .date(let d) = $1 { $0.starts = d } else { $0.starts = nil } }),
        stored("ends", .date, nullable: true, "end of the current term",
               get: agreement { optional($0.ends) }, set: agreement { if case .date(let d) = $1 { $0.ends = d } else { $0.ends = nil } }),
        stored("review", .date, nullable: true, "next scheduled review",
               get: agreement { optional($0.review) }, set: agreement { if case .date(let d) = $1 { $0.review = d } else { $0.review = nil } }),
        stored("notice", .duration, "notice period before `ends`",
               get: agreement { .duration($0.notice) }, set: agreement { if case .duration(let d) = $1 { $0.notice = d } }),
        stored("auto_renew", .bool, "renews by itself at the end of the term",
               get: agreement { .bool($0.autoRenew) }, set: agreement { if case .bool(let b) = $1 { $0.autoRenew = b } }),
        stored("value", .number, "annual value",
               get: agreement { .number($0.value) }, set: agreement { if case .number(let n) = $1 { $0.value = n } }),
        stored("scope", .string, nullable: true, "what the agreement covers",
               get: agreement { optional($0.scope) }, set: agreement { $0.scope = $1.string }),
        stored("decisions", .decisions, "decision-rights matrix: decision → unanimous, majority or lead",
               get: agreement { a in
                   .record(Record(keys: a.decisions.map(\.name), values: a.decisions.map { .enumeration($0.rule) }))
               },
               set: agreement { a, value in
                   guard case .record(let record) = value else { return }
                   a.decisions = record.pairs.compactMap { pair in
                       if case .enumeration(let rule) = pair.1 { return (pair.0, rule) } else { return nil }
                   }
               }),
        stored("kpis", .list(.kpi), "kpis: {name, target, actual, higher_is_better}",
               get: agreement { .list($0.kpis.map(kpiRecord)) },
               set: agreement { a, value in
                   guard case .list(let items) = value else { return }
                   a.kpis = items.compactMap { item in
                       guard case .record(let r) = item, let name = r["name"]?.string, let target = r["target"]?.number else { return nil }
                       var higher = true
                       if case .bool(let b)? = r["higher_is_better"] { higher = b }
                       return KPI(name: name, target: target, actual: r["actual"]?.number, higherIsBetter: higher)
                   }
               }),
        stored("milestones", .list(.milestone), "milestones: {name, due, done}",
               get: agreement { .list($0.milestones.map(milestoneRecord)) },
               set: agreement { a, value in
                   guard case .list(let items) = value else { return }
                   a.milestones = items.compactMap { item in
                       guard case .record(let r) = item, let name = r["name"]?.string, case .date(let due)? = r["due"] else { return nil }
                       var done = false
                       if case .bool(let b)? = r["done"] { done = b }
                       return Milestone(name: name, due: due, done: done)
                   }
               }),
        stored("health", .bounded(1...5), nullable: true, "relationship health 1–5, as rated",
               get: agreement { optional($0.health) }, set: agreement { $0.health = $1.number }),
        stored("phi", .bool, "shares protected health information",
               get: agreement { .bool($0.phi) }, set: agreement { if case .bool(let b) = $1 { $0.phi = b } }),
        stored("jurisdictions", .list(.string), "legal jurisdictions, e.g. [\"US\", \"EU\"]",
               get: agreement { strings($0.jurisdictions) }, set: agreement { $0.jurisdictions = stringList($1) }),
        stored("tags", .list(.string), "labels",
               get: agreement { strings($0.tags) }, set: agreement { $0.tags = stringList($1) }),
        computed("category", .enumeration(.category), "public_private, academic_industry, hospital_healthtech, provider_provider or cross_sector, from the parties' kinds and sectors",
                 get: agreementComputed { a, context in category(a, context.portfolio) }),
        computed("days_left", .number, "ends - today, in days",
                 get: agreementComputed { a, context in a.ends.map { .number(Double($0.daysSinceEpoch - context.today.daysSinceEpoch)) } ?? .null }),
        computed("notice_by", .date, "ends - notice: the last day to give notice",
                 get: agreementComputed { a, _ in a.ends.map { .date($0.adding(a.notice, times: -1)) } ?? .null }),
        computed("attainment", .number, "mean over kpis with an actual of actual/target (target/actual when lower is better), each clamped to [0, 1]",
                 get: agreementComputed { a, _ in optional(attainment(a)) }),
        computed("on_time", .number, "share of the milestones due by today that are done",
                 get: agreementComputed { a, context in optional(onTime(a, today: context.today)) }),
        computed("health_score", .number, "0–100: mean of attainment×100, on_time×100 and (health−1)/4×100, where available",
                 get: agreementComputed { a, context in
                     var parts: [Double] = []
                     if let value = attainment(a) { parts.append(value * 100) }
                     if let value = onTime(a, today: context.today) { parts.append(value * 100) }
                     if let health = a.health { parts.append((health - 1) / 4 * 100) }
                     return parts.isEmpty ? .null : .number(parts.reduce(0, +) / Double(parts.count))
                 }),
        computed("total_contribution", .number, "sum of the parties' contributes",
                 get: agreementComputed { a, _ in .number(a.parties.reduce(0) { $0 + $1.contributes }) }),
        computed("cross_border", .bool, "the parties' countries and the jurisdictions hold more than one distinct value",
                 get: agreementComputed { a, context in
                     var places = Set(a.jurisdictions)
                     for party in a.parties {
                         if let country = context.portfolio.partners[party.partner]?.country { places.insert(country) }
                     }
                     return .bool(places.count > 1)
                 }),
        computed("partners", .list(.reference(.partner)), "the parties' partners",
                 get: agreementComputed { a, _ in .list(a.parties.map { .reference(.partner, $0.partner) }) }),
    ]

    // MARK: Stakeholder

    private static func stakeholder(_ body: @escaping (Stakeholder) -> Value) -> (Entity) -> Value {
        { entity in if case .stakeholder(let s) = entity { return body(s) } else { return .null } }
    }

    private static func stakeholder(_ body: @escaping (inout Stakeholder, Value) -> Void) -> FieldSetter {
        .stakeholder(body)
    }

    static let stakeholderFields: [FieldSpec] = [
        stored("id", .identifier, required: true, "unique id", get: stakeholder { .string($0.id) }, set: stakeholder { $0.id = $1.idText ?? $0.id }),
        stored("name", .string, required: true, "full name", get: stakeholder { .string($0.name) }, set: stakeholder { $0.name = $1.string ?? $0.name }),
        stored("org", .reference(.partner), required: true, "the partner they belong to",
               get: stakeholder { .reference(.partner, $0.org) }, set: stakeholder { $0.org = $1.idText ?? $0.org }),
        stored("group", .enumeration(.group), required: true, "stakeholder group",
               get: stakeholder { .enumeration($0.group) }, set: stakeholder { if case .enumeration(let e) = $1 { $0.group = e } }),
        stored("title", .string, nullable: true, "job title",
               get: stakeholder { optional($0.title) }, set: stakeholder { $0.title = $1.string }),
        stored("influence", .integer(1...5), "power over the partnership, 1–5",
               get: stakeholder { .number(Double($0.influence)) }, set: stakeholder { if let n = $1.number { $0.influence = Int(n) } }),
        stored("interest", .integer(1...5), "how much the partnership matters to them, 1–5",
               get: stakeholder { .number(Double($0.interest)) }, set: stakeholder { if let n = $1.number { $0.interest = Int(n) } }),
        stored("stance", .enumeration(.stance), "champion, supporter, neutral, skeptic or blocker",
               get: stakeholder { .enumeration($0.stance) }, set: stakeholder { if case .enumeration(let e) = $1 { $0.stance = e } }),
        stored("interests", .list(.string), "what they want",
               get: stakeholder { strings($0.interests) }, set: stakeholder { $0.interests = stringList($1) }),
        stored("concerns", .list(.string), "what they fear",
               get: stakeholder { strings($0.concerns) }, set: stakeholder { $0.concerns = stringList($1) }),
        stored("knows", .list(.reference(.stakeholder)), "ties to other stakeholders (undirected)",
               get: stakeholder { .list($0.knows.map { .reference(.stakeholder, $0) }) },
               set: stakeholder { $0.knows = stringList($1) }),
        computed("quadrant", .enumeration(.quadrant), "manage_closely (influence ≥ 4 and interest ≥ 4), keep_satisfied, keep_informed or monitor",
                 get: { entity, _ in if case .stakeholder(let s) = entity { return .enumeration(s.quadrant) } else { return .null } }),
        computed("partner", .reference(.partner), "the org entity (so partner.name works like org.name)",
                 get: { entity, _ in if case .stakeholder(let s) = entity { return .reference(.partner, s.org) } else { return .null } }),
    ]
}

/// One entity type's fields by name. Every definition looks up each of its fields (a script
/// of a million definitions, several million look-ups): names of up to 23 bytes (all of them
/// today) go to a `ShortNameTable`; a longer name goes to a dictionary.
struct FieldIndex: @unchecked Sendable {
    private let short: ShortNameTable<FieldSpec>
    private let longNames: [String: FieldSpec]

    init(_ fields: [FieldSpec]) {
        short = ShortNameTable(fields.map { ($0.name, $0) })
        longNames = Dictionary(uniqueKeysWithValues: fields.filter { $0.name.utf8.count > ShortNameTable<FieldSpec>.maximumLength }
            .map { ($0.name, $0) })
    }

    subscript(name: String) -> FieldSpec? {
        guard name.utf8.count <= ShortNameTable<FieldSpec>.maximumLength else { return longNames[name] }
        var name = name
        return name.withUTF8 { short[UnsafeRawBufferPointer($0)[...]] }
    }
}

/// Values by short names (1-23 bytes), looked up by the names' bytes: hashing a name with the
/// standard hasher costs more than the rest of a look-up, and a reader of tokens has bytes,
/// not strings. A name is keyed by its bytes in three words, mixed by multiplications, in an
/// open-addressed table. Longer names are not held (a look-up answers nil).
struct ShortNameTable<Value>: @unchecked Sendable {
    static var maximumLength: Int { 23 }
    private typealias Key = (UInt64, UInt64, UInt64)
    private let keys: [Key]
    private let values: [Value?]
    private let mask: Int

    init(_ entries: [(String, Value)]) {
        var size = 16
        while size < entries.count * 4 { size *= 2 }
        var keys = [Key](repeating: (0, 0, 0), count: size)
        var values = [Value?](repeating: nil, count: size)
        for (name, value) in entries {
            var name = name
            guard let key = name.withUTF8({ Self.key(UnsafeRawBufferPointer($0)[...]) }) else { continue }
            var slot = Self.slot(key, mask: size - 1)
            while values[slot] != nil { slot = (slot + 1) & (size - 1) }
            (keys[slot], values[slot]) = (key, value)
        }
        (self.keys, self.values, mask) = (keys, values, size - 1)
    }

    /// The value of the name spelled by `bytes`.
    subscript(bytes: Slice<UnsafeRawBufferPointer>) -> Value? {
        guard let key = Self.key(bytes) else { return nil }
        var slot = Self.slot(key, mask: mask)
        while let value = values[slot] {
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// A name of 1-23 bytes as three words: bytes 0-7, 8-15, then 16-22 with the length on top.
    @inline(__always)
    private static func key(_ bytes: Slice<UnsafeRawBufferPointer>) -> Key? {
        let count = bytes.count
        guard count > 0, count <= maximumLength, let base = bytes.base.baseAddress else { return nil }
        let start = base + bytes.startIndex
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            var word: UInt64 = 0
            for index in 0..<Swift.max(0, Swift.min(8, count - offset)) {
                word |= UInt64(start.load(fromByteOffset: offset + index, as: UInt8.self)) << (8 * UInt64(index))
            }
            return word
        }
        return (word(0), word(8), word(16) | UInt64(count) << 56)
    }

    private static func slot(_ key: Key, mask: Int) -> Int {
        let mixed = (key.0 ^ (key.1 &* 0x9E37_79B9_7F4A_7C15) ^ (key.2 &* 0xC2B2_AE3D_27D4_EB4F)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 40) & mask
    }
}
