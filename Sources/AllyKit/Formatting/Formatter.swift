import Foundation

/// `ally fmt`: one canonical layout for `.ally` source, as gofmt has for Go (no options).
/// It works from the lexer's tokens, so it keeps every token and every comment where it was:
/// it only chooses the blanks between tokens, the indentation, and where long lines break
/// (before `|` in a pipeline, one field per line in a `{ }` that does not fit).
public enum Formatter {
    /// The widest line the formatter leaves alone when it can break it.
    public static let lineWidth = 100
    static let indentUnit = 2

    /// Why a source was left as it was.
    public struct Refusal: Error {
        public let diagnostics: [Diagnostic]
    }

    /// The formatted text, or the syntax errors that leave the source as it is. `knownToParse`
    /// says the caller has just parsed `file` without errors (the language server's check).
    public static func format(_ file: SourceFile, knownToParse: Bool = false) -> Result<String, Refusal> {
        if !knownToParse {
            let syntaxErrors = Parser.parse(file).diagnostics
            guard syntaxErrors.isEmpty else { return .failure(Refusal(diagnostics: syntaxErrors)) }
        }
        var layout = Layout(file: file)
        let lines = SourceLine.read(file)
        let text = layout.render(lines)
        // The guarantee that formatting never changes meaning, checked on every run: the same
        // tokens, and a source that still parses. (A layout rule that broke it is a bug, and
        // the file is then left alone rather than rewritten.)
        let formatted = SourceFile(name: file.name, text: text, directory: file.directory)
        guard sameTokens(lines, in: file, formatted), parses(formatted) else {
            return .failure(Refusal(diagnostics: [Diagnostic(.unexpectedToken, "the formatter would change this file's meaning; it is left as it is",
                                                             at: SourceRange(0, 0), in: file, help: "please report this file")]))
        }
        return .success(text)
    }

    /// Whether `file` parses without an error, a statement at a time (no tree is kept).
    static func parses(_ file: SourceFile) -> Bool {
        var parser = Parser(file: file)
        while let next = parser.nextStatement() {
            if case .failure = next { return false }
        }
        return true
    }

    /// Whether `formatted` has the tokens of `lines` (read from `original`), in order.
    static func sameTokens(_ lines: [SourceLine], in original: SourceFile, _ formatted: SourceFile) -> Bool {
        var lexer = Lexer(file: formatted)
        for line in lines {
            for token in line.tokens {
                var next = lexer.nextRaw()
                while next.kind == .newline { next = lexer.nextRaw() }
                let length = token.range.upper - token.range.lower
                guard next.kind == token.kind, next.range.upper - next.range.lower == length,
                      length == 0 || memcmp(original.bytes.baseAddress! + token.range.lower, formatted.bytes.baseAddress! + next.range.lower, length) == 0
                else { return false }
            }
        }
        var last = lexer.nextRaw()
        while last.kind == .newline { last = lexer.nextRaw() }
        return last.kind == .endOfFile
    }

    /// Whether two sources have the same tokens (newlines, blanks and comments aside).
    public static func sameTokens(_ left: SourceFile, _ right: SourceFile) -> Bool {
        var leftLexer = Lexer(file: left), rightLexer = Lexer(file: right)
        func nextToken(_ lexer: inout Lexer) -> Token {
            while true {
                let token = lexer.nextRaw()
                if token.kind != .newline { return token }
            }
        }
        while true {
            let a = nextToken(&leftLexer), b = nextToken(&rightLexer)
            guard a.kind == b.kind else { return false }
            if a.kind == .endOfFile { return true }
            guard left.bytes[a.range.lower..<a.range.upper].elementsEqual(right.bytes[b.range.lower..<b.range.upper]) else { return false }
        }
    }
}

/// The running state of one formatting pass: the brackets open at the current line.
private struct Layout {
    let file: SourceFile
    var open: [Token.Kind] = []
    /// The last token of the previous line of code, for continuation lines.
    var previousLast: Token?
    var output: [UInt8] = []

    init(file: SourceFile) { self.file = file }

    mutating func render(_ lines: [SourceLine]) -> String {
        output.reserveCapacity(file.bytes.count + file.bytes.count / 8)
        var queue = lines.reversed() as [SourceLine]
        while let line = queue.popLast() {
            let indent = indentation(of: line)
            let width = indent + measure(line)
            if width > Formatter.lineWidth, let pieces = LineBreaker.split(line, file: file), pieces.count > 1 {
                queue.append(contentsOf: pieces.reversed())
                continue
            }
            emit(line, indent: indent)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func indentation(of line: SourceLine) -> Int {
        var depth = open.count
        var continuation = false
        if let first = line.tokens.first {
            for token in line.tokens {
                guard token.kind == .rightParen || token.kind == .rightBracket || token.kind == .rightBrace else { break }
                depth -= 1
            }
            continuation = first.kind == .pipe || continuesAfter(previousLast)
        }
        return max(0, depth) * Formatter.indentUnit + (continuation ? Formatter.indentUnit : 0)
    }

    /// Whether the line after `last` continues its statement (and is indented for it); a
    /// comma inside `{ }` or brackets separates items, which their own indentation shows.
    private func continuesAfter(_ last: Token?) -> Bool {
        guard let last, StatementBoundary.continuesAfter(last, bytes: file.bytes) else { return false }
        if last.kind == .comma { return open.isEmpty }
        return open.last == nil || open.last == .leftBrace
    }

    private func measure(_ line: SourceLine) -> Int {
        var width = 0
        for (index, token) in line.tokens.enumerated() {
            if index > 0, Spacing.spaced(line.tokens, index, file: file) { width += 1 }
            width += columns(token.range)
        }
        if let comment = line.comment { width += (line.tokens.isEmpty ? 0 : 1) + columns(comment) }
        return width
    }

    private func columns(_ range: SourceRange) -> Int {
        var count = 0
        for index in range.lower..<range.upper where file.bytes[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    private mutating func emit(_ line: SourceLine, indent: Int) {
        if line.blankBefore && !output.isEmpty { output.append(0x0A) }
        output.append(contentsOf: repeatElement(0x20, count: indent))
        for (index, token) in line.tokens.enumerated() {
            if index > 0, Spacing.spaced(line.tokens, index, file: file) { output.append(0x20) }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: file.bytes[token.range.lower..<token.range.upper]))
            track(token)
        }
        if let comment = line.comment {
            if !line.tokens.isEmpty { output.append(0x20) }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: file.bytes[comment.lower..<comment.upper]))
        }
        output.append(0x0A)
        if let last = line.tokens.last { previousLast = last }
    }

    private mutating func track(_ token: Token) {
        switch token.kind {
        case .leftParen, .leftBracket, .leftBrace: open.append(token.kind)
        case .rightParen, .rightBracket, .rightBrace: if !open.isEmpty { open.removeLast() }
        default: break
        }
    }
}
