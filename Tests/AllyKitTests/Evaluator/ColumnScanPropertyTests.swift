import Testing
@testable import AllyKit

/// Column scans (`where` on a whole type, `summarize` and relation stages after it) must give
/// exactly what the row-by-row path gives, errors included. `take` before `where` turns the
/// scan off, so every random query runs both ways and the outputs are compared.
@Suite("column scans agree with rows")
struct ColumnScanPropertyTests {
    static func setup() -> Harness {
        var text = ""
        PortfolioGenerator(partners: 120, seed: 7, today: testToday).write { text += $0 + "\n" }
        let harness = Harness(text)
        // Nulls and odd values the generator does not write.
        harness.expectSuccess("""
            update partners | where id in [p3, p5, p8] set country = null
            update agreements | where id in [a2, a4] set ends = null, health = null
            update stakeholders | where id in [s1, s2] set title = null
            """)
        return harness
    }

    @Test("random conditions", arguments: 0..<6)
    func randomConditions(seed: UInt64) {
        let harness = Self.setup()
        var random = RandomConditions(seed: seed)
        var scanned = 0
        for _ in 0..<120 {
            // Now and then change entities in place: cached rows and columns are patched, and
            // must still agree with the entities and stay in id order.
            if random.random.below(4) == 0 {
                harness.expectSuccess(random.update())
                for type in EntityType.allCases {
                    let ids = harness.session.portfolio.sortedIds(type)
                    #expect(harness.column("\(type.plural) | take 1000000000 | select id") == ids)
                }
            }
            let (type, condition) = random.condition()
            let tails = ["| count", "| select id", "| summarize n = count() by \(random.groupField(type))",
                         "| summarize total = sum(\(random.numberField(type))), low = min(\(random.numberField(type)))",
                         "| summarize a = avg(\(random.numberField(type))), m = median(\(random.numberField(type))), "
                             + "h = hhi(\(random.numberField(type))), g = gini(\(random.numberField(type))), "
                             + "c = count(\(random.numberField(type))), hi = max(\(random.numberField(type))) by \(random.groupField(type))",
                         "| \(random.relation(type)) | count", "| \(random.relation(type)) | select id",
                         "| where \(random.condition(of: type)) | count"]
            let tail = random.pick(tails)
            let fast = "\(type.plural) | where \(condition) \(tail)"
            let slow = "\(type.plural) | take 1000000000 | where \(condition) \(tail)"
            let a = Self.outcome(harness, fast), b = Self.outcome(harness, slow)
            #expect(a == b, "\(fast)\nscan:  \(a)\nrows:  \(b)")
            if !a.hasPrefix("error") { scanned += 1 }
        }
        #expect(scanned > 60, "too few random conditions ran without error: \(scanned)")
    }

    @Test("conditions that need rows, bindings and null literals")
    func fixedConditions() {
        let harness = Self.setup()
        harness.expectSuccess("let cutoff = agreements | summarize max(starts)\nlet big = agreements | summarize avg(value)")
        for condition in ["ends < cutoff", "value > big and status != active", "ends == null", "country != null",
                          "starts < ends", "name contains \"Labs\"", "kind == \"academic\"", "kind < \"h\"",
                          "not (status in [active, expired]) or value >= 1M", "id == \"p7\"", "id in [p1, p2]",
                          "value == \"x\"", "ends > 3", "influence >= 4 and interest <= 2", "org == p4",
                          "title == null", "health >= today", "ends <= today + 180d", "home == true"] {
            for type in EntityType.allCases {
                let fast = "\(type.plural) | where \(condition) | select id"
                let slow = "\(type.plural) | take 1000000000 | where \(condition) | select id"
                let a = Self.outcome(harness, fast), b = Self.outcome(harness, slow)
                #expect(a == b, "\(fast)\nscan:  \(a)\nrows:  \(b)")
            }
        }
    }

    /// What a statement printed, or its error message.
    static func outcome(_ harness: Harness, _ text: String) -> String {
        let (status, _) = harness.run(text)
        if status != .success {
            return "error: " + harness.sink.diagnostics.map { "\($0.message) \($0.notes)" }.joined(separator: "; ")
        }
        return harness.sink.results.map { result -> String in
            switch result {
            case .scalar(let value): return ValueFormatter.plain(value)
            case .table(let table): return table.columns.joined(separator: ",") + ":" + table.rows.map { $0.map(ValueFormatter.plain).joined(separator: ",") }.joined(separator: ";")
            default: return "\(result)"
            }
        }.joined(separator: "|")
    }
}

/// Random `where` conditions over stored fields, with constants of the right type most of the
/// time and of the wrong type (errors both ways) now and then.
struct RandomConditions {
    var random: PortfolioGenerator.Random
    init(seed: UInt64) { random = PortfolioGenerator.Random(state: seed &* 0x2545_F491_4F6C_DD1D &+ 3) }

    mutating func pick<T>(_ items: [T]) -> T { random.pick(items) }

    mutating func condition() -> (EntityType, String) {
        let type = pick(EntityType.allCases)
        return (type, condition(of: type))
    }

    mutating func condition(of type: EntityType, depth: Int = 0) -> String {
        switch depth < 2 ? random.below(6) : 0 {
        case 1: return "\(condition(of: type, depth: depth + 1)) and \(condition(of: type, depth: depth + 1))"
        case 2: return "\(condition(of: type, depth: depth + 1)) or \(condition(of: type, depth: depth + 1))"
        case 3: return "not (\(condition(of: type, depth: depth + 1)))"
        default: return comparison(type)
        }
    }

    mutating func comparison(_ type: EntityType) -> String {
        let ops = ["==", "!=", "<", "<=", ">", ">="]
        let (field, constants) = pick(Self.fields[type]!)
        let constant = random.below(12) == 0 ? pick(["null", "\"x\"", "3", "2026-01-01", "true", "[1, 2]"]) : pick(constants)
        if random.below(8) == 0 { return "\(field) in [\(constant), \(pick(constants))]" }
        if random.below(5) == 0 { return "\(constant) \(pick(ops)) \(field)" }
        return "\(field) \(pick(ops)) \(constant)"
    }

    /// An update of one or a few entities in place (ids stay), with new and null values.
    mutating func update() -> String {
        let n = random.below(100)
        switch random.below(5) {
        case 0: return "update partner p\(n) set country = \(pick(["\"DE\"", "\"US\"", "\"ZZ\"", "\"QA\"", "\"QB\"", "null"])), kind = \(pick(["academic", "gpo", "clinic"]))"
        case 1: return "update agreement a\(n) set value = \(pick(["0", "3M", "12345"])), status = \(pick(["active", "expired"])), ends = \(pick(["null", "today + 30d", "2027-01-01"]))"
        case 2: return "update stakeholder s\(n) set influence = \(1 + random.below(5)), group = \(pick(["board", "clinical"])), title = \(pick(["null", "\"CEO\"", "\"T\(n)\""]))"
        case 3: return "update agreements | where form == \(pick(["mou", "project"])) set health = \(pick(["null", "1", "4.5"]))"
        default: return "update stakeholders | where org == p\(n % 20) set stance = \(pick(["champion", "blocker"]))"
        }
    }

    mutating func groupField(_ type: EntityType) -> String {
        switch type {
        case .partner: return pick(["kind", "country", "stage", "home"])
        case .agreement: return pick(["form", "status", "auto_renew"])
        case .stakeholder: return pick(["group", "stance", "org"])
        }
    }

    mutating func numberField(_ type: EntityType) -> String {
        switch type {
        case .partner: return pick(["id", "name"])
        case .agreement: return pick(["value", "health", "ends"])
        case .stakeholder: return pick(["influence", "interest"])
        }
    }

    mutating func relation(_ type: EntityType) -> String {
        type == .agreement ? pick(["partners", "stakeholders"]) : pick(["partners", "agreements", "stakeholders"])
    }

    static let fields: [EntityType: [(String, [String])]] = [
        .partner: [("kind", ["academic", "hospital", "\"clinic\"", "gpo"]), ("country", ["\"DE\"", "\"US\"", "\"ZZ\""]),
                   ("stage", ["partnered", "prospect", "former"]), ("home", ["true", "false"]), ("name", ["\"M\"", "\"Halhal Labs 1\""]),
                   ("id", ["p1", "p50", "\"p9\""])],
        .agreement: [("status", ["active", "expired", "\"active\""]), ("form", ["mou", "project", "joint_venture"]),
                     ("value", ["1M", "5000k", "0", "2.5M"]), ("ends", ["today", "today + 180d", "2027-06-30", "today - 2y"]),
                     ("starts", ["2024-01-01", "today - 1y"]), ("health", ["3", "1", "4.5"]), ("auto_renew", ["true", "false"]),
                     ("phi", ["true", "false"])],
        .stakeholder: [("influence", ["4", "2", "5", "3.5"]), ("interest", ["2", "4", "1"]), ("group", ["clinical", "board", "executive"]),
                       ("stance", ["champion", "blocker", "\"neutral\""]), ("org", ["p4", "p10", "\"p4\""]),
                       ("title", ["\"CEO\"", "\"Director\""]), ("name", ["\"Ana Okafor\"", "\"M\""])],
    ]
}
