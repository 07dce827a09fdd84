import Testing
@testable import AllyKit

/// A stakeholder keeps its rarely set fields (title, interests, concerns) in a box shared
/// between copies; it must still behave as a plain value.
@Suite("Model: stakeholder values")
struct StakeholderValueTests {
    static func plain() -> Stakeholder {
        Stakeholder(id: "s1", name: "Ada", org: "p1", group: EnumType.group.value("clinical"))
    }

    @Test("a copy's change to a boxed field leaves the original as it was")
    func copies() {
        var original = Self.plain()
        original.title = "CMO"
        original.interests = ["access"]
        var copy = original
        copy.title = "CEO"
        copy.concerns.append("cost")
        #expect(original.title == "CMO")
        #expect(original.concerns.isEmpty)
        #expect(original.interests == ["access"])
        #expect(copy.title == "CEO")
        #expect(copy.concerns == ["cost"])
        #expect(copy.interests == ["access"])
        #expect(copy != original)
    }

    @Test("fields set and cleared again compare and hash like ones never set")
    func clearing() {
        var edited = Self.plain()
        edited.title = "CMO"
        edited.interests = ["access", "quality"]
        edited.concerns = ["cost"]
        #expect(edited != Self.plain())
        edited.title = nil
        edited.interests = []
        edited.concerns.removeAll()
        #expect(edited == Self.plain())
        #expect(Set([edited, Self.plain()]).count == 1)
    }

    @Test("equality sees every field")
    func equality() {
        let base = Self.plain()
        var changes: [Stakeholder] = []
        for edit in [{ (s: inout Stakeholder) in s.name = "Bo" }, { $0.org = "p2" }, { $0.knows = ["s2"] },
                     { $0.group = EnumType.group.value("board") }, { $0.stance = EnumType.stance.value("blocker") },
                     { $0.influence = 5 }, { $0.interest = 1 }, { $0.title = "x" }, { $0.interests = ["x"] },
                     { $0.concerns = ["x"] }] as [(inout Stakeholder) -> Void] {
            var changed = base
            edit(&changed)
            changes.append(changed)
            #expect(changed != base)
        }
        #expect(Set(changes).count == changes.count)
    }
}

/// An agreement keeps its rarely set fields (scope, decisions, jurisdictions, tags) in a shared
/// box and its dates, notice and health in compact form; it must still behave as a plain value
/// and give back exactly what was set.
@Suite("Model: agreement values")
struct AgreementValueTests {
    static func plain() -> Agreement {
        Agreement(id: "a1", title: "Pact", form: EnumType.form.value("mou"))
    }

    @Test("defaults read back as the domain model gives them")
    func defaults() {
        let a = Self.plain()
        #expect(a.starts == nil && a.ends == nil && a.review == nil && a.health == nil)
        #expect(a.notice == Duration(90, .days))
        #expect(a.scope == nil && a.decisions.isEmpty && a.jurisdictions.isEmpty && a.tags.isEmpty)
    }

    @Test("dates, notice and health give back what was set, at the ends of their ranges too")
    func compactFields() {
        var a = Self.plain()
        for day in [Day.earliest, Day.latest, Day(year: 1970, month: 1, day: 1)!, Day(year: 2026, month: 2, day: 28)!] {
            a.starts = day
            a.ends = day
            a.review = day
            #expect(a.starts == day && a.ends == day && a.review == day)
        }
        a.review = nil
        #expect(a.review == nil && a.starts == Day(year: 2026, month: 2, day: 28))
        for notice in [Duration(0, .days), Duration(Duration.largestAmount, .years), Duration(6, .months), Duration(12, .weeks)] {
            a.notice = notice
            #expect(a.notice == notice)
        }
        for health in [1.0, 2.5, 5.0] {
            a.health = health
            #expect(a.health == health)
        }
        a.health = nil
        #expect(a.health == nil)
    }

    @Test("a copy's change to a boxed field leaves the original as it was")
    func copies() {
        var original = Self.plain()
        original.scope = "imaging"
        original.tags = ["x"]
        var copy = original
        copy.scope = "labs"
        copy.decisions.append((name: "budget", rule: EnumType.rule.value("unanimous")))
        copy.jurisdictions.append("DE")
        #expect(original.scope == "imaging" && original.decisions.isEmpty && original.jurisdictions.isEmpty)
        #expect(original.tags == ["x"])
        #expect(copy.scope == "labs" && copy.decisions.map(\.name) == ["budget"] && copy.jurisdictions == ["DE"])
        #expect(copy.tags == ["x"])
        #expect(copy != original)
    }

    @Test("fields set and cleared again compare and hash like ones never set")
    func clearing() {
        var edited = Self.plain()
        edited.scope = "imaging"
        edited.decisions = [(name: "budget", rule: EnumType.rule.value("majority"))]
        edited.jurisdictions = ["US"]
        edited.tags = ["x"]
        edited.health = 3
        #expect(edited != Self.plain())
        edited.scope = nil
        edited.decisions.removeAll()
        edited.jurisdictions = []
        edited.tags = []
        edited.health = nil
        #expect(edited == Self.plain())
        #expect(Set([edited, Self.plain()]).count == 1)
    }

    @Test("equality sees every field")
    func equality() {
        let base = Self.plain()
        let day = Day(year: 2027, month: 6, day: 30)!
        var changes: [Agreement] = []
        for edit in [{ (a: inout Agreement) in a.title = "Other" }, { $0.form = EnumType.form.value("consortium") },
                     { $0.status = EnumType.status.value("active") }, { $0.parties = [Party(partner: "p1")] },
                     { $0.starts = day }, { $0.ends = day }, { $0.review = day }, { $0.notice = Duration(90, .weeks) },
                     { $0.autoRenew = true }, { $0.value = 1 }, { $0.scope = "x" },
                     { $0.decisions = [(name: "x", rule: EnumType.rule.value("lead"))] },
                     { $0.kpis = [KPI(name: "k", target: 1, actual: nil, higherIsBetter: true)] },
                     { $0.milestones = [Milestone(name: "m", due: day, done: false)] }, { $0.health = 4 },
                     { $0.phi = true }, { $0.jurisdictions = ["x"] }, { $0.tags = ["x"] }] as [(inout Agreement) -> Void] {
            var changed = base
            edit(&changed)
            changes.append(changed)
            #expect(changed != base)
        }
        #expect(Set(changes).count == changes.count)
    }
}

/// A partner's fit scores live in the partner (no array behind them).
@Suite("Model: fit scores")
struct FitTests {
    @Test("eight scores, each nil until set, read back as set")
    func scores() {
        var fit = Fit()
        #expect(fit.count == 8 && fit.allSatisfy { $0 == nil })
        fit[0] = 0
        fit[7] = 5
        fit[3] = 2.5
        #expect(Array(fit) == [0, nil, nil, 2.5, nil, nil, nil, 5])
        fit[3] = nil
        #expect(fit == Fit([0, nil, nil, nil, nil, nil, nil, 5]))
        #expect(fit != Fit())
        #expect(Set([Fit(), Fit([nil]), fit]).count == 2)
        #expect(Fit([1, 2]).prefix(3).elementsEqual([1, 2, nil]))
    }
}

/// Field look-up by name (`FieldIndex`: names keyed by their bytes, longer ones in a dictionary).
@Suite("Model: field look-up")
struct FieldLookupTests {
    @Test("every field of every type is found by its name, and only by it")
    func everyField() {
        for type in EntityType.allCases {
            let fields = FieldCatalog.fields(of: type)
            #expect(!fields.isEmpty)
            for field in fields {
                #expect(FieldCatalog.field(field.name, of: type) === field, "\(type) \(field.name)")
                #expect(FieldCatalog.field(field.name.uppercased(), of: type) == nil)
                #expect(FieldCatalog.field(field.name + "_", of: type) == nil)
                #expect(FieldCatalog.field(String(field.name.dropLast()), of: type)?.name != field.name)
            }
        }
    }

    @Test("names that are no field give nil", arguments: ["", "é", "ñame", "x", String(repeating: "n", count: 40), "name\u{0}", "regoin",
                                                       "namename", "name\u{0}\u{0}\u{0}\u{0}", "123456789012345", "1234567890123456"])
    func noField(name: String) {
        for type in EntityType.allCases { #expect(FieldCatalog.field(name, of: type) == nil) }
    }
}
