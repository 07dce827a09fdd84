import Foundation

extension DataImporter {
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
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .number, references: references) else { return nil }
                    contributes = number
                case "equity":
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .percent, references: references) else { return nil }
                    equity = number
                case "votes":
                    guard case .number(let number)? = DataImporter.quickCell(cell, as: .number, references: references) else { return nil }
                    votes = number
                default: return nil
                }
            }
            guard let partner, FieldType.partyProblem(contributes: contributes, equity: equity) == nil else { return nil }
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

    /// The agreement with its parties in an array of their size: appended one by one, three
    /// parties take room for four (300,000 agreements are stored so).
    private static func withTrimmedParties(_ agreement: Agreement) -> Agreement {
        guard agreement.parties.capacity > agreement.parties.count else { return agreement }
        var agreement = agreement
        agreement.parties = Undo.trimmed(agreement.parties)
        return agreement
    }

    func importParties(_ rows: RowSource<PreparedParty>) throws -> Int {
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
            if count & 4095 == 0 { WorkProgress.set(count) }
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
                runtime.portfolio.put(Self.withTrimmedParties(open), deferringEdits: true)
                pending = nil
            }
            guard let agreementId, var agreement = pending ?? runtime.portfolio.agreements[agreementId] else {
                throw RowError(row: row, column: "agreement", message: "names no existing agreement",
                               help: agreementId.flatMap { Suggestions.help(for: $0, in: runtime.portfolio.sortedIds(.agreement)) })
            }
            if pending == nil { undo.recordParties(of: agreement) }
            pending = nil  // so that `agreement.parties` is the only reference and grows in place
            let party = try prepared?.party ?? PartyReader.party(record!, row: row, validator: validator, range: range)
            if agreement.parties.contains(where: { $0.partner == party.partner }) {
                throw RowError(row: row, column: "partner", message: "`\(party.partner)` is already a party to `\(agreementId)`", help: nil)
            }
            agreement.parties.append(party)
            pending = agreement
        }
        if let pending { runtime.portfolio.put(Self.withTrimmedParties(pending), deferringEdits: true) }
        WorkProgress.set(count)  // every row is in while the index entries settle
        runtime.portfolio.settle()
        undo.trim()
        return count
    }
}
