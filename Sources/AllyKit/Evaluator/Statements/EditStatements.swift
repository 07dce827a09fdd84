/// The statements that change entities: `update`, `remove`, `add P to A`, `remove P from A`.
/// Each edits a working copy and commits it only when the whole statement succeeded.
extension Session {
    func executeUpdate(_ pipeline: Pipeline, _ assignments: [Assignment], file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        let count = try update(pipeline, assignments, runtime: runtime, file: file)
        commit(runtime)
        sink.confirm(Confirmations.updated(changed: count.changed, matched: count.matched, type: count.type))
    }

    func executeRemove(_ pipeline: Pipeline, file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        guard let type = PipelineCompiler.entityType(of: compiled.shape) else {
            throw Diagnostic(.wrongInput, "`remove` needs partners, agreements or stakeholders, not \(compiled.shape.description)",
                             at: pipeline.range, in: file)
        }
        let entities = try PipelineCompiler.entities(of: try compiled.run())
        let removal = try PortfolioEditor(runtime: runtime, file: file).remove(entities.map { EntityKey($0.type, $0.id) })
        commit(runtime)
        sink.confirm(Confirmations.removed(removal, type: type))
    }

    func executeAddParty(partner: Name, agreement: Name, fields: [FieldInit], file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        try PortfolioEditor(runtime: runtime, file: file).addParty(partner: partner, agreement: agreement, fields: fields)
        commit(runtime)
        sink.confirm("added \(partner.text) to \(agreement.text)")
    }

    func executeRemoveParty(partner: Name, agreement: Name, file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        try PortfolioEditor(runtime: runtime, file: file).removeParty(partner: partner, agreement: agreement)
        commit(runtime)
        sink.confirm("removed \(partner.text) from \(agreement.text)")
    }

    /// Every value is computed from the rows as they were, then all are applied.
    private func update(_ pipeline: Pipeline, _ assignments: [Assignment], runtime: Runtime, file: SourceFile) throws -> (changed: Int, matched: Int, type: EntityType) {
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        guard let type = PipelineCompiler.entityType(of: compiled.shape) else {
            throw Diagnostic(.wrongInput, "`update` needs partners, agreements or stakeholders, not \(compiled.shape.description)",
                             at: pipeline.range, in: file)
        }
        let editor = PortfolioEditor(runtime: runtime, file: file)
        // Every value is computed from the rows as they were, then all are applied.
        var plans: [(Assignment, Compiled?, Value?)] = []
        let scope = Scope(entityType: type)
        let expressions = ExpressionCompiler(runtime: runtime, file: file, scope: scope)
        for assignment in assignments {
            guard let spec = FieldCatalog.field(assignment.path[0].text, of: type) else {
                throw Diagnostic(.unknownField, "`\(assignment.path[0].text)` is not a field of \(type.rawValue)",
                                 at: assignment.path[0].range, in: file,
                                 help: Suggestions.help(for: assignment.path[0].text, in: FieldCatalog.storedFields(of: type).map(\.name)))
            }
            var targetType = spec.type
            if assignment.path.count == 2 {
                if spec.type == .decisions { targetType = .enumeration(.rule) }
                else if let member = spec.type.members?.first(where: { $0.name == assignment.path[1].text }) { targetType = member.type }
            }
            let literalShaped: Bool = {
                switch assignment.value.kind {
                case .list, .record, .tagged: return true
                case .name: return !expressions.resolvesWithoutHint(assignment.value)
                default: return false
                }
            }()
            if literalShaped {
                plans.append((assignment, nil, try editor.resolve(assignment.value, as: targetType, field: spec.name)))
            } else {
                plans.append((assignment, try expressions.compile(assignment.value, hint: StaticType(targetType)), nil))
            }
        }
        let entities = try PipelineCompiler.entities(of: try compiled.run())
        // Progress counts each entity twice, evaluated and then stored, as half a unit each.
        let changed = try WorkProgress.run("update", unit: "\(type.rawValue)s", total: entities.count) { () throws -> [Entity] in
            var changed: [Entity] = []
            changed.reserveCapacity(entities.count)
            for (index, entity) in entities.enumerated() {
                try runtime.checkCancelled()
                if index & 4095 == 0 { WorkProgress.set(index / 2) }
                var updated = entity
                try PipelineCompiler.withRowContext(entity) {
                    for (assignment, expression, constant) in plans {
                        let value = try constant ?? expression!.run(Row(entity: entity))
                        try editor.assign(value, to: assignment.path, on: &updated, range: assignment.value.range)
                    }
                    try editor.checkInvariants(updated, range: pipeline.range)
                }
                changed.append(updated)
            }
            for (index, entity) in changed.enumerated() {
                if index & 4095 == 0 { WorkProgress.set((entities.count + index) / 2) }
                if case .agreement(var agreement) = entity, agreement.parties.count < 2,
                   case .agreement(let before)? = runtime.portfolio.entity(EntityKey(.agreement, agreement.id)),
                   before.parties.count >= 2 {
                    editor.terminateIfAlone(&agreement)
                    editor.put(.agreement(agreement))
                } else {
                    editor.put(entity)
                }
            }
            return changed
        }
        // A second `home: true` within the same update.
        if type == .partner, changed.filter({ if case .partner(let p) = $0 { return p.home } else { return false } }).count > 1 {
            throw Diagnostic(.invalidValue, "at most one partner has `home: true`", at: pipeline.range, in: file)
        }
        return (zip(entities, changed).filter { $0 != $1 }.count, entities.count, type)
    }
}
