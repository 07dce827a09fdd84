/// Reads the usual definition (`stakeholder s1 { name: "Ada", org: p1, knows: [s2] }`, made of
/// literals, on one line or, as `save` writes it, a field a line) straight from the lexer into
/// the syntax tree the parser would build, without the parser's token window or its precedence
/// levels: a portfolio script is almost all such definitions.
///
/// It reads a subset of `definition` in `grammar/ally.ebnf` and builds exactly what the parser
/// builds for it (the same nodes, names, values and ranges; a test holds the two together).
/// Newlines count as the parser's token stream counts them. Anything else (an operator, a
/// call, a value the lexer or a literal's decoding rejects, a newline where a field is not
/// done, something after the closing `}` on its line, a line that a `|` continues) makes it
/// give up, and the parser reads the statement as ever: errors are always the parser's.
struct DefinitionReader {
    let file: SourceFile
    private var lexer: Lexer
    private var words = WordCache()
    /// The token read ahead.
    private var token = Token(.endOfFile, .none)
    /// Lists and blocks open: a definition nested deeper than data is written goes to the
    /// parser, which has the depth limit and its error.
    private var depth = 0
    private static let maximumDepth = 8
    /// The brackets open around the current token, innermost last: true for `{`, false for `[`.
    private var open: [Bool] = []
    /// Whether a newline inside `{ }` came before the current token: a separator there.
    private var sawNewline = false

    init(file: SourceFile) {
        self.file = file
        lexer = Lexer(file: file)
    }

    /// A reader a parser keeps by reference.
    final class Box {
        var reader: DefinitionReader
        init(_ reader: DefinitionReader) { self.reader = reader }
    }

    /// Not the usual definition: the parser reads it.
    private struct GiveUp: Error {}

    /// The definition whose first token (the entity type) starts at `start`, and where the
    /// parser goes on: the start of the next line (or the end of the input, or just past a `;`).
    mutating func read(at start: Int) -> (statement: Statement, end: Int)? {
        lexer.restart(at: start)
        depth = 0
        open.removeAll(keepingCapacity: true)
        sawNewline = false
        token = Token(.endOfFile, .none)
        do {
            return try readDefinition(start)
        } catch {
            return nil
        }
    }

    /// Reads the next token, past newlines as the parser's token stream treats them: inside
    /// `[ ]` they are nothing; inside `{ }` a newline separates (`sawNewline`), unless the line
    /// ends with a token that continues it (then the stream would join the lines: give up);
    /// outside both the statement would end (give up). A `|` can only be a line continuing.
    private mutating func advance() throws(GiveUp) {
        let previous = token
        token = lexer.nextRaw()
        sawNewline = false
        while token.kind == .newline {
            guard let brace = open.last else { throw GiveUp() }
            if brace {
                if previous.kind != .comma, Lexer.continuesAfter(previous, bytes: file.bytes) { throw GiveUp() }
                sawNewline = true
            }
            token = lexer.nextRaw()
        }
        if token.kind == .invalid || token.kind == .pipe { throw GiveUp() }
    }

    private mutating func expect(_ kind: Token.Kind) throws(GiveUp) -> Token {
        guard token.kind == kind else { throw GiveUp() }
        let taken = token
        try advance()
        return taken
    }

    private mutating func name() throws(GiveUp) -> Name {
        guard token.kind == .identifier else { throw GiveUp() }
        let name = Name(words.text(token.range, in: file), token.range)
        try advance()
        return name
    }

    private mutating func readDefinition(_ start: Int) throws(GiveUp) -> (statement: Statement, end: Int) {
        try advance()
        let typeName = try name()
        guard let type = EntityType(rawValue: typeName.text) else { throw GiveUp() }
        let id = try name()
        guard token.kind == .leftBrace else { throw GiveUp() }
        // The closing brace ends the statement: read what follows it with the lexer alone.
        let (fields, close) = try fieldBlock(last: true)
        let statement = Statement(kind: .define(type, id: id, fields: fields), range: SourceRange(start, close.range.upper))
        return (statement, try lineEnd(after: close.range.upper))
    }

    /// Where the parser goes on after a definition that ends at `position`: past blanks and the
    /// newline (or `;`) that ends it. A comment, anything else on the line, or a next line that
    /// starts with `|` (which would continue the statement) gives up.
    private func lineEnd(after position: Int) throws(GiveUp) -> Int {
        let bytes = file.bytes
        var cursor = position
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 || bytes[cursor] == 0x0D { cursor += 1 }
        if cursor == bytes.count { return cursor }
        if bytes[cursor] == UInt8(ascii: ";") { return cursor + 1 }
        guard bytes[cursor] == 0x0A else { throw GiveUp() }
        cursor += 1
        // A following line that starts (after blank and comment lines) with `|` continues this
        // statement.
        var look = cursor
        while look < bytes.count {
            let byte = bytes[look]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                look += 1
            } else if byte == UInt8(ascii: "#") {
                while look < bytes.count, bytes[look] != 0x0A { look += 1 }
            } else {
                break
            }
        }
        if look < bytes.count, bytes[look] == UInt8(ascii: "|") { throw GiveUp() }
        return cursor
    }

    /// `{ name: value, ... }` with the current token its `{`; returns the fields and the `}`.
    /// `last`: the block ends the statement, so nothing is read after its `}`.
    private mutating func fieldBlock(last: Bool = false) throws(GiveUp) -> ([FieldInit], Token) {
        open.append(true)
        try advance()
        var fields: [FieldInit] = []
        while true {
            while token.kind == .comma || token.kind == .semicolon { try advance() }
            if token.kind == .rightBrace {
                let close = token
                open.removeLast()
                if !last { try advance() }
                return (fields, close)
            }
            let field = try name()
            // A newline before the `:` or the value ends the field: the parser's error.
            guard !sawNewline else { throw GiveUp() }
            _ = try expect(.colon)
            guard !sawNewline else { throw GiveUp() }
            let value = try self.value()
            fields.append(FieldInit(name: field, value: value))
            switch token.kind {
            case .comma, .semicolon, .rightBrace: break
            default: guard sawNewline else { throw GiveUp() }
            }
        }
    }

    /// A literal, a name, a tagged id, a list or a record, followed by a separator or a closing
    /// bracket (anything else, an operator say, gives up).
    private mutating func value() throws(GiveUp) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw GiveUp() }
        let start = token
        switch start.kind {
        case .number:
            guard let number = try? Parser.decodeNumber(start, in: file) else { throw GiveUp() }
            try advance()
            return Expr(.number(number), start.range)
        case .string:
            guard let text = try? Parser.decodeString(start, in: file) else { throw GiveUp() }
            try advance()
            return Expr(.string(text), start.range)
        case .date:
            guard let day = Day(isoUTF8: file.bytes[start.range.lower..<start.range.upper]) else { throw GiveUp() }
            try advance()
            return Expr(.date(day), start.range)
        case .duration:
            guard let duration = Duration(plainUTF8: file.bytes[start.range.lower..<start.range.upper]) else { throw GiveUp() }
            try advance()
            return Expr(.duration(duration), start.range)
        case .identifier:
            let word = try name()
            if (4...5).contains(start.range.upper - start.range.lower), let keyword = Parser.keywordLiteral(word.text) {
                return Expr(keyword, start.range)
            }
            // (After a newline that separates, a `{` or `(` belongs to what follows.)
            if token.kind == .leftBrace, !sawNewline {
                let (fields, close) = try fieldBlock()
                return Expr(.tagged(word, fields), start.range.union(close.range))
            }
            if token.kind == .leftParen, !sawNewline { throw GiveUp() }
            return Expr(.name(word.text), start.range)
        case .leftBracket:
            open.append(false)
            try advance()
            var items: [Expr] = []
            while token.kind != .rightBracket {
                items.append(try value())
                if token.kind == .comma {
                    try advance()
                } else if token.kind != .rightBracket {
                    throw GiveUp()
                }
            }
            let close = token
            open.removeLast()
            try advance()
            return Expr(.list(items), start.range.union(close.range))
        case .leftBrace:
            let (fields, close) = try fieldBlock()
            return Expr(.record(fields), start.range.union(close.range))
        default:
            throw GiveUp()
        }
    }
}
