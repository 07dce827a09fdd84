/// The tokens of one definition (`stakeholder s1 { name: "Ada", org: p1 }`, on one line or a
/// field a line) read straight from the lexer, with newlines counted as the parser's token
/// stream counts them, for the reader that skips the parser's token window, `DefinitionDecoder`
/// (into the entity). Anything they do not
/// expect makes them give up (`GiveUp`), and the parser reads the statement as ever.
struct DefinitionTokens {
    let file: SourceFile
    private var lexer: Lexer
    /// The token read ahead.
    private(set) var token = Token(.endOfFile, .none)
    /// The brackets open around the current token, innermost last: true for `{`, false for `[`.
    private var open: [Bool] = []
    /// Whether a newline inside `{ }` came before the current token: a separator there.
    private(set) var sawNewline = false

    /// Not the usual definition: the parser reads it.
    struct GiveUp: Error {}

    init(file: SourceFile) {
        self.file = file
        lexer = Lexer(file: file)
    }

    /// Starts over at `start`, a statement's first token; `advance` reads it.
    mutating func restart(at start: Int) {
        lexer.restart(at: start)
        open.removeAll(keepingCapacity: true)
        sawNewline = false
        token = Token(.endOfFile, .none)
    }

    /// Reads the next token, past newlines as the parser's token stream treats them: inside
    /// `[ ]` they are nothing; inside `{ }` a newline separates (`sawNewline`), unless the line
    /// ends with a token that continues it (then the stream would join the lines: give up);
    /// outside both the statement would end (give up). A `|` can only be a line continuing.
    mutating func advance() throws(GiveUp) {
        let previous = token
        token = lexer.nextRaw()
        sawNewline = false
        while token.kind == .newline {
            guard let brace = open.last else { throw GiveUp() }
            if brace {
                if previous.kind != .comma, StatementBoundary.continuesAfter(previous, bytes: file.bytes) { throw GiveUp() }
                sawNewline = true
            }
            token = lexer.nextRaw()
        }
        if token.kind == .invalid || token.kind == .pipe { throw GiveUp() }
    }

    /// The current token if it is of `kind` (then reads the next), else gives up.
    mutating func expect(_ kind: Token.Kind) throws(GiveUp) -> Token {
        guard token.kind == kind else { throw GiveUp() }
        let taken = token
        try advance()
        return taken
    }

    /// The current token, a `{` (`brace`) or `[`, opens a bracket: reads past it.
    mutating func enter(brace: Bool) throws(GiveUp) {
        open.append(brace)
        try advance()
    }

    /// The current token closes the innermost bracket: reads past it, unless it ends the
    /// statement (`last`: nothing after it is the definition's).
    mutating func leave(last: Bool = false) throws(GiveUp) {
        open.removeLast()
        if !last { try advance() }
    }

    /// The bytes of the current token.
    var bytes: Slice<UnsafeRawBufferPointer> { file.bytes[token.range.lower..<token.range.upper] }

    /// Whether the current token is the identifier `word`.
    func isWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard token.kind == .identifier, token.range.upper - token.range.lower == count,
              let start = file.bytes.baseAddress?.advanced(by: token.range.lower) else { return false }
        for index in 0..<count where start.load(fromByteOffset: index, as: UInt8.self) != word.utf8Start[index] { return false }
        return true
    }

    // MARK: Fields

    /// In a `{ }` whose `{` was entered: past separators, the next field's name, its `:` read
    /// (the current token is then its value); nil at the closing `}`, which stays current. A
    /// newline before the `:` or the value ends the field: the parser's error.
    mutating func nextField() throws(GiveUp) -> Token? {
        while token.kind == .comma || token.kind == .semicolon { try advance() }
        if token.kind == .rightBrace { return nil }
        let name = try expect(.identifier)
        guard !sawNewline else { throw GiveUp() }
        _ = try expect(.colon)
        guard !sawNewline else { throw GiveUp() }
        return name
    }

    /// After a field's value: a separator, the closing `}` or a newline must follow.
    func endField() throws(GiveUp) {
        switch token.kind {
        case .comma, .semicolon, .rightBrace: break
        default: guard sawNewline else { throw GiveUp() }
        }
    }

    // MARK: After the definition

    /// Where the parser goes on after a definition that ends at `position`: past blanks and the
    /// newline (or `;`) that ends it. A comment, anything else on the line, or a next line that
    /// starts with `|` (which would continue the statement) gives up.
    func lineEnd(after position: Int) throws(GiveUp) -> Int {
        guard let end = StatementBoundary.lineEnd(after: position, in: file.bytes) else { throw GiveUp() }
        return end
    }
}
