import Foundation

/// `import TYPE from "F.csv" | "F.json"`: every row is validated (types, enum cases,
/// references, duplicate ids) and stored in the session's portfolio as it is read; one bad
/// row undoes the rows before it, so a failing import changes nothing. Errors name the file,
/// the row and the column.
struct DataImporter {
    let runtime: Runtime
    let file: SourceFile
    let range: SourceRange
    private let undo = Undo()

    /// What the rows stored so far changed, to take it back if a later row fails. The import
    /// edits the portfolio in place instead of a copy: a copy would keep every agreement a
    /// party file touches twice (the old box and the new) until the import ends.
    private final class Undo {
        /// The type whose rows are being imported and whether it had no entity before (then
        /// undoing removes every entity of the type and no list of a million ids is kept).
        var type: EntityType?
        var typeWasEmpty = false
        /// Ids stored by this import, when the type was not empty before.
        var inserted: [String] = []
        /// Agreements' parties before this import, in the order they were first changed.
        var parties: [(id: String, parties: [Party])] = []

        func wasInserted(_ id: String) -> Bool { typeWasEmpty || inserted.contains(id) }

        func rollBack(_ portfolio: inout Portfolio) {
            portfolio.settle()
            for (id, parties) in self.parties.reversed() {
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
                count = kind == "parties" ? try importParties(rows(PreparedParty.self))
                    : try importEntities(rows(BuiltRow.self), type: EntityType(plural: kind)!)
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
    private typealias RowSource<Prepared> = (_ prepare: @escaping Preparation<Prepared>, _ handle: (RowInput<Prepared>) throws -> Void) throws -> Void

    private enum RowInput<Prepared> {
        case unread(Row)
        /// A row made ready on the reading thread, which also freed its cells.
        case prepared(number: Int, Prepared)
    }
    /// Makes, on the reading thread, the function that prepares each row there (nil: the row is
    /// left to the importing thread, which checks it again and reports what is wrong).
    private typealias Preparation<Prepared> = @Sendable () -> (Row) -> Prepared?

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

    // MARK: Entities

    /// What each column of a file holds, worked out once per file (once per record for JSON,
    /// whose records name their own keys).
    private struct ColumnPlan {
        enum Column {
            case id
            /// A stored field, and its slot among the row's fields in name order.
            case field(FieldSpec, slot: Int)
            /// `fit.NAME`, and its slot among the fit scores in name order.
            case fit(String, slot: Int)
            case unknownFit(String)
            case notStored(String)
        }

        let columns: [String]
        let plan: [Column]
        /// The fields the file has columns for, in name order (the order they are checked in).
        let fields: [FieldSpec]
        /// The slots of `fit` (when there are fit.NAME columns) and of a stakeholder's `knows`.
        let fitSlot: Int?
        let knowsSlot: Int?
        /// The type's required fields (but id), each with its slot if the file has a column for it.
        let required: [(spec: FieldSpec, slot: Int?)]
        /// Fit score names in name order.
        static let fitNames = FitScores.dimensions.sorted()

        init(_ columns: [String], type: EntityType) {
            self.columns = columns
            var specs: [FieldSpec] = []
            var plan: [Column] = []
            for column in columns {
                if type == .partner, column.hasPrefix("fit.") {
                    let member = String(column.dropFirst(4))
                    if let slot = Self.fitNames.firstIndex(of: member) { plan.append(.fit(member, slot: slot)) } else { plan.append(.unknownFit(member)) }
                    continue
                }
                guard let spec = FieldCatalog.field(column, of: type), spec.isStored else {
                    plan.append(.notStored(column))
                    continue
                }
                if spec.name == "id" { plan.append(.id); continue }
                if !specs.contains(where: { $0 === spec }) { specs.append(spec) }
                plan.append(.field(spec, slot: -1))
            }
            specs.sort { $0.name < $1.name }
            if type == .partner, plan.contains(where: { if case .fit = $0 { return true } else { return false } }),
               let fit = FieldCatalog.field("fit", of: type), !specs.contains(where: { $0 === fit }) {
                specs.append(fit)
                specs.sort { $0.name < $1.name }
            }
            self.fields = specs
            fitSlot = specs.firstIndex { $0.type == .fit }
            knowsSlot = type == .stakeholder ? specs.firstIndex { $0.name == "knows" } : nil
            required = FieldCatalog.storedFields(of: type).filter { $0.isRequired && $0.name != "id" }.map { spec in
                (spec, specs.firstIndex { $0 === spec })
            }
            self.plan = plan.map {
                if case .field(let spec, _) = $0 { return .field(spec, slot: specs.firstIndex { $0 === spec }!) }
                return $0
            }
            steps = self.plan.map {
                switch $0 {
                case .id: return .id
                case .field(let spec, let slot): return .field(spec.type, slot: slot)
                case .fit(_, let slot): return .fit(slot: slot)
                case .unknownFit, .notStored: return .fails
                }
            }
        }

        /// `plan` as each row reads it: no class references, so a million rows do not retain
        /// and release a field's spec for each cell.
        enum Step {
            case id
            case field(FieldType, slot: Int)
            case fit(slot: Int)
            /// A column the file cannot have (`plan` says why).
            case fails
        }
        let steps: [Step]
    }

    /// One row's entity, built and checked; `knows` is set once every row is in (ties may
    /// point at stakeholders further down the file).
    private struct BuiltRow: Sendable {
        let id: String
        let entity: Entity
        let knows: Value?
    }

    /// Builds rows' entities: every cell converted and checked against its field, required
    /// fields and invariants checked; everything but whether the id is free. With a
    /// `ReferenceSnapshot` it runs on an import's reading thread.
    private struct EntityBuilder<References: ReferenceResolver> {
        /// A row that failed once its id was known: a taken id is reported instead, as the
        /// checks run in that order.
        struct FailureAfterId: Error {
            let failure: RowError
            let id: String
        }

        let type: EntityType
        let validator: FieldValidator<References>
        let range: SourceRange
        private var plan: ColumnPlan?
        // Buffers reused row after row.
        private var slots: [Value?] = []
        /// Whether `slots[i]` already passed its field's check (read by `quickCell`).
        private var validated: [Bool] = []
        private var fit: [Value?] = Array(repeating: nil, count: ColumnPlan.fitNames.count)
        private var checked: [(FieldSpec, Value)] = []

        init(type: EntityType, validator: FieldValidator<References>, range: SourceRange) {
            self.type = type
            self.validator = validator
            self.range = range
        }

        mutating func build(_ row: Row) throws -> BuiltRow {
            if plan?.columns != row.columns { plan = ColumnPlan(row.columns, type: type) }
            let plan = plan!
            // Cells convert in column order; a repeated column replaces an earlier one.
            if slots.count != plan.fields.count {
                slots = Array(repeating: nil, count: plan.fields.count)
                validated = Array(repeating: false, count: plan.fields.count)
            } else {
                for index in slots.indices { slots[index] = nil }
            }
            // (A row that failed may have left scores behind.)
            for index in fit.indices { fit[index] = nil }
            var hasFit = false
            var id: String?
            for index in plan.steps.indices {
                let raw = row.cells[index]
                var name: String { row.columns[index] }
                switch plan.steps[index] {
                case .fails:
                    if case .unknownFit(let member) = plan.plan[index] {
                        throw RowError(row: row.number, column: name, message: "`\(member)` is not a fit score",
                                       help: Suggestions.help(for: member, in: FitScores.dimensions))
                    }
                    throw RowError(row: row.number, column: name, message: "`\(name)` is not a stored field of \(type.rawValue)",
                                   help: Suggestions.help(for: name, in: FieldCatalog.storedFields(of: type).map(\.name)))
                case .fit(let slot):
                    guard let raw else { continue }
                    if let score = DataImporter.quickCell(raw, as: .bounded(0...5), references: validator.references) {
                        fit[slot] = score
                        hasFit = true
                        continue
                    }
                    let score = try DataImporter.convert(raw, to: .bounded(0...5), row: row.number, column: name)
                    do {
                        fit[slot] = try validator.validate(score, as: .bounded(0...5), nullable: true, field: name, range: range)
                    } catch let diagnostic as Diagnostic {
                        throw RowError(row: row.number, column: name, message: diagnostic.message, help: diagnostic.help)
                    }
                    hasFit = true
                case .id:
                    guard let raw else { continue }
                    id = try DataImporter.convert(raw, to: .identifier, row: row.number, column: name).idText
                case .field(let fieldType, let slot):
                    guard let raw else { continue }
                    if let value = DataImporter.quickCell(raw, as: fieldType, references: validator.references) {
                        slots[slot] = value
                        validated[slot] = true
                        continue
                    }
                    slots[slot] = try DataImporter.convert(raw, to: fieldType, row: row.number, column: name, json: row.isJSON)
                    validated[slot] = false
                }
            }
            if hasFit, let slot = plan.fitSlot {
                var record = Record()
                for (index, score) in fit.enumerated() {
                    guard let score else { continue }
                    record.keys.append(ColumnPlan.fitNames[index])
                    record.values.append(score)
                    fit[index] = nil
                }
                slots[slot] = .record(record)
                // Each score passed its check above; the record holds nothing else.
                validated[slot] = true
            }
            guard let id, PortfolioEditor.isIdentifier(id) else {
                throw RowError(row: row.number, column: "id", message: "needs an id made of letters, digits and _", help: nil)
            }
            if PortfolioEditor.isReservedId(id) {
                throw RowError(row: row.number, column: "id", message: "`\(id)` cannot be an id: it reads as a literal or an operator", help: nil)
            }
            do {
                var knows: Value?
                if let slot = plan.knowsSlot {
                    knows = slots[slot]
                    slots[slot] = nil
                }
                for (spec, slot) in plan.required {
                    guard let slot, slots[slot] != nil else {
                        throw RowError(row: row.number, column: spec.name, message: "`\(spec.name)` is required", help: nil)
                    }
                }
                checked.removeAll(keepingCapacity: true)
                for (slot, spec) in plan.fields.enumerated() {
                    guard let value = slots[slot] else { continue }
                    if validated[slot] {
                        checked.append((spec, value))
                        continue
                    }
                    do {
                        checked.append((spec, try validator.validate(value, as: spec.type, nullable: spec.isNullable, field: spec.name, range: range)))
                    } catch let diagnostic as Diagnostic {
                        throw RowError(row: row.number, column: spec.name, message: diagnostic.message, help: diagnostic.help)
                    }
                }
                let entity = PortfolioEditor.make(type, id: id, values: checked)
                do { try validator.checkInvariants(entity, range: range) } catch let diagnostic as Diagnostic {
                    throw RowError(row: row.number, column: nil, message: diagnostic.message, help: diagnostic.help)
                }
                return BuiltRow(id: id, entity: entity, knows: knows)
            } catch let failure as RowError {
                throw FailureAfterId(failure: failure, id: id)
            }
        }
    }

    private func importEntities(_ rows: RowSource<BuiltRow>, type: EntityType) throws -> Int {
        let editor = PortfolioEditor(runtime: runtime, file: file)
        undo.type = type
        undo.typeWasEmpty = runtime.portfolio.count(type) == 0
        var deferredTies: [(row: Int, id: String, knows: Value)] = []
        var count = 0
        var builder = EntityBuilder(type: type, validator: editor.validator, range: range)
        // The reading thread builds rows against the other types as they are now (the import
        // writes only `type`); a row it cannot vouch for is built again here.
        let snapshot = ReferenceSnapshot(runtime.portfolio, excluding: type)
        let (file, range) = (file, range)
        let prepare: Preparation<BuiltRow> = {
            var builder = EntityBuilder(type: type, validator: FieldValidator(file: file, references: snapshot), range: range)
            return { row in try? builder.build(row) }
        }
        try rows(prepare) { input in
            count += 1
            let number: Int, built: BuiltRow
            func taken(_ id: String) -> RowError {
                RowError(row: number, column: "id", message: undo.wasInserted(id) ? "`\(id)` appears twice in the file"
                         : "\(type.rawValue) `\(id)` already exists", help: nil)
            }
            switch input {
            case .prepared(let row, let prepared):
                (number, built) = (row, prepared)
            case .unread(let row):
                number = row.number
                do { built = try builder.build(row) } catch let failure as EntityBuilder<Runtime>.FailureAfterId {
                    // The id is looked up once, when the row is stored, unless the row fails.
                    if runtime.portfolio.contains(type, failure.id) { throw taken(failure.id) }
                    throw failure.failure
                }
            }
            if let knows = built.knows { deferredTies.append((number, built.id, knows)) }
            // Relation-index entries wait, to be made in order of the partners they go under.
            guard runtime.portfolio.insertNew(built.entity, deferringEdits: true, reboxing: true) else { throw taken(built.id) }
            if !undo.typeWasEmpty { undo.inserted.append(built.id) }
        }
        runtime.portfolio.settle()
        for (row, id, knows) in deferredTies {
            guard case .stakeholder(var stakeholder)? = runtime.portfolio.entity(EntityKey(.stakeholder, id)) else { continue }
            do {
                let checked = try editor.validate(knows, as: .list(.reference(.stakeholder)), nullable: false, field: "knows", range: range)
                stakeholder.knows = FieldCatalog.stringList(checked)
                try editor.checkInvariants(.stakeholder(stakeholder), range: range)
            } catch let diagnostic as Diagnostic {
                throw RowError(row: row, column: "knows", message: diagnostic.message, help: diagnostic.help)
            }
            runtime.portfolio.put(stakeholder)
        }
        return count
    }

    // MARK: Parties

    /// One party row, read and checked: the agreement's id and the party.
    struct PreparedParty: Sendable {
        let agreementId: String?
        let party: Party
    }

    /// Reads a party row's cells: the agreement's id and the party's members, converted.
    struct PartyReader: Sendable {
        static let allowed = ["agreement", "partner", "role", "contributes", "equity", "votes"]
        /// Column → the party member it holds (nil: the agreement), worked out once per file.
        private var columns: [String] = []
        private var members: [(name: String, type: FieldType)?] = []

        mutating func read(_ row: Row) throws -> (agreementId: String?, record: Record) {
            if columns != row.columns {
                columns = row.columns
                members = columns.map { column in FieldType.party.members!.first { $0.name == column }.map { ($0.name, $0.type) } }
            }
            var record = Record()
            record.keys.reserveCapacity(columns.count)
            record.values.reserveCapacity(columns.count)
            var agreementId: String?
            for (index, column) in columns.enumerated() {
                guard Self.allowed.contains(column) else {
                    throw RowError(row: row.number, column: column, message: "`\(column)` is not a party column",
                                   help: Suggestions.help(for: column, in: Self.allowed) ?? "columns are: \(Self.allowed.joined(separator: ", "))")
                }
                guard let raw = row.cells[index] else { continue }
                guard let member = members[index] else { agreementId = raw.idText; continue }
                record[member.name] = try DataImporter.convert(raw, to: member.type, row: row.number, column: column, json: row.isJSON)
            }
            return (agreementId, record)
        }

        /// The row's party read straight from its cells, when every cell is plain (a known
        /// column once, a partner the snapshot has, a role, finite numbers in range): the
        /// same party `read` and `party` give, without the records between. nil for anything
        /// else, which then goes that way (and fails there with its message, if it fails).
        mutating func quickParty(_ row: Row, references: some ReferenceResolver) -> PreparedParty? {
            if quickColumns != row.columns {
                quickColumns = row.columns
                plainColumns = Set(quickColumns).count == quickColumns.count && quickColumns.allSatisfy(Self.allowed.contains)
            }
            guard plainColumns else { return nil }
            let columns = quickColumns
            var agreementId: String?, partner: String?, role = Self.member
            var contributes = 0.0, equity: Double?, votes: Double?
            for (index, column) in columns.enumerated() {
                guard let cell = row.cells[index] else { continue }
                // Each member read as its type in `FieldType.party` reads it, then the party's own rules.
                switch column {
                case "agreement": agreementId = cell.idText
                case "partner":
                    guard case .reference(_, let id)? = DataImporter.quickCell(cell, as: .reference(.partner), references: references) else { return nil }
                    partner = id
                case "role":
                    guard case .enumeration(let value)? = DataImporter.quickCell(cell, as: .enumeration(.role), references: references) else { return nil }
                    role = value
                case "contributes":
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .number, references: references), number >= 0 else { return nil }
                    contributes = number
                case "equity":
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .percent, references: references),
                          (0...1).contains(number) else { return nil }
                    equity = number
                case "votes":
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .number, references: references) else { return nil }
                    votes = number
                default: return nil
                }
            }
            guard let partner else { return nil }
            return PreparedParty(agreementId: agreementId, party: Party(partner: partner, role: role, contributes: contributes,
                                                                      equity: equity, votes: votes))
        }

        /// The columns `plainColumns` was worked out for: each once, each a party column.
        private var quickColumns: [String] = []
        private var plainColumns = false
        private static let member = EnumType.role.value("member")

        static func party(_ record: Record, row: Int, validator: FieldValidator<some ReferenceResolver>, range: SourceRange) throws -> Party {
            do {
                let checked = try validator.validate(.record(record), as: .party, nullable: false, field: "party", range: range)
                return FieldCatalog.party(from: checked)!
            } catch let diagnostic as Diagnostic {
                throw RowError(row: row, column: nil, message: diagnostic.message, help: diagnostic.help)
            }
        }
    }

    private func importParties(_ rows: RowSource<PreparedParty>) throws -> Int {
        let validator = PortfolioEditor(runtime: runtime, file: file).validator
        var count = 0
        // Rows of one agreement usually come together: its parties are gathered and the
        // agreement is stored once, not once per row.
        var pending: Agreement?
        var reader = PartyReader()
        // The reading thread checks parties against partners as they are now (the import
        // writes only agreements); a row it cannot vouch for is checked again here.
        let snapshot = ReferenceSnapshot(runtime.portfolio, excluding: .agreement)
        let (file, range) = (file, range)
        let prepare: Preparation<PreparedParty> = {
            var reader = PartyReader()
            let validator = FieldValidator(file: file, references: snapshot)
            return { row in
                if let party = reader.quickParty(row, references: snapshot) { return party }
                guard let (agreementId, record) = try? reader.read(row),
                      let party = try? PartyReader.party(record, row: row.number, validator: validator, range: range) else { return nil }
                return PreparedParty(agreementId: agreementId, party: party)
            }
        }
        try rows(prepare) { input in
            count += 1
            let row: Int
            var record: Record?
            var prepared: PreparedParty?
            let agreementId: String?
            switch input {
            case .prepared(let number, let party):
                (row, prepared, agreementId) = (number, party, party.agreementId)
            case .unread(let rowData):
                row = rowData.number
                if let party = reader.quickParty(rowData, references: runtime) {
                    (prepared, agreementId) = (party, party.agreementId)
                } else {
                    (agreementId, record) = try reader.read(rowData)
                }
            }
            if let open = pending, open.id != agreementId {
                runtime.portfolio.put(open, deferringEdits: true)
                pending = nil
            }
            guard let agreementId, var agreement = pending ?? runtime.portfolio.agreements[agreementId] else {
                throw RowError(row: row, column: "agreement", message: "names no existing agreement",
                               help: agreementId.flatMap { Suggestions.help(for: $0, in: runtime.portfolio.sortedIds(.agreement)) })
            }
            if pending == nil { undo.parties.append((agreement.id, agreement.parties)) }
            pending = nil  // so that `agreement.parties` is the only reference and grows in place
            let party = try prepared?.party ?? PartyReader.party(record!, row: row, validator: validator, range: range)
            if agreement.parties.contains(where: { $0.partner == party.partner }) {
                throw RowError(row: row, column: "partner", message: "`\(party.partner)` is already a party to `\(agreementId)`", help: nil)
            }
            agreement.parties.append(party)
            pending = agreement
        }
        if let pending { runtime.portfolio.put(pending, deferringEdits: true) }
        runtime.portfolio.settle()
        return count
    }

    // MARK: Cells

    /// A CSV cell read as a field of a plain type and checked in one step: what
    /// `convert` then `FieldValidator.validate` give, or nil when the type is not plain or the
    /// cell does not pass (those two then run and word the error, in their order).
    static func quickCell(_ raw: Value, as type: FieldType, references: some ReferenceResolver) -> Value? {
        guard case .string(let text) = raw else { return nil }
        switch type {
        case .string: return raw
        case .identifier: return PortfolioEditor.isIdentifier(text) ? raw : nil
        case .number:
            guard let number = DataImporter.number(text), number.isFinite else { return nil }
            return .number(number)
        case .percent:
            return DataImporter.number(text).map { .number($0) }
        case .integer(let bounds):
            guard let number = DataImporter.number(text), number == number.rounded(),
                  number >= Double(bounds.lowerBound), number <= Double(bounds.upperBound) else { return nil }
            return .number(number)
        case .bounded(let bounds):
            guard let number = DataImporter.number(text), number >= bounds.lowerBound, number <= bounds.upperBound else { return nil }
            return .number(number)
        case .enumeration(let enumType):
            // By the name's bytes (a table look-up), unless it has spaces to trim.
            var name = text
            if let value = name.withUTF8({ bytes -> EnumValue? in
                guard let first = bytes.first, let last = bytes.last, String.isPlain(first), String.isPlain(last) else { return nil }
                return enumType.value(utf8: UnsafeRawBufferPointer(bytes)[...])
            }) {
                return .enumeration(value)
            }
            return enumType.value(named: text.trimmedSpaces).map { .enumeration($0) }
        case .date:
            return Day(iso: text.trimmedSpaces).map { .date($0) }
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: return nil
            }
        case .reference(let entityType):
            let id = text.trimmedSpaces
            return references.exists(entityType, id) ? .reference(entityType, id) : nil
        default:
            return nil
        }
    }


    /// A CSV cell (text) or JSON value, read as a field's type.
    /// `json`: `raw` is a JSON value, so a string for a list field is one item (as in a
    /// definition), not a cell of `;`-separated items or of JSON.
    static func convert(_ raw: Value, to type: FieldType, row: Int, column: String, json: Bool = false) throws -> Value {
        func fail(_ message: String, help: String? = nil) -> RowError {
            RowError(row: row, column: column, message: message, help: help)
        }
        guard case .string(let text) = raw else {
            // JSON values: lists and records convert member by member.
            switch (type, raw) {
            case (.list(let element), .list(let items)):
                return .list(try items.map { try convert($0, to: element, row: row, column: column) })
            case (.party, .record(let record)), (.kpi, .record(let record)), (.milestone, .record(let record)), (.fit, .record(let record)):
                var out = Record()
                for (key, value) in record.pairs {
                    guard let member = type.members?.first(where: { $0.name == key }) else {
                        throw fail("`\(key)` is not a member of \(type.description)", help: Suggestions.help(for: key, in: type.members?.map(\.name) ?? []))
                    }
                    out[key] = value.isNull ? .null : try convert(value, to: member.type, row: row, column: "\(column).\(key)")
                }
                return .record(out)
            case (.decisions, .record(let record)):
                return .record(Record(try record.pairs.map { ($0.0, try convert($0.1, to: .enumeration(.rule), row: row, column: "\(column).\($0.0)")) }))
            default:
                return raw
            }
        }
        switch type {
        case .string, .identifier: return raw
        case .number, .integer, .bounded, .percent:
            guard let number = Self.number(text) else { throw fail("`\(text)` is not a number") }
            return .number(number)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw fail("`\(text)` is not true or false")
            }
        case .date:
            guard let day = Day(iso: text.trimmedSpaces) else { throw fail("`\(text)` is not a date (YYYY-MM-DD)") }
            return .date(day)
        case .duration:
            guard let duration = Duration(text: text.trimmedSpaces) else {
                throw fail("`\(text)` is not a duration such as 90d, 12w, 6mo or 2y (a whole number up to \(Duration.largestAmount))")
            }
            return .duration(duration)
        case .enumeration(let enumType):
            let name = text.trimmedSpaces
            guard let value = enumType.value(named: name) else {
                throw fail("`\(name)` is not a \(enumType.rawValue)", help: Suggestions.help(for: name, in: enumType.cases))
            }
            return .enumeration(value)
        case .reference(let entityType):
            return .reference(entityType, text.trimmedSpaces)
        case .list(let element) where json:
            return .list([try convert(raw, to: element, row: row, column: column, json: true)])
        case .list(let element):
            if text.hasPrefix("[") {
                do { return try convert(try JSONReader.parse(Array(text.utf8)), to: type, row: row, column: column) } catch is JSONFailure {}
            }
            let items = text.split(separator: ";", omittingEmptySubsequences: true).map { $0.trimmedSpaces }
            return .list(try items.map { try convert(.string($0), to: element, row: row, column: column) })
        case .party where PortfolioEditor.isIdentifier(text.trimmedSpaces):
            // A party given by its partner's id alone, as in a definition: `[mercy, stateu]`.
            return .record(Record(keys: ["partner"], values: [.reference(.partner, text.trimmedSpaces)]))
        case .fit, .decisions, .party, .kpi, .milestone:
            do {
                return try convert(try JSONReader.parse(Array(text.utf8)), to: type, row: row, column: column)
            } catch let failure as JSONFailure {
                throw fail("the cell must hold JSON (\(failure.message))")
            }
        }
    }

    /// A number as Ally writes it (`1_000`, `2.5M`, `60%`) or plain.
    static func number(_ text: String) -> Double? {
        // Plain digits, the usual cell (scores, amounts): exact without the text-to-double
        // conversion (15 digits stay below 2^53, so the value is the same).
        let utf8 = text.utf8
        if !utf8.isEmpty, utf8.count <= 15 {
            var whole = 0
            var digits = true
            for byte in utf8 {
                guard byte >= 0x30, byte <= 0x39 else { digits = false; break }
                whole = whole * 10 + Int(byte - 0x30)
            }
            if digits { return Double(whole) }
        }
        var body = text.trimmedSpaces
        if body.utf8.contains(UInt8(ascii: "_")) { body = body.replacingOccurrences(of: "_", with: "") }
        var multiplier = 1.0
        if let last = body.last {
            switch last {
            case "k": multiplier = 1e3
            case "M": multiplier = 1e6
            case "B": multiplier = 1e9
            case "%": multiplier = 0.01
            default: break
            }
            if multiplier != 1 { body.removeLast() }
        }
        guard let value = Double(body), value.isFinite else { return nil }
        return multiplier == 0.01 ? value / 100 : value * multiplier
    }
}

extension String {
    /// Not a byte `trimmedSpaces` trims (space, tab) nor part of a wider character.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }

    /// `trimmedSpaces` of a string (every cell): its first and last bytes read in place.
    var trimmedSpaces: String {
        var copy = self
        let plain = copy.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return Self.isPlain(first) && Self.isPlain(last)
        }
        return plain ? self : trimmingCharacters(in: .whitespaces)
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's round trip through UTF-16
    /// when there is nothing to trim (the usual cell): `.whitespaces` holds no ASCII byte but
    /// space and tab.
    var trimmedSpaces: String {
        guard let first = utf8.first, let last = utf8.last else { return String(self) }
        if String.isPlain(first), String.isPlain(last) { return String(self) }
        return trimmingCharacters(in: .whitespaces)
    }
}
