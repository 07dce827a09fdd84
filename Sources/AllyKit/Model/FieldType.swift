/// The type of a stored field, used to resolve bare identifiers, validate values and parse
/// imported cells.
public enum FieldType: Sendable, Equatable {
    case identifier
    case string
    case number
    /// A whole number within a range (influence, interest).
    case integer(ClosedRange<Int>)
    /// A number within a range (health 1–5, fit scores 0–5).
    case bounded(ClosedRange<Double>)
    case percent
    case bool
    case date
    case duration
    case enumeration(EnumType)
    case reference(EntityType)
    indirect case list(FieldType)
    case fit
    case decisions
    case party
    case kpi
    case milestone

    /// How the type reads in `.schema` and messages.
    public var description: String {
        switch self {
        case .identifier: return "ident"
        case .string: return "string"
        case .number: return "number"
        case .integer(let range): return "integer \(range.lowerBound)–\(range.upperBound)"
        case .bounded(let range): return "number \(Int(range.lowerBound))–\(Int(range.upperBound))"
        case .percent: return "percent"
        case .bool: return "bool"
        case .date: return "date"
        case .duration: return "duration"
        case .enumeration(let e): return e.rawValue
        case .reference(let t): return "\(t.rawValue) id"
        case .list(let element): return "list of \(element.description)"
        case .fit: return "record of 8 scores"
        case .decisions: return "record: name → Rule"
        case .party: return "party"
        case .kpi: return "kpi"
        case .milestone: return "milestone"
        }
    }

    /// The members of a record-shaped type, with their types, whether they are required, and
    /// whether they may be null.
    typealias Member = (name: String, type: FieldType, required: Bool, nullable: Bool)

    /// A record type's members, in order (built once: validating each party of an import asks).
    var members: [Member]? {
        switch self {
        case .fit: return Self.fitMembers
        case .party: return Self.partyMembers
        case .kpi: return Self.kpiMembers
        case .milestone: return Self.milestoneMembers
        default: return nil
        }
    }

    /// Each score of `fit`, however it is read (definition, decoder, import, refresh).
    static let fitScore = FieldType.bounded(0...5)

    private static let fitMembers: [Member] = FitScores.dimensions.map { ($0, fitScore, false, true) }
    private static let partyMembers: [Member] = [
        ("partner", .reference(.partner), true, false), ("role", .enumeration(.role), false, false),
        ("contributes", .number, false, false), ("equity", .percent, false, true), ("votes", .number, false, false),
    ]
    private static let kpiMembers: [Member] = [
        ("name", .string, true, false), ("target", .number, true, false), ("actual", .number, false, true),
        ("higher_is_better", .bool, false, false),
    ]
    private static let milestoneMembers: [Member] = [("name", .string, true, false), ("due", .date, true, false), ("done", .bool, false, false)]

    // MARK: Rules
    // The one statement of each value rule: `FieldValidator` words what is wrong, and the
    // readers that skip it for speed (`DefinitionDecoder`, the import's `quickCell` and
    // `quickParty`) ask the same functions, so a rule changed here changes everywhere.

    /// Whether a number is a value of this numeric type: finite for `number`, whole and within
    /// range for `integer`, within range for `bounded`, any for `percent`.
    @inline(__always)
    func admits(_ number: Double) -> Bool {
        switch self {
        case .number: return number.isFinite
        case .percent: return true
        case .integer(let bounds): return number == number.rounded() && number >= Double(bounds.lowerBound) && number <= Double(bounds.upperBound)
        case .bounded(let bounds): return number >= bounds.lowerBound && number <= bounds.upperBound
        default: return false
        }
    }

    /// What is wrong with a number this type does not admit, for `field`.
    func inadmissibleMessage(_ number: Double, field: String) -> String {
        let value = Value.number(number)
        switch self {
        case .integer(let bounds):
            return "`\(field)` must be a whole number from \(bounds.lowerBound) to \(bounds.upperBound), not \(ValueFormatter.plain(value))"
        case .bounded(let bounds):
            return "`\(field)` must be from \(ValueFormatter.plain(.number(bounds.lowerBound))) to \(ValueFormatter.plain(.number(bounds.upperBound))), not \(ValueFormatter.plain(value))"
        default:
            return "`\(field)` must be a finite number"
        }
    }

    /// A party's rules beyond its members' types: what is wrong, or nil.
    static func partyProblem(contributes: Double?, equity: Double?) -> String? {
        if let equity, !(0...1).contains(equity) { return "`equity` must be from 0% to 100%" }
        if let contributes, contributes < 0 { return "`contributes` cannot be negative" }
        return nil
    }

    /// A name that is not a case of the enumeration a field holds.
    static func unknownCaseMessage(_ name: String, field: String, of enumType: EnumType) -> String {
        "`\(name)` is not a valid \(field): not a \(enumType.rawValue)"
    }

    var elementType: FieldType? { if case .list(let element) = self { return element } else { return nil } }
}
