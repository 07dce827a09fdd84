import Foundation
import Testing
@testable import AllyKit

/// An expression as a fully parenthesized prefix form, to check the tree's shape.
func sExpression(_ expr: Expr) -> String {
    switch expr.kind {
    case .number(let n): return ValueFormatter.number(n)
    case .string(let s): return "\"\(s)\""
    case .date(let d): return d.description
    case .duration(let d): return d.description
    case .bool(let b): return String(b)
    case .null: return "null"
    case .today: return "today"
    case .name(let name): return name
    case .member(let base, let member): return "(. \(sExpression(base)) \(member.text))"
    case .call(let name, let arguments): return "(\(name.text)" + arguments.map { " " + sExpression($0) }.joined() + ")"
    case .unary(let op, let operand): return "(\(op.rawValue) \(sExpression(operand)))"
    case .binary(let op, let left, let right, _): return "(\(op.rawValue) \(sExpression(left)) \(sExpression(right)))"
    case .list(let items): return "[" + items.map(sExpression).joined(separator: " ") + "]"
    case .record(let fields): return "{" + fields.map { "\($0.name.text): \(sExpression($0.value))" }.joined(separator: " ") + "}"
    case .tagged(let name, let fields):
        return "\(name.text){" + fields.map { "\($0.name.text): \(sExpression($0.value))" }.joined(separator: " ") + "}"
    }
}

private func parse(_ text: String) -> (statements: [Statement], diagnostics: [Diagnostic], file: SourceFile) {
    let file = SourceFile(name: "parse.ally", text: text)
    let (statements, diagnostics) = Parser.parse(file)
    return (statements, diagnostics, file)
}

private func parseExpression(_ text: String) throws -> Expr {
    var parser = Parser(file: SourceFile(name: "expr", text: text))
    return try parser.parseExpr()
}

/// The only statement of a text that must parse.
private func statement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> StatementKind? {
    let (statements, diagnostics, _) = parse(text)
    #expect(diagnostics.isEmpty, "\(diagnostics.map { DiagnosticRenderer.render($0) })", sourceLocation: sourceLocation)
    #expect(statements.count == 1, sourceLocation: sourceLocation)
    return statements.first?.kind
}

/// The pipeline of a query statement.
private func pipeline(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Pipeline? {
    guard case .query(let pipeline)? = statement(text, sourceLocation: sourceLocation) else {
        Issue.record("not a query: \(text)", sourceLocation: sourceLocation)
        return nil
    }
    return pipeline
}

/// The single diagnostic of a text that must fail to parse.
private func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> (Diagnostic, SourceFile)? {
    let (_, diagnostics, file) = parse(text)
    #expect(diagnostics.count == 1, "\(diagnostics.map { DiagnosticRenderer.render($0) })", sourceLocation: sourceLocation)
    return diagnostics.first.map { ($0, file) }
}

@Suite("Parser")
struct ParserTests {
    // MARK: Statement kinds

    @Test("definitions of each entity type")
    func definitions() {
        guard case .define(.partner, let id, let fields)? = statement("partner mercy { name: \"Mercy\", kind: hospital\n region: \"EU\"; stage: engaged }") else {
            Issue.record("not a partner definition")
            return
        }
        #expect(id.text == "mercy")
        #expect(fields.map(\.name.text) == ["name", "kind", "region", "stage"])
        guard case .define(.agreement, _, let agreementFields)? = statement(
            "agreement a { title: \"T\", form: mou, parties: [mercy {role: lead, contributes: 2M}, stateu] }") else {
            Issue.record("not an agreement definition")
            return
        }
        #expect(sExpression(agreementFields[2].value) == "[mercy{role: lead contributes: 2000000} stateu]")
        guard case .define(.stakeholder, _, _)? = statement("stakeholder ann { name: \"Ann\", org: mercy, group: board }") else {
            Issue.record("not a stakeholder definition")
            return
        }
    }

    @Test("an empty definition and one with only separators")
    func emptyDefinitions() {
        guard case .define(_, _, let fields)? = statement("partner p {}"), fields.isEmpty else {
            Issue.record("partner p {} did not parse to an empty definition")
            return
        }
        guard case .define(_, _, let separated)? = statement("partner p {\n;,\n}"), separated.isEmpty else {
            Issue.record("a block of separators did not parse to an empty definition")
            return
        }
    }

    @Test("let, metric and trigger")
    func bindings() {
        guard case .letBinding(let name, let letPipeline)? = statement("let big = agreements | where value > 1M") else {
            Issue.record("not a let")
            return
        }
        #expect(name.text == "big")
        #expect(letPipeline.stages.count == 1)
        guard case .metric(let metric, _)? = statement("metric total = agreements | summarize sum(value)") else {
            Issue.record("not a metric")
            return
        }
        #expect(metric.text == "total")
        guard case .trigger(let trigger, .agreement, _, let condition)? = statement("trigger late on agreements when days_left < 30") else {
            Issue.record("not a trigger")
            return
        }
        #expect(trigger.text == "late")
        #expect(sExpression(condition) == "(< days_left 30)")
    }

    @Test("queries start from every kind of source")
    func querySources() {
        guard case .all(.partner)? = pipeline("partners")?.source else { Issue.record("partners"); return }
        guard case .one(.agreement, let id)? = pipeline("agreement research | parties")?.source, id.text == "research" else {
            Issue.record("agreement research")
            return
        }
        guard case .binding(let name)? = pipeline("big | count")?.source, name.text == "big" else { Issue.record("binding"); return }
        guard case .renewals(within: nil)? = pipeline("renewals")?.source else { Issue.record("renewals"); return }
        guard case .renewals(within: let horizon?)? = pipeline("renewals within 90d")?.source,
              case .duration(Duration(90, .days)) = horizon.kind else { Issue.record("renewals within"); return }
        guard case .path(let from, let to)? = pipeline("path from ann to dan")?.source, from.text == "ann", to.text == "dan" else {
            Issue.record("path")
            return
        }
        guard case .triggers? = pipeline("triggers")?.source else { Issue.record("triggers"); return }
        guard case .scenarios? = pipeline("scenarios")?.source else { Issue.record("scenarios"); return }
    }

    @Test("diff and compare")
    func diffAndCompare() {
        guard case .diff(nil, nil)? = pipeline("diff")?.source else { Issue.record("diff"); return }
        guard case .diff(let a?, let b?)? = pipeline("diff baseline what_if")?.source, a.text == "baseline", b.text == "what_if" else {
            Issue.record("diff A B")
            return
        }
        guard case .compare(let scenarios, let metrics)? = pipeline("compare baseline, a, b on total, count_big")?.source else {
            Issue.record("compare")
            return
        }
        #expect(scenarios.map(\.text) == ["baseline", "a", "b"])
        #expect(metrics.map(\.text) == ["total", "count_big"])
    }

    @Test("update, remove and parties")
    func changes() {
        guard case .update(let target, let assignments)? = statement("update agreements | where id == \"x\" set status = active, fit.mission = 3, value = value * 2") else {
            Issue.record("not an update")
            return
        }
        #expect(target.stages.count == 1)
        #expect(assignments.map { $0.path.map(\.text).joined(separator: ".") } == ["status", "fit.mission", "value"])
        guard case .remove(let removed)? = statement("remove partners | where stage == former") else { Issue.record("remove"); return }
        #expect(removed.stages.count == 1)
        guard case .addParty(let partner, let agreement, let fields)? = statement("add party medtech to research { role: observer, votes: 0 }") else {
            Issue.record("add party")
            return
        }
        #expect(partner.text == "medtech" && agreement.text == "research" && fields.count == 2)
        guard case .addParty(_, _, let none)? = statement("add party medtech to research"), none.isEmpty else { Issue.record("add party"); return }
        guard case .removeParty(let p, let a)? = statement("remove party medtech from research"), p.text == "medtech", a.text == "research" else {
            Issue.record("remove party")
            return
        }
    }

    @Test("scenario statements")
    func scenarios() {
        guard case .scenario(let name, from: nil)? = statement("scenario what_if"), name.text == "what_if" else { Issue.record("scenario"); return }
        guard case .scenario(_, from: let parent?)? = statement("scenario b from what_if"), parent.text == "what_if" else {
            Issue.record("scenario from")
            return
        }
        guard case .scenarioBlock(let block, _, let inner)? = statement("scenario s {\n update partners set stage = engaged\n\n partners | count; agreements\n}") else {
            Issue.record("scenario block")
            return
        }
        #expect(block.text == "s")
        #expect(inner.count == 3)
        guard case .use(let used)? = statement("use baseline"), used.text == "baseline" else { Issue.record("use"); return }
        guard case .dropScenario(let dropped)? = statement("drop scenario s"), dropped.text == "s" else { Issue.record("drop"); return }
    }

    @Test("files: load, save, import and export")
    func files() {
        guard case .load(let loaded)? = statement("load \"data/p.ally\""), loaded.text == "data/p.ally" else { Issue.record("load"); return }
        guard case .save(let saved)? = statement("save \"out.ally\""), saved.text == "out.ally" else { Issue.record("save"); return }
        guard case .importData(let type, let path)? = statement("import partners from \"p.csv\""), type.text == "partners", path.text == "p.csv" else {
            Issue.record("import")
            return
        }
        guard case .importData(let parties, _)? = statement("import parties from \"x.json\""), parties.text == "parties" else {
            Issue.record("import parties")
            return
        }
        guard case .export(let exported, let target)? = statement("export partners | select id to \"p.md\""),
              exported.stages.count == 1, target.text == "p.md" else {
            Issue.record("export")
            return
        }
        guard case .exportNetwork(let dot)? = statement("export network to \"n.dot\""), dot.text == "n.dot" else {
            Issue.record("export network")
            return
        }
    }

    @Test("dot-commands keep their arguments")
    func dotCommands() {
        guard case .dotCommand(let name, let arguments)? = statement(".weights mission=2   reach=0.5  "),
              name.text == "weights", arguments == "mission=2   reach=0.5" else {
            Issue.record("dot-command")
            return
        }
    }

    @Test("keywords are reserved only where the grammar needs them")
    func keywordsAsNames() {
        let query = pipeline("partners | where status == 1 and review != null | select stage, update = 1")
        #expect(query?.stages.count == 2)
    }

    // MARK: Stages

    @Test("every stage")
    func stages() {
        let text = """
        agreements | where value > 0 | sort value desc, id asc, ends | take 3 | select id, v = value | extend w = v * 2
          | summarize n = count(), sum(w) by id | count
        """
        let stages = pipeline(text)?.stages ?? []
        #expect(stages.count == 7)
        guard stages.count == 7 else { return }
        guard case .sort(let keys) = stages[1].kind else { Issue.record("sort"); return }
        #expect(keys.map(\.descending) == [true, false, false])
        guard case .summarize(let items, let by) = stages[5].kind else { Issue.record("summarize"); return }
        #expect(items.map(\.label) == ["n", "sum(w)"])
        #expect(by.map(\.label) == ["id"])
        let more = pipeline("partners | distinct region, kind | partners")
        #expect(more?.stages.count == 2)
        for stage in ["parties", "balance", "timeline", "stakeholders", "partners"] {
            #expect(pipeline("agreements | \(stage)")?.stages.count == 1)
        }
        #expect(pipeline("partners | centrality")?.stages.count == 1)
        #expect(pipeline("stakeholders | grid")?.stages.count == 1)
        guard case .chart(let value, let label)? = pipeline("agreements | chart value by form")?.stages.first?.kind else {
            Issue.record("chart")
            return
        }
        #expect(value.label == "value" && label?.label == "form")
    }

    // MARK: Expressions

    @Test("precedence from ?? (loosest) to unary minus")
    func precedence() throws {
        let expr = try parseExpression("a ?? b or c and not d == e + f * -g")
        #expect(sExpression(expr) == "(?? a (or b (and c (not (== d (+ e (* f (- g))))))))")
    }

    @Test("operators of one level associate to the left", arguments: [
        ("a - b - c", "(- (- a b) c)"), ("a / b * c", "(* (/ a b) c)"), ("a ?? b ?? c", "(?? (?? a b) c)"),
        ("a or b or c", "(or (or a b) c)"), ("a and b and c", "(and (and a b) c)"),
    ])
    func leftAssociative(text: String, expected: String) throws {
        #expect(sExpression(try parseExpression(text)) == expected)
    }

    @Test("more shapes", arguments: [
        ("(a + b) * c", "(* (+ a b) c)"),
        ("not not x", "(not (not x))"),
        ("- -x", "(- (- x))"),
        ("org.name == \"x\"", "(== (. org name) \"x\")"),
        ("x in [a, b,]", "(in x [a b])"),
        ("tags contains \"rural\"", "(contains tags \"rural\")"),
        ("round(value / 7, 2)", "(round (/ value 7) 2)"),
        ("count()", "(count)"),
        ("ends - 90d < today", "(< (- ends 90d) today)"),
        ("2026-01-31 + 1mo", "(+ 2026-01-31 1mo)"),
        ("{a: 1, b: [2]}", "{a: 1 b: [2]}"),
        ("true and false or null", "(or (and true false) null)"),
        ("a.b.c", "(. (. a b) c)"),
        ("not (ends < 2026-01-01)", "(not (< ends 2026-01-01))"),
    ])
    func expressionShapes(text: String, expected: String) throws {
        #expect(sExpression(try parseExpression(text)) == expected)
    }

    @Test("`not` followed by nothing it can negate is a name")
    func notAsName() throws {
        #expect(sExpression(try parseExpression("not")) == "not")
    }

    @Test("expression ranges cover their source text")
    func expressionRanges() throws {
        let file = SourceFile(name: "r", text: "  round( value / 7 , 2 ) + 1  ")
        var parser = Parser(file: file)
        let expr = try parser.parseExpr()
        #expect(file.text(expr.range) == "round( value / 7 , 2 ) + 1")
        guard case .binary(_, let left, _, let operatorRange) = expr.kind else { Issue.record("not binary"); return }
        #expect(file.text(left.range) == "round( value / 7 , 2 )")
        #expect(file.text(operatorRange) == "+")
    }

    // MARK: Item labels

    @Test("unnamed items are labelled by their source text without whitespace", arguments: [
        ("round( value / 7 , 2 )", "round(value/7,2)"),
        ("org . name", "org.name"),
        ("year( ends )", "year(ends)"),
        ("name + \" a  b \"", "name+\" a  b \""),
        ("sum( value )", "sum(value)"),
        ("value *\n  2", "value*2"),
        ("value + # a comment\n 1", "value+1"),
    ])
    func labels(source: String, expected: String) {
        guard case .select(let items)? = pipeline("partners | select \(source)")?.stages.first?.kind else {
            Issue.record("not a select")
            return
        }
        #expect(items.map(\.label) == [expected])
    }

    @Test("a named item is labelled by its name")
    func namedLabel() {
        guard case .select(let items)? = pipeline("partners | select id, score = round(fit_score, 1)")?.stages.first?.kind else {
            Issue.record("not a select")
            return
        }
        #expect(items.map(\.label) == ["id", "score"])
        #expect(items[1].name?.text == "score")
        #expect(items[0].name == nil)
    }

    // MARK: Errors

    @Test("`=` in a comparison is an error at the `=` whose help says `==`")
    func assignmentInComparison() {
        guard let (diagnostic, file) = syntaxError("partners\n  | where kind = academic") else { return }
        #expect(diagnostic.code == .assignmentInExpression)
        #expect(file.location(of: diagnostic.range.lower) == (2, 16))
        #expect(file.text(diagnostic.range) == "=")
        #expect(diagnostic.help?.contains("`==`") == true)
        let rendered = DiagnosticRenderer.render(diagnostic)
        #expect(rendered.contains("parse.ally:2:16"))
        #expect(rendered.contains("2 |   | where kind = academic\n  |                ^\n"))
    }

    @Test("`=` after a bare operand in select is a named item, but `=` anywhere else is an error")
    func assignmentPlaces() {
        #expect(syntaxError("partners | where region == \"EU\" and kind = academic")?.0.code == .assignmentInExpression)
        #expect(syntaxError("partners | sort a = b")?.0.code == .assignmentInExpression)
        #expect(syntaxError("trigger t on partners when kind = academic")?.0.code == .assignmentInExpression)
    }

    @Test("an unknown stage names the stage and suggests the closest")
    func unknownStage() {
        guard let (diagnostic, file) = syntaxError("partners | selct id, name") else { return }
        #expect(diagnostic.code == .unknownStage)
        #expect(diagnostic.message == "`selct` is not a stage")
        #expect(file.text(diagnostic.range) == "selct")
        #expect(diagnostic.help == "did you mean `select`?")
        guard let (far, _) = syntaxError("partners | frobnicate") else { return }
        #expect(far.help?.contains("where") == true)
    }

    @Test("`take 3 3` points at the second number")
    func takeTwice() {
        guard let (diagnostic, file) = syntaxError("partners | take 3 3") else { return }
        #expect(diagnostic.code == .unexpectedToken)
        #expect(diagnostic.range == SourceRange(18, 19))
        #expect(diagnostic.message == "expected the end of the statement, found `3`")
        _ = file
    }

    @Test("an empty item in select points at the second comma")
    func emptyItem() {
        guard let (diagnostic, _) = syntaxError("partners | select a,, b") else { return }
        #expect(diagnostic.code == .unexpectedToken)
        #expect(diagnostic.range == SourceRange(20, 21))
        #expect(diagnostic.message.contains("expected an expression"))
    }

    @Test("an unterminated string is reported once, with its position")
    func unterminatedString() {
        guard let (diagnostic, file) = syntaxError("partners | where name == \"Mercy") else { return }
        #expect(diagnostic.code == .unterminatedString)
        #expect(file.location(of: diagnostic.range.lower) == (1, 26))
    }

    @Test("a missing ) says what it closes")
    func missingParenthesis() {
        guard let (diagnostic, _) = syntaxError("partners | where (a == 1") else { return }
        #expect(diagnostic.message == "expected `)`, found the end of the input")
        #expect(diagnostic.notes.first?.contains("parse.ally:1:18") == true)
    }

    @Test("errors inside definitions")
    func definitionErrors() {
        #expect(syntaxError("partner p { name \"x\" }")?.0.message == "expected `:` after the field name, found a string")
        #expect(syntaxError("partner p { name: \"x\" kind: hospital }")?.0.message == "expected `,`, a new line or `}`, found `kind`")
        #expect(syntaxError("update partners set name == \"x\"")?.0.message == "`==` compares; `set` takes `=`")
    }

    @Test("an unclosed block reports where it opened")
    func unclosedBlock() {
        guard let (diagnostic, _) = syntaxError("scenario s {\n  partners\n") else { return }
        #expect(diagnostic.notes.contains { $0.contains("parse.ally:1") })
    }

    // MARK: Recovery

    @Test("one error per statement; good statements after bad ones still parse")
    func recovery() {
        let text = """
        partners | where kind = academic
        partners | count
        agreements | selct id
        partner p { name: "P", kind: hospital }
        partners | take 3 3
        partners
          | where region ==
          | count
        stakeholders | where name == "unterminated
        agreements | select id
        """
        let (statements, diagnostics, file) = parse(text)
        #expect(diagnostics.map(\.code) == [.assignmentInExpression, .unknownStage, .unexpectedToken, .unexpectedToken, .unterminatedString])
        #expect(diagnostics.map { file.location(of: $0.range.lower).line } == [1, 3, 5, 8, 9])
        #expect(statements.count == 3)
        guard statements.count == 3 else { return }
        guard case .query = statements[0].kind, case .define(.partner, _, _) = statements[1].kind, case .query(let last) = statements[2].kind else {
            Issue.record("wrong statements: \(statements.map(\.kind))")
            return
        }
        #expect(last.stages.count == 1)
        #expect(file.location(of: statements[2].range.lower).line == 10)
    }

    @Test("recovery inside a block skips to the block's end")
    func recoveryAfterBlock() {
        let (statements, diagnostics, _) = parse("scenario s {\n  partners | selct\n  partners | count\n}\npartners | count")
        #expect(diagnostics.map(\.code) == [.unknownStage])
        #expect(statements.count == 1)
    }

    @Test("a session runs the statements before a syntax error and stops at it")
    func sessionStopsAtSyntaxError() {
        let harness = Harness()
        let (status, _) = harness.run("partner p { name: \"P\", kind: hospital }\npartners | count\npartners | selct\npartners | count")
        #expect(status == .failed)
        #expect(harness.sink.results.count == 1)
        #expect(harness.sink.diagnostics.map(\.code) == [.unknownStage])
    }

    // MARK: Limits

    @Test("100,000 nested parentheses give E0106, not a crash", arguments: ["(", "[", "-", "not ", "{a: "])
    func deepNesting(opener: String) {
        let text = "partners | where " + String(repeating: opener, count: 100_000) + "1"
        let (statements, diagnostics, _) = parse(text)
        #expect(statements.isEmpty)
        #expect(diagnostics.map(\.code) == [.tooDeep])
    }

    @Test("deep nesting in a session is an error too")
    func deepNestingInSession() {
        let harness = Harness()
        let text = "partners | select " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let diagnostic = harness.error(text)
        #expect(diagnostic?.code == .tooDeep)
    }

    @Test("nesting up to the limit still parses")
    func nestingWithinLimit() {
        let text = "partners | select " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(pipeline(text) != nil)
    }

    @Test("deeply nested scenario blocks are an error, not a crash")
    func deepBlocks() {
        let text = String(repeating: "scenario s {", count: 5_000) + String(repeating: "}", count: 5_000)
        let (_, diagnostics, _) = parse(text)
        #expect(diagnostics.map(\.code) == [.tooDeep])
    }

    @Test("a long flat chain of operators parses up to the statement's limit")
    func longChain() {
        let text = "partners | select " + Array(repeating: "1", count: 1_500).joined(separator: " + ")
        #expect(pipeline(text) != nil)
    }

    @Test("a chain past the limit is one positioned error, not a deep tree to crash on")
    func tooLongChain() {
        let text = "partners | select " + Array(repeating: "1", count: 50_000).joined(separator: " + ")
        let (_, diagnostics, _) = parse(text)
        #expect(diagnostics.map(\.code) == [.tooLong])
        #expect(diagnostics.first?.message.contains("2000 operators") == true)
    }
}
