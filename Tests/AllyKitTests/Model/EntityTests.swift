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
