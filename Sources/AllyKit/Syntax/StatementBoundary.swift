/// Where a statement ends, for every reader: the parser's token stream (`TokenStream`), the
/// decoder (`DefinitionTokens`), the reading thread's byte scan
/// (`ScriptReader.definitionEnd`, through `lineEnd`) and the shell's "is this a whole
/// statement yet" (`InputCompleteness`). A newline ends a statement, except inside `( )` or
/// `[ ]`, after a line that ends with a token needing more (`continuesAfter`), or before a line
/// that starts with `|`; inside `{ }` it separates items. `StatementBoundaryTests` checks the
/// fast forms against the parser on every script in the repository.
enum StatementBoundary {
    /// Whether a line ending with `token` continues on the next line.
    static func continuesAfter(_ token: Token, bytes: UnsafeRawBufferPointer) -> Bool {
        switch token.kind {
        case .pipe, .comma, .assign, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
             .plus, .minus, .star, .slash, .questionQuestion:
            return true
        case .identifier:
            let length = token.range.upper - token.range.lower
            guard length >= 2, length <= 8 else { return false }
            let word = bytes[token.range.lower..<token.range.upper]
            return word.elementsEqual("and".utf8) || word.elementsEqual("or".utf8) || word.elementsEqual("not".utf8)
                || word.elementsEqual("in".utf8) || word.elementsEqual("contains".utf8)
        default:
            return false
        }
    }

    /// Whether a line starting with `token` continues the statement before it.
    static func continuesBefore(_ token: Token) -> Bool { token.kind == .pipe }

    /// Where reading goes on after a statement whose last token ends at `position`, in bytes
    /// alone (the fast readers' form of the rule): past blanks and the newline (or `;`) that
    /// ends it. nil when the rule needs tokens to decide: a comment or anything else on the
    /// line, or a next line that starts with `|` (which continues the statement).
    static func lineEnd(after position: Int, in bytes: UnsafeRawBufferPointer) -> Int? {
        var cursor = position
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 || bytes[cursor] == 0x0D { cursor += 1 }
        if cursor == bytes.count { return cursor }
        if bytes[cursor] == UInt8(ascii: ";") { return cursor + 1 }
        guard bytes[cursor] == 0x0A else { return nil }
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
        if look < bytes.count, bytes[look] == UInt8(ascii: "|") { return nil }
        return cursor
    }
}

/// Tokens with statement-ending newlines decided, produced on demand so that a large script
/// is never held as one token array. A newline is kept only where it ends a statement (or
/// separates items in `{ }`): never inside `( )` or `[ ]` (the innermost bracket decides), not
/// after a line that ends with an operator needing more, not before a line starting with `|`,
/// and repeated separators fold into one.
public struct TokenStream {
    private var lexer: Lexer
    /// The raw token read ahead past a newline (never itself a newline: one is read ahead
    /// only when a newline arrives from the lexer, which happens only with none waiting).
    private var lookahead: Token?
    private var brackets: [Token.Kind] = []
    private var previous: Token?
    private let bytes: UnsafeRawBufferPointer

    public init(file: SourceFile) {
        lexer = Lexer(file: file)
        bytes = file.bytes
    }

    /// Tokens from `position`, a statement's start, as if the source began there.
    init(file: SourceFile, at position: Int) {
        self.init(file: file)
        lexer.restart(at: position)
    }

    /// The lexer's diagnostics so far.
    public var diagnostics: [Diagnostic] { lexer.diagnostics }

    /// Whether a bracket read so far is still open.
    var insideBrackets: Bool { !brackets.isEmpty }

    private mutating func raw() -> Token {
        if let token = lookahead {
            lookahead = nil
            return token
        }
        return lexer.nextRaw()
    }

    public mutating func next() -> Token {
        while true {
            let token = raw()
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace:
                brackets.append(token.kind)
            case .rightParen, .rightBracket, .rightBrace:
                if !brackets.isEmpty { brackets.removeLast() }
            case .newline:
                if let innermost = brackets.last, innermost != .leftBrace { continue }
                if let previous, StatementBoundary.continuesAfter(previous, bytes: bytes) { continue }
                // Look past blank lines: a line starting with `|` continues the statement.
                var following = lexer.nextRaw()
                while following.kind == .newline { following = lexer.nextRaw() }
                lookahead = following
                if StatementBoundary.continuesBefore(following) { continue }
                guard let previous, previous.kind != .newline, previous.kind != .semicolon, previous.kind != .leftBrace else { continue }
            default:
                break
            }
            previous = token
            return token
        }
    }
}

/// Whether typed text is a whole statement yet, decided by the parser's own token stream: an
/// open bracket, an unterminated string, or a last line ending in `|` or an operator asks for
/// more. (A next line starting with `|` would continue it too, but the shell cannot wait for
/// what is not typed yet.)
public enum InputCompleteness {
    public static func needsMoreInput(_ text: String) -> Bool {
        let file = SourceFile(name: "<input>", text: text)
        var stream = TokenStream(file: file)
        var last: Token?
        while true {
            let token = stream.next()
            if token.kind == .endOfFile { break }
            if token.kind != .newline { last = token }
        }
        if stream.insideBrackets { return true }
        // An unterminated string on the last line waits for its closing quote... but strings
        // hold no raw newlines, so only a string still open at the very end counts.
        if let lastInvalid = stream.diagnostics.last, lastInvalid.code == .unterminatedString,
           !text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: lastInvalid.range.lower)...].contains(UInt8(ascii: "\n")) {
            return true
        }
        guard let last else { return false }
        if last.kind == .dotCommand { return false }
        return StatementBoundary.continuesAfter(last, bytes: file.bytes)
    }
}
