/// An organization in the portfolio (DOMAIN.md, partner).
public struct Partner: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: EnumValue
    public var sector: EnumValue
    public var region: String?
    public var country: String?
    public var stage: EnumValue
    public var home: Bool
    /// The eight fit scores, in `FitScores.dimensions` order.
    public var fit: [Double?]
    public var tags: [String]
    public var notes: String?

    public init(id: String, name: String, kind: EnumValue) {
        self.id = id
        self.name = name
        self.kind = kind
        self.sector = Partner.defaultSector(for: kind)
        self.stage = EnumType.stage.value("prospect")
        self.home = false
        self.fit = Array(repeating: nil, count: FitScores.dimensions.count)
        self.tags = []
    }

    /// government, regulator → public; academic, research_institute, hospital, health_system,
    /// nonprofit, community_org → nonprofit; all other kinds → private.
    public static func defaultSector(for kind: EnumValue) -> EnumValue {
        switch kind.name {
        case "government", "regulator": return EnumType.sector.value("public")
        case "academic", "research_institute", "hospital", "health_system", "nonprofit", "community_org":
            return EnumType.sector.value("nonprofit")
        default: return EnumType.sector.value("private")
        }
    }
}

/// The fit record's dimensions; the first four make `alignment`, the last four `capability`.
public enum FitScores {
    public static let dimensions = ["mission", "strategy", "culture", "reputation",
                                    "complementarity", "expertise", "reach", "innovation"]
}

/// One party to an agreement: who, in what role, contributing what, with what say.
public struct Party: Hashable, Sendable {
    // Ordered by size (48 bytes a party instead of 56).
    public var partner: String
    public var contributes: Double
    public var votes: Double
    public var equity: Double?
    public var role: EnumValue

    public init(partner: String, role: EnumValue = EnumType.role.value("member"), contributes: Double = 0,
                equity: Double? = nil, votes: Double? = nil) {
        self.partner = partner
        self.role = role
        self.contributes = contributes
        self.equity = equity
        self.votes = votes ?? Party.defaultVotes(for: role)
    }

    /// 1 for lead and member, 0 for observer.
    public static func defaultVotes(for role: EnumValue) -> Double { role.name == "observer" ? 0 : 1 }
}

public struct KPI: Hashable, Sendable {
    public var name: String
    public var target: Double
    public var actual: Double?
    public var higherIsBetter: Bool
}

public struct Milestone: Hashable, Sendable {
    public var name: String
    public var due: Day
    public var done: Bool
}

/// An agreement binding partners (DOMAIN.md, agreement).
public struct Agreement: Hashable, Sendable {
    public var id: String
    public var title: String
    public var form: EnumValue
    public var status: EnumValue
    public var parties: [Party]
    public var starts: Day?
    public var ends: Day?
    public var review: Day?
    public var notice: Duration
    public var autoRenew: Bool
    public var value: Double
    public var scope: String?
    /// The decision-rights matrix: decision name → rule, in the order written.
    public var decisions: [(name: String, rule: EnumValue)]
    public var kpis: [KPI]
    public var milestones: [Milestone]
    public var health: Double?
    public var phi: Bool
    public var jurisdictions: [String]
    public var tags: [String]

    public init(id: String, title: String, form: EnumValue) {
        self.id = id
        self.title = title
        self.form = form
        self.status = EnumType.status.value("proposed")
        self.parties = []
        self.notice = Duration(90, .days)
        self.autoRenew = false
        self.value = 0
        self.decisions = []
        self.kpis = []
        self.milestones = []
        self.phi = false
        self.jurisdictions = []
        self.tags = []
    }

    public static func == (a: Agreement, b: Agreement) -> Bool {
        a.id == b.id && a.title == b.title && a.form == b.form && a.status == b.status && a.parties == b.parties
            && a.starts == b.starts && a.ends == b.ends && a.review == b.review && a.notice == b.notice
            && a.autoRenew == b.autoRenew && a.value == b.value && a.scope == b.scope
            && a.decisions.map(\.name) == b.decisions.map(\.name) && a.decisions.map(\.rule) == b.decisions.map(\.rule)
            && a.kpis == b.kpis && a.milestones == b.milestones && a.health == b.health && a.phi == b.phi
            && a.jurisdictions == b.jurisdictions && a.tags == b.tags
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(value)
        hasher.combine(parties)
    }

    /// Whether the agreement links its parties in the partner network.
    public var isLive: Bool { status.name != "terminated" && status.name != "expired" }
}

/// A person whose interests shape the partnerships (DOMAIN.md, stakeholder).
public struct Stakeholder: Hashable, Sendable {
    // A large portfolio holds a million of these: the fields most stakeholders leave empty
    // (title, interests, concerns) live in a shared box, absent when all are empty, and the two
    // 1-5 scores take a byte each (70 bytes a stakeholder instead of 94).
    public var id: String
    public var name: String
    public var org: String
    /// Ties, kept sorted by id and symmetric across the repository.
    public var knows: [String]
    private var details: Details?
    public var group: EnumValue
    public var stance: EnumValue
    private var influenceScore: UInt8
    private var interestScore: UInt8

    /// The rarely set fields; never edited once shared (a change copies the box first).
    private final class Details: @unchecked Sendable {
        var title: String?
        var interests: [String]
        var concerns: [String]

        init(title: String?, interests: [String], concerns: [String]) {
            self.title = title
            self.interests = interests
            self.concerns = concerns
        }

        var isEmpty: Bool { title == nil && interests.isEmpty && concerns.isEmpty }
    }

    /// Edits the box (copied first if shared; created if absent; dropped if left empty).
    private mutating func editDetails(_ edit: (Details) -> Void) {
        if details == nil {
            details = Details(title: nil, interests: [], concerns: [])
        } else if !isKnownUniquelyReferenced(&details!) {
            details = Details(title: details!.title, interests: details!.interests, concerns: details!.concerns)
        }
        edit(details!)
        if details!.isEmpty { details = nil }
    }

    public var title: String? {
        get { details?.title }
        set { if newValue != nil || details != nil { editDetails { $0.title = newValue } } }
    }

    public var interests: [String] {
        get { details?.interests ?? [] }
        set { if !newValue.isEmpty || details != nil { editDetails { $0.interests = newValue } } }
    }

    public var concerns: [String] {
        get { details?.concerns ?? [] }
        set { if !newValue.isEmpty || details != nil { editDetails { $0.concerns = newValue } } }
    }

    /// 1-5 (validated before it is set).
    public var influence: Int {
        get { Int(influenceScore) }
        set { influenceScore = UInt8(clamping: newValue) }
    }

    /// 1-5 (validated before it is set).
    public var interest: Int {
        get { Int(interestScore) }
        set { interestScore = UInt8(clamping: newValue) }
    }

    public init(id: String, name: String, org: String, group: EnumValue) {
        self.id = id
        self.name = name
        self.org = org
        self.group = group
        self.influenceScore = 3
        self.interestScore = 3
        self.stance = EnumType.stance.value("neutral")
        self.knows = []
    }

    public static func == (a: Stakeholder, b: Stakeholder) -> Bool {
        a.id == b.id && a.name == b.name && a.org == b.org && a.knows == b.knows && a.group == b.group
            && a.stance == b.stance && a.influenceScore == b.influenceScore && a.interestScore == b.interestScore
            && a.title == b.title && a.interests == b.interests && a.concerns == b.concerns
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(org)
        hasher.combine(knows)
        hasher.combine(title)
    }

    /// manage_closely, keep_satisfied, keep_informed or monitor.
    public var quadrant: EnumValue {
        let high = (influence >= 4, interest >= 4)
        switch high {
        case (true, true): return EnumType.quadrant.value("manage_closely")
        case (true, false): return EnumType.quadrant.value("keep_satisfied")
        case (false, true): return EnumType.quadrant.value("keep_informed")
        case (false, false): return EnumType.quadrant.value("monitor")
        }
    }
}

/// Any one entity. The cases are boxed: an entity flows through every pipeline stage, and
/// copying a box is one reference count instead of one per field.
public enum Entity: Hashable, Sendable {
    indirect case partner(Partner)
    indirect case agreement(Agreement)
    indirect case stakeholder(Stakeholder)

    public var id: String {
        switch self {
        case .partner(let p): return p.id
        case .agreement(let a): return a.id
        case .stakeholder(let s): return s.id
        }
    }

    public var type: EntityType {
        switch self {
        case .partner: return .partner
        case .agreement: return .agreement
        case .stakeholder: return .stakeholder
        }
    }
}

/// An entity's identity across scenarios: its type and id.
public struct EntityKey: Hashable, Sendable, Comparable {
    public var type: EntityType
    public var id: String
    public init(_ type: EntityType, _ id: String) {
        self.type = type
        self.id = id
    }
    public static func < (a: EntityKey, b: EntityKey) -> Bool {
        a.type != b.type ? a.type < b.type : Value.compareText(a.id, b.id) < 0
    }
}
