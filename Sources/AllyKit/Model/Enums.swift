/// The enumerations of the domain model (DOMAIN.md). Their case names are public contract.
public enum EnumType: String, CaseIterable, Sendable {
    case partnerKind = "PartnerKind", sector = "Sector", stage = "Stage", form = "Form", status = "Status"
    case role = "Role", rule = "Rule", group = "Group", stance = "Stance"
    case quadrant = "Quadrant", category = "Category"

    public var cases: [String] {
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

    private static let indexes: [EnumType: [String: UInt8]] = {
        var table: [EnumType: [String: UInt8]] = [:]
        for type in EnumType.allCases {
            var map: [String: UInt8] = [:]
            for (index, name) in type.cases.enumerated() { map[name] = UInt8(index) }
            table[type] = map
        }
        return table
    }()

    public func value(named name: String) -> EnumValue? {
        EnumType.indexes[self]![name].map { EnumValue(type: self, index: $0) }
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
