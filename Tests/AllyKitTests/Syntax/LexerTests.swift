import Testing
@testable import AllyKit

/// Tokens of a text, with their source text, and the lexer's diagnostics.
private struct Lexed {
    let file: SourceFile
    let tokens: [Token]
    let diagnostics: [Diagnostic]

    init(_ text: String) {
        file = SourceFile(name: "lex.ally", text: text)
        (tokens, diagnostics) = Lexer.tokenize(file)
    }

    /// Every kind but the final end of file.
    var kinds: [Token.Kind] {
        #expect(tokens.last?.kind == .endOfFile)
        return tokens.dropLast().map(\.kind)
    }

    var texts: [String] { tokens.dropLast().map { file.text($0.range) } }
    var newlineCount: Int { tokens.filter { $0.kind == .newline }.count }
}

@Suite("Lexer")
struct LexerTests {
    // MARK: Literals

    @Test("number, date and duration literals lex as one token with their exact range", arguments: [
        ("12", Token.Kind.number), ("4.5", .number), ("1_000", .number), ("2.5M", .number), ("3k", .number),
        ("7B", .number), ("60%", .number), ("0.25", .number), ("2026-03-01", .date), ("90d", .duration),
        ("12w", .duration), ("6mo", .duration), ("2y", .duration),
    ])
    func literal(text: String, kind: Token.Kind) {
        let lexed = Lexed("x  " + text + "  y")
        #expect(lexed.kinds == [.identifier, kind, .identifier])
        #expect(lexed.tokens[1].range == SourceRange(3, 3 + text.utf8.count))
        #expect(lexed.diagnostics.isEmpty)
    }

    @Test("durations in a row are separate tokens")
    func durationsInARow() {
        let lexed = Lexed("90d 12w 6mo 2y")
        #expect(lexed.kinds == [.duration, .duration, .duration, .duration])
        #expect(lexed.texts == ["90d", "12w", "6mo", "2y"])
        #expect(lexed.tokens.map(\.range.lower).dropLast() == [0, 4, 8, 12])
    }

    @Test("a date literal is one token, not a subtraction")
    func dateIsNotSubtraction() {
        #expect(Lexed("2026-03-01").kinds == [.date])
        #expect(Lexed("2026 - 03").kinds == [.number, .minus, .number])
        #expect(Lexed("ends - 2026-03-01").kinds == [.identifier, .minus, .date])
    }

    @Test("number values decode with separators, magnitudes and percent", arguments: [
        ("12", 12.0), ("4.5", 4.5), ("1_000", 1000), ("2.5M", 2_500_000), ("500k", 500_000), ("1.5B", 1_500_000_000),
        ("60%", 0.6), ("12.5%", 0.125), ("0", 0),
    ])
    func numberValues(text: String, expected: Double) throws {
        var parser = Parser(file: SourceFile(name: "n", text: text))
        let expr = try parser.parseExpr()
        guard case .number(let value) = expr.kind else {
            Issue.record("not a number: \(expr.kind)")
            return
        }
        #expect(value == expected)
    }

    @Test("strings keep their quotes in the range and decode their escapes")
    func stringEscapes() throws {
        let source = #"say "a\"b\\c\nd\te\u{E9}\u{1F600}" done"#
        let lexed = Lexed(source)
        #expect(lexed.kinds == [.identifier, .string, .identifier])
        #expect(lexed.texts[1] == #""a\"b\\c\nd\te\u{E9}\u{1F600}""#)
        #expect(lexed.tokens[1].range.lower == 4)
        var parser = Parser(file: SourceFile(name: "s", text: #""a\"b\\c\nd\te\u{E9}\u{1F600}""#))
        let expr = try parser.parseExpr()
        guard case .string(let value) = expr.kind else {
            Issue.record("not a string: \(expr.kind)")
            return
        }
        #expect(value == "a\"b\\c\nd\te\u{E9}\u{1F600}")
    }

    @Test("an unknown escape is an error at the escape")
    func unknownEscape() {
        let text = #"partners | where name == "a\qb""#
        let (statements, diagnostics) = Parser.parse(SourceFile(name: "e", text: text))
        #expect(statements.isEmpty)
        #expect(diagnostics.first?.code == .invalidEscape)
        #expect(diagnostics.first?.range.lower == text.utf8.count - 4)
    }

    @Test("non-ASCII text inside a string is kept byte for byte")
    func unicodeInStrings() {
        let lexed = Lexed(#"name == "Zürich 東京 🙂""#)
        #expect(lexed.kinds == [.identifier, .equalEqual, .string])
        #expect(lexed.texts[2] == #""Zürich 東京 🙂""#)
        #expect(lexed.diagnostics.isEmpty)
    }

    // MARK: Operators

    @Test("every operator and punctuation mark")
    func operators() {
        let lexed = Lexed("| == != < <= > >= + - * / = , . : ( ) [ ] { } ?? ;")
        #expect(lexed.kinds == [
            .pipe, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .plus, .minus, .star, .slash,
            .assign, .comma, .dot, .colon, .leftParen, .rightParen, .leftBracket, .rightBracket, .leftBrace,
            .rightBrace, .questionQuestion, .semicolon,
        ])
        #expect(lexed.diagnostics.isEmpty)
    }

    @Test("operators without spaces between them")
    func packedOperators() {
        let lexed = Lexed("a<=b==c!=d>=e??f")
        #expect(lexed.kinds == [.identifier, .lessEqual, .identifier, .equalEqual, .identifier, .bangEqual, .identifier,
                                .greaterEqual, .identifier, .questionQuestion, .identifier])
        #expect(lexed.texts == ["a", "<=", "b", "==", "c", "!=", "d", ">=", "e", "??", "f"])
    }

    @Test("identifiers may contain digits and underscores; keywords are identifiers")
    func identifiers() {
        let lexed = Lexed("_a1 b_2 status review where")
        #expect(lexed.kinds == [.identifier, .identifier, .identifier, .identifier, .identifier])
        #expect(lexed.texts == ["_a1", "b_2", "status", "review", "where"])
    }

    @Test("a comment runs to the end of the line and makes no token")
    func comments() {
        let lexed = Lexed("a # b c | d\ne")
        #expect(lexed.kinds == [.identifier, .newline, .identifier])
        #expect(lexed.texts == ["a", "\n", "e"])
    }

    // MARK: Newlines

    @Test("a newline ends a statement at the top level")
    func newlineSeparates() {
        #expect(Lexed("a\nb").kinds == [.identifier, .newline, .identifier])
        #expect(Lexed("a\r\nb").kinds == [.identifier, .newline, .identifier])
    }

    @Test("newlines inside ( ) and [ ] are dropped")
    func newlinesInsideParenthesesAndBrackets() {
        #expect(Lexed("f(a\n,\nb\n)").newlineCount == 0)
        #expect(Lexed("[a\nb\n]").newlineCount == 0)
        #expect(Lexed("(\n(\na\n)\n)").newlineCount == 0)
    }

    @Test("newlines inside { } separate fields")
    func newlinesInsideBraces() {
        let lexed = Lexed("{a: 1\nb: 2\n}")
        #expect(lexed.kinds == [.leftBrace, .identifier, .colon, .number, .newline, .identifier, .colon, .number, .newline,
                                .rightBrace])
    }

    @Test("the innermost open bracket decides")
    func innermostBracketDecides() {
        // A { } inside [ ] keeps its newline; a ( ) inside { } drops it.
        let braceInBracket = Lexed("[x {a: 1\nb: 2}]")
        #expect(braceInBracket.newlineCount == 1)
        let parenInBrace = Lexed("{a: (1\n+ 2)\nb: 3}")
        #expect(parenInBrace.newlineCount == 1)
        #expect(parenInBrace.tokens.firstIndex { $0.kind == .newline } == 8)
    }

    @Test("a line ending with an operator continues", arguments: [
        "|", ",", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "and", "or", "not", "in", "contains", "??",
    ])
    func trailingOperatorContinues(op: String) {
        let lexed = Lexed("a \(op)\n  b")
        #expect(lexed.newlineCount == 0, "newline kept after `\(op)`")
    }

    @Test("a line ending with a word that only starts like an operator ends the statement", arguments: [
        "band", "origin", "note", "index", "contains_x", "order", "android",
    ])
    func trailingWordsEnd(word: String) {
        #expect(Lexed("a \(word)\nb").newlineCount == 1)
    }

    @Test("a line starting with | continues the pipeline, even after blank and comment lines")
    func leadingPipeContinues() {
        let lexed = Lexed("partners\n\n   # a comment\n\n  | count\nagreements")
        #expect(lexed.kinds == [.identifier, .pipe, .identifier, .newline, .identifier])
    }

    @Test("a leading | continues a pipeline inside a { } block too")
    func leadingPipeInsideBlock() {
        let lexed = Lexed("s {\n  partners\n  | count\n}")
        #expect(lexed.kinds == [.identifier, .leftBrace, .identifier, .pipe, .identifier, .newline, .rightBrace])
    }

    @Test("repeated separators fold into one; none at the start")
    func repeatedSeparatorsFold() {
        #expect(Lexed("\n\n\na\n\n\n\nb\n\n").kinds == [.identifier, .newline, .identifier, .newline])
        #expect(Lexed("a;\n\nb").kinds == [.identifier, .semicolon, .identifier])
        #expect(Lexed("{\n\na: 1\n\n\n}").kinds == [.leftBrace, .identifier, .colon, .number, .newline, .rightBrace])
    }

    // MARK: Dot-commands

    @Test("a dot-command is one token at the start of a statement")
    func dotCommandAtStart() {
        let lexed = Lexed(".format csv   \npartners")
        #expect(lexed.kinds == [.dotCommand, .newline, .identifier])
        #expect(lexed.texts[0] == ".format csv")
        let afterSemicolon = Lexed("partners; .timer on")
        #expect(afterSemicolon.kinds == [.identifier, .semicolon, .dotCommand])
    }

    @Test("a dot elsewhere is member access")
    func dotInsideStatement() {
        let lexed = Lexed("partners | select org.name")
        #expect(lexed.kinds == [.identifier, .pipe, .identifier, .identifier, .dot, .identifier])
        #expect(Lexed("a . b").kinds == [.identifier, .dot, .identifier])
    }

    @Test("a dot at the start of a line inside ( ) is member access, not a dot-command")
    func dotAfterNewlineInsideParentheses() {
        // The newline inside ( ) does not end the statement, so the next line is not a statement start.
        let lexed = Lexed("partners | where (org\n.name == \"x\")")
        #expect(!lexed.kinds.contains(.dotCommand))
        #expect(lexed.kinds == [.identifier, .pipe, .identifier, .leftParen, .identifier, .dot, .identifier, .equalEqual,
                                .string, .rightParen])
    }

    // MARK: Errors

    @Test("an unterminated string is an invalid token with an error at its opening quote")
    func unterminatedString() {
        let lexed = Lexed("let x = \"abc\nnext")
        #expect(lexed.kinds == [.identifier, .identifier, .assign, .invalid, .newline, .identifier])
        #expect(lexed.diagnostics.count == 1)
        let diagnostic = lexed.diagnostics[0]
        #expect(diagnostic.code == .unterminatedString)
        #expect(diagnostic.range == SourceRange(8, 9))
        #expect(lexed.file.location(of: diagnostic.range.lower) == (1, 9))
    }

    @Test("an unterminated string at the end of the input")
    func unterminatedStringAtEnd() {
        let lexed = Lexed("partners | where name == \"ab")
        #expect(lexed.kinds.last == .invalid)
        #expect(lexed.diagnostics.map(\.code) == [.unterminatedString])
        #expect(lexed.diagnostics[0].range.lower == 25)
    }

    @Test("a character that starts no token is an error at its position", arguments: [
        ("a $ b", 2, "$"), ("a\n  ^ b", 4, "^"), ("x € y", 2, "€"), ("x ! y", 2, "!"), ("x ? y", 2, "?"),
    ])
    func badCharacter(text: String, offset: Int, shown: String) {
        let lexed = Lexed(text)
        #expect(lexed.kinds.contains(.invalid))
        #expect(lexed.diagnostics.count == 1)
        #expect(lexed.diagnostics.first?.code == .invalidCharacter)
        #expect(lexed.diagnostics.first?.range.lower == offset)
        #expect(lexed.diagnostics.first?.message.contains(shown) == true)
    }

    @Test("a curly quote gets a hint to use straight quotes")
    func curlyQuote() {
        let lexed = Lexed("name == \u{201C}x\u{201D}")
        #expect(lexed.diagnostics.first?.help?.contains("straight quotes") == true)
        // The caret covers the whole character, not one byte of it.
        #expect(lexed.diagnostics.first?.range == SourceRange(8, 11))
    }

    @Test("malformed numbers are one invalid token with an error covering it", arguments: [
        ("1e999", 0, 5), ("x = 12abc", 4, 9), ("1.5d", 0, 4), ("3.4.5", 0, 5), ("2moo", 0, 4),
    ])
    func badNumbers(text: String, lower: Int, upper: Int) {
        let lexed = Lexed(text)
        #expect(lexed.kinds.last == .invalid)
        #expect(lexed.tokens.first { $0.kind == .invalid }?.range == SourceRange(lower, upper))
        #expect(lexed.diagnostics.map(\.code) == [.invalidNumber])
        #expect(lexed.diagnostics.first?.range == SourceRange(lower, upper))
    }

    @Test("a number too large to hold is an error at the parser, not a crash")
    func hugeNumber() {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "n", text: "partners | take 99999999999999999999999"))
        #expect(diagnostics.map(\.code) == [.invalidNumber])
        #expect(diagnostics.first?.range.lower == 16)
    }

    @Test("an impossible date lexes as a date and is rejected by the parser")
    func impossibleDate() {
        #expect(Lexed("2026-02-30").kinds == [.date])
        let (_, diagnostics) = Parser.parse(SourceFile(name: "d", text: "partners | where starts == 2026-02-30"))
        #expect(diagnostics.map(\.code) == [.invalidDate])
        #expect(diagnostics.first?.range == SourceRange(27, 37))
    }

    @Test("positions are lines and columns counted in characters")
    func positions() {
        let file = SourceFile(name: "p", text: "é = 1\n  ab\tcd\n")
        #expect(file.location(of: 0) == (1, 1))
        #expect(file.location(of: 2) == (1, 2)) // after the two bytes of é
        #expect(file.location(of: 9) == (2, 3))
        #expect(file.lineText(2) == "  ab\tcd")
    }
}

@Suite("Source files")
struct SourceFileTests {
    @Test("a UTF-8 byte-order mark before the first statement is skipped, and columns do not count it")
    func byteOrderMark() {
        let harness = Harness()
        let results = harness.expectSuccess("\u{FEFF}partners | count")
        #expect(results.count == 1)
        let (status, _) = harness.run("\u{FEFF}partners | where regoin == 1")
        #expect(status == .failed)
        let rendered = harness.sink.diagnostics.map { DiagnosticRenderer.render($0) }.joined()
        #expect(rendered.contains("test.ally:1:18"), "\(rendered)")
    }
}
