/// A definition decoded straight into its entity (`DefinitionDecoder`), possibly on a script's
/// parsing thread before the statements ahead of it have run: every value is checked except
/// whether the entities it names exist (those statements may define them) and the rules that
/// look at the portfolio, which `PortfolioEditor.define(_:)` checks when it runs.
struct DecodedDefinition: Sendable {
    let entity: Entity
    /// The statement's source.
    let range: SourceRange
    /// Where its id is written (a taken id is reported there).
    let idRange: SourceRange

    init(entity: Entity, range: SourceRange, idRange: SourceRange) {
        (self.entity, self.range, self.idRange) = (entity, range, idRange)
    }
}

/// Decodes the usual definition (`stakeholder s1 { name: "Ada", org: p1, knows: [s2] }`: literals,
/// on one line or a field a line, as `save` and `ally generate` write them) straight from its
/// tokens into the entity, without the syntax tree, expressions and diagnostics that the general
/// way (the parser, then `DefinitionBuilder`) builds, resolves and checks: loading a portfolio
/// script is almost all definitions, and that was two thirds of it.
///
/// It knows no field: a field's name finds its catalog entry (`FieldCatalog`), whose type says
/// which literal to read and the rules it must pass, and the entry writes the value into the
/// entity. A new stored field is decoded once it is in the catalog.
///
/// It accepts a definition only when the general way would build the same entity from it, given
/// that the entities it names exist and the invariants hold (the running thread checks both).
/// Anything else, valid or not, makes it give up: a value written another way than the usual
/// literal (a string for an enum case, an expression, a binding), an unknown, computed or
/// repeated field or member, a value of the wrong kind or out of range, a missing required
/// field or member, a reserved id. The general way then does the statement and reports its
/// errors, so errors are always the general way's. A test holds the two ways together.
struct DefinitionDecoder {
    private var tokens: DefinitionTokens
    private var words = WordCache()
    /// The fields of the definition being read, a buffer kept from one to the next.
    private var values: [(FieldSpec, Value)] = []
    private typealias GiveUp = DefinitionTokens.GiveUp

    init(file: SourceFile) {
        tokens = DefinitionTokens(file: file)
    }

    /// The definition whose first token (the entity type) starts at `start`, and where the
    /// parser goes on; nil when it is not one this decodes.
    mutating func decode(at start: Int) -> (definition: DecodedDefinition, end: Int)? {
        tokens.restart(at: start)
        do {
            return try decodeDefinition(start)
        } catch {
            return nil
        }
    }

    private var token: Token { tokens.token }

    private func bytes(_ token: Token) -> Slice<UnsafeRawBufferPointer> {
        tokens.file.bytes[token.range.lower..<token.range.upper]
    }

    private mutating func decodeDefinition(_ start: Int) throws(GiveUp) -> (definition: DecodedDefinition, end: Int) {
        try tokens.advance()
        // Any other statement gives up at its first word.
        let type: EntityType
        if tokens.isWord("partner") {
            type = .partner
        } else if tokens.isWord("agreement") {
            type = .agreement
        } else if tokens.isWord("stakeholder") {
            type = .stakeholder
        } else {
            throw GiveUp()
        }
        try tokens.advance()
        let idToken = token
        let id = try reference()
        guard !PortfolioEditor.isReservedId(id), token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        let entity = try fields(of: type, id: id)
        // The closing brace ends the statement: what follows it is read with the lexer alone.
        let close = token
        try tokens.leave(last: true)
        let definition = DecodedDefinition(entity: entity, range: SourceRange(start, close.range.upper), idRange: idToken.range)
        return (definition, try tokens.lineEnd(after: close.range.upper))
    }

    // MARK: Fields

    /// A type's stored fields but the id, from the catalog, by name, with a bit each (a
    /// definition gives a field once), and the bits of the required ones. A field whose name is
    /// too long for the table would only send its definitions the general way.
    private struct FieldTable {
        let fields: [FieldSpec]
        /// A field's index in `fields` (and its bit) by name: an index, not the entry, so that
        /// a look-up retains nothing.
        let names: ShortNameTable<Int>
        let required: UInt64

        init(_ type: EntityType) {
            fields = FieldCatalog.storedFields(of: type).filter { $0.name != "id" }
            precondition(fields.count <= 64, "a definition's fields are seen in a 64-bit set")
            names = ShortNameTable(fields.enumerated().map { ($1.name, $0) })
            required = fields.enumerated().reduce(0) { $0 | ($1.element.isRequired ? UInt64(1) << UInt64($1.offset) : 0) }
        }
    }

    private static let fieldTables = EntityType.allCases.map(FieldTable.init)

    /// The block's fields, each read as its catalog type says and written into the entity by
    /// the catalog (`PortfolioEditor.make`, as the general way and imports write them).
    private mutating func fields(of type: EntityType, id: String) throws(GiveUp) -> Entity {
        let table = Self.fieldTables[type.order]
        var seen: UInt64 = 0
        values.removeAll(keepingCapacity: true)
        while let field = try tokens.nextField() {
            guard let index = table.names[bytes(field)], seen & (1 << UInt64(index)) == 0 else { throw GiveUp() }
            seen |= 1 << UInt64(index)
            let spec = table.fields[index]
            values.append((spec, try value(spec.type, nullable: spec.isNullable)))
            try tokens.endField()
        }
        guard seen & table.required == table.required else { throw GiveUp() }
        return PortfolioEditor.make(type, id: id, values: values)
    }

    /// A value of `type` written as its usual literal, admitted by the type's rules
    /// (`FieldType.admits`, `partyProblem`, the enumeration's cases, the record's members).
    private mutating func value(_ type: FieldType, nullable: Bool) throws(GiveUp) -> Value {
        if nullable, tokens.isWord("null") {
            try tokens.advance()
            return .null
        }
        switch type {
        case .string: return .string(try string())
        case .number, .percent, .integer, .bounded: return .number(try number(type))
        case .bool: return .bool(try bool())
        case .date: return .date(try date())
        case .duration: return .duration(try duration())
        case .enumeration(let enumType): return .enumeration(try enumCase(enumType))
        case .reference(let entityType): return .reference(entityType, try reference())
        case .list(let element):
            // A single string where a list of strings is expected: a one-item list.
            if element == .string, token.kind == .string { return .list([.string(try string())]) }
            return .list(try list { decoder throws(GiveUp) in try decoder.value(element, nullable: false) })
        case .fit, .kpi, .milestone:
            var record = Record()
            record.keys.reserveCapacity(type.members!.count)
            record.values.reserveCapacity(type.members!.count)
            try members(of: type, into: &record, seen: 0)
            return .record(record)
        case .party: return try party()
        case .decisions: return .record(try decisionRules())
        case .identifier: throw GiveUp()
        }
    }

    // MARK: Records

    /// A record type's members by name, with their index and a bit each, and the required bits.
    private struct MemberTable {
        let members: [FieldType.Member]
        let names: ShortNameTable<(Int, UInt32)>
        let required: UInt32

        init(_ type: FieldType) {
            members = type.members!
            names = ShortNameTable(members.enumerated().map { ($1.name, ($0, UInt32(1) << UInt32($0))) })
            required = members.enumerated().reduce(0) { $0 | ($1.element.required ? UInt32(1) << UInt32($1.offset) : 0) }
        }

        func bit(_ name: String) -> UInt32 { UInt32(1) << UInt32(members.firstIndex { $0.name == name }!) }
    }

    private static let fitMembers = MemberTable(.fit)
    private static let partyMembers = MemberTable(.party)
    private static let kpiMembers = MemberTable(.kpi)
    private static let milestoneMembers = MemberTable(.milestone)
    /// The members seen once a party's partner is given before its braces.
    private static let taggedParty = partyMembers.bit("partner")

    /// `{member: value, ...}` of a record type: known members, each once, the required ones given.
    private mutating func members(of type: FieldType, into record: inout Record, seen given: UInt32) throws(GiveUp) {
        let table: MemberTable
        switch type {
        case .fit: table = Self.fitMembers
        case .party: table = Self.partyMembers
        case .kpi: table = Self.kpiMembers
        default: table = Self.milestoneMembers
        }
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var seen = given
        while let field = try tokens.nextField() {
            guard let (index, bit) = table.names[bytes(field)], seen & bit == 0 else { throw GiveUp() }
            seen |= bit
            let member = table.members[index]
            record.keys.append(member.name)
            record.values.append(try value(member.type, nullable: member.nullable))
            try tokens.endField()
        }
        try tokens.leave()
        guard seen & table.required == table.required else { throw GiveUp() }
    }

    /// `{strategy: unanimous, ...}`: any decision names, each once, in the order written.
    private mutating func decisionRules() throws(GiveUp) -> Record {
        guard token.kind == .leftBrace else { throw GiveUp() }
        try tokens.enter(brace: true)
        var rules = Record()
        while let member = try tokens.nextField() {
            let name = words.text(member.range, in: tokens.file)
            guard !rules.keys.contains(name) else { throw GiveUp() }
            rules.keys.append(name)
            rules.values.append(.enumeration(try enumCase(.rule)))
            try tokens.endField()
        }
        try tokens.leave()
        return rules
    }

    /// A party: `p1`, `p1 {role: lead, ...}` or `{partner: p1, role: lead, ...}`.
    private mutating func party() throws(GiveUp) -> Value {
        var record = Record()
        record.keys.reserveCapacity(Self.partyMembers.members.count)
        record.values.reserveCapacity(Self.partyMembers.members.count)
        var seen: UInt32 = 0
        if token.kind == .identifier {
            record.keys.append("partner")
            record.values.append(.reference(.partner, try reference()))
            // Tagged: the partner is given before the braces, not inside them.
            seen = Self.taggedParty
            // (After a newline that separates, a `{` belongs to what follows.)
            guard token.kind == .leftBrace, !tokens.sawNewline else { return .record(record) }
        }
        try members(of: .party, into: &record, seen: seen)
        guard FieldType.partyProblem(contributes: record["contributes"]?.number, equity: record["equity"]?.number) == nil else {
            throw GiveUp()
        }
        return .record(record)
    }

    // MARK: Values

    /// `[item, ...]` (a trailing comma allowed).
    private mutating func list<Item>(_ item: (inout Self) throws(GiveUp) -> Item) throws(GiveUp) -> [Item] {
        guard token.kind == .leftBracket else { throw GiveUp() }
        try tokens.enter(brace: false)
        var items: [Item] = []
        while token.kind != .rightBracket {
            items.append(try item(&self))
            if token.kind == .comma {
                try tokens.advance()
            } else if token.kind != .rightBracket {
                throw GiveUp()
            }
        }
        try tokens.leave()
        return items
    }

    private mutating func string() throws(GiveUp) -> String {
        guard token.kind == .string, let text = try? Parser.decodeString(token, in: tokens.file) else { throw GiveUp() }
        try tokens.advance()
        return text
    }

    /// An id, written as a name (not one of the words that read as literals).
    private mutating func reference() throws(GiveUp) -> String {
        guard token.kind == .identifier, !tokens.isWord("true"), !tokens.isWord("false"), !tokens.isWord("null"),
              !tokens.isWord("today") else { throw GiveUp() }
        let id = words.text(token.range, in: tokens.file)
        try tokens.advance()
        return id
    }

    /// A case of `type`, written as a name.
    private mutating func enumCase(_ type: EnumType) throws(GiveUp) -> EnumValue {
        guard token.kind == .identifier, let value = type.value(utf8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return value
    }

    private mutating func bool() throws(GiveUp) -> Bool {
        let value: Bool
        if tokens.isWord("true") {
            value = true
        } else if tokens.isWord("false") {
            value = false
        } else {
            throw GiveUp()
        }
        try tokens.advance()
        return value
    }

    /// A finite number (as every number literal is) that `type` admits.
    private mutating func number(_ type: FieldType = .number) throws(GiveUp) -> Double {
        guard token.kind == .number, let number = try? Parser.decodeNumber(token, in: tokens.file), number.isFinite,
              type.admits(number) else { throw GiveUp() }
        try tokens.advance()
        return number
    }

    private mutating func date() throws(GiveUp) -> Day {
        guard token.kind == .date, let day = Day(isoUTF8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return day
    }

    private mutating func duration() throws(GiveUp) -> Duration {
        guard token.kind == .duration, let duration = Duration(plainUTF8: tokens.bytes) else { throw GiveUp() }
        try tokens.advance()
        return duration
    }
}
