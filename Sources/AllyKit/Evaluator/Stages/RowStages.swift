/// `sort`, `take` and `count`: stages that reorder, cut or count the rows they are given.
extension PipelineCompiler {
    /// `sort KEY [asc|desc], ...`
    func compileSort(_ keys: [SortKey], after input: CompiledPipeline) throws -> CompiledPipeline {
        let scope = Scope(shape: input.shape)
        let compiled = try keys.map { (key: SortKey) -> (Compiled, Bool, SourceRange) in
            (try expressions(scope).compile(key.expr), key.descending, key.expr.range)
        }
        let runtime = self.runtime, file = self.file
        return CompiledPipeline(shape: input.shape) {
            try Self.sort(try input.run(), keys: compiled, runtime: runtime, file: file)
        }
    }

    /// `take N`
    func compileTake(_ expr: Expr, after input: CompiledPipeline) throws -> CompiledPipeline {
        let count = try expressions(.empty).compile(expr)
        if count.type != .number, count.type != .unknown {
            throw error(.typeMismatch, "`take` needs a number of rows", expr.range)
        }
        let file = self.file, runtime = self.runtime
        return CompiledPipeline(shape: input.shape) {
            guard case .number(let n) = try count.run(Row(entity: nil)), n >= 0, n == n.rounded() else {
                throw Diagnostic(.invalidValue, "`take` needs a whole number of rows, 0 or more", at: expr.range, in: file)
            }
            let limit = n > Double(Int.max / 2) ? Int.max / 2 : Int(n)
            switch try input.scan.map({ try $0().prefix(limit, runtime) }) ?? input.run() {
            case .entities(let type, let entities): return .entities(type, Array(entities.prefix(limit)))
            case .table(var table):
                table.rows = Array(table.rows.prefix(limit))
                table.base = table.base.map { Array($0.prefix(limit)) }
                return .table(table)
            case let other: return other
            }
        }
    }

    /// `count`: positions are counted without reading a row.
    func compileCount(after input: CompiledPipeline) throws -> CompiledPipeline {
        let runtime = self.runtime
        return CompiledPipeline(shape: .scalar) {
            let scanned = try input.scanOrRun()
            if case .positions(_, let rows) = scanned { return .scalar(.number(Double(rows.count))) }
            switch scanned.relation(runtime) {
            case .entities(_, let entities): return .scalar(.number(Double(entities.count)))
            case .table(let table): return .scalar(.number(Double(table.rows.count)))
            case .scalar: return .scalar(.number(1))
            case .picture(_, let data): return .scalar(.number(Double(data.rows.count)))
            }
        }
    }
}
