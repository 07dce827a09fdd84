/// A `where` condition whose rows the portfolio's indexes can name before any row is read:
/// `id == X` and `id in [...]` (the id trees), a stakeholder's `org == P` and `org in [...]`,
/// `knows contains X` (ties are symmetric, so they are X's own ties), and a party row's
/// `partner == P` / `partner in [...]` after `parties` (the partner's agreements). Joined by
/// `and` with other conditions, and by `or` with each other.
///
/// The index only narrows the rows: the whole condition is still evaluated, row by row, on the
/// rows it names, in the order the scan would give them, so the answer is the scan's. Errors are
/// the scan's too: the pinning condition must come first in its `and` chain, after at most
/// comparisons that cannot fail on any row (a stored field against a constant of its own kind,
/// checked when the statement runs), because `and` evaluates left to right and stops at the first
/// false, so the rows the index leaves out are never asked anything that could fail. Whenever a
/// constant does not fit (a number where an id is wanted, non-ASCII text, which `==` may equate
/// with an ASCII id), the plan gives up and the scan decides.
struct IndexPlan {
    /// The rows' own field the index reads.
    enum PinnedField { case id, org, knows, partyPartner }

    indirect enum Pin {
        /// `field == value`, `field in value` (a list) or, for `knows`, `knows contains value`.
        case field(PinnedField, value: Compiled, isList: Bool)
        /// `left or right`, both pinned.
        case either(IndexPlan, IndexPlan)
    }

    /// A comparison evaluated before the pin, on every row: safe when its constant is of the
    /// field's own kind.
    struct Guard {
        let value: Compiled
        let fieldType: StaticType
    }

    let guards: [Guard]
    let pin: Pin

    // MARK: Planning

    /// Plans `expr` for rows that see `scope` (entities, or the rows of `parties` when `parties`
    /// is true); nil when no index can name its rows. `operands`: the condition's comparisons as
    /// the row-by-row closure compiled them.
    static func plan(_ expr: Expr, parties: Bool, scope: Scope, operands: ComparisonOperands) -> IndexPlan? {
        var guards: [Guard] = []
        for leaf in conjuncts(expr) {
            if let pin = pin(leaf, parties: parties, scope: scope, operands: operands) { return IndexPlan(guards: guards, pin: pin) }
            guard let safe = comparisonGuard(leaf, scope: scope, operands: operands) else { return nil }
            guards.append(safe)
        }
        return nil
    }

    /// The conditions of an `and` chain in the order they are evaluated.
    private static func conjuncts(_ expr: Expr) -> [Expr] {
        if case .binary(.and, let left, let right, _) = expr.kind { return conjuncts(left) + conjuncts(right) }
        return [expr]
    }

    private static func pin(_ leaf: Expr, parties: Bool, scope: Scope, operands: ComparisonOperands) -> Pin? {
        guard case .binary(let op, let left, let right, _) = leaf.kind else { return nil }
        if op == .or {
            guard let l = plan(left, parties: parties, scope: scope, operands: operands),
                  let r = plan(right, parties: parties, scope: scope, operands: operands) else { return nil }
            return .either(l, r)
        }
        guard let comparison = fieldAndConstant(leaf, scope: scope, operands: operands) else { return nil }
        let field: PinnedField
        switch (comparison.name, scope.entityType, parties) {
        case ("id", .some, false): field = .id
        case ("org", .stakeholder?, false): field = .org
        case ("knows", .stakeholder?, false): field = .knows
        case ("partner", _, true): field = .partyPartner
        default: return nil
        }
        switch op {
        case .equal where field != .knows: return .field(field, value: comparison.value, isList: false)
        case .in where field != .knows && comparison.nameOnLeft: return .field(field, value: comparison.value, isList: true)
        case .contains where field == .knows && comparison.nameOnLeft: return .field(field, value: comparison.value, isList: false)
        default: return nil
        }
    }

    private static func comparisonGuard(_ leaf: Expr, scope: Scope, operands: ComparisonOperands) -> Guard? {
        guard case .binary(let op, _, _, _) = leaf.kind,
              [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in].contains(op),
              let comparison = fieldAndConstant(leaf, scope: scope, operands: operands) else { return nil }
        if case .list = comparison.fieldType { return nil }
        return Guard(value: comparison.value, fieldType: comparison.fieldType)
    }

    /// A bare field or column name on one side of a comparison, a row-free value on the other,
    /// as `ExpressionCompiler.compileBinary` compiled them.
    private static func fieldAndConstant(_ leaf: Expr, scope: Scope, operands: ComparisonOperands)
        -> (name: String, value: Compiled, fieldType: StaticType, nameOnLeft: Bool)? {
        guard case .binary(let op, let left, let right, _) = leaf.kind, let compiled = operands[leaf] else { return nil }
        func fieldName(_ expr: Expr) -> String? {
            guard case .name(let name) = expr.kind else { return nil }
            if scope.columns.contains(name) { return name }
            if let type = scope.entityType, FieldCatalog.field(name, of: type) != nil { return name }
            return nil
        }
        if let name = fieldName(left), isConstant(right, scope: scope) {
            return (name, compiled.right, compiled.left.type, true)
        }
        if op != .in, op != .contains, let name = fieldName(right), isConstant(left, scope: scope) {
            return (name, compiled.left, compiled.right.type, false)
        }
        return nil
    }

    /// Literals, session bindings, enum cases and ids, and lists and arithmetic of them.
    private static func isConstant(_ expr: Expr, scope: Scope) -> Bool {
        switch expr.kind {
        case .number, .string, .date, .duration, .bool, .null, .today: return true
        case .name(let name):
            if scope.columns.contains(name) { return false }
            return scope.entityType.map { FieldCatalog.field(name, of: $0) == nil } ?? true
        case .list(let items): return items.allSatisfy { isConstant($0, scope: scope) }
        case .unary(_, let inner): return isConstant(inner, scope: scope)
        case .binary(let op, let left, let right, _):
            return op != .contains && isConstant(left, scope: scope) && isConstant(right, scope: scope)
        case .member, .call, .record, .tagged: return false
        }
    }

    // MARK: Running

    /// The ids (sorted as the id trees sort them, each once) of the rows that can satisfy the
    /// condition: entities of the rows' type, or for party rows their agreements. nil when the
    /// scan must decide.
    func candidateIds(_ runtime: Runtime) throws -> [String]? {
        for check in guards {
            guard let constant = try? check.value.run(Row(entity: nil)), Self.fits(constant, check.fieldType) else { return nil }
        }
        var groups: [[String]] = []
        guard try collect(into: &groups, runtime) else { return nil }
        // One group is already the index's sorted list of distinct ids (the usual `org == P`).
        if groups.count == 1 { return groups[0] }
        return SmallKey.sorted(Array(Set(groups.joined())))
    }

    /// Appends the ids each pinned value names, one group per value; a group of more than one
    /// id is the index's own (sorted, distinct), or, for ties, made sorted here.
    private func collect(into groups: inout [[String]], _ runtime: Runtime) throws -> Bool {
        switch pin {
        case .either(let left, let right):
            for check in left.guards + right.guards {
                guard let constant = try? check.value.run(Row(entity: nil)), Self.fits(constant, check.fieldType) else { return false }
            }
            return try left.collect(into: &groups, runtime) && right.collect(into: &groups, runtime)
        case .field(let field, let value, let isList):
            guard let constant = try? value.run(Row(entity: nil)) else { return false }
            let items: [Value]
            if isList {
                guard case .list(let list) = constant else { return false }
                items = list.filter { !$0.isNull }
            } else {
                items = [constant]
            }
            for item in items {
                try runtime.checkCancelled()
                guard let text = item.idText, text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
                switch field {
                case .id: groups.append([text])
                case .org: groups.append(runtime.portfolio.stakeholderIds(ofPartner: text))
                case .partyPartner: groups.append(runtime.portfolio.agreementIds(ofPartner: text))
                case .knows:
                    // A quoted name matches ties whatever their case (`contains` on a list).
                    guard let variants = item.string.map(Self.caseVariants) ?? [text] else { return false }
                    var ties = Set<String>()
                    for variant in variants {
                        if case .stakeholder(let known)? = runtime.portfolio.entity(EntityKey(.stakeholder, variant)) {
                            ties.formUnion(known.knows)
                        }
                    }
                    groups.append(SmallKey.sorted(Array(ties)))
                }
            }
            return true
        }
    }

    /// Every upper/lower-case spelling of an ASCII id; nil past 10 letters (the scan decides).
    private static func caseVariants(_ text: String) -> [String]? {
        let letters = text.utf8.filter { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7a }.count
        guard letters <= 10 else { return nil }
        var variants: [[UInt8]] = [[]]
        for byte in text.utf8 {
            let lower = byte | 0x20
            if lower >= 0x61, lower <= 0x7a {
                variants = variants.flatMap { [$0 + [lower], $0 + [lower & ~0x20]] }
            } else {
                variants = variants.map { $0 + [byte] }
            }
        }
        return variants.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether comparing `constant` with any value of a field of `type` can never fail.
    static func fits(_ constant: Value, _ type: StaticType) -> Bool {
        if case .list(let items) = constant { return items.allSatisfy { fits($0, type) } }
        switch (type, StaticType.of(constant)) {
        case (_, .null), (.number, .number), (.date, .date), (.bool, .bool), (.duration, .duration): return true
        case (.string, .string), (.string, .enumeration), (.string, .reference): return true
        case (.enumeration(let a), .enumeration(let b)): return a == b
        case (.enumeration, .string), (.reference, .string), (.reference, .reference): return true
        default: return false
        }
    }
}

extension IndexPlan {
    /// A compiled `where` stage (`compiled`, whose rows pass `keep`), answered through the
    /// indexes where `plan` applies; otherwise `compiled` unchanged.
    static func planned(_ condition: Expr, _ compiled: CompiledPipeline, input: StageInput, operands: ComparisonOperands,
                        runtime: Runtime, file: SourceFile, _ keep: @escaping (Row) throws -> Bool) -> CompiledPipeline {
        if case .entities = input.shape, let inputScan = input.rows.scan,
           let plan = plan(condition, parties: false, scope: input.scope, operands: operands) {
            let scan = { () throws -> CompiledPipeline.Scan in
                guard let ids = try plan.candidateIds(runtime) else { return try compiled.scanOrRun() }
                return try narrowed(inputScan(), to: ids, runtime: runtime, file: file, keep)
            }
            return CompiledPipeline(shape: compiled.shape, scan: scan) { try scan().relation(runtime) }
        }
        if case .table = input.shape, let previous = input.previous, case .parties = previous.stage.kind,
           let plan = plan(condition, parties: true, scope: input.scope, operands: operands) {
            let agreementsIn = previous.input
            return CompiledPipeline(shape: compiled.shape) {
                guard let ids = try plan.candidateIds(runtime) else { return try compiled.run() }
                let agreements = try PipelineCompiler.entities(of: try agreementsIn.scan.map {
                    try narrowed($0(), to: ids, runtime: runtime, file: file) { _ in true }.relation(runtime)
                } ?? Self.keeping(ids, of: agreementsIn.run()))
                return try PipelineCompiler.filter(.table(Analytics.parties(agreements)), runtime: runtime, file: file, keep)
            }
        }
        return compiled
    }

    /// The rows of a scan that are among `ids` (sorted) and pass `keep`, in the scan's order.
    private static func narrowed(_ scanned: CompiledPipeline.Scan, to ids: [String], runtime: Runtime, file: SourceFile,
                                 _ keep: @escaping (Row) throws -> Bool) throws -> CompiledPipeline.Scan {
        // Read in place: a copy of the portfolio value is a dozen retains, as much as the lookups.
        switch scanned {
        case .positions(let type, .all):
            let entities = ids.compactMap { runtime.portfolio.entity(EntityKey(type, $0)) }
            return .rows(try PipelineCompiler.filter(.entities(type, entities), runtime: runtime, file: file, keep))
        case .positions(let type, .some(let rows)):
            let all = runtime.portfolio.allEntities(type)
            let wanted = runtime.portfolio.positions(ofSorted: ids, type)
            var kept: [Int32] = []
            var next = 0
            for position in wanted {
                while next < rows.count, rows[next] < position { next += 1 }
                guard next < rows.count, rows[next] == position else { continue }
                try runtime.checkCancelled()
                let entity = all[Int(position)]
                if try PipelineCompiler.withRowContext(entity, { try keep(Row(entity: entity)) }) { kept.append(position) }
            }
            return .positions(type, .some(kept))
        case .rows(let relation):
            return .rows(try PipelineCompiler.filter(keeping(ids, of: relation), runtime: runtime, file: file, keep))
        }
    }

    /// The entities of `relation` whose ids are among `ids`, in the relation's order.
    private static func keeping(_ ids: [String], of relation: Relation) throws -> Relation {
        let wanted = Set(ids)
        let entities = try PipelineCompiler.entities(of: relation)
        return .entities(entities.first?.type ?? .agreement, entities.filter { wanted.contains($0.id) })
    }
}
