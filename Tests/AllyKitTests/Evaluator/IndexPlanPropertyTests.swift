import Testing
@testable import AllyKit

/// `where` conditions the indexes answer (`IndexPlan`) must give exactly what the row-by-row
/// path gives, errors and row order included. `true and (...)` is the same condition for rows
/// but one no index and no column scan plans, so every random query runs both ways.
@Suite("index plans agree with rows")
struct IndexPlanPropertyTests {
    @Test("random pinned conditions", arguments: 0..<6)
    func randomConditions(seed: UInt64) {
        let harness = ColumnScanPropertyTests.setup()
        var random = RandomConditions(seed: seed &+ 101)
        var pinned = 0
        for _ in 0..<150 {
            if random.random.below(5) == 0 { harness.expectSuccess(random.update()) }
            let (source, condition, tail) = Self.query(&random)
            let fast = "\(source) | where \(condition) \(tail)"
            let slow = "\(source) | where true and (\(condition)) \(tail)"
            let a = ColumnScanPropertyTests.outcome(harness, fast), b = ColumnScanPropertyTests.outcome(harness, slow)
            #expect(a == b, "\(fast)\nindex: \(a)\nrows:  \(b)")
            if !a.hasPrefix("error") { pinned += 1 }
        }
        #expect(pinned > 60, "too few random conditions ran without error: \(pinned)")
    }

    @Test("the index answers without reading every row")
    func indexIsUsed() {
        let harness = ColumnScanPropertyTests.setup()
        for (text, expected) in [("agreements | where id == \"a3\" | select id", "id:a3"),
                                 ("stakeholders | where id in [s2, s1, \"nobody\"] | select id", "id:s1;s2"),
                                 ("partners | where id == 3 | count", "error")] {
            let outcome = ColumnScanPropertyTests.outcome(harness, text)
            #expect(outcome.hasPrefix(expected), "\(text): \(outcome)")
        }
        // The pins are exact: a condition after them is checked on the pinned rows only.
        let org = ColumnScanPropertyTests.outcome(harness, "stakeholders | where org == p4 and influence >= 1 | count")
        let scan = ColumnScanPropertyTests.outcome(harness, "stakeholders | where influence >= 1 and org == p4 | count")
        #expect(org == scan)
    }

    /// A source, a condition with at least one pin most of the time, and a tail.
    static func query(_ random: inout RandomConditions) -> (String, String, String) {
        let partner = { (r: inout RandomConditions) in r.pick(["p\(r.random.below(30))", "\"p\(r.random.below(30))\"", "p\(r.random.below(30))", "\"nobody\"", "3", "null"]) }
        switch random.random.below(4) {
        case 0:
            let type = random.pick(EntityType.allCases)
            let letter = type == .partner ? "p" : type == .agreement ? "a" : "s"
            let id = { (r: inout RandomConditions) in r.pick(["\(letter)\(r.random.below(60))", "\"\(letter)\(r.random.below(60))\"",
                                                            "\"\(letter.uppercased())\(r.random.below(9))\"", "3", "null", "[]"]) }
            let pin = random.random.below(3) == 0 ? "id in [\(id(&random)), \(id(&random))]" : "id == \(id(&random))"
            return (type.plural, combine(pin, with: random.condition(of: type), &random), tail(type, &random))
        case 1:
            let pin: String
            switch random.random.below(3) {
            case 0: pin = "org == \(partner(&random))"
            case 1: pin = "org in [\(partner(&random)), \(partner(&random))]"
            default: pin = "knows contains \(random.pick(["s\(random.random.below(60))", "\"S\(random.random.below(60))\"", "\"s\(random.random.below(60))\"", "\"x\"", "3"]))"
            }
            let other = random.random.below(3) == 0 ? "or org == \(partner(&random))" : ""
            return ("stakeholders", combine("\(pin) \(other)", with: random.condition(of: .stakeholder), &random), tail(.stakeholder, &random))
        default:
            let pin = random.random.below(3) == 0 ? "partner in [\(partner(&random)), \(partner(&random))]" : "partner == \(partner(&random))"
            let other = random.pick(["contributes > 1M", "role == lead", "votes >= 1", "equity == null", "agreement == a3", "contributes > \"x\""])
            let source = random.pick(["agreements", "agreements | where status == active", "agreements | sort value desc",
                                      "partner p\(random.random.below(20)) | agreements"])
            return ("\(source) | parties", combine(pin, with: other, &random), random.pick(["| count", "", "| select agreement, partner, role"]))
        }
    }

    /// The pin alone, before or after another condition, or in parentheses.
    static func combine(_ pin: String, with other: String, _ random: inout RandomConditions) -> String {
        switch random.random.below(5) {
        case 0: return pin
        case 1, 2: return "(\(pin)) and \(other)"
        case 3: return "\(other) and (\(pin))"
        default: return "(\(pin)) and (\(other)) and (\(pin))"
        }
    }

    static func tail(_ type: EntityType, _ random: inout RandomConditions) -> String {
        random.pick(["| count", "| select id", "| \(random.relation(type)) | select id",
                     "| where \(random.condition(of: type)) | count", "| summarize n = count() by \(random.groupField(type))"])
    }
}
