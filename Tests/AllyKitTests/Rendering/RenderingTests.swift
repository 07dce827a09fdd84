import Foundation
import Testing
@testable import AllyKit

private func render(_ format: OutputFormat, _ columns: [String], _ rows: [[Value]], width: Int = 100) -> String {
    Renderer(format: format, width: width, color: false).render(.table(ResultTable(columns: columns, rows: rows)))
}

/// Evaluates a literal written by `ValueFormatter.literal` with the real parser.
private func readBack(_ literal: String) throws -> Value {
    var parser = Parser(file: SourceFile(name: "literal", text: literal))
    let expr = try parser.parseExpr()
    func evaluate(_ expr: Expr) -> Value? {
        switch expr.kind {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .date(let d): return .date(d)
        case .duration(let d): return .duration(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .unary(.negate, let inner): if case .number(let n)? = evaluate(inner) { return .number(-n) } else { return nil }
        case .list(let items): return .list(items.compactMap(evaluate))
        default: return nil
        }
    }
    return evaluate(expr) ?? .string("<not a literal: \(literal)>")
}

@Suite("Rendering")
struct RenderingTests {
    // MARK: Numbers

    @Test("numbers print without exponents: integers without .0, others in shortest round-trip form", arguments: [
        (1_200_000, "1200000"), (0, "0"), (-0.0, "0"), (-42, "-42"), (0.1 + 0.2, "0.30000000000000004"), (1.5, "1.5"),
        (1e-7, "0.0000001"), (2.5e-10, "0.00000000025"), (1e21, "1000000000000000000000"), (1e15, "1000000000000000"),
        (123456789.125, "123456789.125"), (-1.25e-5, "-0.0000125"), (9007199254740993, "9007199254740992"),
        (1.7976931348623157e308, "17976931348623157" + String(repeating: "0", count: 292)),
    ])
    func numberFormatting(value: Double, expected: String) {
        #expect(ValueFormatter.number(value) == expected)
        #expect(!ValueFormatter.json(.number(value)).contains("e"))
    }

    @Test("JSON: numbers as numbers, dates and durations as strings, lists and records nested")
    func jsonValues() {
        let record = Record([("mission", .number(4)), ("reach", .null)])
        let row: [Value] = [
            .number(1_200_000), .number(0.1 + 0.2), .date(day("2026-03-01")), .duration(Duration(6, .months)),
            .enumeration(EnumType.stage.value("piloting")), .reference(.partner, "mercy"), .null, .bool(true),
            .list([.string("a"), .number(1)]), .record(record), .string("q\"\\\n\t\u{1}é"),
        ]
        let columns = ["n", "f", "d", "p", "e", "r", "z", "b", "l", "o", "s"]
        let text = render(.json, columns, [row])
        #expect(text == #"[{"n": 1200000, "f": 0.30000000000000004, "d": "2026-03-01", "p": "6mo", "e": "piloting", "r": "mercy", "z": null, "b": true, "l": ["a", 1], "o": {"mission": 4, "reach": null}, "s": "q\"\\\n\t\u0001é"}]"# + "\n")
        // It is valid JSON that reads back to the same values.
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["n"] as? Int == 1_200_000)
        #expect(parsed?.first?["s"] as? String == "q\"\\\n\t\u{1}é")
    }

    @Test("JSON strings read back as the same text: plain ones whole, others escaped", arguments: [
        "", "plain id_1", "Kliniken Süd — 北京", "say \"hi\"", "back\\slash", "line\nbreak\r\ttab",
        "bell\u{07} and \u{1F}", "emoji 🏥 ok", "\"", "\\", "trailing space ",
    ])
    func jsonStrings(_ text: String) throws {
        var json = ValueFormatter.JSONText()
        ValueFormatter.writeJSONString(text, into: &json)
        let out = json.string
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(out)]".utf8)) as? [String]
        #expect(decoded == [text], "\(out)")
        // Nothing below U+0020 is left raw (JSON forbids it).
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("JSON: a table is an array even with one row or none; a scalar is a bare value")
    func jsonShapes() {
        #expect(render(.json, ["a"], []) == "[]\n")
        #expect(render(.json, ["a"], [[.number(1)], [.number(2)]]) == "[{\"a\": 1},\n {\"a\": 2}]\n")
        let renderer = Renderer(format: .json)
        #expect(renderer.render(.scalar(.number(3))) == "3\n")
        #expect(renderer.render(.scalar(.string("x"))) == "\"x\"\n")
        #expect(renderer.render(.scalar(.number(.nan))) == "null\n")
        #expect(renderer.render(.scalar(.date(day("2026-01-15")))) == "\"2026-01-15\"\n")
    }

    @Test("Ally literals read back as the same value", arguments: [
        Value.number(0), .number(1), .number(-1), .number(0.1), .number(0.1 + 0.2), .number(1e-7), .number(-2.5e-10),
        .number(123.456), .number(1e17), .number(99_999_999_999_999_984), .number(5e-324), .number(1e-300),
        .number(1.0 / 3.0), .number(-1234567.0078125),
        .string(""), .string("plain"), .string("quote \" backslash \\ newline \n tab \t"), .string("\u{1}\u{1F}\u{7F}"),
        .string("Zürich 東京 🙂 \u{2028}"), .string("#not a comment"),
        .date(day("2026-02-28")), .duration(Duration(6, .months)), .duration(Duration(90, .days)), .bool(false), .null,
        .list([.number(1), .string("a"), .list([])]),
    ])
    func literalRoundTrip(value: Value) throws {
        let literal = ValueFormatter.literal(value)
        #expect(!literal.contains("e+") && !literal.contains("e-"), "exponent in \(literal)")
        #expect(try readBack(literal) == value, "literal: \(literal)")
    }

    // MARK: CSV

    @Test("CSV cells: RFC 4180 quoting", arguments: [
        (Value.string("plain"), "plain"), (.string("a,b"), "\"a,b\""), (.string("say \"hi\""), "\"say \"\"hi\"\"\""),
        (.string("two\nlines"), "\"two\nlines\""), (.string("cr\rhere"), "\"cr\rhere\""), (.string("crlf\r\nhere"), "\"crlf\r\nhere\""), (.string(" padded "), "\" padded \""),
        (.null, ""), (.number(-5), "-5"), (.number(0.5), "0.5"), (.bool(true), "true"), (.date(day("2026-01-02")), "2026-01-02"),
        (.list([.string("a"), .string("b")]), "\"[\"\"a\"\", \"\"b\"\"]\""),
    ])
    func csvQuoting(value: Value, expected: String) {
        #expect(Renderer.csvCell(value) == expected)
    }

    @Test("CSV cells that a spreadsheet would run get a ' prefix", arguments: [
        ("=1+1", "'=1+1"), ("+x", "'+x"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("=a,b", "\"'=a,b\""), ("a=b", "a=b"), ("x-1", "x-1"),
    ])
    func csvInjection(text: String, expected: String) {
        #expect(Renderer.csvCell(.string(text)) == expected)
        // An enum or id value is text too.
    }

    @Test("CSV tables: a header row, CRLF line ends")
    func csvTable() {
        #expect(render(.csv, ["id", "note, with comma"], [[.string("a"), .null], [.string("b"), .number(1_234_567.5)]])
            == "id,\"note, with comma\"\r\na,\r\nb,1234567.5\r\n")
        #expect(render(.csv, ["x"], []) == "x\r\n")
    }

    // MARK: Tables

    @Test("grouping with thousands separators", arguments: [
        (1_234_567.891, "1,234,567.891"), (1_000, "1,000"), (999, "999"), (-1_234_567, "-1,234,567"), (0.5, "0.5"),
        (12_345.678_9, "12,345.6789"), (1e15, "1,000,000,000,000,000"), (0, "0"),
    ])
    func grouping(value: Double, expected: String) {
        #expect(Renderer.grouped(value) == expected)
    }

    @Test("table cells round to four decimals rather than cutting digits off", arguments: [
        (2.0 / 3.0, "0.6667"), (1.99999, "2"), (12_345.678_96, "12,345.679"), (-0.000_01, "0"),
    ])
    func groupingRounds(value: Double, expected: String) {
        #expect(Renderer.grouped(value) == expected)
    }

    @Test("a box-drawn table: numbers right-aligned with separators, null blank, a row count")
    func boxTable() {
        let text = render(.table, ["id", "value", "note"], [
            [.string("research"), .number(1_200_000), .null],
            [.string("x"), .number(50.5), .string("ok")],
        ])
        #expect(text == """
        ┌──────────┬───────────┬──────┐
        │ id       │     value │ note │
        ├──────────┼───────────┼──────┤
        │ research │ 1,200,000 │      │
        │ x        │      50.5 │ ok   │
        └──────────┴───────────┴──────┘
        (2 rows)

        """)
        #expect(render(.table, ["a"], [[.number(1)]]).hasSuffix("(1 row)\n"))
    }

    @Test("long text is truncated so every line fits the width")
    func truncation() {
        let long = String(repeating: "very long title ", count: 20)
        let rows: [[Value]] = [[.string("a"), .string(long), .string(long), .number(1_234_567)]]
        for width in [40, 60, 80, 120] {
            let text = render(.table, ["id", "title", "scope", "value"], rows, width: width)
            let lines = text.split(separator: "\n").map(String.init)
            for line in lines {
                #expect(Renderer.displayWidth(line) <= width, "width \(width): \(line)")
            }
            #expect(text.contains("…"))
            #expect(text.contains("1,234,567"), "numbers are never truncated")
            // every table line has the same width
            let tableLines = lines.filter { $0.hasPrefix("│") || $0.hasPrefix("┌") || $0.hasPrefix("└") || $0.hasPrefix("├") }
            #expect(Set(tableLines.map(Renderer.displayWidth)).count == 1)
        }
    }

    @Test("wide characters count as two columns when aligning")
    func wideCharacters() {
        let text = render(.table, ["name"], [[.string("東京")], [.string("abcd")], [.string("é")]])
        let lines = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("│") }
        #expect(Set(lines.map(Renderer.displayWidth)).count == 1)
        #expect(lines.contains("│ 東京 │"))
        #expect(Renderer.displayWidth("東京🙂é") == 7)
        #expect(Renderer.truncate("東京大学病院", to: 7) == "東京大…")
    }

    @Test("a newline inside a cell does not break the table")
    func newlineInCell() {
        let text = render(.table, ["note"], [[.string("two\nlines")]])
        #expect(text.contains("two⏎lines"))
        #expect(text.split(separator: "\n").count == 6)
    }

    @Test("a scalar in table format is grouped; text passes through")
    func scalarsAndText() {
        let renderer = Renderer(format: .table)
        #expect(renderer.render(.scalar(.number(1_650_000))) == "1,650,000\n")
        #expect(renderer.render(.scalar(.string("x"))) == "x\n")
        #expect(renderer.render(.scalar(.null)) == "\n")
        #expect(renderer.render(.text("hello")) == "hello\n")
        #expect(Renderer(format: .csv).render(.scalar(.number(1_650_000))) == "1650000\n")
    }

    // MARK: Markdown

    @Test("markdown escapes | and newlines; numeric columns align right")
    func markdown() {
        let text = render(.markdown, ["name", "value"], [[.string("a | b"), .number(1_000)], [.string("two\nlines"), .null]])
        #expect(text == """
        | name | value |
        | --- | ---: |
        | a \\| b | 1000 |
        | two<br>lines |  |

        """)
    }

    @Test("a picture in a data format prints its data rows")
    func pictureInDataFormat() {
        let data = ResultTable(columns: ["quadrant", "count", "names"], rows: [[.string("monitor"), .number(1), .list([.string("Dan")])]])
        #expect(Renderer(format: .json).render(.picture(.grid, data, today: testToday)) == #"[{"quadrant": "monitor", "count": 1, "names": ["Dan"]}]"# + "\n")
        #expect(Renderer(format: .csv).render(.picture(.grid, data, today: testToday)) == "quadrant,count,names\r\nmonitor,1,\"[\"\"Dan\"\"]\"\r\n")
    }

    // MARK: Pictures

    @Test("pictures fit the width they are drawn for", arguments: [60, 80, 120])
    func picturesFitTheWidth(width: Int) {
        let harness = Harness(smallPortfolio)
        for query in ["stakeholders | grid", "agreements | chart value by form", "partners | chart fit_score", "agreements | timeline"] {
            guard let result = harness.expectSuccess(query).first else { continue }
            let text = Renderer(format: .table, width: width, color: false).render(result)
            let widest = text.split(separator: "\n").map(String.init).max { Renderer.displayWidth($0) < Renderer.displayWidth($1) } ?? ""
            #expect(Renderer.displayWidth(widest) <= width, "`\(query)` at width \(width) draws a line \(Renderer.displayWidth(widest)) columns wide:\n\(widest)")
        }
    }

    @Test("the grid lists names per quadrant and marks the ones that do not fit")
    func gridOverflow() {
        var text = "partner p { name: \"P\", kind: clinic }\n"
        for index in 0..<40 { text += "stakeholder s\(index) { name: \"Person \(index)\", org: p, group: board, influence: 5, interest: 5 }\n" }
        let harness = Harness(text)
        guard let result = harness.expectSuccess("stakeholders | grid").first else { return }
        let picture = Renderer(format: .table, width: 100, color: false).render(result)
        #expect(picture.contains("MANAGE CLOSELY (40)"))
        #expect(picture.contains("MONITOR (0)"))
        #expect(picture.contains("Person 0, Person 1"))
        #expect(picture.contains("…"))
        #expect(!picture.contains("Person 39"))
    }

    @Test("a chart scales bars to the largest value")
    func chartBars() {
        let data = ResultTable(columns: ["label", "value"], rows: [[.string("a"), .number(100)], [.string("b"), .number(50)], [.string("c"), .null]])
        let text = Renderer(format: .table, width: 40, color: false).render(.picture(.chart, data, today: testToday))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "value by label")
        let bars = lines.dropFirst().map { $0.filter { $0 == "█" }.count }
        #expect(bars.count == 3)
        #expect(bars[0] == 2 * bars[1] && bars[0] > 10)
        #expect(bars[2] == 0)
        #expect(Renderer(format: .table).render(.picture(.chart, ResultTable(columns: ["l", "v"], rows: []), today: testToday)).contains("(no rows)"))
    }

    @Test("the timeline marks today and each notice date")
    func timelineMarks() {
        let harness = Harness(smallPortfolio)
        guard let result = harness.expectSuccess("agreements | timeline").first else { return }
        let text = Renderer(format: .table, width: 80, color: false).render(result)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("▼") && $0.contains("today 2026-01-15") })
        #expect(lines.filter { $0.hasPrefix("devices") || $0.hasPrefix("research") }.allSatisfy { $0.contains("◆") && $0.contains("█") })
        #expect(!lines.contains { $0.hasPrefix("screening") }, "an agreement without dates has no bar")
        #expect(Renderer(format: .table).render(.picture(.timeline, ResultTable(columns: ["id", "title", "status", "starts", "ends", "notice_by"], rows: []), today: testToday)) == "(no agreements with dates)\n")
    }

    // MARK: Diagnostics

    @Test("a diagnostic renders with its location, the line, a caret under the span, help and notes")
    func diagnosticRendering() {
        let file = SourceFile(name: "portfolio.ally", text: "partners\n| where regoin == \"EU\"\n")
        let diagnostic = Diagnostic(.unknownField, "`regoin` is not a field of partner", at: SourceRange(17, 23), in: file,
                                    help: "did you mean `region`?", notes: ["while evaluating partner `x`"])
        #expect(DiagnosticRenderer.render(diagnostic) == """
        error[E0102]: `regoin` is not a field of partner
         --> portfolio.ally:2:9
          |
        2 | | where regoin == "EU"
          |         ^^^^^^
          = help: did you mean `region`?
          = note: while evaluating partner `x`

        """)
    }

    @Test("carets line up after tabs and wide characters; a span over several lines underlines to the end of the first")
    func caretPlacement() {
        let file = SourceFile(name: "t", text: "\tname == é + 1\nx")
        let rendered = DiagnosticRenderer.render(Diagnostic(.typeMismatch, "m", at: SourceRange(9, 15), in: file))
        #expect(rendered.contains("1 | ␉name == é + 1\n  |" + String(repeating: " ", count: 10) + "^^^^^\n"))
        let multi = DiagnosticRenderer.render(Diagnostic(.typeMismatch, "m", at: SourceRange(1, 17), in: file))
        #expect(multi.contains("  |  " + String(repeating: "^", count: 13) + "\n"))
        let wide = SourceFile(name: "w", text: "x = \"東京\" + 1")
        #expect(DiagnosticRenderer.render(Diagnostic(.typeMismatch, "m", at: SourceRange(13, 14), in: wide)).contains("  |" + String(repeating: " ", count: 12) + "^\n"))
    }

    @Test("line numbers of several digits widen the gutter; a diagnostic without a file has no location")
    func gutter() {
        let text = String(repeating: "\n", count: 11) + "bad"
        let file = SourceFile(name: "g", text: text)
        let rendered = DiagnosticRenderer.render(Diagnostic(.unknownName, "m", at: SourceRange(11, 14), in: file))
        #expect(rendered == "error[E0201]: m\n  --> g:12:1\n   |\n12 | bad\n   | ^^^\n")
        #expect(DiagnosticRenderer.render(Diagnostic(.usage, "plain", at: .none, help: "h")) == "error[E0503]: plain\n  = help: h\n")
    }

    @Test("colour only when asked")
    func colour() {
        let file = SourceFile(name: "c", text: "x")
        let diagnostic = Diagnostic(.unknownName, "m", at: SourceRange(0, 1), in: file)
        #expect(!DiagnosticRenderer.render(diagnostic, color: false).contains("\u{1B}"))
        #expect(DiagnosticRenderer.render(diagnostic, color: true).contains("\u{1B}["))
        #expect(!render(.table, ["a"], [[.number(1)]]).contains("\u{1B}"))
        #expect(Renderer(format: .table, width: 80, color: true).render(.table(ResultTable(columns: ["a"], rows: [[.number(1)]]))).contains("\u{1B}["))
    }
}

@Suite("Diagnostics rendering")
struct DiagnosticRenderingTests {
    @Test("control characters in the echoed source line show as symbols, with the caret under them")
    func controlCharacters() {
        let file = SourceFile(name: "c.ally", bytes: Array("x == \"a\u{1B}b\" and y\u{0}".utf8))
        let nul = file.bytes.firstIndex(of: 0)!
        let text = DiagnosticRenderer.render(Diagnostic(.invalidCharacter, "NUL byte in the source", at: SourceRange(nul, nul + 1), in: file))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !text.contains("\u{7F}"), "\(text)")
        #expect(text.contains("x == \"a\u{241B}b\" and y\u{2400}"))
        let lines = text.split(separator: "\n")
        let source = lines.first { $0.hasPrefix("1 |") }!, caret = lines.last { $0.contains("^") }!
        // The caret sits under the ␀ (both lines start with the same gutter width).
        #expect(caret.firstIndex(of: "^")!.utf16Offset(in: caret) == Array(source.unicodeScalars).firstIndex(of: "\u{2400}")!)
    }
}
