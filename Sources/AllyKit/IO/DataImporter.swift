import Foundation

/// `import TYPE from "F.csv" | "F.json"`: every row is validated (types, enum cases,
/// references, duplicate ids) and stored in the session's portfolio as it is read; one bad
/// row undoes the rows before it, so a failing import changes nothing. Errors name the file,
/// the row and the column.
struct DataImporter {
    let runtime: Runtime
    let file: SourceFile
    let range: SourceRange
    let undo = Undo()

    /// What the rows stored so far changed, to take it back if a later row fails. The import
    /// edits the portfolio in place instead of a copy: a copy would keep every agreement a
    /// party file touches twice (the old box and the new) until the import ends. A party
    /// import's history step keeps it too, for `undo`, for the same reason.
    final class Undo {
        /// The type whose rows are being imported and whether it had no entity before (then
        /// undoing removes every entity of the type and no list of a million ids is kept).
        var type: EntityType?
        var typeWasEmpty = false
        /// Ids stored by this import, when the type was not empty before.
        var inserted: [String] = []
        /// Agreements' parties before this import, in the order they were first changed; those
        /// that had none (most agreements of a party file) are only named, in `hadNoParties`.
        var parties: [(id: String, parties: [Party])] = []
        var hadNoParties: [String] = []

        func recordParties(of agreement: Agreement) {
            if agreement.parties.isEmpty { hadNoParties.append(agreement.id) } else { parties.append((agreement.id, agreement.parties)) }
        }

        func wasInserted(_ id: String) -> Bool { typeWasEmpty || inserted.contains(id) }

        /// Drops the room the lists of parties before grew into (a step of history keeps them).
        func trim() {
            parties = Self.trimmed(parties)
            hadNoParties = Self.trimmed(hadNoParties)
        }

        static func trimmed<Element>(_ list: [Element]) -> [Element] {
            guard list.capacity > list.count else { return list }
            var trimmed: [Element] = []
            trimmed.reserveCapacity(list.count)
            trimmed.append(contentsOf: list)
            return trimmed
        }

        func rollBack(_ portfolio: inout Portfolio) {
            portfolio.settle()
            // An agreement listed in both had none at first (its rows came in two runs): `hadNoParties` goes last.
            for (id, parties) in self.parties.reversed() + hadNoParties.map({ ($0, []) }) {
                guard var agreement = portfolio.agreements[id] else { continue }
                agreement.parties = parties
                portfolio.put(agreement)
            }
            if let type {
                let ids = typeWasEmpty ? portfolio.sortedIds(type) : inserted
                for id in ids.reversed() { portfolio.removeEntity(EntityKey(type, id)) }
            }
            portfolio.clearTouched()
        }
    }

    struct RowError: Error {
        let row: Int
        let column: String?
        let message: String
        let help: String?
    }

    func importFile(_ url: URL, kind: String) throws -> Int {
        let limit = runtime.portfolio.deferredEditsLimit
        runtime.portfolio.deferredEditsLimit = min(limit, DeferredEdits.importBatch)
        defer { runtime.portfolio.deferredEditsLimit = limit }
        do {
            return try importRows(url, kind: kind)
        } catch {
            undo.rollBack(&runtime.portfolio)
            throw error
        }
    }

    private func importRows(_ url: URL, kind: String) throws -> Int {
        // A memory map: a large CSV is read record by record and each row is imported as it
        // is read, and pages already read are handed back, so memory holds the entities, not
        // the file's text. (Files that cannot be mapped, and empty ones, are read whole.)
        let mapped = MappedFile(path: url.path)
        var data = Data()
        if mapped == nil {
            do { data = try Data(contentsOf: url) } catch {
                throw Diagnostic(.fileError, "cannot read \(url.path): \(Session.reason(error))", at: range, in: file)
            }
        }
        let format = url.pathExtension.lowercased()
        let name = url.lastPathComponent
        /// The 1-based line of a byte offset (counted in place: the file may be large).
        /// `line L, column C` of a byte offset (the column counts characters, not bytes).
        func position(at offset: Int) -> String {
            func locate<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
                var line = 1, column = 1
                for byte in bytes.prefix(offset) {
                    if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
                return "line \(line), column \(column)"
            }
            if let mapped { return locate(mapped.bytes) }
            return locate(data)
        }
        do {
            func rows<Prepared: Sendable>(_: Prepared.Type) throws -> RowSource<Prepared> {
                switch format {
                case "csv":
                    let source: CSVSource = mapped.map(CSVSource.mapped) ?? .data(data)
                    return { prepare, handle in try self.csvRecords(source, prepare: prepare, handle) }
                case "json":
                    // JSON records name their own keys: checked on this thread, one at a time.
                    return { _, handle in
                        if let mapped {
                            try self.jsonRecords(mapped.bytes, release: mapped.release(before:)) { try handle(.unread($0)) }
                        } else {
                            try self.jsonRecords(data, release: nil) { try handle(.unread($0)) }
                        }
                    }
                default:
                    throw Diagnostic(.fileError, "cannot import `.\(url.pathExtension)` files", at: range, in: file,
                                     help: "import reads .csv and .json")
                }
            }
            // A file shortened while it was read shows zeros where its end was: whatever was
            // made of them (an error, or rows) is not reported, the change is.
            func checkUnchanged() throws {
                if mapped?.changedWhileRead == true {
                    throw Diagnostic(.fileError, "\(name) changed while it was being read (another program shortened it); nothing was imported",
                                     at: range, in: file, help: "import it again once it is written")
                }
            }
            let count: Int
            do {
                count = try WorkProgress.run("importing \(name)", unit: "rows") {
                    kind == "parties" ? try importParties(rows(PreparedParty.self))
                        : try importEntities(rows(BuiltRow.self), type: EntityType(plural: kind)!)
                }
            } catch {
                try checkUnchanged()
                throw error
            }
            try checkUnchanged()
            return count
        } catch let failure as RowError {
            let location = failure.column.map { "\(name): row \(failure.row), column `\($0)`" } ?? "\(name): row \(failure.row)"
            throw Diagnostic(.importError, "\(location): \(failure.message); nothing was imported", at: range, in: file, help: failure.help)
        } catch let failure as JSONFailure {
            throw Diagnostic(.importError, "\(name): \(failure.isSyntax ? position(at: failure.offset) + ": " : "")\(failure.message); nothing was imported",
                             at: range, in: file)
        }
    }

    // MARK: Reading

    /// Calls its argument with each row (number, cells by column) in file order.
    /// One record: its row number, the column names (for CSV one array shared by every row)
    /// and its cells in column order (nil: empty).
    struct Row {
        let number: Int
        let columns: [String]
        let cells: [Value?]
        /// A JSON record: its strings are values, not cells to split (a list field's `"a; b"` is
        /// one item, as in a definition).
        var isJSON = false
    }

    /// Calls `handle` with each row in file order: what the reading thread made of it (when it
    /// did: a large CSV file), built by `prepare`'s function, or else the row itself.
    typealias RowSource<Prepared> = (_ prepare: @escaping Preparation<Prepared>, _ handle: (RowInput<Prepared>) throws -> Void) throws -> Void

    enum RowInput<Prepared> {
        case unread(Row)
        /// A row made ready on the reading thread, which also freed its cells.
        case prepared(number: Int, Prepared)
    }
    /// Makes, on the reading thread, the function that prepares each row there (nil: the row is
    /// left to the importing thread, which checks it again and reports what is wrong).
    typealias Preparation<Prepared> = @Sendable () -> (Row) -> Prepared?

    /// A CSV file's bytes: a memory map (pages handed back as rows are read) or read whole.
    enum CSVSource: Sendable {
        case mapped(MappedFile)
        case data(Data)

        var count: Int {
            switch self {
            case .mapped(let file): return file.bytes.count
            case .data(let data): return data.count
            }
        }
    }

    private func csvRecords<Prepared: Sendable>(_ source: CSVSource, prepare: @escaping Preparation<Prepared>,
                                                _ handle: (RowInput<Prepared>) throws -> Void) throws {
        guard source.count >= Prefetching.minimumBytes else {
            try Self.readCSV(source) { row in
                try runtime.checkCancelled()
                try handle(.unread(row))
                return true
            }
            return
        }
        // A large file: records are split, unquoted and (what needs no look at the live
        // portfolio) converted, checked and built on a second thread, a few hundred rows ahead;
        // rows (and the first error) arrive in file order all the same.
        // Rows the reading thread leaves (when the importing thread would otherwise wait for
        // it) are built by the importing thread, as are rows it cannot vouch for.
        let prefetcher = Prefetcher<Result<RowInput<Prepared>, Error>> { emit, pace in
            let prepareRow = prepare()
            do {
                try Self.readCSV(source) { row in
                    guard pace.takesNext() else { return emit(.success(.unread(row))) }
                    return emit(.success(prepareRow(row).map { .prepared(number: row.number, $0) } ?? .unread(row)))
                }
            } catch {
                _ = emit(.failure(error))
            }
        }
        defer { prefetcher.finish() }
        while let next = prefetcher.nextElement() {
            let input = try next.get()
            try runtime.checkCancelled()
            try handle(input)
        }
    }

    /// Reads CSV records into rows and calls `row` with each, in order, until it returns false.
    /// An empty cell is nil; the export's formula guard is removed.
    static func readCSV(_ source: CSVSource, _ row: (Row) throws -> Bool) throws {
        switch source {
        case .mapped(let file): try readCSV(file.bytes, release: file.release(before:), row)
        case .data(let data): try readCSV(data, release: nil, row)
        }
    }

    private static func readCSV<Bytes: RandomAccessCollection>(
        _ bytes: Bytes, release: ((Int) -> Void)?, _ row: (Row) throws -> Bool
    ) throws where Bytes.Element == UInt8, Bytes.Index == Int {
        var reader = CSVReader(bytes)
        guard let header = try reader.next() else { return }
        let columns = header.map { $0.text.trimmedSpaces }
        var number = 1
        // Both kept from row to row: a row that is kept (handed over unread) takes its cells
        // with it, and the next row then gets a new array.
        var cells: [CSVReader<Bytes>.Cell] = []
        var values: [Value?] = []
        while try reader.next(into: &cells) {
            number += 1
            if cells.count == 1, cells[0].text.isEmpty, !cells[0].quoted { continue }
            guard cells.count == columns.count else {
                throw RowError(row: number, column: nil, message: "has \(cells.count) cells but the header has \(columns.count)", help: nil)
            }
            values.removeAll(keepingCapacity: true)
            values.reserveCapacity(columns.count)
            for cell in cells {
                if cell.text.isEmpty, !cell.quoted { values.append(nil); continue }
                var text = cell.text
                // Undo the export's CSV-injection guard.
                if text.utf8.first == UInt8(ascii: "'"), Renderer.startsLikeFormula(text) { text.removeFirst() }
                values.append(.string(text))
            }
            if try !row(Row(number: number, columns: columns, cells: values)) { return }
            // Hand back the pages behind the reader now and then (cells are copied out).
            if number % 4096 == 0 { release?(reader.offset) }
        }
    }

    /// A JSON file's objects, read and imported one at a time.
    func jsonRecords<Bytes: RandomAccessCollection>(_ bytes: Bytes, release: ((Int) -> Void)?, _ handle: (Row) throws -> Void) throws
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var number = 0
        try JSONReader.forEachElement(bytes, notAnArray: "the file must hold an array of objects", release: release) { item in
            number += 1
            guard case .record(let record) = item else {
                throw RowError(row: number, column: nil, message: "is not an object", help: nil)
            }
            try runtime.checkCancelled()
            try handle(Row(number: number, columns: record.keys, cells: record.values.map { $0 }, isJSON: true))
        }
    }
}
