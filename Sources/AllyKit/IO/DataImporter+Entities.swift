import Foundation

extension DataImporter {
    // MARK: Entities

    /// What each column of a file holds, worked out once per file (once per record for JSON,
    /// whose records name their own keys).
    fileprivate struct ColumnPlan {
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
        /// The fit scores the file has a `fit.NAME` column for, by slot.
        let fitColumns: [Bool]
        /// What a row that starts from an existing entity keeps of it (`refresh`): the stored
        /// fields the file has no column for, and the ties (set once every row is in).
        let kept: [FieldSpec]
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
            fitColumns = Self.fitNames.indices.map { slot in
                plan.contains { if case .fit(_, slot) = $0 { return true } else { return false } }
            }
            kept = FieldCatalog.storedFields(of: type).filter { spec in
                spec.name != "id" && (!specs.contains { $0 === spec } || (type == .stakeholder && spec.name == "knows"))
            }
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
    struct BuiltRow: Sendable {
        let id: String
        let entity: Entity
        let knows: Value?
    }

    /// Builds rows' entities: every cell converted and checked against its field, required
    /// fields and invariants checked; everything but whether the id is free. With a
    /// `ReferenceSnapshot` it runs on an import's reading thread. `import` and `refresh` both
    /// build their rows here; a refresh's row whose id exists starts from that entity.
    struct EntityBuilder<References: ReferenceResolver> {
        /// A row that failed once its id was known: a taken id is reported instead, as the
        /// checks run in that order.
        struct FailureAfterId: Error {
            let failure: RowError
            let id: String
        }

        let type: EntityType
        let validator: FieldValidator<References>
        let range: SourceRange
        /// For `refresh`: the existing entity of an id, which the row's values go onto; nil for
        /// `import`, whose rows are all new.
        let existing: ((String) -> Entity?)?
        private var plan: ColumnPlan?
        // Buffers reused row after row.
        private var slots: [Value?] = []
        /// Whether `slots[i]` already passed its field's check (read by `quickCell`).
        private var validated: [Bool] = []
        private var fit: [Value?] = Array(repeating: nil, count: ColumnPlan.fitNames.count)
        private var checked: [(FieldSpec, Value)] = []

        init(type: EntityType, validator: FieldValidator<References>, range: SourceRange, existing: ((String) -> Entity?)? = nil) {
            self.type = type
            self.validator = validator
            self.range = range
            self.existing = existing
        }

        mutating func build(_ row: Row) throws -> BuiltRow {
            if plan?.columns != row.columns { plan = ColumnPlan(row.columns, type: type) }
            let plan = plan!
            let id = try readCells(row, plan: plan)
            guard let id, PortfolioEditor.isIdentifier(id) else {
                throw RowError(row: row.number, column: "id", message: "needs an id made of letters, digits and _", help: nil)
            }
            if PortfolioEditor.isReservedId(id) {
                throw RowError(row: row.number, column: "id", message: "`\(id)` cannot be an id: it reads as a literal or an operator", help: nil)
            }
            do {
                let start = existing?(id)
                setFit(plan: plan, onto: start)
                var knows: Value?
                if let slot = plan.knowsSlot {
                    // (A refresh's empty `knows` cell clears the ties.)
                    knows = slots[slot] ?? (existing == nil ? nil : .list([]))
                    slots[slot] = nil
                }
                try checkRequired(row: row.number, id: id, plan: plan, starting: start != nil)
                checked.removeAll(keepingCapacity: true)
                if let start {
                    for spec in plan.kept { checked.append((spec, spec.read!(start))) }
                }
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

        /// Every required field (but id) has a value, or (for a row that starts from an existing
        /// entity) no column.
        private func checkRequired(row: Int, id: String, plan: ColumnPlan, starting: Bool) throws {
            for (spec, slot) in plan.required {
                if let slot, slots[slot] != nil { continue }
                if starting, slot == nil { continue }
                let message = existing != nil && !starting ? "`\(spec.name)` is required for a new \(type.rawValue) (`\(id)` does not exist)"
                    : "`\(spec.name)` is required"
                throw RowError(row: row, column: spec.name, message: message, help: nil)
            }
        }

        /// The scores of the row's `fit.NAME` columns, as one record in the fit slot. A row that
        /// starts from an existing partner keeps its other scores; an empty cell clears one.
        private mutating func setFit(plan: ColumnPlan, onto start: Entity?) {
            guard let slot = plan.fitSlot else { return }
            var record = Record()
            if case .partner(let partner)? = start, plan.fitColumns.contains(true) {
                for (index, name) in ColumnPlan.fitNames.enumerated() {
                    let score = plan.fitColumns[index] ? fit[index] : partner.fit[FitScores.dimensions.firstIndex(of: name)!].map(Value.number)
                    record.keys.append(name)
                    record.values.append(score ?? .null)
                }
            } else {
                for (index, score) in fit.enumerated() {
                    guard let score else { continue }
                    record.keys.append(ColumnPlan.fitNames[index])
                    record.values.append(score)
                }
                if record.keys.isEmpty { return }
            }
            slots[slot] = .record(record)
            // Each score passed its check as it was read; the record holds nothing else.
            validated[slot] = true
        }

        /// Converts the row's cells into `slots` and the fit scores into `fit`; the id, if the
        /// row has one.
        private mutating func readCells(_ row: Row, plan: ColumnPlan) throws -> String? {
            // Cells convert in column order; a repeated column replaces an earlier one.
            if slots.count != plan.fields.count {
                slots = Array(repeating: nil, count: plan.fields.count)
                validated = Array(repeating: false, count: plan.fields.count)
            } else {
                for index in slots.indices { slots[index] = nil }
            }
            // (A row that failed may have left scores behind.)
            for index in fit.indices { fit[index] = nil }
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
                    if let score = DataImporter.quickCell(raw, as: FieldType.fitScore, references: validator.references) {
                        fit[slot] = score
                        continue
                    }
                    let score = try DataImporter.convert(raw, to: FieldType.fitScore, row: row.number, column: name)
                    do {
                        fit[slot] = try validator.validate(score, as: FieldType.fitScore, nullable: true, field: name, range: range)
                    } catch let diagnostic as Diagnostic {
                        throw RowError(row: row.number, column: name, message: diagnostic.message, help: diagnostic.help)
                    }
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
            return id
        }
    }

    func importEntities(_ rows: RowSource<BuiltRow>, type: EntityType) throws -> Int {
        let editor = PortfolioEditor(runtime: runtime, file: file)
        undo.type = type
        undo.typeWasEmpty = runtime.portfolio.count(type) == 0
        var deferredTies: [DeferredTie] = []
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
            if count & 4095 == 0 { WorkProgress.set(count) }
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
            if let knows = built.knows { deferredTies.append(DeferredTie(row: number, id: built.id, knows: knows)) }
            // Relation-index entries wait, to be made in order of the partners they go under.
            guard runtime.portfolio.insertNew(built.entity, deferringEdits: true, reboxing: true) else { throw taken(built.id) }
            if !undo.typeWasEmpty { undo.inserted.append(built.id) }
        }
        // The count shown so far is the last multiple of 4,096: the rows are all in while the
        // index entries settle.
        WorkProgress.set(count)
        runtime.portfolio.settle()
        try Self.setTies(deferredTies, editor: editor, range: range)
        return count
    }

    /// A row's `knows` cell, set once every row is in: a tie may name a stakeholder further
    /// down the file.
    struct DeferredTie {
        let row: Int
        let id: String
        let knows: Value
    }

    /// Sets each row's ties, checked as a definition's are (a row whose ties are wrong fails at
    /// its `knows` column); `import` and `refresh` both end with it.
    static func setTies(_ ties: [DeferredTie], editor: PortfolioEditor, range: SourceRange) throws {
        let runtime = editor.runtime
        for tie in ties {
            guard case .stakeholder(var stakeholder)? = runtime.portfolio.entity(EntityKey(.stakeholder, tie.id)) else { continue }
            let before = stakeholder.knows
            do {
                let checked = try editor.validate(tie.knows, as: .list(.reference(.stakeholder)), nullable: false, field: "knows", range: range)
                stakeholder.knows = FieldCatalog.stringList(checked)
                try editor.checkInvariants(.stakeholder(stakeholder), range: range)
            } catch let diagnostic as Diagnostic {
                throw RowError(row: tie.row, column: "knows", message: diagnostic.message, help: diagnostic.help)
            }
            // Only the ties changed: a row that names the ties already held stores nothing.
            if stakeholder.knows != before { runtime.portfolio.put(stakeholder) }
        }
    }
}
