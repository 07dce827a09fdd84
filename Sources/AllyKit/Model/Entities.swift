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
    public var fit: Fit
    public var tags: [String]
    public var notes: String?

    public init(id: String, name: String, kind: EnumValue) {
        self.id = id
        self.name = name
        self.kind = kind
        self.sector = Partner.defaultSector(for: kind)
        self.stage = EnumType.stage.value("prospect")
        self.home = false
        self.fit = Fit()
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

/// A partner's eight fit scores (nil where not rated), in `FitScores.dimensions` order, held
/// in the partner itself: as an array of optionals it was a second allocation of 160 bytes per
/// partner. NaN stands for nil (scores are validated to 0-5 before they are set).
public struct Fit: RandomAccessCollection, MutableCollection, Hashable, Sendable {
    private var scores: (Double, Double, Double, Double, Double, Double, Double, Double)
        = (.nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan)

    public init() {}

    /// Takes the first eight scores of `scores`; missing ones are nil.
    public init(_ scores: some Sequence<Double?>) {
        for (index, score) in scores.prefix(8).enumerated() { self[index] = score }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { 8 }

    public subscript(position: Int) -> Double? {
        get {
            precondition(position >= 0 && position < 8, "fit score index out of range")
            let score = withUnsafeBytes(of: scores) { $0.load(fromByteOffset: position * 8, as: Double.self) }
            return score.isNaN ? nil : score
        }
        set {
            precondition(position >= 0 && position < 8, "fit score index out of range")
            withUnsafeMutableBytes(of: &scores) { $0.storeBytes(of: newValue ?? .nan, toByteOffset: position * 8, as: Double.self) }
        }
    }

    public static func == (a: Fit, b: Fit) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        for score in self { hasher.combine(score) }
    }
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
    // A large portfolio holds hundreds of thousands of these, each in its own box. The fields
    // most agreements leave empty (scope, decisions, jurisdictions, tags) live in a shared box,
    // absent when all are empty; dates are stored as 32-bit day numbers and the health score
    // as a plain Double, so the struct is 103 bytes instead of 192 (a 128-byte allocation
    // instead of 224). The public properties are unchanged.
    public var id: String
    public var title: String
    public var parties: [Party]
    public var kpis: [KPI]
    public var milestones: [Milestone]
    private var details: Details?
    public var value: Double
    /// NaN when null (the score is validated to 1-5 before it is set).
    private var healthScore: Double
    private var startsDay: Int32
    private var endsDay: Int32
    private var reviewDay: Int32
    private var noticeAmount: Int32
    private var noticeUnit: Duration.Unit
    public var form: EnumValue
    public var status: EnumValue
    public var autoRenew: Bool
    public var phi: Bool

    /// The rarely set fields; never edited once shared (a change copies the box first).
    private final class Details: RarelySetFields, @unchecked Sendable {
        var scope: String?
        var decisions: [(name: String, rule: EnumValue)] = []
        var jurisdictions: [String] = []
        var tags: [String] = []

        init() {}

        func copy() -> Details {
            let copy = Details()
            (copy.scope, copy.decisions, copy.jurisdictions, copy.tags) = (scope, decisions, jurisdictions, tags)
            return copy
        }

        var isEmpty: Bool { scope == nil && decisions.isEmpty && jurisdictions.isEmpty && tags.isEmpty }
    }

    private mutating func editDetails(_ change: (Details) -> Void) { details.edit(change) }

    public var scope: String? {
        get { details?.scope }
        set { if newValue != nil || details != nil { editDetails { $0.scope = newValue } } }
    }

    /// The decision-rights matrix: decision name → rule, in the order written.
    public var decisions: [(name: String, rule: EnumValue)] {
        get { details?.decisions ?? [] }
        set { if !newValue.isEmpty || details != nil { editDetails { $0.decisions = newValue } } }
    }

    public var jurisdictions: [String] {
        get { details?.jurisdictions ?? [] }
        set { if !newValue.isEmpty || details != nil { editDetails { $0.jurisdictions = newValue } } }
    }

    public var tags: [String] {
        get { details?.tags ?? [] }
        set { if !newValue.isEmpty || details != nil { editDetails { $0.tags = newValue } } }
    }

    /// Dates are 0001-01-01...9999-12-31 (every date Ally reads or computes is checked against
    /// that range), well inside 32 bits; `Int32.min` stands for null.
    private static func packed(_ day: Day?) -> Int32 {
        guard let day else { return .min }
        return Int32(clamping: day.daysSinceEpoch)
    }

    private static func unpacked(_ day: Int32) -> Day? { day == .min ? nil : Day(daysSinceEpoch: Int(day)) }

    public var starts: Day? {
        get { Self.unpacked(startsDay) }
        set { startsDay = Self.packed(newValue) }
    }

    public var ends: Day? {
        get { Self.unpacked(endsDay) }
        set { endsDay = Self.packed(newValue) }
    }

    public var review: Day? {
        get { Self.unpacked(reviewDay) }
        set { reviewDay = Self.packed(newValue) }
    }

    /// At most 100,000 units (the parser and the importers check), so 32 bits hold it.
    public var notice: Duration {
        get { Duration(Int(noticeAmount), noticeUnit) }
        set {
            noticeAmount = Int32(clamping: newValue.amount)
            noticeUnit = newValue.unit
        }
    }

    public var health: Double? {
        get { healthScore.isNaN ? nil : healthScore }
        set { healthScore = newValue ?? .nan }
    }

    public init(id: String, title: String, form: EnumValue) {
        self.id = id
        self.title = title
        self.form = form
        self.status = EnumType.status.value("proposed")
        self.parties = []
        self.kpis = []
        self.milestones = []
        self.value = 0
        self.healthScore = .nan
        self.startsDay = .min
        self.endsDay = .min
        self.reviewDay = .min
        self.noticeAmount = 90
        self.noticeUnit = .days
        self.autoRenew = false
        self.phi = false
    }

    /// Every stored field of the catalog compared (the stored properties are packed and boxed,
    /// so a memberwise `==` would compare boxes and NaNs).
    public static func == (a: Agreement, b: Agreement) -> Bool {
        a.id == b.id && FieldCatalog.sameStoredFields(.agreement(a), .agreement(b))
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
    private final class Details: RarelySetFields, @unchecked Sendable {
        var title: String?
        var interests: [String] = []
        var concerns: [String] = []

        init() {}

        func copy() -> Details {
            let copy = Details()
            (copy.title, copy.interests, copy.concerns) = (title, interests, concerns)
            return copy
        }

        var isEmpty: Bool { title == nil && interests.isEmpty && concerns.isEmpty }
    }

    private mutating func editDetails(_ change: (Details) -> Void) { details.edit(change) }

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

    /// Every stored field of the catalog compared (the rarely set ones live in a box).
    public static func == (a: Stakeholder, b: Stakeholder) -> Bool {
        a.id == b.id && FieldCatalog.sameStoredFields(.stakeholder(a), .stakeholder(b))
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

/// A box of an entity's rarely set fields, shared by copies of the entity (a large portfolio
/// holds a million entities, most of which leave these fields empty) and absent when empty.
protocol RarelySetFields: AnyObject {
    init()
    /// A new box with the same fields (taken before editing a shared box).
    func copy() -> Self
    var isEmpty: Bool { get }
}

extension Optional where Wrapped: RarelySetFields {
    /// Edits the box as a value: copied first if shared, created if absent, dropped if left empty.
    mutating func edit(_ change: (Wrapped) -> Void) {
        if self == nil {
            self = Wrapped()
        } else if !isKnownUniquelyReferenced(&self!) {
            self = self!.copy()
        }
        change(self!)
        if self!.isEmpty { self = nil }
    }
}
