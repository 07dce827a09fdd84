/// What working out a definition's values needs besides the field catalog: whether the
/// entities it refers to exist, whether a bare name is a `let` binding, and how to evaluate a
/// value that is not a literal. The running session answers all three (`Runtime`); a script's
/// parsing thread answers none of them for real (`OptimisticReferences`).
protocol DefinitionContext: ReferenceResolver {
    /// Whether `name` is a binding: an enum-typed field then evaluates it rather than failing
    /// as an unknown case.
    func hasBinding(_ name: String) -> Bool
    /// A value that is not a literal (`today + 90d`, a binding), evaluated for a field of `type`.
    func evaluate(_ expr: Expr, as type: FieldType, file: SourceFile) throws -> Value
}

extension Runtime: DefinitionContext {
    func hasBinding(_ name: String) -> Bool { session.hasBinding(name) }

    func evaluate(_ expr: Expr, as type: FieldType, file: SourceFile) throws -> Value {
        let compiler = ExpressionCompiler(runtime: self, file: file, scope: .empty)
        return try compiler.compile(expr, hint: StaticType(type)).run(Row(entity: nil))
    }
}

/// Builds a definition's entity from its fields: each value resolved by its field's type,
/// checked by `FieldValidator`, then the required fields and the invariants. Everything but
/// whether the id is free. The one place a definition's fields become an entity, whether on
/// the thread that runs a script or ahead of it on the thread that parses it.
struct DefinitionBuilder<Context: DefinitionContext> {
    let file: SourceFile
    let context: Context

    var validator: FieldValidator<Context> { FieldValidator(file: file, references: context) }

    func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    // MARK: Type-directed values

    /// The value of a definition field: bare names resolve by the field's type (an enum case,
    /// an entity id); anything else is a constant expression. `field` names it in messages
    /// (worked out only for one: a record member's is a path, `parties.role`).
    func resolve(_ expr: Expr, as type: FieldType, field: @autoclosure () -> String) throws -> Value {
        switch expr.kind {
        // Literals, the bulk of any data file, need no compiling.
        case .number(let n): return .number(n)
        case .string(let text): return .string(text)
        case .date(let day): return .date(day)
        case .duration(let duration): return .duration(duration)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .name(let name):
            switch type {
            case .enumeration(let enumType):
                if let value = enumType.value(named: name) { return .enumeration(value) }
                if context.hasBinding(name) { break }
                throw error(.unknownEnumCase, "`\(name)` is not a valid \(field()): not a \(enumType.rawValue)", expr.range,
                            help: Suggestions.help(for: name, in: enumType.cases) ?? "cases are: \(enumType.cases.joined(separator: ", "))")
            case .reference(let entityType):
                return .reference(entityType, name)
            case .party:
                return .record(Record(keys: ["partner"], values: [.reference(.partner, name)]))
            default:
                break
            }
        case .tagged(let name, let fields):
            guard case .party = type else { break }
            var record = try resolveRecord(fields, as: .party, field: field())
            record.keys.insert("partner", at: 0)
            record.values.insert(.reference(.partner, name.text), at: 0)
            if record.keys.dropFirst().contains("partner") {
                throw error(.invalidValue, "the partner is given twice", expr.range)
            }
            return .record(record)
        case .list(let items):
            guard case .list(let element) = type else { break }
            return .list(try items.map { try resolve($0, as: element, field: field()) })
        case .record(let fields):
            switch type {
            case .fit, .party, .kpi, .milestone, .decisions: return .record(try resolveRecord(fields, as: type, field: field()))
            default: break
            }
        default:
            break
        }
        return try context.evaluate(expr, as: type, file: file)
    }

    func resolveRecord(_ fields: [FieldInit], as type: FieldType, field: @autoclosure () -> String) throws -> Record {
        var record = Record()
        record.keys.reserveCapacity(fields.count + (type == .party ? 1 : 0))
        record.values.reserveCapacity(fields.count + (type == .party ? 1 : 0))
        for member in fields {
            if record.keys.contains(member.name.text) {
                throw error(.invalidValue, "`\(member.name.text)` is given twice", member.name.range)
            }
            let memberType: FieldType
            if type == .decisions {
                memberType = .enumeration(.rule)
            } else if let members = type.members, let found = members.first(where: { $0.name == member.name.text }) {
                memberType = found.type
            } else {
                let names = type.members?.map(\.name) ?? []
                throw error(.unknownField, "`\(member.name.text)` is not a member of \(type.description)", member.name.range,
                            help: Suggestions.help(for: member.name.text, in: names) ?? "members are: \(names.joined(separator: ", "))")
            }
            // (Not already a key: checked above.)
            record.keys.append(member.name.text)
            record.values.append(try resolve(member.value, as: memberType, field: "\(field()).\(member.name.text)"))
        }
        return record
    }

    // MARK: Validation

    /// `FieldValidator.validate`, pointing at the list item that is wrong when the value was
    /// written as a list.
    func validate(_ value: Value, written expr: Expr, as type: FieldType, nullable: Bool, field: String) throws -> Value {
        if case .list(let items) = expr.kind, case .list(let values) = value, case .list(let element) = type, items.count == values.count {
            return .list(try zip(values, items).map {
                try validator.validate($0, as: element, nullable: false, field: field, range: $1.range)
            })
        }
        return try validator.validate(value, as: type, nullable: nullable, field: field, range: expr.range)
    }

    // MARK: Definitions

    /// A definition's entity, every field resolved and checked (but not its id).
    func build(_ type: EntityType, id: Name, fields: [FieldInit]) throws -> Entity {
        var values: [(FieldSpec, Value)] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            guard let spec = FieldCatalog.field(field.name.text, of: type) else {
                throw error(.unknownField, "`\(field.name.text)` is not a field of \(type.rawValue)", field.name.range,
                            help: Suggestions.help(for: field.name.text, in: FieldCatalog.storedFields(of: type).map(\.name)))
            }
            guard spec.isStored, spec.name != "id" else {
                throw error(.readOnlyField, spec.name == "id" ? "the id is given after `\(type.rawValue)`"
                            : "`\(spec.name)` is computed and cannot be set", field.name.range)
            }
            // A handful of fields: a list is cheaper than hashing each name.
            guard !values.contains(where: { $0.0 === spec }) else {
                throw error(.invalidValue, "`\(spec.name)` is given twice", field.name.range)
            }
            let raw = try resolve(field.value, as: spec.type, field: spec.name)
            let value = try validate(raw, written: field.value, as: spec.type, nullable: spec.isNullable, field: spec.name)
            values.append((spec, value))
        }
        for spec in FieldCatalog.storedFields(of: type) where spec.isRequired && spec.name != "id" && !values.contains(where: { $0.0 === spec }) {
            throw error(.missingField, "\(type.rawValue) `\(id.text)` needs `\(spec.name)`", id.range)
        }
        let entity = PortfolioEditor.make(type, id: id.text, values: values)
        // (A field's name is its spec's: the catalog has no aliases.)
        try validator.checkInvariants(entity, range: id.range) { name in fields.first { $0.name.text == name }?.value.range }
        return entity
    }
}

// MARK: Definitions built ahead

/// A definition's entity built on a script's parsing thread, before the statements ahead of it
/// have run: every value resolved and checked except whether the entities it names exist
/// (they may be defined by those statements), which `holds` then asks the portfolio.
struct PreparedDefinition: Sendable {
    let entity: Entity
    /// Every entity the definition refers to, as the validator met them.
    let references: [EntityKey]

    /// Whether the entity can be stored as built: its references exist and the invariants that
    /// look at the portfolio (one home partner) hold.
    func holds(in runtime: Runtime, validator: FieldValidator<Runtime>, range: SourceRange) -> Bool {
        for key in references where !runtime.exists(key.type, key.id) { return false }
        return (try? validator.checkInvariants(entity, range: range)) != nil
    }
}

/// The parsing thread's context: every referenced entity is taken to exist (and noted, for
/// `PreparedDefinition.holds`), no partner is the home partner yet, and a value that needs the
/// session (a binding, an expression) stops the preparation.
final class OptimisticReferences: DefinitionContext {
    struct NeedsSession: Error {}

    private(set) var noted: [EntityKey] = []

    func reset() { noted.removeAll(keepingCapacity: true) }

    func exists(_ type: EntityType, _ id: String) -> Bool {
        noted.append(EntityKey(type, id))
        return true
    }
    func ids(_ type: EntityType) -> [String] { [] }
    func otherHome(than id: String) -> String? { nil }
    func hasBinding(_ name: String) -> Bool { true }
    func evaluate(_ expr: Expr, as type: FieldType, file: SourceFile) throws -> Value { throw NeedsSession() }
}

/// Builds definitions ahead on a script's parsing thread (one preparer per thread).
struct DefinitionPreparer {
    let file: SourceFile
    private let context = OptimisticReferences()

    init(file: SourceFile) { self.file = file }

    /// The statement's entity built ahead, or nil when it is not a definition or anything in it
    /// needs the session or fails a check (the running thread then does it all, and reports).
    func prepare(_ statement: Statement) -> PreparedDefinition? {
        guard case .define(let type, let id, let fields) = statement.kind,
              !PortfolioEditor.isReservedId(id.text) else { return nil }
        context.reset()
        guard let entity = try? DefinitionBuilder(file: file, context: context).build(type, id: id, fields: fields) else {
            return nil
        }
        return PreparedDefinition(entity: entity, references: context.noted)
    }
}
