/// `ally check`: resolves every statement's names and types without running anything.
/// Definitions are checked for field names and enum cases; `let` and `metric` names are
/// registered with their shapes so that later statements can use them.
struct StaticChecker {
    /// Where `let` and `metric` names are registered as they are checked (the session restores its own).
    let bindings: BindingRegistry
    let runtime: Runtime
    let file: SourceFile

    func check(_ statement: Statement) -> [Diagnostic] {
        do {
            try checkStatement(statement)
            return []
        } catch let diagnostic as Diagnostic {
            return [diagnostic]
        } catch {
            return []
        }
    }

    private func pipelines() -> PipelineCompiler { PipelineCompiler(runtime: runtime, file: file) }

    func checkStatement(_ statement: Statement) throws {
        switch statement.kind {
        case .define(let type, _, let fields):
            for field in fields {
                guard let spec = FieldCatalog.field(field.name.text, of: type), spec.isStored else {
                    throw Diagnostic(.unknownField, "`\(field.name.text)` is not a field of \(type.rawValue)", at: field.name.range, in: file,
                                     help: Suggestions.help(for: field.name.text, in: FieldCatalog.storedFields(of: type).map(\.name)))
                }
                try checkValue(field.value, as: spec.type, field: spec.name)
            }
        case .letBinding(let name, let pipeline):
            let compiled = try pipelines().compile(pipeline)
            switch compiled.shape {
            case .entities(let type): bindings[name.text] = .entities(type, [])
            case .scalar: bindings[name.text] = .scalar(.null)
            case .table(let columns, _, _):
                bindings[name.text] = .table(Table(columns: columns, rows: []), compiled.shape)
            case .picture: bindings[name.text] = .scalar(.null)
            }
        case .metric(let name, let pipeline):
            _ = try pipelines().compile(pipeline)
            bindings[name.text] = .metric(pipeline, file)
        case .trigger(_, let type, _, let condition):
            _ = try ExpressionCompiler(runtime: runtime, file: file, scope: Scope(entityType: type)).compile(condition)
        case .query(let pipeline), .remove(let pipeline), .export(let pipeline, _):
            _ = try pipelines().compile(pipeline)
        case .update(let pipeline, let assignments):
            let compiled = try pipelines().compile(pipeline)
            guard let type = PipelineCompiler.entityType(of: compiled.shape) else { return }
            for assignment in assignments {
                guard let spec = FieldCatalog.field(assignment.path[0].text, of: type), spec.isStored else {
                    throw Diagnostic(.unknownField, "`\(assignment.path[0].text)` is not a field of \(type.rawValue)",
                                     at: assignment.path[0].range, in: file,
                                     help: Suggestions.help(for: assignment.path[0].text, in: FieldCatalog.storedFields(of: type).map(\.name)))
                }
                let scope = Scope(entityType: type)
                let compiler = ExpressionCompiler(runtime: runtime, file: file, scope: scope)
                switch assignment.value.kind {
                case .list, .record, .tagged: try checkValue(assignment.value, as: spec.type, field: spec.name)
                default:
                    if assignment.path.count == 1 {
                        _ = try compiler.compile(assignment.value, hint: StaticType(spec.type))
                    }
                }
            }
        case .scenarioBlock(_, _, let statements):
            for inner in statements { try checkStatement(inner) }
        case .addParty(_, _, let fields):
            for field in fields {
                guard let member = FieldType.party.members?.first(where: { $0.name == field.name.text }) else {
                    throw Diagnostic(.unknownField, "`\(field.name.text)` is not a member of party", at: field.name.range, in: file,
                                     help: Suggestions.help(for: field.name.text, in: FieldType.party.members!.map(\.name)))
                }
                try checkValue(field.value, as: member.type, field: member.name)
            }
        case .param, .letExpression, .print, .assert:
            try checkReportStatement(statement)
        case .whatIf(let batch):
            try checkWhatIf(batch, bindingAs: nil)
        case .letWhatIf(let name, let batch):
            try checkWhatIf(batch, bindingAs: name)
        case .dotCommand(let name, _):
            if !DotCommands.names.contains(name.text) {
                throw Diagnostic(.usage, "unknown command `.\(name.text)`", at: name.range, in: file,
                                 help: Suggestions.closest(to: name.text, in: DotCommands.names).map { "did you mean `.\($0)`?" })
            }
        default:
            break
        }
    }

    /// Field names inside records and enum cases written as bare names.
    private func checkValue(_ expr: Expr, as type: FieldType, field: String) throws {
        switch (expr.kind, type) {
        case (.name(let name), .enumeration(let enumType)):
            if enumType.value(named: name) == nil, !bindings.hasBinding(name) {
                throw Diagnostic(.unknownEnumCase, "`\(name)` is not a valid \(field): not a \(enumType.rawValue)", at: expr.range, in: file,
                                 help: Suggestions.help(for: name, in: enumType.cases))
            }
        case (.list(let items), .list(let element)):
            for item in items { try checkValue(item, as: element, field: field) }
        case (.tagged(_, let fields), .party), (.record(let fields), _):
            for member in fields {
                if type == .decisions { try checkValue(member.value, as: .enumeration(.rule), field: member.name.text); continue }
                guard let found = type.members?.first(where: { $0.name == member.name.text }) else {
                    throw Diagnostic(.unknownField, "`\(member.name.text)` is not a member of \(type.description)", at: member.name.range, in: file,
                                     help: Suggestions.help(for: member.name.text, in: type.members?.map(\.name) ?? []))
                }
                try checkValue(member.value, as: found.type, field: found.name)
            }
        default:
            break
        }
    }
}
