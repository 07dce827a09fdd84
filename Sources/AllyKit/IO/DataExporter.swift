import Foundation

/// `export PIPELINE to "F.csv|.json|.md"`. An entity set exported without `select` writes
/// every stored field, in the shape `import` reads back.
enum DataExporter {
    static func export(_ relation: Relation, runtime: Runtime, to url: URL, range: SourceRange, file: SourceFile) throws {
        let format = url.pathExtension.lowercased()
        guard ["csv", "json", "md"].contains(format) else {
            throw Diagnostic(.fileError, "cannot export to `.\(url.pathExtension)`", at: range, in: file,
                             help: "use a file ending in .csv, .json or .md (or `export network to \"F.dot\"`)")
        }
        let table = exportTable(relation, runtime: runtime, flattenForCSV: format == "csv")
        if format == "csv" {
            // Written a megabyte at a time as it is rendered, not held whole.
            try AtomicFile.write(to: url, range: range, file: file) { emit in
                try Renderer.csv(table, chunkSize: 1 << 20) { piece in
                    var piece = piece
                    try piece.withUTF8 { try emit(UnsafeRawBufferPointer($0)) }
                }
            }
            return
        }
        let text = Renderer(format: format == "json" ? .json : .markdown).render(.table(table))
        try AtomicFile.write(text, to: url, range: range, file: file)
    }

    /// Entities as every stored field; for CSV the fit record becomes `fit.NAME` columns and
    /// other structured fields are JSON text in their cell.
    static func exportTable(_ relation: Relation, runtime: Runtime, flattenForCSV: Bool) -> ResultTable {
        switch relation {
        case .entities(let type, let entities):
            var columns: [String] = []
            for field in FieldCatalog.storedFields(of: type) {
                if flattenForCSV, field.type == .fit {
                    columns += FitScores.dimensions.map { "fit.\($0)" }
                } else {
                    columns.append(field.name)
                }
            }
            let rows: [[Value]] = entities.map { entity in
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
            return ResultTable(columns: columns, rows: rows)
        case .table(let table):
            return ResultTable(columns: table.columns, rows: table.rows)
        case .scalar(let value):
            return ResultTable(columns: ["value"], rows: [[value]])
        case .picture(_, let data):
            return data
        }
    }
}
