/// Builds a definition's entity from its fields: each value resolved by its field's type,
/// checked by `FieldValidator`, then the required fields and the invariants. Everything but
/// whether the id is free. The general way a definition's fields become an entity (the usual
/// one of literals is decoded straight from its tokens by `DefinitionDecoder`, which must
/// agree with this).
struct DefinitionBuilder {
    let file: SourceFile
    let runtime: Runtime

    var validator: FieldValidator<Runtime> { FieldValidator(file: file, references: runtime) }

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
                if runtime.names.hasBinding(name) { break }
                throw error(.unknownEnumCase, FieldType.unknownCaseMessage(name, field: field(), of: enumType), expr.range,
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
        // A value that is not a literal (`today + 90d`, a binding), evaluated for the field.
        let compiler = ExpressionCompiler(runtime: runtime, file: file, scope: .empty)
        return try compiler.compile(expr, hint: StaticType(type)).run(Row(entity: nil))
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
