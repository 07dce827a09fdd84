import Foundation
import Testing
@testable import AllyKit

@Suite("Evaluator: definitions and defaults")
struct DefinitionTests {
    @Test("date arithmetic past 9999-12-31 or before 0001-01-01 is an error; derived dates stay in range")
    func datesInRange() {
        let harness = Harness(smallPortfolio + """

        agreement early { title: "Early", form: mou, starts: 0001-01-05, ends: 0001-02-01, notice: 90d }
        """)
        #expect(harness.column("agreement early | select notice_by") == ["0001-01-01"])
        let before = harness.snapshot
        let diagnostic = harness.error("update agreement research set ends = ends + 8000y")
        #expect(diagnostic?.code == .limitExceeded)
        #expect(diagnostic?.message == "the date would fall outside 0001-01-01 to 9999-12-31")
        #expect(harness.snapshot == before)
        #expect(harness.error("agreements | where ends > 0001-01-01 - 1d | count")?.code == .limitExceeded)
        #expect(Day(iso: "9999-12-31")!.checkedAdding(Duration(1, .days)) == nil)
        #expect(Day(iso: "9999-12-31")!.adding(Duration(1, .months)) == Day.latest)
        #expect(Day(iso: "0001-03-31")!.checkedAdding(Duration(1, .months), times: -1) == Day(iso: "0001-02-28"))
        #expect(Day(iso: "0001-03-31")!.checkedAdding(Duration(3, .months), times: -1) == nil)
        #expect(Day(iso: "2024-02-29")!.checkedAdding(Duration(1, .years)) == Day(iso: "2025-02-28"))
    }

    @Test("default sector by kind", arguments: [
        ("government", "public"), ("regulator", "public"),
        ("academic", "nonprofit"), ("research_institute", "nonprofit"), ("hospital", "nonprofit"),
        ("health_system", "nonprofit"), ("nonprofit", "nonprofit"), ("community_org", "nonprofit"),
        ("clinic", "private"), ("physician_group", "private"), ("technology", "private"), ("pharma", "private"),
        ("biotech", "private"), ("device_maker", "private"), ("payer", "private"), ("startup", "private"), ("gpo", "private"),
    ])
    func defaultSector(kind: String, sector: String) {
        let harness = Harness("partner p { name: \"P\", kind: \(kind) }")
        #expect(harness.rows("partners | select sector") == [[sector]])
    }

    @Test("every partner kind has a default sector in the table above")
    func everyKindCovered() {
        #expect(EnumType.partnerKind.cases.count == 17)
    }

    @Test("an explicit sector overrides the default")
    func explicitSector() {
        let harness = Harness("partner p { name: \"P\", kind: hospital, sector: private }")
        #expect(harness.column("partners | select sector") == ["private"])
    }

    @Test("partner defaults")
    func partnerDefaults() {
        let harness = Harness("partner p { name: \"P\", kind: clinic }")
        #expect(harness.rows("partners | select stage, home, tags, notes, region, country, fit_score, alignment, capability")
            == [["prospect", "false", "[]", "", "", "", "", "", ""]])
        #expect(harness.rows("partners | select fit") == [[#"{"mission": null, "strategy": null, "culture": null, "reputation": null, "complementarity": null, "expertise": null, "reach": null, "innovation": null}"#]])
    }

    @Test("agreement defaults")
    func agreementDefaults() {
        let harness = Harness("partner p { name: \"P\", kind: clinic }\nagreement a { title: \"A\", form: mou }")
        #expect(harness.rows("agreements | select status, notice, value, auto_renew, phi, parties, decisions, kpis, health, ends, total_contribution")
            == [["proposed", "90d", "0", "false", "false", "[]", "{}", "[]", "", "", "0"]])
    }

    @Test("votes default by role; explicit votes win; parties keep their order")
    func votesByRole() {
        let harness = Harness("""
        partner p1 { name: "1", kind: clinic }
        partner p2 { name: "2", kind: clinic }
        partner p3 { name: "3", kind: clinic }
        partner p4 { name: "4", kind: clinic }
        agreement a { title: "A", form: mou, parties: [p3 {role: lead}, p1, p4 {role: observer}, p2 {role: observer, votes: 2, equity: 25%}] }
        """)
        #expect(harness.rows("agreement a | parties") == [
            ["a", "p3", "lead", "0", "", "1"],
            ["a", "p1", "member", "0", "", "1"],
            ["a", "p4", "observer", "0", "", "0"],
            ["a", "p2", "observer", "0", "0.25", "2"],
        ])
        #expect(harness.table("agreement a | parties").columns == ["agreement", "partner", "role", "contributes", "equity", "votes"])
    }

    @Test("stakeholder defaults")
    func stakeholderDefaults() {
        let harness = Harness("partner p { name: \"P\", kind: clinic }\nstakeholder s { name: \"S\", org: p, group: board }")
        #expect(harness.rows("stakeholders | select influence, interest, stance, quadrant, knows, title, org.name, partner.name")
            == [["3", "3", "neutral", "monitor", "[]", "", "P", "P"]])
    }

    @Test("default columns of each entity type")
    func defaultColumns() {
        let harness = Harness(smallPortfolio)
        #expect(harness.table("partners").columns == ["id", "name", "kind", "region", "stage", "fit_score"])
        #expect(harness.table("agreements").columns == ["id", "title", "form", "status", "ends", "value"])
        #expect(harness.table("stakeholders").columns == ["id", "name", "org", "group", "influence", "interest", "stance"])
        #expect(harness.column("partners") == ["county", "medtech", "mercy", "stateu"])
    }

    @Test("definitions print nothing; queries print their result")
    func outputOfStatements() {
        let harness = Harness()
        let (status, _) = harness.run("partner p { name: \"P\", kind: clinic }\nupdate partners set stage = engaged\npartners | count")
        #expect(status == .success)
        #expect(harness.sink.results.count == 1)
        #expect(harness.sink.confirmations == ["defined partner p", "updated 1 partner"])
    }

    @Test("definition errors", arguments: [
        ("partner mercy { name: \"Again\", kind: clinic }", DiagnosticCode.duplicateEntity, "partner `mercy` already exists"),
        ("partner p { name: \"P\", kind: clinic, regoin: \"EU\" }", .unknownField, "`regoin` is not a field of partner"),
        ("partner p { name: \"P\", kind: hospitl }", .unknownEnumCase, "`hospitl` is not a valid kind: not a PartnerKind"),
        ("partner p { kind: clinic }", .missingField, "partner `p` needs `name`"),
        ("partner p { name: \"P\", kind: clinic, fit_score: 3 }", .readOnlyField, "`fit_score` is computed and cannot be set"),
        ("partner p { name: \"P\", kind: clinic, home: true }", .invalidValue, "`mercy` is already the home partner"),
        ("partner p { name: \"P\", kind: clinic, country: \"USA\" }", .invalidValue, "ISO 3166 alpha-2"),
        ("partner p { name: \"P\", kind: clinic, fit: {mission: 6} }", .invalidValue, "`fit.mission` must be from 0 to 5, not 6"),
        ("partner p { name: \"P\", kind: clinic, fit: {mision: 3} }", .unknownField, "`mision` is not a member"),
        ("partner p { name: 3, kind: clinic }", .typeMismatch, "`name` needs a string, not a number"),
        ("partner p { name: \"P\", kind: clinic, name: \"Q\" }", .invalidValue, "`name` is given twice"),
        ("stakeholder s { name: \"S\", org: nobody, group: board }", .unknownEntity, "`org` refers to partner `nobody`, which does not exist"),
        ("stakeholder s { name: \"S\", org: mercy, group: board, influence: 6 }", .invalidValue, "whole number from 1 to 5"),
        ("stakeholder s { name: \"S\", org: mercy, group: board, influence: 2.5 }", .invalidValue, "whole number from 1 to 5"),
        ("stakeholder s { name: \"S\", org: mercy, group: board, knows: [ann, zed] }", .unknownEntity, "stakeholder `zed`"),
        ("agreement x { title: \"X\", form: mou, parties: [mercy, mercy] }", .invalidValue, "`mercy` appears twice in the parties of `x`"),
        ("agreement x { title: \"X\", form: mou, parties: [mercy {equity: 150%}] }", .invalidValue, "`equity` must be from 0% to 100%"),
        ("agreement x { title: \"X\", form: mou, parties: [mercy {contributes: -5}] }", .invalidValue, "`contributes` cannot be negative"),
        ("agreement x { title: \"X\", form: mou, parties: [mercy {rol: lead}] }", .unknownField, "`rol` is not a member of party"),
        ("agreement x { title: \"X\", form: mou, health: 0 }", .invalidValue, "`health` must be from 1 to 5"),
        ("agreement x { title: \"X\", form: mou, decisions: {strategy: unanimos} }", .unknownEnumCase, "`unanimos` is not a valid decisions.strategy"),
        ("agreement x { title: \"X\", form: mou, kpis: [{target: 3}] }", .missingField, "kpi needs `name`"),
        ("agreement x { title: \"X\", form: mou, ends: \"2026-01-01\" }", .typeMismatch, "`ends` needs a date, not a string"),
    ])
    func definitionErrors(text: String, code: DiagnosticCode, message: String) {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let diagnostic = harness.error(text)
        #expect(diagnostic?.code == code)
        #expect(diagnostic?.message.contains(message) == true, "message: \(diagnostic?.message ?? "none")")
        #expect(harness.snapshot == before)
    }

    @Test("unknown fields and enum cases suggest the closest name")
    func suggestions() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("partner p { name: \"P\", kind: clinic, regoin: \"EU\" }")?.help == "did you mean `region`?")
        #expect(harness.error("partner p { name: \"P\", kind: hospitl }")?.help == "did you mean `hospital`?")
        #expect(harness.error("partners | where regoin == \"EU\"")?.help == "did you mean `region`?")
        #expect(harness.error("partners | where kind == acadmic")?.help == "did you mean `academic`?")
    }

    @Test("the error for a bad list item points at that item")
    func badListItemPosition() {
        let harness = Harness(smallPortfolio)
        let text = "stakeholder s { name: \"S\", org: mercy, group: board, knows: [ann, zed] }"
        let diagnostic = harness.error(text)
        #expect(diagnostic.map { SourceFile(name: "x", text: text).text($0.range) } == "zed")
    }

    @Test("ties are symmetric: a knows b makes b know a")
    func symmetricTies() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("stakeholders | select id, knows") == [
            ["ann", #"["bob"]"#], ["bob", #"["ann", "cat"]"#], ["cat", #"["bob"]"#], ["dan", "[]"],
        ])
        #expect(harness.error("stakeholder eve { name: \"E\", org: mercy, group: board, knows: [eve] }")?.code != nil)
    }

    @Test("a let or metric may not shadow a field, an enum case or a language word", arguments: [
        "let kind = partners | count", "let academic = partners | count", "metric value = agreements | count",
        "let partners = partners | count", "let sum = partners | count", "metric today = partners | count",
    ])
    func reservedNames(text: String) {
        let harness = Harness(smallPortfolio)
        #expect(harness.error(text)?.code == .reservedName)
    }
}

@Suite("Evaluator: computed fields")
struct ComputedFieldTests {
    @Test("alignment, capability and fit_score")
    func fitMeasures() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("partners | select id, alignment, capability, fit_score") == [
            ["county", "", "", ""], ["medtech", "3.5", "4.5", "4"], ["mercy", "4.5", "", "4.5"], ["stateu", "4.25", "", "4.25"],
        ])
    }

    @Test("fit_score follows .weights")
    func weights() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess(".weights mission=3")
        // medtech: (3×3 + 4 + 5 + 4) / (3 + 1 + 1 + 1)
        #expect(harness.number("partner medtech | select fit_score") == 22.0 / 6.0)
        harness.expectSuccess(".weights mission=0 strategy=0")
        #expect(harness.value("partner mercy | select fit_score") == .null)
        #expect(harness.number("partner medtech | select fit_score") == 4.5)
        // alignment and capability ignore the weights
        #expect(harness.number("partner medtech | select alignment") == 3.5)
        harness.expectSuccess(".weights reset")
        #expect(harness.number("partner medtech | select fit_score") == 4)
        let table = harness.table(".weights")
        #expect(table.columns == ["dimension", "weight"])
        #expect(table.rows.count == 8)
    }

    @Test("bad .weights arguments are errors that change nothing", arguments: ["mision=2", "mission=-1", "mission=x", "mission"])
    func badWeights(argument: String) {
        let harness = Harness(smallPortfolio)
        #expect(harness.error(".weights \(argument)")?.code == .usage)
        #expect(harness.session.settings.weights == Array(repeating: 1, count: 8))
    }

    static let categoryPortfolio = """
    partner gov { name: "Gov", kind: government }
    partner tech { name: "Tech", kind: technology }
    partner uni { name: "Uni", kind: academic }
    partner lab { name: "Lab", kind: research_institute }
    partner drug { name: "Drug", kind: pharma }
    partner hosp { name: "Hosp", kind: hospital }
    partner clin { name: "Clinic", kind: clinic }
    partner docs { name: "Docs", kind: physician_group }
    partner sys { name: "System", kind: health_system }
    partner npo { name: "NPO", kind: nonprofit }
    partner young { name: "Startup", kind: startup }
    agreement a1 { title: "1", form: mou, parties: [gov, tech] }
    agreement a2 { title: "2", form: mou, parties: [uni, drug] }
    agreement a3 { title: "3", form: mou, parties: [gov, uni, drug] }
    agreement a4 { title: "4", form: mou, parties: [hosp, young] }
    agreement a5 { title: "5", form: mou, parties: [uni, hosp, tech] }
    agreement a6 { title: "6", form: mou, parties: [hosp, clin, docs, sys] }
    agreement a7 { title: "7", form: mou, parties: [hosp] }
    agreement a8 { title: "8", form: mou, parties: [hosp, npo] }
    agreement a9 { title: "9", form: mou }
    agreement b1 { title: "b1", form: mou, parties: [lab, young] }
    agreement b2 { title: "b2", form: mou, parties: [clin, tech] }
    """

    @Test("category: the first rule that applies")
    func category() {
        let harness = Harness(Self.categoryPortfolio)
        #expect(harness.rows("agreements | select id, category") == [
            ["a1", "public_private"], ["a2", "academic_industry"], ["a3", "public_private"], ["a4", "hospital_healthtech"],
            ["a5", "academic_industry"], ["a6", "provider_provider"], ["a7", "cross_sector"], ["a8", "cross_sector"],
            ["a9", "cross_sector"], ["b1", "academic_industry"], ["b2", "hospital_healthtech"],
        ])
    }

    @Test("category follows the stored sector, not the kind's default")
    func categoryUsesStoredSector() {
        let harness = Harness(Self.categoryPortfolio)
        harness.expectSuccess("update partner tech set sector = public")
        #expect(harness.value("agreement a1 | select category") == .enumeration(EnumType.category.value("cross_sector")))
        harness.expectSuccess("update partner npo set sector = private\nupdate partner hosp set sector = public")
        #expect(harness.value("agreement a8 | select category") == .enumeration(EnumType.category.value("public_private")))
    }

    @Test("attainment: ratios clamped to [0, 1], lower-is-better inverted, zero denominators count as 0")
    func attainment() {
        let harness = Harness("""
        agreement k { title: "K", form: mou, kpis: [
          {name: "over", target: 10, actual: 20},
          {name: "lower better", target: 10, actual: 5, higher_is_better: false},
          {name: "zero target", target: 0, actual: 5},
          {name: "no actual", target: 10, actual: null},
          {name: "negative", target: 10, actual: -5},
          {name: "partial", target: 8, actual: 6},
          {name: "lower, zero actual", target: 4, actual: 0, higher_is_better: false}
        ] }
        agreement none { title: "N", form: mou }
        agreement pending { title: "P", form: mou, kpis: [{name: "x", target: 1}] }
        """)
        // 1, 1, 0, (skipped), 0, 0.75, 0 over six kpis
        #expect(harness.number("agreement k | select attainment") == 2.75 / 6)
        #expect(harness.value("agreement none | select attainment") == .null)
        #expect(harness.value("agreement pending | select attainment") == .null)
    }

    @Test("on_time: share of the milestones due by today that are done")
    func onTime() {
        let harness = Harness("""
        agreement m { title: "M", form: mou, milestones: [
          {name: "a", due: 2025-12-01, done: true}, {name: "b", due: 2026-01-15}, {name: "c", due: 2026-02-01, done: true}] }
        agreement later { title: "L", form: mou, milestones: [{name: "a", due: 2026-06-01}] }
        """)
        #expect(harness.number("agreement m | select on_time") == 0.5)
        #expect(harness.value("agreement later | select on_time") == .null)
        harness.expectSuccess(".today 2026-03-01")
        #expect(harness.number("agreement m | select on_time") == 2.0 / 3.0)
    }

    @Test("health_score: mean of the available components")
    func healthScore() {
        let harness = Harness("""
        agreement all3 { title: "A", form: mou, health: 5, kpis: [{name: "k", target: 10, actual: 10}],
          milestones: [{name: "a", due: 2025-01-01, done: true}, {name: "b", due: 2025-02-01}] }
        agreement rated { title: "R", form: mou, health: 3 }
        agreement poor { title: "P", form: mou, health: 1 }
        agreement unknown { title: "U", form: mou }
        """)
        #expect(harness.number("agreement all3 | select health_score") == 250.0 / 3.0)
        #expect(harness.number("agreement rated | select health_score") == 50)
        #expect(harness.number("agreement poor | select health_score") == 0)
        #expect(harness.value("agreement unknown | select health_score") == .null)
    }

    @Test("days_left and notice_by; months clamp")
    func daysLeftAndNoticeBy() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("agreement research | select days_left, notice_by") == [["75", "2026-01-30"]])
        harness.expectSuccess("update agreement research set notice = 1mo")
        #expect(harness.rows("agreement research | select notice_by") == [["2026-02-28"]])
        harness.expectSuccess(".today 2026-03-31")
        #expect(harness.number("agreement research | select days_left") == 0)
        #expect(harness.value("agreement screening | select days_left") == .null)
        #expect(harness.value("agreement screening | select notice_by") == .null)
    }

    @Test("total_contribution and cross_border")
    func contributionAndBorders() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("agreements | select id, total_contribution, cross_border") == [
            ["devices", "400000", "true"], ["research", "2500000", "false"], ["screening", "0", "false"],
        ])
        harness.expectSuccess("update agreement research set jurisdictions = [\"US\", \"EU\"]")
        #expect(harness.value("agreement research | select cross_border") == .bool(true))
        harness.expectSuccess("update agreement research set jurisdictions = [\"US\"]")
        #expect(harness.value("agreement research | select cross_border") == .bool(false))
    }

    @Test("quadrant")
    func quadrant() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("stakeholders | select id, quadrant") == [
            ["ann", "manage_closely"], ["bob", "keep_informed"], ["cat", "keep_satisfied"], ["dan", "monitor"],
        ])
    }

    @Test("relations as fields: partner.agreements, partner.stakeholders, agreement.partners")
    func relationFields() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("partner mercy | select agreements, stakeholders") == [[#"["devices", "research", "screening"]"#, #"["ann"]"#]])
        #expect(harness.rows("agreement screening | select partners") == [[#"["county", "mercy", "stateu"]"#]])
        #expect(harness.column("partners | where len(agreements) == 1 | select id") == ["county", "medtech"])
    }
}

@Suite("Evaluator: expressions")
struct ExpressionTests {
    static let nulls = """
    partner a { name: "Alpha", kind: hospital, region: "EU", fit: {mission: 4} }
    partner b { name: "beta", kind: clinic }
    agreement open { title: "Open", form: mou }
    agreement closed { title: "Closed", form: mou, ends: 2025-06-30 }
    """

    @Test("null rules", arguments: [
        ("partners | where region == null | select id", ["b"]),
        ("partners | where region != null | select id", ["a"]),
        ("partners | where region != \"EU\" | select id", [String]()),
        ("partners | where region == \"EU\" | select id", ["a"]),
        ("partners | where fit.mission > 0 | select id", ["a"]),
        ("partners | where fit.mission <= 10 | select id", ["a"]),
        ("partners | where not (fit.mission > 0) | select id", ["b"]),
        ("partners | where fit.mission > 0 or id == \"b\" | select id", ["a", "b"]),
        ("partners | where not (fit.mission > 0 and id == \"b\") | select id", ["a", "b"]),
        ("partners | select x = fit.mission + 1", ["5", ""]),
        ("partners | select x = -fit.mission * 2", ["-8", ""]),
        ("partners | select x = region ?? \"none\"", ["EU", "none"]),
        ("partners | select x = coalesce(region, notes, \"n/a\")", ["EU", "n/a"]),
        ("partners | select x = len(region)", ["2", ""]),
        ("partners | select x = upper(region)", ["EU", ""]),
        ("agreements | where not (ends < 2026-01-01) | select id", ["open"]),
        ("agreements | where ends < 2026-01-01 | select id", ["closed"]),
        ("agreements | select x = ends + 1mo", ["2025-07-30", ""]),
        ("agreements | where days_left < 0 | select id", ["closed"]),
    ])
    func nullRules(query: String, expected: [String]) {
        let harness = Harness(Self.nulls)
        #expect(harness.column(query) == expected)
    }

    @Test("aggregates skip nulls")
    func aggregatesSkipNulls() {
        let harness = Harness(Self.nulls)
        #expect(harness.rows("partners | summarize count(), count(fit.mission), avg(fit.mission), sum(fit.mission), min(region)")
            == [["2", "1", "4", "4", "EU"]])
    }

    @Test("date arithmetic adds months by calendar, clamping to the month's end", arguments: [
        ("2026-01-31 + 1mo", "2026-02-28"), ("2024-01-31 + 1mo", "2024-02-29"), ("2024-02-29 + 1y", "2025-02-28"),
        ("2026-03-31 - 1mo", "2026-02-28"), ("2026-01-15 + 2w", "2026-01-29"), ("2026-01-15 + 90d", "2026-04-15"),
        ("2026-12-31 + 2mo", "2027-02-28"), ("2026-03-01 - 1d", "2026-02-28"), ("2026-01-31 + 13mo", "2027-02-28"),
        ("2025-12-15 + 1y", "2026-12-15"), ("1mo + 2026-01-31", "2026-02-28"), ("today + 1d", "2026-01-16"),
        ("2026-03-01 - 2026-01-15", "45"), ("2026-01-15 - 2026-03-01", "-45"), ("days_between(2026-01-15, 2026-03-01)", "45"),
        ("year(2026-03-01)", "2026"), ("month(2026-03-01)", "3"), ("2026-01-31 + 1mo + 1mo", "2026-03-28"),
        ("2026-01-31 + 2mo", "2026-03-31"), ("2028-02-29 - 4y", "2024-02-29"), ("2026-05-31 - 3mo", "2026-02-28"),
    ])
    func dateArithmetic(expression: String, expected: String) {
        let harness = Harness("partner p { name: \"P\", kind: clinic }")
        #expect(harness.column("partner p | select v = \(expression)") == [expected])
    }

    @Test("dates compare chronologically; durations are not dates")
    func dateComparisons() {
        let harness = Harness(smallPortfolio)
        #expect(harness.column("agreements | where ends > 2026-12-31 | select id") == ["devices"])
        #expect(harness.column("agreements | where ends <= today + 90d | select id") == ["research"])
        #expect(harness.error("agreements | where ends > 90d")?.code == .typeMismatch)
        #expect(harness.error("agreements | select x = ends + ends")?.code == .typeMismatch)
    }

    @Test("operators on strings, lists, enums and ids", arguments: [
        ("partners | where kind == academic | select id", ["stateu"]),
        ("partners | where kind in [academic, government] | select id", ["county", "stateu"]),
        ("partners | where kind != academic and kind != government | select id", ["medtech", "mercy"]),
        ("partners | where name contains \"HEALTH\" | select id", ["county", "mercy"]),
        ("partners | where name == \"mercy health\" | select id", [String]()),
        ("partners | where id != \"medtech\" and id != \"county\" | select id", ["mercy", "stateu"]),
        ("partners | where id in [\"mercy\", \"county\"] | select id", ["county", "mercy"]),
        ("stakeholders | where org == mercy | select id", ["ann"]),
        ("stakeholders | where org == \"county\" | select id", ["dan"]),
        ("stakeholders | where knows contains \"ANN\" | select id", ["bob"]),
        ("stakeholders | where org.kind == academic | select name", ["Bob Stone"]),
        ("partners | select x = name + \" (\" + id + \")\" | take 1", ["County Health Dept (county)"]),
        ("agreements | where partners contains \"medtech\" | select id", ["devices"]),
        ("agreements | where status in [active] | select id", ["devices", "research"]),
        ("partners | where starts_with(name, \"M\") | select id", ["medtech", "mercy"]),
        ("partners | select x = round(fit_score / 3, 2)", ["", "1.33", "1.5", "1.42"]),
        ("partners | select x = round(-2.5)", ["-3", "-3", "-3", "-3"]),
        ("partners | select x = abs(-4) + 10 / 4 - 2 * 3 | take 1", ["0.5"]),
        ("partners | where kind > government | select id", ["mercy"]),
    ])
    func operators(query: String, expected: [String]) {
        let harness = Harness(smallPortfolio)
        #expect(harness.column(query) == expected)
    }

    @Test("type errors are caught before any row runs", arguments: [
        "partners | where name > 3", "partners | select x = name - 1", "partners | where kind == 3",
        "partners | select x = -name", "partners | where region in 3", "partners | select x = upper(3)",
        // (`value + "a"` joins text since issue 28; a list has no printed form to join.)
        "agreements | select x = jurisdictions + \"a\"", "agreements | select x = value + today",
    ])
    func typeErrors(query: String) {
        let harness = Harness(smallPortfolio)
        let diagnostic = harness.error(query)
        #expect(diagnostic?.code == .typeMismatch || diagnostic?.code == .unknownEnumCase)
    }

    @Test("unknown names, functions and aggregates outside summarize")
    func unknownNames() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("partners | select x = nosuch")?.code == .unknownField)
        #expect(harness.error("partners | select x = lenn(name)")?.help == "did you mean `len`?")
        #expect(harness.error("partners | select x = sum(fit_score)")?.code == .unknownFunction)
        #expect(harness.error("partners | select x = round()")?.code == .wrongArguments)
        #expect(harness.error("nosuch | count")?.code == .unknownName)
        #expect(harness.error("partner nobody | count")?.code == .unknownEntity)
        #expect(harness.error("stakeholders | where org == nobody")?.code == .unknownEntity)
    }

    @Test("division by zero names the error, the row and the expression")
    func divisionByZero() {
        let harness = Harness(smallPortfolio)
        let text = "agreements | sort id | select id, x = 1 / (value - 400000)"
        let diagnostic = harness.error(text)
        #expect(diagnostic?.code == .divisionByZero)
        #expect(diagnostic?.message == "division by zero")
        #expect(diagnostic?.notes == ["while evaluating agreement `devices`"])
        #expect(diagnostic.map { SourceFile(name: "x", text: text).text($0.range) } == "1 / (value - 400000)")
        #expect(harness.sink.results.isEmpty)
    }

    @Test("run-time errors name the row's id wherever rows run", arguments: [
        ("agreements | where 1 / (value - 50000) > 0", "agreement `screening`"),
        ("agreements | extend x = 10 / total_contribution", "agreement `screening`"),
        ("agreements | sort 1 / total_contribution", "agreement `screening`"),
        ("agreements | summarize sum(1 / total_contribution)", "agreement `screening`"),
        ("agreements | distinct 1 / total_contribution", "agreement `screening`"),
        ("update agreements set value = value / total_contribution", "agreement `screening`"),
        ("stakeholders | select x = round(influence, interest * 10)", "stakeholder `ann`"),
    ])
    func runtimeErrorsNameTheRow(query: String, row: String) {
        let harness = Harness(smallPortfolio)
        let diagnostic = harness.error(query)
        #expect(diagnostic?.notes.contains { $0.contains(row) } == true, "notes: \(diagnostic?.notes ?? [])")
        let rendered = diagnostic.map { DiagnosticRenderer.render($0) } ?? ""
        #expect(rendered.contains("while evaluating \(row)"))
    }
}

@Suite("Evaluator: stages")
struct StageTests {
    @Test("summarize without by on empty input gives one row: count 0, sum 0, the rest null")
    func summarizeEmpty() {
        let harness = Harness(smallPortfolio)
        let table = harness.table("agreements | where value > 1B | summarize count(), count(value), sum(value), avg(value), min(value), max(value), median(value), hhi(value), gini(value)")
        #expect(table.columns == ["count()", "count(value)", "sum(value)", "avg(value)", "min(value)", "max(value)", "median(value)", "hhi(value)", "gini(value)"])
        #expect(table.rows == [[.number(0), .number(0), .number(0), .null, .null, .null, .null, .null, .null]])
        #expect(harness.table("agreements | where value > 1B | summarize count() by status").rows.isEmpty)
    }

    @Test("aggregates over values")
    func aggregates() {
        let harness = Harness(smallPortfolio)
        let row = harness.table("agreements | summarize n = count(), sum(value), avg(value), min(value), max(value), median(value), hhi(value), gini(value)").rows.first ?? []
        #expect(row.count == 8)
        guard row.count == 8 else { return }
        #expect(row[0] == .number(3))
        #expect(row[1] == .number(1_650_000))
        #expect(row[2] == .number(550_000))
        #expect(row[3] == .number(50_000))
        #expect(row[4] == .number(1_200_000))
        #expect(row[5] == .number(400_000))
        #expect(abs((row[6].number ?? 0) - 5886.13406795225) < 1e-6)
        #expect(abs((row[7].number ?? 0) - 0.46464646464646464) < 1e-12)
        harness.expectSuccess("agreement extra { title: \"E\", form: mou, value: 100 }")
        #expect(harness.number("agreements | summarize median(value)") == 225_000)
    }

    @Test("summarize by: by-columns first, groups sorted ascending with nulls last")
    func summarizeBy() {
        let harness = Harness(smallPortfolio + """

        partner zz { name: "No region", kind: clinic }
        partner ap { name: "Asia", kind: clinic, region: "AP" }
        """)
        let table = harness.table("partners | summarize n = count(), best = max(fit_score) by region")
        #expect(table.columns == ["region", "n", "best"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [
            ["AP", "1", ""], ["EU", "1", "4"], ["US-Midwest", "3", "4.5"], ["", "1", ""],
        ])
        let twoKeys = harness.rows("agreements | summarize count() by status, form")
        #expect(twoKeys == [["active", "joint_venture", "1"], ["active", "supply_chain", "1"], ["negotiating", "mou", "1"]])
    }

    @Test("aggregates can be combined in expressions; a bare field outside an aggregate is an error")
    func summarizeExpressions() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("agreements | summarize share = round(max(value) / sum(value), 3)") == [["0.727"]])
        #expect(harness.error("agreements | summarize value")?.code == .unknownName)
        #expect(harness.error("agreements | summarize n = count(), n = sum(value)")?.code == .invalidValue)
    }

    @Test("sort is stable and puts nulls last in both directions")
    func sortStability() {
        let harness = Harness(smallPortfolio + """

        partner zed { name: "Zed", kind: clinic }
        partner aaa { name: "Aaa", kind: clinic }
        """)
        #expect(harness.column("partners | sort region | select id") == ["medtech", "county", "mercy", "stateu", "aaa", "zed"])
        #expect(harness.column("partners | sort region desc | select id") == ["county", "mercy", "stateu", "medtech", "aaa", "zed"])
        #expect(harness.column("partners | sort fit_score desc | select id") == ["mercy", "stateu", "medtech", "aaa", "county", "zed"])
        #expect(harness.column("partners | sort fit_score | select id") == ["medtech", "stateu", "mercy", "aaa", "county", "zed"])
        #expect(harness.column("partners | sort region desc, fit_score desc | select id") == ["mercy", "stateu", "county", "medtech", "aaa", "zed"])
        // a second sort keeps the order of the first among equal keys
        #expect(harness.column("partners | sort name desc | sort region | select id") == ["medtech", "stateu", "mercy", "county", "zed", "aaa"])
    }

    @Test("strings sort by Unicode scalar values; enums by case name")
    func sortOrder() {
        let harness = Harness("""
        partner p1 { name: "b", kind: pharma }
        partner p2 { name: "B", kind: academic }
        partner p3 { name: "á", kind: gpo }
        partner p4 { name: "a", kind: hospital }
        partner p5 { name: "Z", kind: clinic }
        """)
        #expect(harness.column("partners | sort name | select name") == ["B", "Z", "a", "b", "á"])
        #expect(harness.column("partners | sort kind | select kind") == ["academic", "clinic", "gpo", "hospital", "pharma"])
    }

    @Test("take, distinct and count")
    func takeDistinctCount() {
        let harness = Harness(smallPortfolio)
        #expect(harness.column("partners | take 2 | select id") == ["county", "medtech"])
        #expect(harness.column("partners | take 0 | select id") == [])
        #expect(harness.column("partners | take 100 | select id").count == 4)
        #expect(harness.error("partners | take 1.5")?.code == .invalidValue)
        #expect(harness.error("partners | take -1")?.code == .invalidValue)
        #expect(harness.error("partners | take \"2\"")?.code == .typeMismatch)
        #expect(harness.rows("partners | sort name desc | distinct region") == [["US-Midwest"], ["EU"]])
        #expect(harness.rows("partners | distinct region, country") == [["US-Midwest", "US"], ["EU", "DE"]])
        #expect(harness.value("stakeholders | count") == .number(4))
    }

    @Test("extend adds columns and keeps the entity's fields reachable")
    func extend() {
        let harness = Harness(smallPortfolio)
        let table = harness.table("agreements | extend k = value / 1000 | where k > 100 | select id, k, status")
        #expect(table.columns == ["id", "k", "status"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [["devices", "400", "active"], ["research", "1200", "active"]])
        #expect(harness.table("agreements | extend k = 1").columns == ["id", "title", "form", "status", "ends", "value", "k"])
        #expect(harness.error("agreements | extend value / 2")?.code == .unexpectedToken)
    }

    @Test("a stage after a single value is an error")
    func stageAfterScalar() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("partners | count | take 1")?.code == .stageAfterScalar)
    }

    @Test("relations: deduplicated, in id order")
    func relations() {
        let harness = Harness(smallPortfolio)
        #expect(harness.column("stakeholders | partners | select id") == ["county", "medtech", "mercy", "stateu"])
        #expect(harness.column("stakeholder bob | agreements | select id") == ["research", "screening"])
        #expect(harness.column("agreement research | stakeholders | select id") == ["ann", "bob"])
        #expect(harness.column("partner medtech | agreements | partners | select id") == ["medtech", "mercy"])
        #expect(harness.column("partner county | partners | select id") == ["mercy", "stateu"])
        #expect(harness.column("stakeholder bob | stakeholders | select id") == ["ann", "cat"])
        #expect(harness.error("agreements | agreements")?.code == .wrongInput)
        #expect(harness.error("partners | parties")?.code == .wrongInput)
    }

    @Test("parties and balance rows: by agreement id, then party order")
    func partiesAndBalance() {
        let harness = Harness(smallPortfolio)
        #expect(harness.rows("agreements | parties | select agreement, partner, role") == [
            ["devices", "mercy", "member"], ["devices", "medtech", "lead"],
            ["research", "mercy", "lead"], ["research", "stateu", "member"],
            ["screening", "county", "lead"], ["screening", "mercy", "member"], ["screening", "stateu", "observer"],
        ])
        let balance = harness.table("agreements | balance")
        #expect(balance.columns == ["agreement", "partner", "contribution_share", "decision_share", "imbalance"])
        let research = balance.rows.filter { ValueFormatter.plain($0[0]) == "research" }
        #expect(research.map { $0[2] } == [.number(0.8), .number(0.2)])
        #expect(research.map { $0[3] } == [.number(0.5), .number(0.5)])
        #expect(abs((research[0][4].number ?? 0) - -0.3) < 1e-12)
        #expect(abs((research[1][4].number ?? 0) - 0.3) < 1e-12)
        // screening: nobody contributes, so the contribution share and the imbalance are null
        let screening = balance.rows.filter { ValueFormatter.plain($0[0]) == "screening" }
        #expect(screening.map { $0[2] } == [.null, .null, .null])
        #expect(screening.map { $0[3] } == [.number(0.5), .number(0.5), .number(0)])
        #expect(screening.map { $0[4] } == [.null, .null, .null])
    }

    @Test("renewals within a horizon: active or under review, sorted by ends")
    func renewals() {
        let harness = Harness(smallPortfolio + """

        agreement soon { title: "Soon", form: mou, status: under_review, ends: 2026-02-01, auto_renew: true }
        agreement dead { title: "Dead", form: mou, status: terminated, ends: 2026-02-01 }
        """)
        let table = harness.table("renewals within 90d")
        #expect(table.columns == ["id", "title", "ends", "notice_by", "days_left", "auto_renew"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [
            ["soon", "Soon", "2026-02-01", "2025-11-03", "17", "true"],
            ["research", "Joint research", "2026-03-31", "2026-01-30", "75", "false"],
        ])
        #expect(harness.column("renewals | select id") == ["soon", "research"])
        #expect(harness.column("renewals within 2y | select id") == ["soon", "research", "devices"])
        #expect(harness.column("renewals within 10d | select id") == [])
        #expect(harness.error("renewals within 3")?.code == .typeMismatch)
    }
}

@Suite("Evaluator: changes")
struct ChangeTests {
    @Test("update sets fields on every entity of the result and confirms")
    func update() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("update agreements | where status == active set value = value * 2, tags = [\"doubled\"]")
        #expect(harness.sink.confirmations == ["updated 2 agreements"])
        // Counts what changed: setting the values again changes nothing, and says so.
        harness.expectSuccess("update agreements | where status == active set tags = [\"doubled\"]")
        #expect(harness.sink.confirmations.last == "nothing changed: the 2 agreements already had those values")
        harness.expectSuccess("update agreements | where id == \"nobody\" set tags = []")
        #expect(harness.sink.confirmations.last == "no agreement matched: nothing changed")
        #expect(harness.rows("agreements | select id, value, tags") == [
            ["devices", "800000", #"["doubled"]"#], ["research", "2400000", #"["doubled"]"#], ["screening", "50000", "[]"],
        ])
        harness.expectSuccess("update partner medtech set fit.mission = 5, stage = partnered")
        #expect(harness.rows("partner medtech | select fit.mission, fit.strategy, stage") == [["5", "4", "partnered"]])
        harness.expectSuccess("update agreement research set decisions.strategy = unanimous, decisions.budget = lead")
        #expect(harness.rows("agreement research | select decisions") == [[#"{"strategy": "unanimous", "budget": "lead"}"#]])
    }

    @Test("every value of an update is computed from the rows as they were")
    func updateReadsOldValues() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("update partner mercy set name = \"Renamed\", notes = name")
        #expect(harness.rows("partner mercy | select name, notes") == [["Renamed", "Mercy Health"]])
    }

    @Test("a failing update changes nothing (division by zero on a late row)")
    func updateAtomicDivision() {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let diagnostic = harness.error("update agreements | sort id desc set value = 100 / (value - 400000)")
        #expect(diagnostic?.code == .divisionByZero)
        let after = harness.snapshot
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("a failing update changes nothing (validation fails on the last row)")
    func updateAtomicValidation() {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        // dan 3→4, cat 4→5, bob 2→3, then ann 5→6 is out of range
        let diagnostic = harness.error("update stakeholders | sort id desc set influence = influence + 1, title = \"changed\"")
        #expect(diagnostic?.code == .invalidValue)
        #expect(diagnostic?.notes.contains("while evaluating stakeholder `ann`") == true)
        #expect(harness.snapshot == before)
        #expect(harness.session.promptLabel == nil)
    }

    @Test("an update over many entities that fails on the 50th leaves all of them as they were")
    func updateAtomicMany() {
        var text = ""
        for index in 0..<100 { text += "partner p\(String(format: "%03d", index)) { name: \"P\(index)\", kind: clinic, fit: {mission: \(index == 49 ? 5 : 1)} }\n" }
        let harness = Harness(text)
        let before = harness.snapshot
        #expect(harness.error("update partners set fit.mission = fit.mission + 1, stage = engaged")?.code == .invalidValue)
        #expect(harness.snapshot == before)
        #expect(harness.number("partners | where stage == engaged | count") == 0)
    }

    @Test("update errors", arguments: [
        ("update partners set fit_score = 3", DiagnosticCode.readOnlyField),
        ("update partners set id = \"x\"", .readOnlyField),
        ("update partners set regoin = \"EU\"", .unknownField),
        ("update partners set kind = hospitl", .unknownEnumCase),
        ("update partners set home = true", .invalidValue),
        ("update stakeholders set org = nobody", .unknownEntity),
        ("update partners | count set stage = engaged", .wrongInput),
        ("update partners | select id set stage = engaged", .wrongInput),
        ("update agreements set parties = [mercy, mercy]", .invalidValue),
        ("update stakeholder ann set knows = [ann]", .invalidValue),
        ("update partners set fit.mision = 3", .unknownField),
    ])
    func updateErrors(text: String, code: DiagnosticCode) {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        #expect(harness.error(text)?.code == code)
        #expect(harness.snapshot == before)
    }

    @Test("update can set a field to null where it is nullable")
    func updateToNull() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("update partner mercy set region = null, fit.mission = null")
        #expect(harness.rows("partner mercy | select region, fit.mission, fit_score") == [["", "", "4"]])
        #expect(harness.error("update partner mercy set name = null")?.code == .invalidValue)
    }

    @Test("changing ties through update keeps them symmetric")
    func updateTies() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("update stakeholder dan set knows = [ann, cat]")
        #expect(harness.rows("stakeholders | select id, knows") == [
            ["ann", #"["bob", "dan"]"#], ["bob", #"["ann", "cat"]"#], ["cat", #"["bob", "dan"]"#], ["dan", #"["ann", "cat"]"#],
        ])
        harness.expectSuccess("update stakeholder bob set knows = []")
        #expect(harness.rows("stakeholders | select id, knows") == [
            ["ann", #"["dan"]"#], ["bob", "[]"], ["cat", #"["dan"]"#], ["dan", #"["ann", "cat"]"#],
        ])
    }

    @Test("removing a partner takes its stakeholders, their ties and its party entries; agreements left alone are terminated")
    func removePartnerCascades() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("remove partner stateu")
        #expect(harness.sink.confirmations == ["removed 1 partner; 1 stakeholder removed with it, 1 agreement terminated (fewer than two parties left)"])
        #expect(harness.column("partners | select id") == ["county", "medtech", "mercy"])
        #expect(harness.column("stakeholders | select id") == ["ann", "cat", "dan"])
        #expect(harness.rows("stakeholders | select id, knows") == [["ann", "[]"], ["cat", "[]"], ["dan", "[]"]])
        #expect(harness.rows("agreements | select id, status, partners") == [
            ["devices", "active", #"["mercy", "medtech"]"#],
            ["research", "terminated", #"["mercy"]"#],
            ["screening", "negotiating", #"["county", "mercy"]"#],
        ])
        #expect(harness.column("partner mercy | select agreements") == [#"["devices", "research", "screening"]"#])
    }

    @Test("removing a stakeholder takes its ties; an agreement goes alone")
    func removeStakeholderAndAgreement() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("remove stakeholder bob")
        #expect(harness.rows("stakeholders | select id, knows") == [["ann", "[]"], ["cat", "[]"], ["dan", "[]"]])
        harness.expectSuccess("remove agreements | where status == active")
        #expect(harness.sink.confirmations == ["removed 2 agreements"])
        #expect(harness.column("agreements | select id") == ["screening"])
        #expect(harness.column("partners | select id").count == 4)
        #expect(harness.column("partner medtech | select agreements") == ["[]"])
        #expect(harness.column("partner medtech | partners | select id") == [])
    }

    @Test("remove needs entities")
    func removeNeedsEntities() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("remove partners | count")?.code == .wrongInput)
        harness.expectSuccess("remove partners | where id == \"nobody\"")
        #expect(harness.sink.confirmations == ["removed nothing"])
    }

    @Test("add party appends; remove party terminates an agreement left with fewer than two parties")
    func addAndRemoveParty() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("add party medtech to research { role: observer, contributes: 10k }")
        #expect(harness.rows("agreement research | parties | select partner, role, contributes, votes") == [
            ["mercy", "lead", "2000000", "1"], ["stateu", "member", "500000", "1"], ["medtech", "observer", "10000", "0"],
        ])
        #expect(harness.column("partner medtech | agreements | select id") == ["devices", "research"])
        harness.expectSuccess("add party county to devices")
        #expect(harness.rows("agreement devices | parties | select partner, role, votes") == [
            ["mercy", "member", "1"], ["medtech", "lead", "1"], ["county", "member", "1"],
        ])
        harness.expectSuccess("remove party county from screening")
        #expect(harness.rows("agreement screening | select status, partners") == [["negotiating", #"["mercy", "stateu"]"#]])
        harness.expectSuccess("remove party mercy from screening")
        #expect(harness.rows("agreement screening | select status, partners") == [["terminated", #"["stateu"]"#]])
        #expect(harness.column("partner county | agreements | select id") == ["devices"])
    }

    @Test("party errors change nothing", arguments: [
        ("add party mercy to research", DiagnosticCode.invalidValue),
        ("add party nobody to research", .unknownEntity),
        ("add party medtech to nothing", .unknownEntity),
        ("add party medtech to research { role: boss }", .unknownEnumCase),
        ("add party medtech to research { partner: mercy }", .invalidValue),
        ("add party medtech to research { equity: 2 }", .invalidValue),
        ("remove party medtech from research", .unknownEntity),
        ("remove party medtech from nothing", .unknownEntity),
    ])
    func partyErrors(text: String, code: DiagnosticCode) {
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        #expect(harness.error(text)?.code == code)
        #expect(harness.snapshot == before)
    }

    @Test("an update that takes an agreement below two parties terminates it")
    func updatePartiesTerminates() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("update agreement research set parties = [mercy]")
        #expect(harness.rows("agreement research | select status, partners") == [["terminated", #"["mercy"]"#]])
        #expect(harness.column("partner stateu | agreements | select id") == ["screening"])
    }
}

@Suite("Evaluator: bindings and metrics")
struct BindingTests {
    @Test("a let bound to entities re-reads them in the current state and drops removed ids")
    func letRereadsEntities() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("let big = agreements | where value > 100k")
        #expect(harness.rows("big | select id, value") == [["devices", "400000"], ["research", "1200000"]])
        harness.expectSuccess("update agreement devices set value = 1")
        // the set is fixed when bound; its entities are read as they are now
        #expect(harness.rows("big | select id, value") == [["devices", "1"], ["research", "1200000"]])
        harness.expectSuccess("remove agreement devices")
        #expect(harness.value("big | count") == .number(1))
        #expect(harness.column("agreements | where id in big | select id") == ["research"])
    }

    @Test("a let bound to a scalar or a table keeps its value")
    func letKeepsValues() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("let n = agreements | count\nlet t = agreements | select id, value")
        harness.expectSuccess("remove agreement devices")
        #expect(harness.value("n") == .number(3))
        #expect(harness.table("t").rows.count == 3)
        #expect(harness.column("agreements | where value > n | select id") == ["research", "screening"])
        #expect(harness.error("n | count")?.code == .stageAfterScalar)
    }

    @Test("a metric is re-evaluated on every use")
    func metricReevaluates() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("metric total = agreements | summarize sum(value)")
        #expect(harness.value("total") == .number(1_650_000))
        harness.expectSuccess("update agreement screening set value = 350k")
        #expect(harness.value("total") == .number(1_950_000))
        #expect(harness.column("agreements | where value * 4 > total | select id") == ["research"])
        harness.expectSuccess("scenario lean\nremove agreement research")
        #expect(harness.value("total") == .number(750_000))
        harness.expectSuccess("use baseline")
        #expect(harness.value("total") == .number(1_950_000))
    }

    @Test("a metric must give a single value")
    func metricMustBeScalar() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("metric m = agreements")?.code == .notScalar)
        #expect(harness.error("metric m = agreements | select id, value")?.code == .notScalar)
        harness.expectSuccess("metric m = agreements | select value | take 1")
        #expect(harness.value("m") == .number(400_000))
    }

    @Test("a metric that uses itself is an error, not a crash")
    func selfReferentialMetric() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("metric m = agreements | count")
        let (status, _) = harness.run("metric m = m\nm")
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.map(\.code) == [.cycle])
        #expect(harness.sink.results.isEmpty)
        // through another metric
        let cycle = Harness(smallPortfolio)
        let (cycleStatus, _) = cycle.run("metric p = agreements | count\nmetric q = p\nmetric p = q\np")
        #expect(cycleStatus == .failed)
        #expect(cycle.sink.diagnostics.map(\.code) == [.cycle])
        #expect(cycle.error("agreements | where value > q")?.code == .cycle)
    }

    @Test("a let may not refer to itself")
    func selfReferentialLet() {
        let harness = Harness(smallPortfolio)
        #expect(harness.error("let x = x")?.code == .unknownName)
    }

    @Test("dot-commands: .today, .format, .timer")
    func dotCommands() {
        let harness = Harness(smallPortfolio)
        #expect(harness.value(".today") == .date(testToday))
        harness.expectSuccess(".today 2026-03-31")
        #expect(harness.number("agreement research | select days_left") == 0)
        #expect(harness.error(".today 2026-02-30")?.code == .usage)
        harness.expectSuccess(".format json")
        #expect(harness.session.settings.format == .json)
        #expect(harness.error(".format jsn")?.help == "did you mean `json`?")
        #expect(harness.error(".frobnicate")?.code == .usage)
        harness.expectSuccess(".timer on\npartners | count")
        #expect(harness.sink.events.contains { if case .note(let text) = $0 { return text.hasPrefix("time: ") && text.hasSuffix(" ms") } else { return false } })
    }

    @Test(".help prints text; .quit stops the run")
    func helpAndQuit() {
        let harness = Harness()
        let results = harness.expectSuccess(".help where")
        guard case .text(let text)? = results.first else {
            Issue.record("`.help where` printed \(results)")
            return
        }
        #expect(text.contains("where EXPR"))
        let (status, _) = harness.run("partners | count\n.quit\npartners | count")
        #expect(status == .quit)
        #expect(harness.sink.results.count == 1)
    }

    @Test("a statement that fails mid-script leaves the earlier statements' effects")
    func scriptStopsAtFirstError() {
        let harness = Harness()
        let (status, _) = harness.run("partner a { name: \"A\", kind: clinic }\npartner b { name: \"B\", kind: nope }\npartner c { name: \"C\", kind: clinic }")
        #expect(status == .failed)
        #expect(harness.column("partners | select id") == ["a"])
        let keepGoing = Harness()
        let (goingStatus, _) = keepGoing.run("partner a { name: \"A\", kind: clinic }\npartner b { name: \"B\", kind: nope }\npartner c { name: \"C\", kind: clinic }", keepGoing: true)
        #expect(goingStatus == .failed)
        #expect(keepGoing.column("partners | select id") == ["a", "c"])
    }

    @Test("invalid UTF-8 and NUL bytes are reported with their position")
    func encodingErrors() {
        let harness = Harness()
        let sink = CollectingSink()
        var bytes = Array("partners | count\n\"ab".utf8)
        bytes.append(0xFF)
        #expect(harness.session.run(SourceFile(name: "bad", bytes: bytes), sink: sink) == .failed)
        #expect(sink.diagnostics.first?.code == .invalidEncoding)
        #expect(sink.diagnostics.first?.range.lower == 20)
        #expect(harness.session.run(SourceFile(name: "nul", bytes: [0x61, 0, 0x62]), sink: sink) == .failed)
        #expect(sink.diagnostics.last?.code == .invalidEncoding)
    }

    @Test("a bad byte anywhere in a long line is found at its own offset (the scan reads eight bytes at a time)")
    func encodingErrorsAtEveryOffset() {
        let line = Array("partners | where name == \"abcdefghijklmnopqrstuvwxyz\" | count\n".utf8)
        for bad: [UInt8] in [[0], [0xFF], [0xC3], [0xED, 0xA0, 0x80]] {
            for offset in 0..<line.count {
                var bytes = line
                bytes.insert(contentsOf: bad, at: offset)
                let sink = CollectingSink()
                #expect(Session(settings: Settings(today: testToday)).run(SourceFile(name: "bad", bytes: bytes), sink: sink) == .failed)
                #expect(sink.diagnostics.first?.code == .invalidEncoding, "\(bad) at \(offset)")
                #expect(sink.diagnostics.first?.range.lower == offset, "\(bad) at \(offset)")
            }
        }
        // Valid multi-byte text between ASCII runs passes.
        let sink = CollectingSink()
        let text = "partner p1 { name: \"Z\u{FC}rich Klinik \u{1F3E5}\", kind: academic, notes: \"caf\u{E9} \u{2014} ok\" }\n"
        Session(settings: Settings(today: testToday)).run(SourceFile(name: "ok", bytes: Array(text.utf8)), sink: sink)
        #expect(!sink.diagnostics.contains { $0.code == .invalidEncoding })
    }
}

@Suite("Evaluator: check")
struct CheckTests {
    @Test("check reports every error, at most one per line, and runs nothing")
    func reportsEveryError() {
        let session = Session(settings: Settings(today: testToday))
        let text = """
        partner p { name: "P", kind: hospitl }
        partners | where regoin == 1
        partners | selct id
        let n = partners | count
        n | count
        partners | where kind = academic
        partners | where name == 1 or region == 2
        .frobnicate
        partners | count
        """
        let file = SourceFile(name: "c.ally", text: text)
        let diagnostics = session.check(file)
        #expect(diagnostics.map(\.code) == [.unknownEnumCase, .unknownField, .unknownStage, .stageAfterScalar, .assignmentInExpression, .typeMismatch, .usage])
        #expect(diagnostics.map { file.location(of: $0.range.lower).line } == [1, 2, 3, 5, 6, 7, 8])
        #expect(session.portfolio.count(.partner) == 0)
    }

    @Test("check does not change the session it runs in")
    func checkLeavesSessionAlone() {
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("let n = partners | count\nlet big = agreements | where value > 100k\nmetric total = agreements | summarize sum(value)")
        let diagnostics = harness.session.check(SourceFile(name: "c.ally", text: """
        let n = agreements | count
        let big = partners
        metric total = partners | count
        """))
        #expect(diagnostics.isEmpty)
        #expect(harness.value("n") == .number(4))
        #expect(harness.column("big | select id") == ["devices", "research"])
        #expect(harness.value("total") == .number(1_650_000))
    }
}
