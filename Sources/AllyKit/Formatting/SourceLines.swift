/// A source cut into physical lines of tokens, with the comments the lexer skips put back:
/// the formatter's view of a script. The lexer itself stays comment-blind (the load path
/// never pays for trivia); comments are found afterwards in the gaps between tokens, where
/// the only thing besides blanks a gap can hold is a `#` comment.
struct SourceLine {
    var tokens: [Token]
    /// A comment ending the line (or the whole line, when `tokens` is empty), as a range.
    var comment: SourceRange?
    /// Whether at least one blank line came before this one.
    var blankBefore: Bool
}

extension SourceLine {
    /// Every line of `file` that holds a token or a comment. `unaryMinus` marks the `-`
    /// tokens written against their operand (`-5`, `sort -value`), kept that way.
    static func read(_ file: SourceFile) -> [SourceLine] {
        var lexer = Lexer(file: file)
        let bytes = file.bytes
        var lines: [SourceLine] = []
        var current = SourceLine(tokens: [], comment: nil, blankBefore: false)
        var blankLines = 0
        var gapStart = 0
        func flush() {
            if current.tokens.isEmpty && current.comment == nil {
                blankLines += 1
            } else {
                current.blankBefore = blankLines > 0 && !lines.isEmpty
                lines.append(current)
                blankLines = 0
            }
            current = SourceLine(tokens: [], comment: nil, blankBefore: false)
        }
        while true {
            let token = lexer.nextRaw()
            if let comment = commentIn(bytes, gapStart, token.range.lower) { current.comment = comment }
            gapStart = token.range.upper
            switch token.kind {
            case .endOfFile:
                if !current.tokens.isEmpty || current.comment != nil { flush() }
                return lines
            case .newline:
                flush()
            default:
                current.tokens.append(token)
            }
        }
    }

    /// The `#` comment in the blank gap `lower..<upper`, without trailing blanks.
    private static func commentIn(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int) -> SourceRange? {
        var cursor = lower
        while cursor < upper, bytes[cursor] != UInt8(ascii: "#") { cursor += 1 }
        guard cursor < upper else { return nil }
        var end = upper
        while end > cursor, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        return SourceRange(cursor, end)
    }
}
