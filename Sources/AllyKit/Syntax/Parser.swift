/// A recursive-descent parser, one function per rule of `grammar/ally.ebnf` (quoted above
/// each). It parses one statement at a time so that a script can run each statement before
/// the next is read, reports at most one error per statement and resynchronizes at the next
/// statement boundary.
public struct Parser {
    public let file: SourceFile
    /// A window of tokens: filled from the stream as the parser looks ahead, emptied up to the
    /// current token at each statement, so memory stays proportional to one statement.
    private var tokens: [Token] = []
    private var stream: TokenStream
    private var index = 0
    /// Lexical errors, keyed by the start of the invalid token they belong to.
    private var lexicalErrors: [Int: Diagnostic] = [:]
    private var lexicalErrorsSeen = 0
    private var depth = 0
    /// Where the thread's stack gets too short for another nesting level (`StackGuard`).
    private let stackFloor = StackGuard.floor()
    static let maximumDepth = 256
    /// Operators, members and stages one statement may hold. Long chains (`a + a + ...`) build
    /// deep trees that compiling and running would walk recursively; this keeps them shallow
    /// enough for the stack, far above anything a person writes.
    static let maximumNodes = 2_000
    private var nodes = 0
    /// Strings of the identifiers read so far (see `word`).
    private var words = WordCache()
    public init(file: SourceFile) {
        self.file = file
        stream = TokenStream(file: file)
        fill(through: 3)
    }

    /// A parser that starts at `position`, a statement's start.
    init(file: SourceFile, at position: Int) {
        self.init(file: file)
        resume(at: position)
    }

    /// Where the next statement starts, past blank lines, comments and separators; nil at the
    /// end of the source. A reader that reads the statement by other means then tells the
    /// parser where it ended (`resume(at:)`).
    mutating func nextStatementStart() -> Int? {
        if index > 0 {
            tokens.removeFirst(index)
            index = 0
        }
        skipSeparators()
        return current.kind == .endOfFile ? nil : current.range.lower
    }

    /// Goes on from `position`, a statement's start, dropping the tokens read ahead of it.
    mutating func resume(at position: Int) {
        stream = TokenStream(file: file, at: position)
        tokens.removeAll(keepingCapacity: true)
        index = 0
        lexicalErrors.removeAll()
        lexicalErrorsSeen = 0
        fill(through: 0)
    }

    /// Makes sure the window holds the token at `position` (the end of input repeats).
    private mutating func fill(through position: Int) {
        while tokens.count <= position {
            if let last = tokens.last, last.kind == .endOfFile { return }
            let token = stream.next()
            tokens.append(token)
            if token.kind == .invalid {
                let diagnostics = stream.diagnostics
                for diagnostic in diagnostics[lexicalErrorsSeen...] where lexicalErrors[diagnostic.range.lower] == nil {
                    lexicalErrors[diagnostic.range.lower] = diagnostic
                }
                lexicalErrorsSeen = diagnostics.count
            }
        }
    }

    /// Parses a whole source; every statement that parsed, and every syntax error (one per statement).
    public static func parse(_ file: SourceFile) -> (statements: [Statement], diagnostics: [Diagnostic]) {
        var parser = Parser(file: file)
        var statements: [Statement] = []
        var diagnostics: [Diagnostic] = []
        while let result = parser.nextStatement() {
            switch result {
            case .success(let statement): statements.append(statement)
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        return (statements, diagnostics)
    }

    /// The next statement, a syntax error (after which the parser has skipped to the next
    /// statement), or nil at the end of the source: the `script` rule, a statement at a time.
    /// script ::= separator* ( statement ( separator+ statement )* separator* )?
    public mutating func nextStatement() -> Result<Statement, Diagnostic>? {
        guard nextStatementStart() != nil else { return nil }
        let start = index
        nodes = 0
        do {
            let statement = try parseStatement()
            try expectStatementEnd()
            return .success(statement)
        } catch {
            let habit = sqlHabit(statementStart: start)
            synchronize(from: start)
            return .failure(habit ?? error)
        }
    }

    /// A failed statement written as SQL would write it (`select ... from`, `limit 5`, `is null`):
    /// the error that shows the Ally way, from the one table of such habits.
    private mutating func sqlHabit(statementStart start: Int) -> Diagnostic? {
        fill(through: index + 8)
        let failedAt = index
        let last = min(tokens.count - 1, max(index + 8, start + 40))
        let words = tokens[start...last].map { SQLHabits.Word(kind: $0.kind, text: text($0), range: $0.range) }
        guard let (range, message, help) = SQLHabits.diagnose(words, statementStart: 0, failedAt: failedAt - start) else { return nil }
        return error(.unexpectedToken, message, at: range, help: help)
    }

    // MARK: Token helpers

    private var current: Token { tokens[index] }

    private mutating func peek(_ offset: Int = 1) -> Token {
        fill(through: index + offset)
        return tokens[min(index + offset, tokens.count - 1)]
    }

    private func text(_ token: Token) -> String { file.text(token.range) }

    /// The text of an identifier token, remembered: names repeat throughout a script.
    private mutating func word(_ token: Token) -> String { words.text(token.range, in: file) }

    private func isWord(_ word: String, _ token: Token? = nil) -> Bool {
        let token = token ?? current
        guard token.kind == .identifier, token.range.upper - token.range.lower == word.utf8.count else { return false }
        return file.bytes[token.range.lower..<token.range.upper].elementsEqual(word.utf8)
    }

    @discardableResult
    private mutating func advance() -> Token {
        let token = current
        fill(through: index + 1)
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func error(_ code: DiagnosticCode, _ message: String, at range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    /// The error for an unexpected token: the lexer's own message for an invalid token, the
    /// `==` hint for a stray `=`, otherwise "expected X, found Y".
    private func unexpected(expected: String) -> Diagnostic {
        let token = current
        if token.kind == .invalid, let lexical = lexicalErrors[token.range.lower] { return lexical }
        if token.kind == .assign {
            return error(.assignmentInExpression, "`=` is not a comparison", at: token.range,
                         help: "use `==` to compare; `=` only gives a name a value (`let`, `metric`, `set`, `NAME = ...`)")
        }
        return error(.unexpectedToken, "expected \(expected), found \(describe(token))", at: token.range)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier: return "`\(text(token))`"
        case .number, .date, .duration: return "`\(text(token))`"
        case .string: return "a string"
        default: return Token.describe(token.kind)
        }
    }

    private mutating func expect(_ kind: Token.Kind, _ what: String? = nil) throws(Diagnostic) -> Token {
        guard current.kind == kind else { throw unexpected(expected: what ?? Token.describe(kind)) }
        return advance()
    }

    private mutating func expectWord(_ word: String) throws(Diagnostic) -> Token {
        guard isWord(word) else { throw unexpected(expected: "`\(word)`") }
        return advance()
    }

    private mutating func expectName(_ what: String) throws(Diagnostic) -> Name {
        guard current.kind == .identifier else { throw unexpected(expected: what) }
        let token = advance()
        return Name(word(token), token.range)
    }

    private mutating func skipSeparators() {
        while current.kind == .newline || current.kind == .semicolon { advance() }
    }

    private var atStatementEnd: Bool { Self.endsStatement(current) }

    private static func endsStatement(_ token: Token) -> Bool {
        switch token.kind {
        case .newline, .semicolon, .endOfFile, .rightBrace: return true
        default: return false
        }
    }

    /// The end of a statement: a separator, or what closes the script or the block.
    /// separator ::= NEWLINE | ';'
    private mutating func expectStatementEnd() throws(Diagnostic) {
        guard atStatementEnd else { throw unexpected(expected: "the end of the statement") }
    }

    /// Skips to the next statement boundary at the nesting level where the failed statement began.
    private mutating func synchronize(from start: Int) {
        var braces = 0
        var cursor = start
        while cursor < index {
            if tokens[cursor].kind == .leftBrace { braces += 1 }
            if tokens[cursor].kind == .rightBrace { braces -= 1 }
            cursor += 1
        }
        if index == start, current.kind != .endOfFile { advanceCounting(&braces) }
        while current.kind != .endOfFile {
            if braces <= 0, current.kind == .newline || current.kind == .semicolon { break }
            if braces <= 0, current.kind == .rightBrace, depth > 0 { break }
            advanceCounting(&braces)
        }
    }

    private mutating func advanceCounting(_ braces: inout Int) {
        if current.kind == .leftBrace { braces += 1 }
        if current.kind == .rightBrace { braces -= 1 }
        advance()
    }

    /// Counts one operator, member or stage against the statement's budget.
    private mutating func countNode() throws(Diagnostic) {
        nodes += 1
        if nodes > Parser.maximumNodes {
            throw error(.tooLong, "the statement has more than \(Parser.maximumNodes) operators and stages", at: current.range,
                        help: "split it with `let` or `extend`")
        }
    }

    private mutating func nested<T>(_ body: (inout Parser) throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumDepth || StackGuard.isBelow(stackFloor) { throw tooDeep() }
        return try body(&self)
    }

    private func tooDeep() -> Diagnostic {
        let reason = depth > Parser.maximumDepth ? "nesting is deeper than \(Parser.maximumDepth) levels"
            : "nesting is too deep for the stack left (\(depth) levels)"
        return error(.tooDeep, reason, at: current.range,
              help: "split the expression with `let` or `extend`")
    }

    // MARK: Statements

    /// statement ::= definition | letStatement | metricStatement | triggerStatement | updateStatement
    ///             | addParty | removeParty | removeStatement | scenarioStatement | useStatement
    ///             | dropStatement | loadStatement | saveStatement | importStatement | refreshStatement
    ///             | exportStatement | paramStatement | printStatement | assertStatement
    ///             | whatIfStatement | undoStatement | mergeStatement | DOT_COMMAND | pipeline
    private mutating func parseStatement() throws(Diagnostic) -> Statement {
        let start = current.range.lower
        let kind = try parseStatementKind()
        let end = tokens[max(0, index - 1)].range.upper
        return Statement(kind: kind, range: SourceRange(start, max(start, end)))
    }

    private mutating func parseStatementKind() throws(Diagnostic) -> StatementKind {
        let token = current
        if token.kind == .dotCommand { return parseDotCommand() }
        guard token.kind == .identifier else {
            if token.kind == .invalid, let lexical = lexicalErrors[token.range.lower] { throw lexical }
            throw unexpected(expected: "a statement")
        }
        let next = peek()
        switch word(token) {
        case let word where EntityType(rawValue: word) != nil && next.kind == .identifier && peek(2).kind == .leftBrace:
            return try parseDefinition()
        case "let" where next.kind == .identifier && peek(2).kind == .assign:
            return try parseLetStatement()
        case "metric" where next.kind == .identifier && peek(2).kind == .assign:
            return try parseMetricStatement()
        case "trigger" where next.kind == .identifier:
            return try parseTriggerStatement()
        case "update" where next.kind == .identifier:
            return try parseUpdateStatement()
        case "add" where isWord("party", next):
            return try parseAddParty()
        case "remove" where isWord("party", next) && peek(2).kind == .identifier && isWord("from", peek(3)):
            return try parseRemoveParty()
        case "remove" where next.kind == .identifier:
            return try parseRemoveStatement()
        case "scenario" where next.kind == .identifier:
            return try parseScenarioStatement()
        case "use" where next.kind == .identifier:
            return try parseUseStatement()
        case "drop":
            return try parseDropStatement()
        case "load" where next.kind == .string:
            return try parseLoadStatement()
        case "save" where next.kind == .string || isWord("scenarios", next):
            return try parseSaveStatement()
        case let word where (word == "undo" || word == "redo") && (next.kind == .number || Self.endsStatement(next)):
            return try parseUndoStatement()
        case "merge" where next.kind == .identifier && isWord("into", peek(2)):
            return try parseMergeStatement()
        case "import":
            return try parseImportStatement()
        case "param" where next.kind == .identifier && peek(2).kind == .assign:
            return try parseParamStatement()
        case "print" where startsOperand(next):
            return try parsePrintStatement()
        case "assert" where startsOperand(next):
            return try parseAssertStatement()
        case "refresh" where next.kind == .identifier:
            return try parseRefreshStatement()
        case "export":
            return try parseExportStatement()
        case _ where startsWhatIf():
            return .whatIf(try parseWhatIfStatement())
        default:
            return .query(try parsePipeline())
        }
    }

    /// DOT_COMMAND
    private mutating func parseDotCommand() -> StatementKind {
        let token = advance()
        let raw = text(token)
        let body = raw.dropFirst()
        let nameEnd = body.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? body.endIndex
        let name = String(body[..<nameEnd])
        let nameRange = SourceRange(token.range.lower, token.range.lower + 1 + name.utf8.count)
        let arguments = body[nameEnd...].trimmingCharactersInSet()
        return .dotCommand(Name(name, nameRange), arguments: arguments)
    }

    /// definition ::= entityName IDENT fieldBlock
    private mutating func parseDefinition() throws(Diagnostic) -> StatementKind {
        let type = parseEntityName()
        let id = try expectName("an id")
        let fields = try parseFieldBlock()
        return .define(type, id: id, fields: fields)
    }

    /// entityName ::= 'partner' | 'agreement' | 'stakeholder'
    private mutating func parseEntityName() -> EntityType {
        let typeToken = advance()
        guard let type = EntityType(rawValue: word(typeToken)) else {
            preconditionFailure("parseStatementKind calls parseDefinition only on an entity name")
        }
        return type
    }

    /// fieldBlock ::= '{' fieldSeparator* ( field ( fieldSeparator+ field )* fieldSeparator* )? '}'
    /// fieldSeparator ::= ',' | ';' | NEWLINE
    /// field ::= IDENT ':' expr
    private mutating func parseFieldBlock() throws(Diagnostic) -> [FieldInit] {
        try nested { (parser: inout Parser) throws(Diagnostic) -> [FieldInit] in
            _ = try parser.expect(.leftBrace)
            var fields: [FieldInit] = []
            while true {
                while parser.current.kind == .comma || parser.current.kind == .semicolon || parser.current.kind == .newline {
                    parser.advance()
                }
                if parser.current.kind == .rightBrace { parser.advance(); return fields }
                let name = try parser.expectName(fields.isEmpty ? "a field name or `}`" : "a field name, a separator or `}`")
                _ = try parser.expect(.colon, "`:` after the field name")
                let value = try parser.parseExpr()
                fields.append(FieldInit(name: name, value: value))
                switch parser.current.kind {
                case .comma, .semicolon, .newline, .rightBrace: break
                default: throw parser.unexpected(expected: "`,`, a new line or `}`")
                }
            }
        }
    }

    /// loadStatement ::= 'load' STRING
    private mutating func parseLoadStatement() throws(Diagnostic) -> StatementKind {
        advance()
        return .load(try parsePathLiteral())
    }

    /// saveStatement ::= 'save' ( 'scenarios' 'to' )? STRING
    private mutating func parseSaveStatement() throws(Diagnostic) -> StatementKind {
        advance()
        if isWord("scenarios") {
            advance()
            _ = try expectWord("to")
            return .saveScenarios(try parsePathLiteral())
        }
        return .save(try parsePathLiteral())
    }

    /// undoStatement ::= ( 'undo' | 'redo' ) NUMBER?
    private mutating func parseUndoStatement() throws(Diagnostic) -> StatementKind {
        let keyword = advance()
        let steps = current.kind == .number ? try parseWholeNumber(what: "the number of steps", range: 1...1_000_000) : 1
        return text(keyword) == "undo" ? .undo(steps: steps) : .redo(steps: steps)
    }

    /// mergeStatement ::= 'merge' IDENT 'into' IDENT ( 'prefer' IDENT )?
    private mutating func parseMergeStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let source = try expectName("the scenario to merge")
        _ = try expectWord("into")
        let target = try expectName("the scenario to merge into")
        guard isWord("prefer") else { return .merge(source, into: target, prefer: nil) }
        advance()
        return .merge(source, into: target, prefer: try expectName("`\(source.text)` or `\(target.text)`"))
    }

    /// letStatement ::= 'let' IDENT '=' ( whatIfStatement | pipeline | expr )
    /// A pipeline when what follows `=` reads as one to the end of the statement; otherwise an
    /// expression (`let cutoff = today + 30d`).
    private mutating func parseLetStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a name")
        _ = try expect(.assign)
        if startsWhatIf() { return .letWhatIf(name, try parseWhatIfStatement()) }
        let (valueStart, nodesBefore) = (index, nodes)
        if current.kind == .identifier, !Self.startsExpressionOnly(word(current)), peek().kind != .leftParen {
            let pipeline = try parsePipeline()
            if atStatementEnd { return .letBinding(name, pipeline) }
            (index, nodes) = (valueStart, nodesBefore)
        }
        return .letExpression(name, try parseExpr())
    }

    /// Words that begin an expression but never a pipeline.
    private static func startsExpressionOnly(_ word: String) -> Bool {
        keywordLiteral(word) != nil || word == "not"
    }

    /// metricStatement ::= 'metric' IDENT '=' pipeline
    private mutating func parseMetricStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a metric name")
        _ = try expect(.assign)
        return .metric(name, try parsePipeline())
    }

    /// triggerStatement ::= 'trigger' IDENT 'on' entityPlural 'when' expr
    private mutating func parseTriggerStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a trigger name")
        _ = try expectWord("on")
        let type = try parseEntityPlural()
        _ = try expectWord("when")
        return .trigger(name, on: type.0, typeRange: type.1, when: try parseExpr())
    }

    /// entityPlural ::= 'partners' | 'agreements' | 'stakeholders'
    private mutating func parseEntityPlural() throws(Diagnostic) -> (EntityType, SourceRange) {
        guard current.kind == .identifier, let type = EntityType(plural: text(current)) else {
            var diagnostic = unexpected(expected: "`partners`, `agreements` or `stakeholders`")
            if current.kind == .identifier {
                diagnostic.help = Suggestions.help(for: text(current), in: EntityType.allCases.map(\.plural))
            }
            throw diagnostic
        }
        return (type, advance().range)
    }

    /// updateStatement ::= 'update' pipeline 'set' assignment ( ',' assignment )*
    private mutating func parseUpdateStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let pipeline = try parsePipeline()
        guard isWord("set") else { throw unexpected(expected: "`set` and the fields to change") }
        advance()
        var assignments = [try parseAssignment()]
        while current.kind == .comma {
            advance()
            assignments.append(try parseAssignment())
        }
        return .update(pipeline, assignments)
    }

    /// assignment ::= IDENT ( '.' IDENT )* '=' expr
    private mutating func parseAssignment() throws(Diagnostic) -> Assignment {
        var path = [try expectName("a field to set")]
        while current.kind == .dot {
            advance()
            path.append(try expectName("a field name after `.`"))
        }
        guard current.kind == .assign else {
            if current.kind == .equalEqual {
                throw error(.unexpectedToken, "`==` compares; `set` takes `=`", at: current.range, help: "write `set \(path.map(\.text).joined(separator: ".")) = ...`")
            }
            throw unexpected(expected: "`=`")
        }
        advance()
        return Assignment(path: path, value: try parseExpr())
    }

    /// removeStatement ::= 'remove' pipeline
    private mutating func parseRemoveStatement() throws(Diagnostic) -> StatementKind {
        advance()
        return .remove(try parsePipeline())
    }

    /// addParty ::= 'add' 'party' IDENT 'to' IDENT fieldBlock?
    private mutating func parseAddParty() throws(Diagnostic) -> StatementKind {
        advance()
        advance()
        let partner = try expectName("a partner id")
        _ = try expectWord("to")
        let agreement = try expectName("an agreement id")
        let fields = current.kind == .leftBrace ? try parseFieldBlock() : []
        return .addParty(partner: partner, agreement: agreement, fields: fields)
    }

    /// removeParty ::= 'remove' 'party' IDENT 'from' IDENT
    private mutating func parseRemoveParty() throws(Diagnostic) -> StatementKind {
        advance()
        advance()
        let partner = try expectName("a partner id")
        _ = try expectWord("from")
        let agreement = try expectName("an agreement id")
        return .removeParty(partner: partner, agreement: agreement)
    }

    /// scenarioStatement ::= 'scenario' IDENT ( 'from' IDENT )? block?
    private mutating func parseScenarioStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a scenario name")
        var parent: Name?
        if isWord("from") {
            advance()
            parent = try expectName("the scenario to fork from")
        }
        if current.kind == .leftBrace {
            return .scenarioBlock(name, from: parent, try parseBlock())
        }
        return .scenario(name, from: parent)
    }

    /// block ::= '{' separator* ( statement ( separator+ statement )* separator* )? '}'
    private mutating func parseBlock() throws(Diagnostic) -> [Statement] {
        try nested { (parser: inout Parser) throws(Diagnostic) -> [Statement] in
            let open = try parser.expect(.leftBrace)
            var statements: [Statement] = []
            while true {
                parser.skipSeparators()
                if parser.current.kind == .rightBrace { parser.advance(); return statements }
                if parser.current.kind == .endOfFile {
                    var diagnostic = parser.unexpected(expected: "`}`")
                    diagnostic.notes.append("the block opened at \(parser.file.name):\(parser.file.location(of: open.range.lower).line)")
                    throw diagnostic
                }
                statements.append(try parser.parseStatement())
                try parser.expectStatementEnd()
            }
        }
    }

    /// useStatement ::= 'use' IDENT
    private mutating func parseUseStatement() throws(Diagnostic) -> StatementKind {
        advance()
        return .use(try expectName("a scenario name"))
    }

    /// dropStatement ::= 'drop' 'scenario' IDENT
    private mutating func parseDropStatement() throws(Diagnostic) -> StatementKind {
        advance()
        _ = try expectWord("scenario")
        return .dropScenario(try expectName("a scenario name"))
    }

    /// diffSource ::= 'diff' ( IDENT ','? IDENT? )?
    private mutating func parseDiffSource() throws(Diagnostic) -> PipelineSource {
        guard current.kind == .identifier else { return .diff(nil, nil) }
        let first = try expectName("a scenario name")
        if current.kind == .comma { advance() }
        guard current.kind == .identifier else { return .diff(first, nil) }
        return .diff(first, try expectName("a scenario name"))
    }

    /// logSource ::= 'log' IDENT?
    private mutating func parseLogSource() -> PipelineSource {
        guard current.kind == .identifier else { return .log(nil) }
        let token = advance()
        return .log(Name(word(token), token.range))
    }

    /// compareSource ::= 'compare' IDENT ( ',' IDENT )* ( 'on' IDENT ( ',' IDENT )* )?
    private mutating func parseCompareSource() throws(Diagnostic) -> PipelineSource {
        var scenarios = [try expectName("a scenario name")]
        while current.kind == .comma {
            advance()
            scenarios.append(try expectName("a scenario name"))
        }
        var metrics: [Name] = []
        if isWord("on") {
            advance()
            metrics.append(try expectName("a metric name"))
            while current.kind == .comma {
                advance()
                metrics.append(try expectName("a metric name"))
            }
        }
        return .compare(scenarios, on: metrics)
    }

    private mutating func parsePathLiteral() throws(Diagnostic) -> PathLiteral {
        guard current.kind == .string else { throw unexpected(expected: "a file name in quotes") }
        let token = advance()
        return PathLiteral(text: try decodeString(token), range: token.range)
    }

    /// importStatement ::= 'import' ( entityPlural | 'parties' ) 'from' STRING
    private mutating func parseImportStatement() throws(Diagnostic) -> StatementKind {
        advance()
        guard current.kind == .identifier, ["partners", "agreements", "stakeholders", "parties"].contains(text(current)) else {
            throw unexpected(expected: "`partners`, `agreements`, `stakeholders` or `parties`")
        }
        let type = Name(text(current), advance().range)
        _ = try expectWord("from")
        return .importData(type, try parsePathLiteral())
    }

    // MARK: Many what-ifs at once

    /// Whether the statement (or the value of a `let`) is a `sweep`, `exits` or `simulate`; a
    /// `let` or metric of such a name still reads as a source (`exits | count`).
    private mutating func startsWhatIf() -> Bool {
        guard current.kind == .identifier else { return false }
        let next = peek()
        switch text(current) {
        case "sweep": return next.kind == Token.Kind.identifier && isWord("in", peek(2))
        case "exits": return next.kind == .identifier
        case "simulate": return next.kind == .number
        default: return false
        }
    }

    /// whatIfStatement ::= sweepStatement | exitsStatement | simulateStatement
    private mutating func parseWhatIfStatement() throws(Diagnostic) -> WhatIfBatch {
        switch text(current) {
        case "sweep": return try parseSweepStatement()
        case "exits": return try parseExitsStatement()
        default: return try parseSimulateStatement()
        }
    }

    /// sweepStatement ::= 'sweep' IDENT 'in' list block metricList keepAs?
    private mutating func parseSweepStatement() throws(Diagnostic) -> WhatIfBatch {
        advance()
        let variable = try expectName("the name the values are bound to")
        _ = try expectWord("in")
        guard current.kind == .leftBracket else { throw unexpected(expected: "a list of values, like `[5%, 10%, 20%]`") }
        guard case .list(let values) = try parseList().kind else { throw unexpected(expected: "a list of values") }
        let block = try parseBlock()
        let metrics = try parseMetricList()
        return .sweep(variable: variable, values: values, block: block, metrics: metrics, keep: try parseKeepAs())
    }

    /// exitsStatement ::= 'exits' pipeline? 'rank' 'by' IDENT ( ',' IDENT )*
    private mutating func parseExitsStatement() throws(Diagnostic) -> WhatIfBatch {
        advance()
        let pipeline = isWord("rank") && isWord("by", peek()) ? nil : try parsePipeline()
        _ = try expectWord("rank")
        _ = try expectWord("by")
        return .exits(pipeline, rankBy: try parseNameList("a metric name"))
    }

    /// simulateStatement ::= 'simulate' NUMBER ( 'seed' NUMBER )? block metricList keepAs?
    private mutating func parseSimulateStatement() throws(Diagnostic) -> WhatIfBatch {
        advance()
        let draws = try parseWholeNumber(what: "the number of draws", range: 1...1_000_000, example: "simulate 1000 seed 7 { ... } on active_value")
        var seed: UInt64?
        if isWord("seed") {
            advance()
            seed = UInt64(try parseWholeNumber(what: "the seed", range: 0...Int(Int32.max), example: "simulate 1000 seed 7 { ... } on active_value"))
        }
        let block = try parseBlock()
        let metrics = try parseMetricList()
        return .simulate(draws: draws, seed: seed, block: block, metrics: metrics, keep: try parseKeepAs())
    }

    /// metricList ::= 'on' IDENT ( ',' IDENT )*
    private mutating func parseMetricList() throws(Diagnostic) -> [Name] {
        guard isWord("on") else { throw unexpected(expected: "`on` and the metrics to evaluate in each case") }
        advance()
        return try parseNameList("a metric name")
    }

    private mutating func parseNameList(_ what: String) throws(Diagnostic) -> [Name] {
        var names = [try expectName(what)]
        while current.kind == .comma {
            advance()
            names.append(try expectName(what))
        }
        return names
    }

    /// keepAs ::= 'keep' 'as' IDENT
    private mutating func parseKeepAs() throws(Diagnostic) -> Name? {
        guard isWord("keep") else { return nil }
        advance()
        _ = try expectWord("as")
        return try expectName("a name for what is kept")
    }

    // MARK: Reports

    /// paramStatement ::= 'param' IDENT '=' expr
    private mutating func parseParamStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a parameter name")
        _ = try expect(.assign)
        return .param(name, try parseExpr())
    }

    /// printStatement ::= 'print' expr
    private mutating func parsePrintStatement() throws(Diagnostic) -> StatementKind {
        advance()
        return .print(try parseExpr())
    }

    /// assertStatement ::= 'assert' expr ( ',' STRING )?
    private mutating func parseAssertStatement() throws(Diagnostic) -> StatementKind {
        advance()
        let condition = try parseExpr()
        guard current.kind == .comma else { return .assert(condition, message: nil) }
        advance()
        guard current.kind == .string else { throw unexpected(expected: "the assertion's message in quotes") }
        return .assert(condition, message: try decodeString(advance()))
    }

    /// refreshStatement ::= 'refresh' entityPlural 'from' STRING
    private mutating func parseRefreshStatement() throws(Diagnostic) -> StatementKind {
        advance()
        guard current.kind == .identifier, EntityType(plural: text(current)) != nil else {
            var diagnostic = unexpected(expected: "`partners`, `agreements` or `stakeholders`")
            if isWord("parties") { diagnostic.help = "parties are refreshed with their agreements (a `parties` column)" }
            throw diagnostic
        }
        let type = Name(text(current), advance().range)
        _ = try expectWord("from")
        return .refresh(type, try parsePathLiteral())
    }

    /// exportStatement ::= 'export' ( 'network' | pipeline ) 'to' STRING
    private mutating func parseExportStatement() throws(Diagnostic) -> StatementKind {
        advance()
        if isWord("network"), isWord("to", peek()) {
            advance()
            advance()
            return .exportNetwork(try parsePathLiteral())
        }
        let pipeline = try parsePipeline()
        _ = try expectWord("to")
        return .export(pipeline, try parsePathLiteral())
    }

    // MARK: Pipelines

    /// pipeline ::= source ( '|' stage )*
    public mutating func parsePipeline() throws(Diagnostic) -> Pipeline {
        let start = current.range.lower
        let (source, sourceRange) = try parseSource()
        var stages: [Stage] = []
        while current.kind == .pipe {
            try countNode()
            advance()
            stages.append(try parseStage())
        }
        let end = tokens[max(0, index - 1)].range.upper
        return Pipeline(source: source, sourceRange: sourceRange, stages: stages, range: SourceRange(start, end))
    }

    /// source ::= entityPlural | entityName IDENT | 'renewals' ( 'within' expr )?
    ///          | 'path' 'from' IDENT 'to' IDENT | 'triggers' | 'scenarios' | diffSource | compareSource | logSource
    ///          | IDENT
    private mutating func parseSource() throws(Diagnostic) -> (PipelineSource, SourceRange) {
        guard current.kind == .identifier else { throw unexpected(expected: "a statement or a query") }
        let token = advance()
        let word = text(token)
        if let type = EntityType(plural: word) { return (.all(type), token.range) }
        if let type = EntityType(rawValue: word), current.kind == .identifier {
            let id = try expectName("an id")
            return (.one(type, id), token.range.union(id.range))
        }
        switch word {
        case "renewals":
            if isWord("within") {
                advance()
                let expr = try parseExpr()
                return (.renewals(within: expr), token.range.union(expr.range))
            }
            return (.renewals(within: nil), token.range)
        case "path" where isWord("from"):
            advance()
            let from = try expectName("an id")
            _ = try expectWord("to")
            let to = try expectName("an id")
            return (.path(from: from, to: to), token.range.union(to.range))
        case "diff":
            let source = try parseDiffSource()
            return (source, token.range.union(tokens[max(0, index - 1)].range))
        case "compare" where current.kind == .identifier:
            let source = try parseCompareSource()
            return (source, token.range.union(tokens[max(0, index - 1)].range))
        case "triggers": return (.triggers, token.range)
        case "scenarios": return (.scenarios, token.range)
        case "log":
            let source = parseLogSource()
            return (source, token.range.union(tokens[max(0, index - 1)].range))
        default: return (.binding(Name(word, token.range)), token.range)
        }
    }

    /// The stage names, from the stage table (`StageTable`), which says what each stage is.
    static var stageNames: [String] { StageTable.names }

    /// stage ::= 'where' expr | 'sort' sortKey ( ',' sortKey )* | 'take' expr | 'select' item ( ',' item )*
    ///         | 'extend' namedItem ( ',' namedItem )* | 'summarize' item ( ',' item )* ( 'by' item ( ',' item )* )?
    ///         | 'count' | 'distinct' item ( ',' item )* | entityPlural | 'parties' | 'balance'
    ///         | 'centrality' centralityMethod? | 'grid' | 'timeline' | 'kpis' | 'milestones' | 'chart' item ( 'by' item )?
    private mutating func parseStage() throws(Diagnostic) -> Stage {
        guard current.kind == .identifier else { throw unexpected(expected: "a stage name after `|`") }
        let nameToken = advance()
        let word = text(nameToken)
        guard StageTable.entry(named: word) != nil else { throw unknownStage(word, at: nameToken.range) }
        let kind: StageKind
        switch word {
        case "where": kind = .filter(try parseExpr())
        case "sort":
            var keys = [try parseSortKey()]
            while current.kind == .comma {
                advance()
                keys.append(try parseSortKey())
            }
            kind = .sort(keys)
        case "take": kind = .take(try parseExpr())
        case "select": kind = .select(try parseItems(namedOnly: false))
        case "extend": kind = .extend(try parseItems(namedOnly: true))
        case "summarize":
            let items = try parseItems(namedOnly: false)
            var by: [Item] = []
            if isWord("by") {
                advance()
                by = try parseItems(namedOnly: false)
            }
            kind = .summarize(items, by: by)
        case "count": kind = .count
        case "distinct": kind = .distinct(try parseItems(namedOnly: false))
        case "partners": kind = .relation(.partner)
        case "agreements": kind = .relation(.agreement)
        case "stakeholders": kind = .relation(.stakeholder)
        case "parties": kind = .parties
        case "balance": kind = .balance
        case "centrality": kind = .centrality(try parseCentralityMethod())
        case "grid": kind = .grid
        case "timeline": kind = .timeline
        case "kpis": kind = .kpis
        case "milestones": kind = .milestones
        case "chart":
            let value = try parseItem(namedOnly: false)
            var by: Item?
            if isWord("by") {
                advance()
                by = try parseItem(namedOnly: false)
            }
            kind = .chart(value, by: by)
        default:
            // In the table but not parsed here: `StageTableTests` fails on it.
            throw unknownStage(word, at: nameToken.range)
        }
        let end = tokens[max(0, index - 1)].range.upper
        return Stage(kind: kind, nameRange: nameToken.range, range: SourceRange(nameToken.range.lower, end))
    }

    private func unknownStage(_ word: String, at range: SourceRange) -> Diagnostic {
        error(.unknownStage, "`\(word)` is not a stage", at: range,
              help: Suggestions.help(for: word, in: StageTable.names) ?? "stages are: \(StageTable.names.joined(separator: ", "))")
    }

    /// centralityMethod ::= 'exact' | 'sample' NUMBER ( 'seed' NUMBER )?
    private mutating func parseCentralityMethod() throws(Diagnostic) -> CentralityMethod {
        if isWord("exact") { advance(); return .exact }
        guard isWord("sample") else { return .automatic }
        advance()
        let count = try parseWholeNumber(what: "the number of sampled sources", range: 1...Int(Int32.max))
        var seed = 1
        if isWord("seed") {
            advance()
            seed = try parseWholeNumber(what: "the seed", range: 0...Int(Int32.max))
        }
        return .sample(count, seed: UInt64(seed))
    }

    /// A NUMBER token that must be a whole number in `range` (a count or a seed in the syntax).
    private mutating func parseWholeNumber(what: String, range: ClosedRange<Int>,
                                           example: String = "centrality sample 1000 seed 7") throws(Diagnostic) -> Int {
        guard current.kind == .number else { throw unexpected(expected: "\(what) (a whole number)") }
        let token = advance()
        let value = try decodeNumber(token)
        guard value.rounded() == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw error(.invalidValue, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text(token))`",
                        at: token.range, help: "for example `\(example)`")
        }
        return Int(value)
    }

    /// sortKey ::= expr ( 'asc' | 'desc' )?
    private mutating func parseSortKey() throws(Diagnostic) -> SortKey {
        let expr = try parseExpr()
        if isWord("desc") { advance(); return SortKey(expr: expr, descending: true) }
        if isWord("asc") { advance() }
        return SortKey(expr: expr, descending: false)
    }

    private mutating func parseItems(namedOnly: Bool) throws(Diagnostic) -> [Item] {
        var items = [try parseItem(namedOnly: namedOnly)]
        while current.kind == .comma {
            advance()
            items.append(try parseItem(namedOnly: namedOnly))
        }
        return items
    }

    /// item ::= ( IDENT '=' )? expr
    /// namedItem ::= IDENT '=' expr
    private mutating func parseItem(namedOnly: Bool) throws(Diagnostic) -> Item {
        if current.kind == .identifier, peek().kind == .assign {
            let name = Name(text(current), advance().range)
            advance()
            let expr = try parseExpr()
            return Item(name: name, expr: expr, label: name.text)
        }
        if namedOnly {
            throw error(.unexpectedToken, "expected `NAME = expression`, found \(describe(current))", at: current.range,
                        help: "`extend` adds named columns: `extend share = value / 1000`")
        }
        let startToken = index
        let expr = try parseExpr()
        return Item(name: nil, expr: expr, label: label(from: startToken, to: index))
    }

    /// The source text of tokens [from, to) with whitespace and comments between them removed.
    private func label(from: Int, to: Int) -> String {
        var result = ""
        for position in from..<to where tokens[position].kind != .newline {
            result += text(tokens[position])
        }
        return result
    }

    // MARK: Expressions

    /// expr ::= orExpr ( '??' orExpr )*
    public mutating func parseExpr() throws(Diagnostic) -> Expr {
        try nested { (parser: inout Parser) throws(Diagnostic) -> Expr in
            // A lone literal (most values in a definition) needs no trip down the precedence levels.
            if parser.isLoneLiteral() { return try parser.parsePrimary() }
            var left = try parser.parseOrExpr()
            while parser.current.kind == .questionQuestion {
                try parser.countNode()
                let op = parser.advance()
                let right = try parser.parseOrExpr()
                left = Expr(.binary(.coalesce, left, right, operatorRange: op.range), left.range.union(right.range))
            }
            return left
        }
    }

    /// Whether the current token is a number, string, date or word (an enum case, `true`, a
    /// name) that no operator, member access, call or field block follows: the precedence
    /// levels would return it unchanged (a word alone is never an operator's).
    private mutating func isLoneLiteral() -> Bool {
        switch current.kind {
        case .number, .string, .date, .identifier: break
        default: return false
        }
        switch peek().kind {
        case .comma, .rightBrace, .rightBracket, .rightParen, .newline, .semicolon, .endOfFile: return true
        default: return false
        }
    }

    /// orExpr ::= andExpr ( 'or' andExpr )*
    private mutating func parseOrExpr() throws(Diagnostic) -> Expr {
        var left = try parseAndExpr()
        while isWord("or") {
            try countNode()
            let op = advance()
            let right = try parseAndExpr()
            left = Expr(.binary(.or, left, right, operatorRange: op.range), left.range.union(right.range))
        }
        return left
    }

    /// andExpr ::= notExpr ( 'and' notExpr )*
    private mutating func parseAndExpr() throws(Diagnostic) -> Expr {
        var left = try parseNotExpr()
        while isWord("and") {
            try countNode()
            let op = advance()
            let right = try parseNotExpr()
            left = Expr(.binary(.and, left, right, operatorRange: op.range), left.range.union(right.range))
        }
        return left
    }

    /// notExpr ::= 'not' notExpr | comparison
    private mutating func parseNotExpr() throws(Diagnostic) -> Expr {
        if isWord("not"), startsOperand(peek()) {
            try countNode()
            let op = advance()
            let operand = try nested { (parser: inout Parser) throws(Diagnostic) -> Expr in try parser.parseNotExpr() }
            return Expr(.unary(.not, operand), op.range.union(operand.range))
        }
        return try parseComparison()
    }

    private func startsOperand(_ token: Token) -> Bool {
        switch token.kind {
        case .identifier, .number, .string, .date, .duration, .leftParen, .leftBracket, .leftBrace, .minus: return true
        default: return false
        }
    }

    /// comparison ::= additive ( comparisonOp additive )?
    /// comparisonOp ::= '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in' | 'contains'
    private mutating func parseComparison() throws(Diagnostic) -> Expr {
        let left = try parseAdditive()
        let op: BinaryOperator
        switch current.kind {
        case .equalEqual: op = .equal
        case .bangEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .assign: throw unexpectedAssign()
        case .identifier where isWord("in"): op = .in
        case .identifier where isWord("not") && isWord("in", peek()):
            advance()
            op = .notIn
        case .identifier where isWord("contains"): op = .contains
        default: return left
        }
        let opToken = advance()
        let right = try parseAdditive()
        return Expr(.binary(op, left, right, operatorRange: opToken.range), left.range.union(right.range))
    }

    private func unexpectedAssign() -> Diagnostic { unexpected(expected: "") }

    /// additive ::= multiplicative ( ( '+' | '-' ) multiplicative )*
    private mutating func parseAdditive() throws(Diagnostic) -> Expr {
        var left = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            try countNode()
            let opToken = advance()
            let right = try parseMultiplicative()
            left = Expr(.binary(opToken.kind == .plus ? .add : .subtract, left, right, operatorRange: opToken.range),
                        left.range.union(right.range))
        }
        return left
    }

    /// multiplicative ::= unary ( ( '*' | '/' ) unary )*
    private mutating func parseMultiplicative() throws(Diagnostic) -> Expr {
        var left = try parseUnary()
        while current.kind == .star || current.kind == .slash {
            try countNode()
            let opToken = advance()
            let right = try parseUnary()
            left = Expr(.binary(opToken.kind == .star ? .multiply : .divide, left, right, operatorRange: opToken.range),
                        left.range.union(right.range))
        }
        return left
    }

    /// unary ::= '-' unary | postfix
    private mutating func parseUnary() throws(Diagnostic) -> Expr {
        if current.kind == .minus {
            try countNode()
            let op = advance()
            let operand = try nested { (parser: inout Parser) throws(Diagnostic) -> Expr in try parser.parseUnary() }
            return Expr(.unary(.negate, operand), op.range.union(operand.range))
        }
        return try parsePostfix()
    }

    /// postfix ::= primary ( '.' IDENT )*
    private mutating func parsePostfix() throws(Diagnostic) -> Expr {
        var expr = try parsePrimary()
        while current.kind == .dot {
            try countNode()
            advance()
            let member = try expectName("a field name after `.`")
            expr = Expr(.member(expr, member), expr.range.union(member.range))
        }
        return expr
    }

    /// primary ::= NUMBER | STRING | DATE | DURATION | 'true' | 'false' | 'null' | 'today'
    ///           | IDENT ( '(' arguments? ')' | fieldBlock )? | '(' expr ')' | list | fieldBlock
    // The recursive rules keep small frames: a debug build puts every temporary of a function
    // (a Diagnostic is large) on the stack at once, and 256 levels of nesting must fit in the
    // main thread's 8 MB. Literals and errors are read in functions of their own.
    private mutating func parsePrimary() throws(Diagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .number, .string, .date, .duration:
            advance()
            return try literal(token)
        case .leftParen:
            return try parseParenthesized()
        case .leftBracket:
            return try parseList()
        case .leftBrace:
            let fields = try parseFieldBlock()
            return Expr(.record(fields), token.range.union(tokens[index - 1].range))
        case .identifier:
            advance()
            let word = self.word(token)
            // (Only a word of 4 or 5 letters can be one of these.)
            if (4...5).contains(token.range.upper - token.range.lower), let keyword = Self.keywordLiteral(word) {
                return Expr(keyword, token.range)
            }
            if current.kind == .leftParen {
                return try parseCall(Name(word, token.range))
            }
            if current.kind == .leftBrace {
                let fields = try parseFieldBlock()
                return Expr(.tagged(Name(word, token.range), fields), token.range.union(tokens[index - 1].range))
            }
            return Expr(.name(word), token.range)
        default:
            throw unexpected(expected: "an expression")
        }
    }

    /// `true`, `false`, `null`, `today`.
    static func keywordLiteral(_ word: String) -> ExprKind? {
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        case "today": return .today
        default: return nil
        }
    }

    /// A NUMBER, STRING, DATE or DURATION token's value.
    private func literal(_ token: Token) throws(Diagnostic) -> Expr {
        switch token.kind {
        case .number:
            return Expr(.number(try decodeNumber(token)), token.range)
        case .string:
            return Expr(.string(try decodeString(token)), token.range)
        case .date:
            guard let day = Day(isoUTF8: file.bytes[token.range.lower..<token.range.upper]) else {
                throw error(.invalidDate, "`\(text(token))` is not a date", at: token.range,
                            help: "dates are written YYYY-MM-DD with a month from 01 to 12 and a day that exists in it")
            }
            return Expr(.date(day), token.range)
        default:
            let bytes = file.bytes[token.range.lower..<token.range.upper]
            guard let duration = Duration(plainUTF8: bytes) ?? Duration(text: text(token)) else {
                throw error(.invalidNumber, "`\(text(token))` is not a duration", at: token.range,
                            help: "durations are whole numbers (up to \(Duration.largestAmount)) of days, weeks, months or years: `90d`, `12w`, `6mo`, `2y`")
            }
            return Expr(.duration(duration), token.range)
        }
    }

    /// '(' expr ')'
    private mutating func parseParenthesized() throws(Diagnostic) -> Expr {
        let open = advance()
        let inner = try parseExpr()
        guard current.kind == .rightParen else { throw unclosedParenthesis(open) }
        let close = advance()
        return Expr(inner.kind, open.range.union(close.range))
    }

    private func unclosedParenthesis(_ open: Token) -> Diagnostic {
        var diagnostic = unexpected(expected: "`)`")
        diagnostic.notes.append("to close the `(` at \(file.name):\(file.location(of: open.range.lower).line):\(file.location(of: open.range.lower).column)")
        return diagnostic
    }

    /// arguments ::= expr ( ',' expr )*
    private mutating func parseCall(_ name: Name) throws(Diagnostic) -> Expr {
        let open = advance()
        var arguments: [Expr] = []
        if current.kind != .rightParen {
            arguments.append(try parseExpr())
            while current.kind == .comma {
                advance()
                arguments.append(try parseExpr())
            }
        }
        guard current.kind == .rightParen else { throw unclosedCall(name, open) }
        let close = advance()
        return Expr(.call(name, arguments), name.range.union(close.range))
    }

    private func unclosedCall(_ name: Name, _ open: Token) -> Diagnostic {
        var diagnostic = unexpected(expected: "`,` or `)`")
        diagnostic.notes.append("to close the `(` of `\(name.text)` at column \(file.location(of: open.range.lower).column)")
        return diagnostic
    }

    /// list ::= '[' ( expr ( ',' expr )* ','? )? ']'
    private mutating func parseList() throws(Diagnostic) -> Expr {
        try nested { (parser: inout Parser) throws(Diagnostic) -> Expr in
            let open = parser.advance()
            var items: [Expr] = []
            while parser.current.kind != .rightBracket {
                items.append(try parser.parseExpr())
                if parser.current.kind == .comma {
                    parser.advance()
                } else if parser.current.kind != .rightBracket {
                    throw parser.unexpected(expected: "`,` or `]`")
                }
            }
            let close = parser.advance()
            return Expr(.list(items), open.range.union(close.range))
        }
    }

    // MARK: Literal values

    /// The value of a NUMBER token: `_` separators, `k`/`M`/`B` magnitudes, `%`.
    private func decodeNumber(_ token: Token) throws(Diagnostic) -> Double { try Self.decodeNumber(token, in: file) }

    static func decodeNumber(_ token: Token, in file: SourceFile) throws(Diagnostic) -> Double {
        if let value = quickNumber(file.bytes[token.range.lower..<token.range.upper]) { return value }
        var digits = ""
        var multiplier = 1.0
        for byte in file.bytes[token.range.lower..<token.range.upper] {
            switch byte {
            case UInt8(ascii: "_"): continue
            case UInt8(ascii: "k"): multiplier = 1e3
            case UInt8(ascii: "M"): multiplier = 1e6
            case UInt8(ascii: "B"): multiplier = 1e9
            case UInt8(ascii: "%"): multiplier = 0.01
            default: digits.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        // More than 17 significant digits cannot be held exactly; beyond 1e300 is no amount.
        var significant = Substring(digits.filter { $0 != "." }.drop { $0 == "0" })
        while significant.last == "0" { significant = significant.dropLast() }
        guard significant.count <= 17, let value = Double(digits), (value * multiplier).isFinite,
              abs(value * multiplier) < 1e300 else {
            throw Diagnostic(.invalidNumber, "the number `\(file.text(token.range))` cannot be represented", at: token.range, in: file,
                             help: "numbers have at most 17 significant digits and stay below 1e300")
        }
        return multiplier == 0.01 ? value / 100 : value * multiplier
    }

    /// Powers of ten held exactly by a Double.
    private static let exactPowersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// `plainNumber`, also with a `k`/`M`/`B`/`%` magnitude (`900k`, the usual amount): the same
    /// arithmetic the general way does on the same digits, so the same Double. nil for anything
    /// `plainNumber` leaves to the general way.
    static func quickNumber(_ bytes: Slice<UnsafeRawBufferPointer>) -> Double? {
        guard let last = bytes.last else { return nil }
        let multiplier: Double
        switch last {
        case UInt8(ascii: "k"): multiplier = 1e3
        case UInt8(ascii: "M"): multiplier = 1e6
        case UInt8(ascii: "B"): multiplier = 1e9
        case UInt8(ascii: "%"): return plainNumber(bytes.dropLast()).map { $0 / 100 }
        default: return plainNumber(bytes)
        }
        return plainNumber(bytes.dropLast()).map { $0 * multiplier }
    }

    /// Digits with at most one `.` and at most 15 digits in all (`4.5`, `250000`), read without
    /// a string: the digits as an integer are exact, and so is 10^k for k ≤ 22, so one division
    /// rounds correctly (Clinger's fast path) and equals what `Double(String)` gives. nil for
    /// anything else (separators, magnitudes, `%`, longer numbers), which goes the general way.
    static func plainNumber(_ bytes: Slice<UnsafeRawBufferPointer>) -> Double? {
        guard let first = bytes.first, first &- UInt8(ascii: "0") < 10, bytes.count <= 16 else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard fraction < 0 else { return nil }
                fraction = 0
                continue
            }
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
            digits += 1
            if fraction >= 0 { fraction += 1 }
        }
        guard digits > 0, digits <= 15, fraction != 0 else { return nil }
        let value = Double(mantissa)
        return fraction > 0 ? value / exactPowersOfTen[fraction] : value
    }

    /// The value of a STRING token, with escapes decoded.
    func decodeString(_ token: Token) throws(Diagnostic) -> String { try Self.decodeString(token, in: file) }

    static func decodeString(_ token: Token, in file: SourceFile) throws(Diagnostic) -> String {
        let bytes = file.bytes
        var position = token.range.lower + 1
        let end = token.range.upper - 1
        // Most strings have no escape: their bytes are the string (the file is valid UTF-8).
        if !bytes[position..<end].contains(UInt8(ascii: "\\")) {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(end - position)
        while position < end {
            let byte = bytes[position]
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                position += 1
                continue
            }
            let escapeStart = position
            position += 1
            let kind = position < end ? bytes[position] : 0
            position += 1
            switch kind {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u") where position < end && bytes[position] == UInt8(ascii: "{"):
                var scan = position + 1
                var value: UInt32 = 0
                var count = 0
                while scan < end, let digit = hexValue(bytes[scan]), count < 8 {
                    value = value * 16 + digit
                    count += 1
                    scan += 1
                }
                guard count > 0, scan < end, bytes[scan] == UInt8(ascii: "}"), let scalar = Unicode.Scalar(value), value != 0 else {
                    throw Diagnostic(.invalidEscape, "invalid unicode escape", at: SourceRange(escapeStart, min(scan + 1, end)), in: file,
                                     help: "write a code point in hex: `\\u{E9}`")
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                position = scan + 1
            default:
                throw Diagnostic(.invalidEscape, "unknown escape `\\\(kind == 0 ? "" : String(Character(Unicode.Scalar(kind))))`",
                                 at: SourceRange(escapeStart, min(position, end)), in: file,
                                 help: "escapes are \\\" \\\\ \\n \\t \\u{XXXX}")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}

extension Substring {
    func trimmingCharactersInSet() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
