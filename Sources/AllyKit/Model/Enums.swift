/// The enumerations of the domain model (DOMAIN.md). Their case names are public contract.
public enum EnumType: String, CaseIterable, Sendable {
    case partnerKind = "PartnerKind", sector = "Sector", stage = "Stage", form = "Form", status = "Status"
    case role = "Role", rule = "Rule", group = "Group", stance = "Stance"
    case quadrant = "Quadrant", category = "Category"

    /// The case names, in declaration order (built once per type; `EnumValue.name` reads
    /// them on every use).
    public var cases: [String] { EnumType.caseLists[ordinal] }

    /// Position in `allCases`, for the per-type tables.
    private var ordinal: Int {
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

    private static let caseLists: [[String]] = allCases.map(\.declaredCases)

    private var declaredCases: [String] {
        switch self {
        case .partnerKind:
            return ["hospital", "health_system", "clinic", "physician_group", "academic", "research_institute",
                    "technology", "pharma", "biotech", "device_maker", "government", "payer", "regulator",
                    "nonprofit", "community_org", "startup", "gpo"]
        case .sector: return ["public", "private", "nonprofit"]
        case .stage: return ["prospect", "engaged", "piloting", "partnered", "under_review", "exiting", "former"]
        case .form:
            return ["non_equity_alliance", "equity_alliance", "joint_venture", "consortium", "supply_chain", "mou",
                    "service_exchange", "project", "resource_sharing", "advocacy_coalition", "transition_services"]
        case .status: return ["proposed", "negotiating", "active", "under_review", "suspended", "terminated", "expired"]
        case .role: return ["lead", "member", "observer"]
        case .rule: return ["unanimous", "majority", "lead"]
        case .group:
            return ["executive", "clinical", "operations", "it_data", "patients_community", "payers_regulators", "board"]
        case .stance: return ["champion", "supporter", "neutral", "skeptic", "blocker"]
        case .quadrant: return ["manage_closely", "keep_satisfied", "keep_informed", "monitor"]
        case .category:
            return ["public_private", "academic_industry", "hospital_healthtech", "provider_provider", "cross_sector"]
        }
    }

    private static let indexes: [[String: UInt8]] = allCases.map { type in
        Dictionary(uniqueKeysWithValues: type.declaredCases.enumerated().map { ($1, UInt8($0)) })
    }

    public func value(named name: String) -> EnumValue? {
        EnumType.indexes[ordinal][name].map { EnumValue(type: self, index: $0) }
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
