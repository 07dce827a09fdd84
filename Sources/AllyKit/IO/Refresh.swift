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

    /// Builds each row as `import` does (`DataImporter.EntityBuilder`), onto the entity of its
    /// id if there is one, and stores what changed; then the ties.
    private func apply(_ rows: [DataImporter.Row]) throws -> Counts {
        let editor = PortfolioEditor(runtime: runtime, file: file)
        let (runtime, type) = (runtime, type)
        var builder = DataImporter.EntityBuilder(type: type, validator: editor.validator, range: range) { id in
            runtime.portfolio.entity(EntityKey(type, id))
        }
        var before: [String: Entity?] = [:]
        var order: [String] = []
        var ties: [DataImporter.DeferredTie] = []
        for row in rows {
            try runtime.checkCancelled()
            func twice(_ id: String) -> RowError {
                RowError(row: row.number, column: "id", message: "`\(id)` appears twice in the file", help: nil)
            }
            let built: DataImporter.BuiltRow
            do { built = try builder.build(row) } catch let failure as DataImporter.EntityBuilder<Runtime>.FailureAfterId {
                if before[failure.id] != nil { throw twice(failure.id) }
                throw failure.failure
            }
            let id = built.id
            if before[id] != nil { throw twice(id) }
            let existing = runtime.portfolio.entity(EntityKey(type, id))
            before[id] = .some(existing)
            order.append(id)
            var entity = built.entity
            // As `update` does: an agreement the file leaves with fewer than two parties ends.
            if case .agreement(var agreement) = entity, agreement.parties.count < 2,
               case .agreement(let old)? = existing, old.parties.count >= 2 {
                editor.terminateIfAlone(&agreement)
                entity = .agreement(agreement)
            }
            if entity != existing { editor.put(entity) }
            if let knows = built.knows { ties.append(DataImporter.DeferredTie(row: row.number, id: id, knows: knows)) }
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
