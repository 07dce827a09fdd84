import Foundation

/// `refresh TYPE from "F.csv" | "F.json"`: the monthly export of another system brought in.
/// Each row names an entity by `id`: one that exists gets the values of the file's columns
/// (and keeps every other field); a new one is added as `import` would add it; none is
/// removed. Cells read as `import` reads them (an empty cell is the field's default). The
/// whole file is checked on a working copy of the portfolio, which is committed only if every
/// row passes, so one bad row changes nothing; `diff` then shows exactly what changed.
struct DataRefresh {
    let runtime: Runtime
    let file: SourceFile
    let range: SourceRange
    let type: EntityType

    struct Counts { var added = 0, updated = 0, unchanged = 0 }

    private typealias RowError = DataImporter.RowError

    func run(_ url: URL) throws -> Counts {
        let name = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Diagnostic(.fileError, "cannot read \(url.path): \(Session.reason(error))", at: range, in: file)
        }
        do {
            var rows: [DataImporter.Row] = []
            switch url.pathExtension.lowercased() {
            case "csv": try DataImporter.readCSV(.data(data)) { rows.append($0); return true }
            case "json": try DataImporter(runtime: runtime, file: file, range: range).jsonRecords(data, release: nil) { rows.append($0) }
            default:
                throw Diagnostic(.fileError, "cannot refresh from `.\(url.pathExtension)` files", at: range, in: file,
                                 help: "refresh reads .csv and .json")
            }
            return try apply(rows)
        } catch let failure as RowError {
            let location = failure.column.map { "\(name): row \(failure.row), column `\($0)`" } ?? "\(name): row \(failure.row)"
            throw Diagnostic(.importError, "\(location): \(failure.message); nothing was refreshed", at: range, in: file, help: failure.help)
        } catch let failure as JSONFailure {
            let line = data.prefix(failure.offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw Diagnostic(.importError, "\(name): line \(line): \(failure.message); nothing was refreshed", at: range, in: file)
        }
    }

    private func apply(_ rows: [DataImporter.Row]) throws -> Counts {
        let editor = PortfolioEditor(runtime: runtime, file: file)
        var before: [String: Entity?] = [:]
        var order: [String] = []
        var ties: [DataImporter.DeferredTie] = []
        for row in rows {
            try runtime.checkCancelled()
            let (id, values, knows) = try read(row, editor: editor)
            if before[id] != nil {
                throw RowError(row: row.number, column: "id", message: "`\(id)` appears twice in the file", help: nil)
            }
            let existing = runtime.portfolio.entity(EntityKey(type, id))
            before[id] = .some(existing)
            order.append(id)
            var entity = try merged(id: id, values: values, onto: existing, row: row.number)
            // As `update` does: an agreement the file leaves with fewer than two parties ends.
            if case .agreement(var agreement) = entity, agreement.parties.count < 2,
               case .agreement(let old)? = existing, old.parties.count >= 2 {
                editor.terminateIfAlone(&agreement)
                entity = .agreement(agreement)
            }
            do { try editor.checkInvariants(entity, range: range) } catch let diagnostic as Diagnostic {
                throw RowError(row: row.number, column: nil, message: diagnostic.message, help: diagnostic.help)
            }
            if entity != existing { editor.put(entity) }
            if let knows { ties.append(DataImporter.DeferredTie(row: row.number, id: id, knows: knows)) }
        }
        try DataImporter.setTies(ties, editor: editor, range: range)
        var counts = Counts()
        for id in order {
            let now = runtime.portfolio.entity(EntityKey(type, id))
            switch before[id]! {
            case nil: counts.added += 1
            case let old?: if old == now { counts.unchanged += 1 } else { counts.updated += 1 }
            }
        }
        return counts
    }

    /// A row's id, its checked values by field (nil: the field's default), and its ties.
    private func read(_ row: DataImporter.Row, editor: PortfolioEditor) throws -> (String, [(FieldSpec, Value?)], Value?) {
        var id: String?
        var values: [(FieldSpec, Value?)] = []
        var fit: [String: Value?] = [:]
        var knows: Value?
        for (column, raw) in zip(row.columns, row.cells) {
            if column == "id" {
                id = try raw.map { try DataImporter.convert($0, to: .identifier, row: row.number, column: column).idText } ?? nil
                continue
            }
            if type == .partner, column.hasPrefix("fit.") {
                let member = String(column.dropFirst(4))
                guard FitScores.dimensions.contains(member) else {
                    throw RowError(row: row.number, column: column, message: "`\(member)` is not a fit score",
                                   help: Suggestions.help(for: member, in: FitScores.dimensions))
                }
                fit[member] = try raw.map { try check($0, as: FieldType.fitScore, nullable: true, field: column, row: row.number, editor: editor) }
                continue
            }
            guard let spec = FieldCatalog.field(column, of: type), spec.isStored else {
                throw RowError(row: row.number, column: column, message: "`\(column)` is not a stored field of \(type.rawValue)",
                               help: Suggestions.help(for: column, in: FieldCatalog.storedFields(of: type).map(\.name)))
            }
            if type == .stakeholder, spec.name == "knows" {
                knows = try raw.map { try DataImporter.convert($0, to: spec.type, row: row.number, column: column) } ?? .list([])
                continue
            }
            let value = try raw.map { try check($0, as: spec.type, nullable: spec.isNullable, field: spec.name, row: row.number, editor: editor) }
            values.append((spec, value))
        }
        guard let id, PortfolioEditor.isIdentifier(id), !PortfolioEditor.isReservedId(id) else {
            throw RowError(row: row.number, column: "id", message: "needs an id made of letters, digits and _", help: nil)
        }
        if !fit.isEmpty, let spec = FieldCatalog.field("fit", of: .partner) {
            let existing = runtime.portfolio.entity(EntityKey(.partner, id)).map { spec.get($0, runtime) }
            var record: Record = { if case .record(let record)? = existing { return record } else { return Record() } }()
            for (member, score) in fit.sorted(by: { $0.key < $1.key }) { record[member] = score ?? nil }
            values.append((spec, .record(record)))
        }
        return (id, values, knows)
    }

    private func check(_ raw: Value, as fieldType: FieldType, nullable: Bool, field: String, row: Int,
                       editor: PortfolioEditor) throws -> Value {
        let converted = try DataImporter.convert(raw, to: fieldType, row: row, column: field)
        do { return try editor.validate(converted, as: fieldType, nullable: nullable, field: field, range: range) } catch let diagnostic as Diagnostic {
            throw RowError(row: row, column: field, message: diagnostic.message, help: diagnostic.help)
        }
    }

    /// The entity a row makes: the existing one's stored fields that the file has no column
    /// for, then the file's values (defaults for empty cells), built as a definition is.
    private func merged(id: String, values: [(FieldSpec, Value?)], onto existing: Entity?, row: Int) throws -> Entity {
        var all: [(FieldSpec, Value)] = []
        if let existing {
            for spec in FieldCatalog.storedFields(of: type) where spec.name != "id" && !values.contains(where: { $0.0 === spec }) {
                all.append((spec, spec.get(existing, runtime)))
            }
        } else {
            for spec in FieldCatalog.storedFields(of: type) where spec.isRequired && spec.name != "id" {
                guard values.contains(where: { $0.0 === spec && $0.1 != nil }) else {
                    throw RowError(row: row, column: spec.name, message: "`\(spec.name)` is required for a new \(type.rawValue) (`\(id)` does not exist)",
                                   help: nil)
                }
            }
        }
        for (spec, value) in values {
            guard let value else {
                if spec.isRequired { throw RowError(row: row, column: spec.name, message: "`\(spec.name)` is required", help: nil) }
                continue
            }
            all.append((spec, value))
        }
        var entity = PortfolioEditor.make(type, id: id, values: all)
        // (Ties are set after every row; a stakeholder keeps its own until then.)
        if case .stakeholder(var stakeholder) = entity, case .stakeholder(let old)? = existing {
            stakeholder.knows = old.knows
            entity = .stakeholder(stakeholder)
        }
        return entity
    }
}

extension Session {
    /// `refresh TYPE from "F"`: confirms `added N, updated M, unchanged K`.
    func refresh(_ kind: Name, _ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        guard let type = EntityType(plural: kind.text) else { return }
        let runtime = makeRuntime()
        let counts = try DataRefresh(runtime: runtime, file: file, range: path.range, type: type).run(resolve(path, file: file))
        commit(runtime)
        sink.confirm("added \(counts.added), updated \(counts.updated), unchanged \(counts.unchanged)")
    }
}
