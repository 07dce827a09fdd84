import Foundation
import Testing

/// `grammar/ally.ebnf` is the parser's contract: every rule has a parse function of its name
/// in Parser.swift, and every rule quoted above a parse function says what the grammar says.
@Suite("grammar contract")
struct GrammarContractTests {
    /// The grammar's rules, name to right-hand side with its whitespace collapsed.
    static func grammarRules() throws -> [(name: String, body: String)] {
        var text = try String(contentsOf: packageRoot().appendingPathComponent("grammar/ally.ebnf"), encoding: .utf8)
        while let open = text.range(of: "/*"), let close = text.range(of: "*/", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        var rules: [(name: String, body: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t" {
                if !rules.isEmpty, !line.allSatisfy(\.isWhitespace) { rules[rules.count - 1].body += " " + line }
                continue
            }
            guard let marker = line.range(of: "::=") else { continue }
            let name = line[..<marker.lowerBound].trimmingCharacters(in: .whitespaces)
            rules.append((name, String(line[marker.upperBound...])))
        }
        return rules.map { ($0.name, collapse($0.body)) }
    }

    /// Rules quoted in Parser.swift's comments (`/// name ::= ...`, continued on `///` lines
    /// that start with `|`).
    static func quotedRules() throws -> [(name: String, body: String)] {
        let text = try String(contentsOf: packageRoot().appendingPathComponent("Sources/AllyKit/Syntax/Parser.swift"), encoding: .utf8)
        var quoted: [(name: String, body: String)] = []
        var continuing = false
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("///") else { continuing = false; continue }
            let comment = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if let marker = comment.range(of: "::="), comment[..<marker.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " }) {
                let name = comment[..<marker.lowerBound].trimmingCharacters(in: .whitespaces)
                quoted.append((name, String(comment[marker.upperBound...])))
                continuing = true
            } else if continuing, comment.hasPrefix("|") {
                quoted[quoted.count - 1].body += " " + comment
            } else {
                continuing = false
            }
        }
        return quoted.map { ($0.name, collapse($0.body)) }
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("the grammar file and the parser both have rules (the readers below see them)")
    func rulesAreFound() throws {
        #expect(try Self.grammarRules().count >= 40)
        #expect(try Self.quotedRules().count >= 30)
    }

    /// Rules parsed inside the function of the rule that uses them (a one-token choice, a list
    /// of a call's arguments): each is quoted above that function instead.
    static let parsedInline: Set<String> = ["script", "separator", "fieldSeparator", "field", "namedItem", "comparisonOp", "arguments"]

    @Test("every grammar rule has a parse function of its name, or is quoted above the one that parses it inline")
    func everyRuleHasItsParseFunction() throws {
        let parser = try String(contentsOf: packageRoot().appendingPathComponent("Sources/AllyKit/Syntax/Parser.swift"), encoding: .utf8)
        let quoted = Set(try Self.quotedRules().map(\.name))
        for rule in try Self.grammarRules() {
            let function = "parse" + rule.name.prefix(1).uppercased() + rule.name.dropFirst()
            if Self.parsedInline.contains(rule.name) {
                #expect(quoted.contains(rule.name), "grammar rule `\(rule.name)` is parsed inline but quoted nowhere in Parser.swift")
                #expect(!parser.contains("func \(function)("), "`\(rule.name)` has its own function now: drop it from parsedInline")
            } else {
                #expect(parser.contains("func \(function)("), "grammar rule `\(rule.name)` has no `\(function)` in Parser.swift")
                #expect(quoted.contains(rule.name), "grammar rule `\(rule.name)` is not quoted in Parser.swift")
            }
        }
    }

    @Test("every rule quoted in Parser.swift is the grammar file's rule, word for word")
    func quotedRulesMatchTheGrammar() throws {
        let grammar = Dictionary(try Self.grammarRules().map { ($0.name, $0.body) }, uniquingKeysWith: { first, _ in first })
        for quote in try Self.quotedRules() {
            guard let body = grammar[quote.name] else {
                Issue.record("Parser.swift quotes `\(quote.name)`, which grammar/ally.ebnf does not define")
                continue
            }
            #expect(quote.body == body, "`\(quote.name)` in Parser.swift:\n  \(quote.body)\ngrammar/ally.ebnf:\n  \(body)")
        }
    }
}
