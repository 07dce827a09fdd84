/// What an analyst who knows SQL types before they know Ally, and the Ally way to say it: the one
/// home of that knowledge. The lexer asks `operatorHabit` about a character it cannot read (`&&`,
/// `||`, `!`, `'`); the parser asks `diagnose` about a statement that failed to parse, so a habit
/// never changes what a valid statement means.
enum SQLHabits {
    /// A token as a habit pattern sees it.
    struct Word: Sendable {
        let kind: Token.Kind
        let text: String
        let range: SourceRange
    }

    /// What one element of a pattern accepts.
    enum Element: Sendable {
        case word(String)
        case anyWord([String])
        /// A keyword typed in capitals (`AND`, `DESC`): the lowercase word is in the list.
        case capitalized([String])
        case number
        /// A number of exactly three digits written right after the token before it (`,000`).
        case thousandsGroup
        case kind(Token.Kind)
        /// A token written right after the one before it, with no space.
        case adjacent(Token.Kind)
        /// A string in SQL's single quotes (an invalid token to the lexer).
        case singleQuoted

        func accepts(_ word: Word, after previous: Word?) -> Bool {
            switch self {
            case .word(let text): return word.kind == .identifier && word.text == text
            case .anyWord(let texts): return word.kind == .identifier && texts.contains(word.text)
            case .capitalized(let keywords):
                return word.kind == .identifier && word.text == word.text.uppercased() && keywords.contains(word.text.lowercased())
            case .number: return word.kind == .number
            case .thousandsGroup:
                return word.kind == .number && word.text.count == 3 && word.text.allSatisfy(\.isNumber)
                    && previous.map { $0.range.upper == word.range.lower } ?? false
            case .kind(let kind): return word.kind == kind
            case .singleQuoted: return word.kind == .invalid && word.text.hasPrefix("'")
            case .adjacent(let kind): return word.kind == kind && previous.map { $0.range.upper == word.range.lower } ?? false
            }
        }
    }

    /// A habit: the tokens that show it, and the message and help it gets. `explain` reads the
    /// matched tokens followed by the rest of the statement, so the help can show the user's own words.
    struct Habit: Sendable {
        /// Whether the pattern is looked for at the statement's first token only (`select ... from`)
        /// or at the tokens where the parse failed.
        let atStatementStart: Bool
        let pattern: [Element]
        let explain: @Sendable (_ words: [Word]) -> (message: String, help: String)
    }

    static let keywords = ["and", "or", "not", "in", "desc", "asc", "null", "true", "false", "where", "sort", "take",
                           "select", "contains", "by", "from"]
    static let durationUnits = ["day": "d", "days": "d", "week": "w", "weeks": "w", "month": "mo", "months": "mo",
                                "year": "y", "years": "y"]

    /// Longer patterns first, so `is not null` wins over `is`.
    static let habits: [Habit] = [
        Habit(atStatementStart: true, pattern: [.anyWord(["select", "SELECT", "Select"])]) { words in
            ("an Ally query starts with what it reads, not with `select`", "write \(selectRewrite(words))")
        },
        Habit(atStatementStart: false, pattern: [.kind(.assign), .singleQuoted]) { words in
            let inner = words[1].text.dropFirst().dropLast()
            let shown = inner.count > 40 || inner.contains("\"") ? "text" : String(inner)
            return ("`=` is not a comparison, and strings take double quotes", "write `== \"\(shown)\"`")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["is", "IS"]), .anyWord(["not", "NOT"]), .anyWord(["null", "NULL"])]) { _ in
            ("`is not null` is SQL", "test for a value with `!= null`: `where region != null`")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["is", "IS"]), .anyWord(["null", "NULL"])]) { _ in
            ("`is null` is SQL", "test for no value with `== null`: `where region == null`")
        },
        Habit(atStatementStart: false, pattern: [.word("count"), .kind(.leftParen), .kind(.star)]) { _ in
            ("`count(*)` is SQL", "`count()` counts rows: `summarize n = count() by kind`; as a stage, `| count`")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["sort", "order", "ORDER"]), .anyWord(["by", "BY"])]) { words in
            ("Ally sorts with `sort KEY`, without `by`", "write `sort \(rest(words, after: 2, or: "name"))`, and `sort name desc` to reverse")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["limit", "LIMIT"])]) { words in
            ("Ally has no `limit`", "the first N rows are `take N`: `| take \(rest(words, after: 1, or: "5"))`")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["like", "LIKE", "ilike", "ILIKE"])]) { _ in
            ("Ally has no `like`", "`name contains \"mercy\"` finds a substring (ignoring case); `starts_with(name, \"St\")` a prefix")
        },
        Habit(atStatementStart: false, pattern: [.anyWord(["between", "BETWEEN"])]) { _ in
            ("`x between a and b` is SQL", "Ally writes it as a function: `where between(value, 100k, 1M)`")
        },
        Habit(atStatementStart: false, pattern: [.number, .adjacent(.comma), .thousandsGroup]) { words in
            let digits = words.prefix { $0.kind == .number || $0.kind == .comma }
                .enumerated().filter { $0.offset % 2 == 0 }.map(\.element.text).joined(separator: "_")
            return ("numbers are written without `,` between thousands", "write `\(digits)` (or with a suffix, like `2.5M` or `100k`)")
        },
        Habit(atStatementStart: false, pattern: [.number, .anyWord(Array(durationUnits.keys))]) { words in
            let unit = durationUnits[words[1].text] ?? "d"
            return ("a duration is one word", "write `\(words[0].text)\(unit)`; durations are `90d`, `12w`, `6mo`, `2y`")
        },
        Habit(atStatementStart: false, pattern: [.capitalized(keywords)]) { words in
            ("Ally's keywords are lowercase", "write `\(words[0].text.lowercased())`, not `\(words[0].text)`")
        },
    ]

    /// The habit a failed statement shows, if any: at `statementStart` (the statement's first
    /// token), or at one of the two tokens before the failure or the failing token itself.
    static func diagnose(_ words: [Word], statementStart: Int, failedAt: Int) -> (range: SourceRange, message: String, help: String)? {
        for habit in habits {
            let starts = habit.atStatementStart ? [statementStart] : Array(max(statementStart, failedAt - 2)...failedAt)
            for start in starts where matches(habit.pattern, words, at: start) {
                let end = start + habit.pattern.count - 1
                // A pattern found before the failure must reach it (or the token just before it).
                if !habit.atStatementStart, end < failedAt - 1 { continue }
                let (message, help) = habit.explain(Array(words[start...]))
                return (words[start].range.union(words[min(end, words.count - 1)].range), message, help)
            }
        }
        return nil
    }

    private static func matches(_ pattern: [Element], _ words: [Word], at start: Int) -> Bool {
        guard start >= 0, start + pattern.count <= words.count else { return false }
        for (offset, element) in pattern.enumerated() {
            let previous = start + offset > 0 ? words[start + offset - 1] : nil
            if !element.accepts(words[start + offset], after: previous) { return false }
        }
        return true
    }

    /// The words after the first `count`, joined as written, up to the statement's end.
    private static func rest(_ words: [Word], after count: Int, or fallback: String) -> String {
        let tail = words.dropFirst(count).prefix { ![.newline, .semicolon, .endOfFile, .pipe].contains($0.kind) }
        let text = tail.map(\.text).joined(separator: " ").replacingOccurrences(of: " ,", with: ",")
        return text.isEmpty ? fallback : text
    }

    /// `select a, b from partners` as the pipeline it means: `partners | select a, b`.
    private static func selectRewrite(_ words: [Word]) -> String {
        let statement = words.prefix { ![.newline, .semicolon, .endOfFile].contains($0.kind) }
        guard let from = statement.firstIndex(where: { $0.kind == .identifier && $0.text.lowercased() == "from" }),
              from + 1 < statement.count else {
            return "the rows first, then the stage: `partners | select id, name`"
        }
        let columns = statement[1..<from].map(\.text).joined(separator: " ").replacingOccurrences(of: " ,", with: ",")
        let source = statement[(from + 1)...].map(\.text).joined(separator: " ")
        let query = columns == "*" || columns.isEmpty ? source : "\(source) | select \(columns)"
        return "`\(query)`: the rows first, then each stage after a `|`"
    }

    /// The habit behind a character the lexer cannot read at `position`: its length, message and help.
    static func operatorHabit(_ bytes: UnsafeRawBufferPointer, at position: Int) -> (length: Int, message: String, help: String)? {
        func byte(_ offset: Int) -> UInt8 { position + offset < bytes.count ? bytes[position + offset] : 0 }
        switch byte(0) {
        case UInt8(ascii: "&"):
            let length = byte(1) == UInt8(ascii: "&") ? 2 : 1
            return (length, "`\(String(repeating: "&", count: length))` is not an Ally operator", "write `and`: `where kind == academic and region == \"EU\"`")
        case UInt8(ascii: "|") where byte(1) == UInt8(ascii: "|"):
            return (2, "`||` is not an Ally operator", "write `or`: `where kind == academic or kind == government`; `+` joins strings")
        case UInt8(ascii: "!"):
            return (1, "`!` is not an Ally operator", "write `not` to negate (`where not active`) and `!=` for not equal")
        case UInt8(ascii: "'"):
            var end = position + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "'"), bytes[end] != 0x0A { end += 1 }
            let closed = end < bytes.count && bytes[end] == UInt8(ascii: "'")
            let length = closed ? end + 1 - position : 1
            let inner = closed ? String(decoding: bytes[(position + 1)..<end], as: UTF8.self) : "text"
            let shown = inner.unicodeScalars.count > 40 || inner.contains("\"") ? "text" : inner
            return (length, "strings are written in double quotes", "write `\"\(shown)\"`")
        default:
            return nil
        }
    }
}
