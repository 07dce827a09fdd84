import Foundation
import PropertyBased
import Testing
@testable import AllyKit

/// Writes random, valid portfolios as Ally scripts. Values are written by hand (not with the
/// library's own formatter) so that the round trip checks the library against an independent
/// writer.
///
/// Strings mix ASCII, quotes, backslashes, commas, `|`, `#`, newlines, tabs, accents, CJK and
/// emoji. A few shapes are left out on purpose because they hit known bugs that have tests of
/// their own (IOTests, RenderingTests): empty strings, list items holding `;` or surrounding
/// spaces, text starting with `'` or a carriage return, and CR LF pairs (CSV leaves them
/// unquoted), as well as ids that are words of the language.
struct RandomPortfolioWriter<R: RandomNumberGenerator> {
    var rng: R
    private var usedIds = Set<String>()

    init(rng: R) { self.rng = rng }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    /// Ids the language cannot refer to in every place (see IOTests for the bugs they show).
    static var reserved: Set<String> { ["true", "false", "null", "today", "and", "or", "not", "in", "contains"] }

    /// An identifier not used before.
    mutating func id(_ prefix: String) -> String {
        let first = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let rest = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
        while true {
            var text = chance(0.5) ? prefix : String(pick(first))
            for _ in 0..<int(0...6) { text.append(pick(rest)) }
            if !usedIds.contains(text), !Self.reserved.contains(text) {
                usedIds.insert(text)
                return text
            }
        }
    }

    static var pieces: [String] { [
        "a", "b", "Z", "0", "7", " ", " ", "\"", "\\", ",", "|", "#", "'", "=", "+", "-", "@", "\n", "\t", "é", "ü", "東", "京",
        "🙂", "e\u{301}", "{", "}", "[", "]", ":", "%", "\u{2028}", ";", "x y", "Mercy Health", "\r",
    ] }

    /// Text of 1 to 12 pieces. `listItem` leaves out what CSV lists cannot carry (`;`, edge spaces).
    mutating func text(listItem: Bool = false) -> String {
        while true {
            var out = ""
            for _ in 0..<int(1...12) { out += pick(Self.pieces) }
            if out.hasPrefix("'") || out.hasPrefix("\r") || out.contains("\r\n") { continue }
            if listItem {
                if out.contains(";") || out.hasPrefix("[") || out.first?.isWhitespace == true || out.last?.isWhitespace == true { continue }
            }
            return out
        }
    }

    /// An Ally string literal, escaped by hand.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    mutating func strings(_ range: ClosedRange<Int>) -> String {
        "[" + (0..<int(range)).map { _ in Self.literal(text(listItem: true)) }.joined(separator: ", ") + "]"
    }

    /// A number as a decimal literal: whole, quarter, cents or a 1/10 fraction; `k` and `M`
    /// only where the field has no upper bound.
    mutating func number(_ range: ClosedRange<Int>, magnitudes: Bool = false) -> String {
        let whole = int(range)
        switch int(0...4) {
        case 0: return String(whole)
        case 1: return whole == range.upperBound ? String(whole) : "\(whole).\(pick(["25", "5", "75"]))"
        case 2: return whole == range.upperBound ? String(whole) : "\(whole).\(String(format: "%02d", int(1...99)))"
        case 3: return String(whole) + (magnitudes ? pick(["", "k", "M"]) : "")
        default: return whole == range.upperBound ? String(whole) : "\(whole).1"
        }
    }

    mutating func date() -> String {
        String(format: "%04d-%02d-%02d", int(2019...2031), int(1...12), int(1...28))
    }

    mutating func duration() -> String { "\(int(0...400))\(pick(["d", "w", "mo", "y"]))" }

    mutating func enumCase(_ type: EnumType) -> String { pick(type.cases) }

    mutating func script() -> String {
        var lines: [String] = []
        var partners: [String] = []
        var hasHome = false
        for _ in 0..<int(1...7) {
            let id = id("p")
            partners.append(id)
            var fields = ["name: \(Self.literal(text()))", "kind: \(enumCase(.partnerKind))"]
            if chance(0.3) { fields.append("sector: \(enumCase(.sector))") }
            if chance(0.6) { fields.append("region: \(Self.literal(text()))") }
            if chance(0.5) { fields.append("country: \"\(pick(["US", "DE", "FR", "JP", "CH", "BR"]))\"") }
            if chance(0.5) { fields.append("stage: \(enumCase(.stage))") }
            if !hasHome, chance(0.2) { hasHome = true; fields.append("home: true") }
            if chance(0.7) {
                let scores = FitScores.dimensions.filter { _ in chance(0.5) }.map { "\($0): \(number(0...5))" }
                if !scores.isEmpty { fields.append("fit: {\(scores.joined(separator: ", "))}") }
            }
            if chance(0.5) { fields.append("tags: \(strings(0...3))") }
            if chance(0.4) { fields.append("notes: \(Self.literal(text()))") }
            lines.append("partner \(id) { \(fields.joined(separator: ", ")) }")
        }
        for _ in 0..<int(0...6) {
            let id = id("a")
            var fields = ["title: \(Self.literal(text()))", "form: \(enumCase(.form))"]
            if chance(0.7) { fields.append("status: \(enumCase(.status))") }
            let parties = partners.filter { _ in chance(0.5) }.shuffled(using: &rng)
            if !parties.isEmpty {
                let written = parties.map { partner -> String in
                    var attributes: [String] = []
                    if chance(0.5) { attributes.append("role: \(enumCase(.role))") }
                    if chance(0.5) { attributes.append("contributes: \(number(0...900, magnitudes: true))") }
                    if chance(0.4) { attributes.append("equity: \(int(0...100))%") }
                    if chance(0.3) { attributes.append("votes: \(number(0...5))") }
                    return attributes.isEmpty ? partner : "\(partner) {\(attributes.joined(separator: ", "))}"
                }
                fields.append("parties: [\(written.joined(separator: ", "))]")
            }
            if chance(0.6) { fields.append("starts: \(date())") }
            if chance(0.6) { fields.append("ends: \(date())") }
            if chance(0.3) { fields.append("review: \(date())") }
            if chance(0.4) { fields.append("notice: \(duration())") }
            if chance(0.3) { fields.append("auto_renew: \(pick(["true", "false"]))") }
            if chance(0.7) { fields.append("value: \(chance(0.1) ? "-" : "")\(number(0...5_000, magnitudes: true))") }
            if chance(0.3) { fields.append("scope: \(Self.literal(text()))") }
            if chance(0.4) {
                var names = Set<String>()
                var decisions: [String] = []
                for _ in 0..<int(1...4) {
                    let name = pick(["strategy", "operations", "budget", "data_access", "publication", "hiring", "x1"])
                    if names.insert(name).inserted { decisions.append("\(name): \(enumCase(.rule))") }
                }
                fields.append("decisions: {\(decisions.joined(separator: ", "))}")
            }
            if chance(0.4) {
                let kpis = (0..<int(1...3)).map { _ -> String in
                    var kpi = ["name: \(Self.literal(text()))", "target: \(number(0...200, magnitudes: true))"]
                    if chance(0.7) { kpi.append("actual: \(chance(0.2) ? "null" : number(0...300))") }
                    if chance(0.4) { kpi.append("higher_is_better: \(pick(["true", "false"]))") }
                    return "{\(kpi.joined(separator: ", "))}"
                }
                fields.append("kpis: [\(kpis.joined(separator: ", "))]")
            }
            if chance(0.4) {
                let milestones = (0..<int(1...3)).map { _ -> String in
                    var milestone = ["name: \(Self.literal(text()))", "due: \(date())"]
                    if chance(0.5) { milestone.append("done: \(pick(["true", "false"]))") }
                    return "{\(milestone.joined(separator: ", "))}"
                }
                fields.append("milestones: [\(milestones.joined(separator: ", "))]")
            }
            if chance(0.4) { fields.append("health: \(number(1...5))") }
            if chance(0.3) { fields.append("phi: true") }
            if chance(0.3) { fields.append("jurisdictions: \(strings(1...3))") }
            if chance(0.3) { fields.append("tags: \(strings(0...2))") }
            lines.append("agreement \(id) {\n  \(fields.joined(separator: "\n  "))\n}")
        }
        var stakeholders: [String] = []
        for _ in 0..<int(0...10) {
            let id = id("s")
            var fields = ["name: \(Self.literal(text()))", "org: \(pick(partners))", "group: \(enumCase(.group))"]
            if chance(0.4) { fields.append("title: \(Self.literal(text()))") }
            if chance(0.6) { fields.append("influence: \(int(1...5))") }
            if chance(0.6) { fields.append("interest: \(int(1...5))") }
            if chance(0.6) { fields.append("stance: \(enumCase(.stance))") }
            if chance(0.4) { fields.append("interests: \(strings(1...3))") }
            if chance(0.4) { fields.append("concerns: \(strings(1...3))") }
            let known = stakeholders.filter { _ in chance(0.3) }
            if !known.isEmpty { fields.append("knows: [\(known.joined(separator: ", "))]") }
            stakeholders.append(id)
            lines.append("stakeholder \(id) { \(fields.joined(separator: "; ")) }")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A random portfolio script, generated from the property checker's seeded generator.
let randomPortfolios = Generator<String, Shrink.None<String>>(run: { rng in
    func make<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        var writer = RandomPortfolioWriter(rng: rng)
        let script = writer.script()
        rng = writer.rng
        return script
    }
    return make(&rng)
})

@Suite("Property: portfolios survive save, export and import")
struct RoundTripPropertyTests {
    /// Loads a generated script; fails the test (with the script) if it does not load.
    static func load(_ script: String) -> Harness? {
        let harness = Harness()
        let (status, _) = harness.run(script, name: "random.ally")
        if status != .success {
            let errors = harness.sink.diagnostics.map { DiagnosticRenderer.render($0) }.joined()
            Issue.record("the generated portfolio did not load:\n\(errors)\n\(script)")
            return nil
        }
        return harness
    }

    static func expectEqual(_ after: PortfolioSnapshot, _ before: PortfolioSnapshot, _ what: String, _ script: String) {
        #expect(after == before, "\(what): \(after.firstDifference(from: before) ?? "")\nscript:\n\(script)")
    }

    @Test("the generator covers every entity type and writes scripts that load")
    func generatorSanity() {
        var generator = SystemRandomNumberGenerator()
        var totals = (0, 0, 0)
        for _ in 0..<30 {
            var writer = RandomPortfolioWriter(rng: generator)
            let script = writer.script()
            generator = writer.rng
            guard let harness = Self.load(script) else { return }
            totals.0 += harness.session.portfolio.count(.partner)
            totals.1 += harness.session.portfolio.count(.agreement)
            totals.2 += harness.session.portfolio.count(.stakeholder)
        }
        #expect(totals.0 > 30 && totals.1 > 10 && totals.2 > 10)
    }

    @Test("save then load gives an equal portfolio")
    func saveLoad() async {
        await propertyCheck(count: 60, input: randomPortfolios) { script in
            guard let original = Self.load(script) else { return }
            let folder = TemporaryFolder()
            original.expectSuccess("save \"saved.ally\"", directory: folder.path)
            let copy = Harness()
            let (status, _) = copy.run("load \"saved.ally\"", directory: folder.path)
            guard status == .success else {
                let errors = copy.sink.diagnostics.map { DiagnosticRenderer.render($0) }.joined()
                Issue.record("the saved script did not load:\n\(errors)\nsaved:\n\(folder.read("saved.ally") ?? "")")
                return
            }
            Self.expectEqual(copy.snapshot, original.snapshot, "save/load", script)
        }
    }

    @Test("export then import gives an equal portfolio", arguments: ["json", "csv"])
    func exportImport(format: String) async {
        await propertyCheck(count: 40, input: randomPortfolios) { script in
            guard let original = Self.load(script) else { return }
            let folder = TemporaryFolder()
            original.expectSuccess("""
            export partners to "p.\(format)"
            export agreements to "a.\(format)"
            export stakeholders to "s.\(format)"
            """, directory: folder.path)
            let copy = Harness()
            let (status, _) = copy.run("""
            import partners from "p.\(format)"
            import agreements from "a.\(format)"
            import stakeholders from "s.\(format)"
            """, directory: folder.path)
            guard status == .success else {
                let errors = copy.sink.diagnostics.map { DiagnosticRenderer.render($0) }.joined()
                Issue.record("the exported files did not import:\n\(errors)\nscript:\n\(script)")
                return
            }
            Self.expectEqual(copy.snapshot, original.snapshot, "\(format) export/import", script)
        }
    }
}
