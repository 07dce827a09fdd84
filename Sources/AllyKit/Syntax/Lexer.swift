/// Turns UTF-8 source into tokens, deciding (as Go's scanner does) which newlines end a
/// statement: a newline is dropped inside `( )` and `[ ]`, after a line that ends with an
/// operator that needs a right-hand side, and before a line that starts with `|`.
public struct Lexer {
    public private(set) var diagnostics: [Diagnostic] = []
    let file: SourceFile
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// Whether the next token starts a statement (for dot-commands), and the brackets open, true
    /// for ( and [ (any closer ends the innermost, as in the token stream's statement rule).
    private var atStatementStart = true
    private var openBrackets: [Bool] = []

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    /// Lexes on from `position`, a statement's start (as at the start of the source).
    mutating func restart(at position: Int) {
        self.position = position
        atStatementStart = true
        openBrackets.removeAll(keepingCapacity: true)
        diagnostics.removeAll(keepingCapacity: true)
    }

    /// Lexes the whole source, with statement-ending newlines already decided.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var stream = TokenStream(file: file)
        var tokens: [Token] = []
        while true {
            let token = stream.next()
            tokens.append(token)
            if token.kind == .endOfFile { break }
        }
        return (tokens, stream.diagnostics)
    }

    // MARK: Raw scanning

    private mutating func error(_ code: DiagnosticCode, _ message: String, _ lower: Int, _ upper: Int, help: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: SourceRange(lower, upper), in: file, help: help))
    }

    private func peek(_ offset: Int = 0) -> UInt8 {
        let index = position + offset
        return index < bytes.count ? bytes[index] : 0
    }

    /// Every token, including every newline; `TokenStream` decides which newlines count.
    mutating func scanAll() -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = nextRaw()
            tokens.append(token)
            if token.kind == .endOfFile { return tokens }
        }
    }

    /// The next token, newlines included.
    mutating func nextRaw() -> Token {
        // Inside ( ) or [ ] a newline ends nothing, so a `.` there is never a dot-command.
        let token = next(atStatementStart: atStatementStart && openBrackets.last != true)
        switch token.kind {
        case .leftParen, .leftBracket: openBrackets.append(true); atStatementStart = false
        case .leftBrace: openBrackets.append(false); atStatementStart = true
        case .rightParen, .rightBracket: _ = openBrackets.popLast(); atStatementStart = false
        case .rightBrace: _ = openBrackets.popLast(); atStatementStart = true
        case .newline, .semicolon: atStatementStart = true
        default: atStatementStart = false
        }
        return token
    }

    private mutating func next(atStatementStart: Bool) -> Token {
        // Skip blanks and comments (but not newlines). (Scanning loops keep the position in a
        // local: stored back to `self` at every byte, it cost a memory write a byte.)
        var cursor = position
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                cursor += 1
            } else if byte == UInt8(ascii: "#") {
                while cursor < bytes.count, bytes[cursor] != 0x0A { cursor += 1 }
            } else {
                break
            }
        }
        position = cursor
        let start = position
        guard position < bytes.count else { return Token(.endOfFile, SourceRange(start, start)) }
        let byte = bytes[position]
        position += 1
        func token(_ kind: Token.Kind) -> Token { Token(kind, SourceRange(start, position)) }
        switch byte {
        case 0x0A: return token(.newline)
        case UInt8(ascii: "|") where peek() != UInt8(ascii: "|"): return token(.pipe)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "=") { position += 1; return token(.equalEqual) }
            return token(.assign)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") { position += 1; return token(.bangEqual) }
            return sqlHabit(start)
        case UInt8(ascii: "<"):
            if peek() == UInt8(ascii: "=") { position += 1; return token(.lessEqual) }
            return token(.less)
        case UInt8(ascii: ">"):
            if peek() == UInt8(ascii: "=") { position += 1; return token(.greaterEqual) }
            return token(.greater)
        case UInt8(ascii: "?"):
            if peek() == UInt8(ascii: "?") { position += 1; return token(.questionQuestion) }
            error(.invalidCharacter, "unexpected `?`", start, position, help: "`??` gives a default for null: `region ?? \"n/a\"`")
            return token(.invalid)
        case UInt8(ascii: "+"): return token(.plus)
        case UInt8(ascii: "-"): return token(.minus)
        case UInt8(ascii: "*"): return token(.star)
        case UInt8(ascii: "/"): return token(.slash)
        case UInt8(ascii: ","): return token(.comma)
        case UInt8(ascii: ":"): return token(.colon)
        case UInt8(ascii: ";"): return token(.semicolon)
        case UInt8(ascii: "("): return token(.leftParen)
        case UInt8(ascii: ")"): return token(.rightParen)
        case UInt8(ascii: "["): return token(.leftBracket)
        case UInt8(ascii: "]"): return token(.rightBracket)
        case UInt8(ascii: "{"): return token(.leftBrace)
        case UInt8(ascii: "}"): return token(.rightBrace)
        case UInt8(ascii: "."):
            if atStatementStart, Lexer.isIdentifierStart(peek()) {
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
                var end = position
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
                return Token(.dotCommand, SourceRange(start, end))
            }
            return token(.dot)
        case UInt8(ascii: "\""):
            return scanString(start: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber(start: start)
        case 0:
            error(.invalidCharacter, "NUL byte in the source", start, position)
            return token(.invalid)
        case UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "'"):
            return sqlHabit(start)
        default:
            if Lexer.isIdentifierStart(byte) {
                var cursor = position
                while cursor < bytes.count, Lexer.isIdentifierContinue(bytes[cursor]) { cursor += 1 }
                position = cursor
                return token(.identifier)
            }
            return unexpectedCharacter(byte, start)
        }
    }

    /// A byte no token starts with: an invalid token, and its error.
    private mutating func unexpectedCharacter(_ byte: UInt8, _ start: Int) -> Token {
        // A non-ASCII character: consume the whole scalar so the caret covers it.
        if byte >= 0x80 {
            while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            let help = text == "\u{201C}" || text == "\u{201D}" ? "use straight quotes `\"` for strings" : nil
            error(.invalidCharacter, "unexpected character `\(text)`", start, position, help: help)
        } else {
            let scalar = Unicode.Scalar(byte)
            let shown = byte < 0x20 ? "\\u{" + String(byte, radix: 16, uppercase: true) + "}" : String(Character(scalar))
            error(.invalidCharacter, "unexpected character `\(shown)`", start, position)
        }
        return Token(.invalid, SourceRange(start, position))
    }

    /// A character SQL uses that Ally does not (`&&`, `||`, `!`, `'`): an invalid token with the Ally way.
    private mutating func sqlHabit(_ start: Int) -> Token {
        let (length, message, help) = SQLHabits.operatorHabit(bytes, at: start)
            ?? (1, "unexpected character `\(Character(Unicode.Scalar(bytes[start])))`", "")
        position = start + length
        error(.invalidCharacter, message, start, position, help: help.isEmpty ? nil : help)
        return Token(.invalid, SourceRange(start, position))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func scanString(start: Int) -> Token {
        var cursor = position
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                position = cursor + 1
                return Token(.string, SourceRange(start, position))
            }
            if byte == 0x0A { break }
            if byte == UInt8(ascii: "\\") { cursor += 1 }
            cursor += 1
        }
        position = min(cursor, bytes.count)
        error(.unterminatedString, "unterminated string", start, start + 1,
              help: "close it with `\"` on the same line; write a newline inside a string as `\\n`")
        return Token(.invalid, SourceRange(start, position))
    }

    /// number ::= digits [ '.' digits ] [ 'k' | 'M' | 'B' | '%' | 'd' | 'w' | 'mo' | 'y' ]
    /// date   ::= digit{4} '-' digit{2} '-' digit{2}
    private mutating func scanNumber(start: Int) -> Token {
        // A date: four digits, '-', two digits, '-', two digits.
        if position + 9 <= bytes.count,
           Lexer.isDigit(peek(0)), Lexer.isDigit(peek(1)), Lexer.isDigit(peek(2)), peek(3) == UInt8(ascii: "-"),
           Lexer.isDigit(peek(4)), Lexer.isDigit(peek(5)), peek(6) == UInt8(ascii: "-"),
           Lexer.isDigit(peek(7)), Lexer.isDigit(peek(8)), !Lexer.isIdentifierContinue(peek(9)) {
            position += 9
            return Token(.date, SourceRange(start, position))
        }
        while Lexer.isDigit(peek()) || (peek() == UInt8(ascii: "_") && Lexer.isDigit(peek(1))) { position += 1 }
        if peek() == UInt8(ascii: "."), Lexer.isDigit(peek(1)) {
            position += 1
            while Lexer.isDigit(peek()) || (peek() == UInt8(ascii: "_") && Lexer.isDigit(peek(1))) { position += 1 }
        }
        var kind = Token.Kind.number
        switch peek() {
        case UInt8(ascii: "k"), UInt8(ascii: "M"), UInt8(ascii: "B"), UInt8(ascii: "%"):
            position += 1
        case UInt8(ascii: "d"), UInt8(ascii: "w"), UInt8(ascii: "y"):
            position += 1
            kind = .duration
        case UInt8(ascii: "m") where peek(1) == UInt8(ascii: "o"):
            position += 2
            kind = .duration
        default:
            break
        }
        if Lexer.isIdentifierContinue(peek()) || (peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1))) {
            while Lexer.isIdentifierContinue(peek()) || peek() == UInt8(ascii: ".") { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            error(.invalidNumber, "invalid number `\(text)`", start, position,
                  help: "numbers are written like `12`, `4.5`, `1_000`, `2.5M`, `60%`; durations like `90d`, `12w`, `6mo`, `2y`")
            return Token(.invalid, SourceRange(start, position))
        }
        if kind == .duration {
            // Durations are whole numbers of their unit.
            let text = bytes[start..<position]
            if text.contains(UInt8(ascii: ".")) {
                error(.invalidNumber, "a duration is a whole number of days, weeks, months or years", start, position)
                return Token(.invalid, SourceRange(start, position))
            }
        }
        return Token(kind, SourceRange(start, position))
    }
}
