import Foundation

/// `export PIPELINE to "F.csv|.json|.md"`. An entity set exported without `select` writes
/// every stored field, in the shape `import` reads back.
enum DataExporter {
    /// Returns how many rows the file holds.
    @discardableResult
    static func export(_ relation: Relation, runtime: Runtime, to url: URL, range: SourceRange, file: SourceFile) throws -> Int {
        let format = try self.format(of: url, range: range, file: file)
        if format == "csv", case .entities(let type, let entities) = relation {
            // Each entity's row is built as it is written, not all of them first.
            return try exportCSV(columns: exportColumns(type, flattenForCSV: true), rows: { row in
                for entity in entities { try row(exportRow(entity, type: type, runtime: runtime, flattenForCSV: true)) }
            }, to: url, range: range, file: file)
        }
        let table = exportTable(relation, runtime: runtime, flattenForCSV: format == "csv")
        if format == "csv" {
            return try exportCSV(columns: table.columns, rows: { row in try table.rows.forEach(row) }, to: url, range: range, file: file)
        }
        let text = Renderer(format: format == "json" ? .json : .markdown).render(.table(table))
        try AtomicFile.write(text, to: url, range: range, file: file)
        return table.rows.count
    }

    /// `export PIPELINE to F`: a CSV export of a `select` writes its rows as they are
    /// evaluated (a million stakeholders' rows are never all held); anything else runs first.
    @discardableResult
    static func export(_ compiled: CompiledPipeline, runtime: Runtime, to url: URL, range: SourceRange, file: SourceFile) throws -> Int {
        // The file name is checked before anything runs.
        if try format(of: url, range: range, file: file) == "csv", let stream = compiled.stream,
           case .table(let columns, _, _) = compiled.shape {
            return try exportCSV(columns: columns, rows: stream, to: url, range: range, file: file)
        }
        return try export(try compiled.run(), runtime: runtime, to: url, range: range, file: file)
    }

    private static func format(of url: URL, range: SourceRange, file: SourceFile) throws -> String {
        let format = url.pathExtension.lowercased()
        guard ["csv", "json", "md"].contains(format) else {
            throw Diagnostic(.fileError, "cannot export to `.\(url.pathExtension)`", at: range, in: file,
                             help: "use a file ending in .csv, .json or .md (or `export network to \"F.dot\"`)")
        }
        return format
    }

    /// CSV written a megabyte at a time as it is rendered, never held whole; a row that fails
    /// leaves the file as it was.
    private static func exportCSV(columns: [String], rows: RowStream,
                                  to url: URL, range: SourceRange, file: SourceFile) throws -> Int {
        var count = 0
        try withoutActuallyEscaping(rows) { rows in
            let counted: RowStream = { row in
                try withoutActuallyEscaping(row) { row in try rows { values in count += 1; try row(values) } }
            }
            try AtomicFile.write(to: url, range: range, file: file) { emit in
                try Renderer.csv(columns: columns, rows: counted, chunkSize: 1 << 20) { piece in
                    var piece = piece
                    try piece.withUTF8 { try emit(UnsafeRawBufferPointer($0)) }
                }
            }
        }
        return count
    }

    /// The columns of an entity export: every stored field; for CSV the fit record becomes
    /// `fit.NAME` columns.
    static func exportColumns(_ type: EntityType, flattenForCSV: Bool) -> [String] {
        var columns: [String] = []
        for field in FieldCatalog.storedFields(of: type) {
            if flattenForCSV, field.type == .fit {
                columns += FitScores.dimensions.map { "fit.\($0)" }
            } else {
                columns.append(field.name)
            }
        }
        return columns
    }

    /// One entity's export row; for CSV, structured fields other than fit are JSON text.
    static func exportRow(_ entity: Entity, type: EntityType, runtime: Runtime, flattenForCSV: Bool) -> [Value] {
        var row: [Value] = []
        for field in FieldCatalog.storedFields(of: type) {
            let value = field.get(entity, runtime)
            guard flattenForCSV else { row.append(value); continue }
            switch (field.type, value) {
            case (.fit, .record(let record)): row += FitScores.dimensions.map { record[$0] ?? .null }
            case (.list(.string), .list(let items)), (.list(.reference), .list(let items)):
                // `a;b` reads back the same only if no item is empty, padded or holds `;`
                // (or could be mistaken for JSON); otherwise the cell holds the JSON list.
                let texts = items.map(ValueFormatter.plain)
                let plain = texts.allSatisfy { !$0.isEmpty && !$0.contains(";") && $0 == $0.trimmingCharacters(in: .whitespaces) }
                    && !(texts.first?.hasPrefix("[") ?? false)
                if texts.isEmpty { row.append(.null) } else {
                    row.append(.string(plain ? texts.joined(separator: ";") : ValueFormatter.json(value)))
                }
            case (_, .list), (_, .record): row.append(.string(ValueFormatter.json(value)))
            default: row.append(value)
            }
        }
        return row
    }

    /// Entities as every stored field (see `exportRow`), or a query's table as it is.
    static func exportTable(_ relation: Relation, runtime: Runtime, flattenForCSV: Bool) -> ResultTable {
        switch relation {
        case .entities(let type, let entities):
            return ResultTable(columns: exportColumns(type, flattenForCSV: flattenForCSV),
                               rows: entities.map { exportRow($0, type: type, runtime: runtime, flattenForCSV: flattenForCSV) })
        case .table(let table):
            return ResultTable(columns: table.columns, rows: table.rows)
        case .scalar(let value):
            return ResultTable(columns: ["value"], rows: [[value]])
        case .picture(_, let data):
            return data
        }
    }
}
