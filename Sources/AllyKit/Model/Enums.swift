/// The enumerations of the domain model (DOMAIN.md). Their case names are public contract.
public enum EnumType: String, CaseIterable, Sendable {
    case partnerKind = "PartnerKind", sector = "Sector", stage = "Stage", form = "Form", status = "Status"
    case role = "Role", rule = "Rule", group = "Group", stance = "Stance"
    case quadrant = "Quadrant", category = "Category"

    /// The case names, in declaration order. Each list is a constant (built into the binary,
    /// never counted or freed), so the two threads of an import can read the same list without
    /// taking each other's cache lines.
    public var cases: [String] {
        switch self {
        case .partnerKind: return Self.partnerKindCases
        case .sector: return Self.sectorCases
        case .stage: return Self.stageCases
        case .form: return Self.formCases
        case .status: return Self.statusCases
        case .role: return Self.roleCases
        case .rule: return Self.ruleCases
        case .group: return Self.groupCases
        case .stance: return Self.stanceCases
        case .quadrant: return Self.quadrantCases
        case .category: return Self.categoryCases
        }
    }

    private static let partnerKindCases = ["hospital", "health_system", "clinic", "physician_group", "academic", "research_institute",
                                           "technology", "pharma", "biotech", "device_maker", "government", "payer", "regulator",
                                           "nonprofit", "community_org", "startup", "gpo"]
    private static let sectorCases = ["public", "private", "nonprofit"]
    private static let stageCases = ["prospect", "engaged", "piloting", "partnered", "under_review", "exiting", "former"]
    private static let formCases = ["non_equity_alliance", "equity_alliance", "joint_venture", "consortium", "supply_chain", "mou",
                                    "service_exchange", "project", "resource_sharing", "advocacy_coalition", "transition_services"]
    private static let statusCases = ["proposed", "negotiating", "active", "under_review", "suspended", "terminated", "expired"]
    private static let roleCases = ["lead", "member", "observer"]
    private static let ruleCases = ["unanimous", "majority", "lead"]
    private static let groupCases = ["executive", "clinical", "operations", "it_data", "patients_community", "payers_regulators", "board"]
    private static let stanceCases = ["champion", "supporter", "neutral", "skeptic", "blocker"]
    private static let quadrantCases = ["manage_closely", "keep_satisfied", "keep_informed", "monitor"]
    private static let categoryCases = ["public_private", "academic_industry", "hospital_healthtech", "provider_provider", "cross_sector"]

    /// The case named `name`, if any: a pass over at most 17 short names, skipping those of
    /// another length (cheaper than hashing the name, and an import looks up millions).
    public func value(named name: String) -> EnumValue? {
        let length = name.utf8.count
        for (index, candidate) in cases.enumerated() where candidate.utf8.count == length && candidate == name {
            return EnumValue(type: self, index: UInt8(index))
        }
        return nil
    }

    /// The case spelled by `bytes`, if any (a reader of tokens has bytes, not strings).
    func value(utf8 bytes: Slice<UnsafeRawBufferPointer>) -> EnumValue? { Self.byteTables[position][bytes] }

    /// Each type's cases by their bytes, in `allCases` order.
    private static let byteTables: [ShortNameTable<EnumValue>] = allCases.map { type in
        ShortNameTable(type.cases.enumerated().map { ($1, EnumValue(type: type, index: UInt8($0))) })
    }

    /// The type's place in `allCases`.
    private var position: Int {
        switch self {
        case .partnerKind: return 0
        case .sector: return 1
        case .stage: return 2
        case .form: return 3
        case .status: return 4
        case .role: return 5
        case .rule: return 6
        case .group: return 7
        case .stance: return 8
        case .quadrant: return 9
        case .category: return 10
        }
    }

    public func value(_ name: String) -> EnumValue {
        guard let value = value(named: name) else { preconditionFailure("\(name) is not a case of \(rawValue)") }
        return value
    }
}

/// One case of one enumeration; compares and hashes as a pair of small integers.
public struct EnumValue: Hashable, Sendable, CustomStringConvertible {
    public let type: EnumType
    public let index: UInt8
    public var name: String { type.cases[Int(index)] }
    public var description: String { name }
}

/// The three kinds of entity in a portfolio.
public enum EntityType: String, CaseIterable, Sendable, Comparable {
    case partner, agreement, stakeholder

    /// The plural used as a pipeline source and relation stage.
    public var plural: String { rawValue + "s" }

    public init?(plural: String) {
        switch plural {
        case "partners": self = .partner
        case "agreements": self = .agreement
        case "stakeholders": self = .stakeholder
        default: return nil
        }
    }

    /// Diff and save order: partner, agreement, stakeholder.
    public static func < (a: EntityType, b: EntityType) -> Bool { a.order < b.order }
    var order: Int {
        switch self {
        case .partner: return 0
        case .agreement: return 1
        case .stakeholder: return 2
        }
    }
}
