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
    private var tokens: DefinitionTokens
    private var words = WordCache()
    /// Lists and blocks open: a definition nested deeper than data is written goes to the
    /// parser, which has the depth limit and its error.
    private var depth = 0
    private static let maximumDepth = 8

    private typealias GiveUp = DefinitionTokens.GiveUp
    private var file: SourceFile { tokens.file }
    private var token: Token { tokens.token }
    private var sawNewline: Bool { tokens.sawNewline }

    init(file: SourceFile) {
        tokens = DefinitionTokens(file: file)
    }

    /// A reader a parser keeps by reference.
    final class Box {
        var reader: DefinitionReader
        init(_ reader: DefinitionReader) { self.reader = reader }
    }

    /// The definition whose first token (the entity type) starts at `start`, and where the
    /// parser goes on: the start of the next line (or the end of the input, or just past a `;`).
    mutating func read(at start: Int) -> (statement: Statement, end: Int)? {
        tokens.restart(at: start)
        depth = 0
        do {
            return try readDefinition(start)
        } catch {
            return nil
        }
    }

    private mutating func name() throws(GiveUp) -> Name {
        guard token.kind == .identifier else { throw GiveUp() }
        let name = Name(words.text(token.range, in: file), token.range)
        try tokens.advance()
        return name
    }

    private mutating func readDefinition(_ start: Int) throws(GiveUp) -> (statement: Statement, end: Int) {
        try tokens.advance()
        let typeName = try name()
        guard let type = EntityType(rawValue: typeName.text) else { throw GiveUp() }
        let id = try name()
        guard token.kind == .leftBrace else { throw GiveUp() }
        // The closing brace ends the statement: read what follows it with the lexer alone.
        let (fields, close) = try fieldBlock(last: true)
        let statement = Statement(kind: .define(type, id: id, fields: fields), range: SourceRange(start, close.range.upper))
        return (statement, try tokens.lineEnd(after: close.range.upper))
    }

    /// `{ name: value, ... }` with the current token its `{`; returns the fields and the `}`.
    /// `last`: the block ends the statement, so nothing is read after its `}`.
    private mutating func fieldBlock(last: Bool = false) throws(GiveUp) -> ([FieldInit], Token) {
        try tokens.enter(brace: true)
        var fields: [FieldInit] = []
        fields.reserveCapacity(12)
        while let field = try tokens.nextField() {
            let value = try self.value()
            fields.append(FieldInit(name: Name(words.text(field.range, in: file), field.range), value: value))
            try tokens.endField()
        }
        let close = token
        try tokens.leave(last: last)
        return (fields, close)
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
            try tokens.advance()
            return Expr(.number(number), start.range)
        case .string:
            guard let text = try? Parser.decodeString(start, in: file) else { throw GiveUp() }
            try tokens.advance()
            return Expr(.string(text), start.range)
        case .date:
            guard let day = Day(isoUTF8: tokens.bytes) else { throw GiveUp() }
            try tokens.advance()
            return Expr(.date(day), start.range)
        case .duration:
            guard let duration = Duration(plainUTF8: tokens.bytes) else { throw GiveUp() }
            try tokens.advance()
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
            try tokens.enter(brace: false)
            var items: [Expr] = []
            while token.kind != .rightBracket {
                items.append(try value())
                if token.kind == .comma {
                    try tokens.advance()
                } else if token.kind != .rightBracket {
                    throw GiveUp()
                }
            }
            let close = token
            try tokens.leave()
            return Expr(.list(items), start.range.union(close.range))
        case .leftBrace:
            let (fields, close) = try fieldBlock()
            return Expr(.record(fields), start.range.union(close.range))
        default:
            throw GiveUp()
        }
    }
}
