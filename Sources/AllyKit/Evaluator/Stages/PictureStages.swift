/// `grid`, `timeline` and `chart`: stages that end a pipeline in a picture (the data formats
/// give its rows).
extension PipelineCompiler {
    /// `stakeholders | grid`
    func compileGrid(after input: CompiledPipeline) throws -> CompiledPipeline {
        CompiledPipeline(shape: .picture) {
            .picture(.grid, Analytics.grid(try Self.entities(of: try input.run())))
        }
    }

    /// `agreements | timeline`
    func compileTimeline(after input: CompiledPipeline) throws -> CompiledPipeline {
        let runtime = self.runtime
        return CompiledPipeline(shape: .picture) {
            .picture(.timeline, Analytics.timeline(try Self.entities(of: try input.run()), runtime: runtime))
        }
    }

    /// `chart EXPR [by EXPR]`: a number per label, summed per label, labels in first-seen order.
    func compileChart(_ valueItem: Item, by byItem: Item?, after input: CompiledPipeline) throws -> CompiledPipeline {
        let scope = Scope(shape: input.shape)
        let value = try expressions(scope).compile(valueItem.expr)
        let label = try byItem.map { try expressions(scope).compile($0.expr) }
        let labelColumn = byItem?.label ?? (scope.entityType != nil ? "id" : scope.columns.first ?? "label")
        let firstColumnLabel = scope.entityType == nil && !scope.columns.isEmpty
        let runtime = self.runtime, file = self.file
        return CompiledPipeline(shape: .picture) {
            let rows = try Self.rows(of: try input.run(), runtime: runtime)
            var order: [Value] = []
            var totals: [Value: Double] = [:]
            var seenNull: Set<Value> = []
            for row in rows {
                try runtime.checkCancelled()
                let key: Value
                if let label { key = try label.run(row) }
                else if let entity = row.entity, !firstColumnLabel { key = .string(entity.id) }
                else { key = row.values.first ?? .null }
                let amount = try value.run(row)
                guard case .number(let n) = amount else {
                    if amount.isNull { if totals[key] == nil, seenNull.insert(key).inserted { order.append(key) }; continue }
                    throw Diagnostic(.typeMismatch, "`chart` needs a number, not a \(amount.typeName)", at: valueItem.expr.range, in: file)
                }
                if totals[key] == nil, !seenNull.contains(key) { order.append(key) }
                totals[key, default: 0] += n
            }
            let data = order.map { [$0, totals[$0].map(Value.number) ?? .null] }
            return .picture(.chart, ResultTable(columns: [labelColumn, valueItem.label], rows: data))
        }
    }
}
