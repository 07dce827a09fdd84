/// `select`, `extend` and `distinct`: stages that compute columns from each row.
extension PipelineCompiler {
    /// `select ITEM, ...`: rows one at a time for a consumer that need not hold them all.
    func compileSelect(_ items: [Item], after input: CompiledPipeline) throws -> CompiledPipeline {
        let compiled = try compileItems(items, scope: Scope(shape: input.shape))
        let columns = items.map(\.label)
        try checkDuplicateColumns(items)
        let runtime = self.runtime, file = self.file
        let stream: RowStream = { emit in
            let rows = try Self.rows(of: try input.run(), runtime: runtime)
            for row in rows {
                try runtime.checkCancelled()
                try emit(try Self.evaluate(compiled, on: row, file: file))
            }
        }
        return CompiledPipeline(shape: .table(columns: columns, types: compiled.map(\.type), base: nil), stream: stream) {
            var out: [[Value]] = []
            try stream { out.append($0) }
            return .table(Table(columns: columns, rows: out))
        }
    }

    /// `extend NAME = EXPR, ...`: a name already a column replaces it in place.
    func compileExtend(_ items: [Item], after input: CompiledPipeline) throws -> CompiledPipeline {
        let (baseColumns, baseTypes, baseType) = Self.tableColumns(of: input.shape)
        let compiled = try compileItems(items, scope: Scope(shape: input.shape))
        var columns = baseColumns
        var types = baseTypes
        var positions: [Int] = []
        for (item, compiledItem) in zip(items, compiled) {
            if let existing = columns.firstIndex(of: item.label) {
                positions.append(existing)
                types[existing] = compiledItem.type
            } else {
                positions.append(columns.count)
                columns.append(item.label)
                types.append(compiledItem.type)
            }
        }
        let finalColumns = columns
        let runtime = self.runtime, file = self.file
        return CompiledPipeline(shape: .table(columns: columns, types: types, base: baseType)) {
            let relation = try input.run()
            var table = Self.table(of: relation, runtime: runtime)
            for index in table.rows.indices {
                try runtime.checkCancelled()
                let row = table.row(index)
                let values = try Self.evaluate(compiled, on: row, file: file)
                var newRow = table.rows[index]
                for (position, value) in zip(positions, values) {
                    if position < newRow.count { newRow[position] = value } else { newRow.append(value) }
                }
                table.rows[index] = newRow
            }
            table.columns = finalColumns
            return .table(table)
        }
    }

    /// `distinct EXPR, ...`
    func compileDistinct(_ items: [Item], after input: CompiledPipeline) throws -> CompiledPipeline {
        let compiled = try compileItems(items, scope: Scope(shape: input.shape))
        let columns = items.map(\.label)
        try checkDuplicateColumns(items)
        let runtime = self.runtime, file = self.file
        return CompiledPipeline(shape: .table(columns: columns, types: compiled.map(\.type), base: nil)) {
            var seen = Set<[Value]>()
            var out: [[Value]] = []
            for row in try Self.rows(of: try input.run(), runtime: runtime) {
                try runtime.checkCancelled()
                let values = try Self.evaluate(compiled, on: row, file: file)
                if seen.insert(values.map(\.distinctKey)).inserted { out.append(values) }
            }
            return .table(Table(columns: columns, rows: out))
        }
    }
}
