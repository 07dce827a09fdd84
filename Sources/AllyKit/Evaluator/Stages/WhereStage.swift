/// `where EXPR`. The condition is compiled once; from that one compilation come the row-by-row
/// closure and, next to it, a column scan (`ColumnPredicate`, over every entity of a type) and an
/// index plan (`IndexPlan`, the rows an index names). Both fall back to the closure when a value
/// does not fit, so the answer and the errors are the closure's.
extension PipelineCompiler {
    func compileWhere(_ condition: Expr, after input: StageInput) throws -> CompiledPipeline {
        let operands = ComparisonOperands()
        var compiler = expressions(input.scope)
        compiler.operands = operands
        let predicate = try compiler.compile(condition)
        let keep = { (row: Row) throws -> Bool in try predicate.run(row).isTrue }
        let filtered = columnScanned(condition, input.rows, operands: operands, keep)
        return IndexPlan.planned(condition, filtered, input: input, operands: operands, runtime: runtime, file: file, keep)
    }

    /// The rows that pass `keep`, read from columns when the input is a scan over a type's
    /// entities and every part of the condition compares a stored field with a constant.
    private func columnScanned(_ condition: Expr, _ input: CompiledPipeline, operands: ComparisonOperands,
                               _ keep: @escaping (Row) throws -> Bool) -> CompiledPipeline {
        let runtime = self.runtime, file = self.file
        guard input.scan != nil, case .entities(let type) = input.shape,
              let plan = ColumnPredicate.plan(condition, type: type, operands: operands) else {
            return CompiledPipeline(shape: input.shape) { try Self.filter(try input.run(), runtime: runtime, file: file, keep) }
        }
        let scan = { () throws -> CompiledPipeline.Scan in
            let scanned = try input.scanOrRun()
            try runtime.checkCancelled()
            if case .positions(let type, let rows) = scanned, let kept = plan.select(rows, type: type, runtime: runtime) {
                return .positions(type, .some(kept))
            }
            return .rows(try Self.filter(scanned.relation(runtime), runtime: runtime, file: file, keep))
        }
        return CompiledPipeline(shape: input.shape, scan: scan) { try scan().relation(runtime) }
    }
}

/// The operands of each comparison in a condition as `ExpressionCompiler.compileBinary`
/// compiled them, by the comparison's range: the column scan and the index plan read them here
/// instead of compiling the condition a second and third time.
final class ComparisonOperands {
    private var byRange: [SourceRange: (left: Compiled, right: Compiled)] = [:]

    func record(_ comparison: SourceRange, left: Compiled, right: Compiled) {
        byRange[comparison] = (left, right)
    }

    /// The operands of `comparison` (a `.binary` comparison of the condition), nil for any other.
    subscript(_ comparison: Expr) -> (left: Compiled, right: Compiled)? {
        guard case .binary(let op, _, _, _) = comparison.kind, op.isComparison else { return nil }
        return byRange[comparison.range]
    }
}
