import Testing
@testable import AllyKit

/// A large script's parsing thread builds definitions' entities ahead (`DefinitionPreparer`);
/// the running thread stores one only if its references exist and the invariants hold there,
/// and otherwise builds it again. Whatever was prepared, a script must leave the same
/// portfolio and report the same errors, at the same places, as one run a statement at a time.
@Suite("definitions built ahead on the parsing thread")
struct PreparedDefinitionTests {
    static let base = """
        partner p1 { name: "One", kind: academic, home: true }
        partner p2 { name: "Two", kind: hospital }
        stakeholder s1 { name: "Ada", org: p1, group: executive }

        """

    /// Each script's definitions are prepared (fewer than a batch: the parsing thread starts
    /// out preparing every one) and compared with the same script run without parsing ahead.
    static let scripts: [String] = [
        // Referring to what is defined further down: prepared, but the running thread finds
        // the partner missing and reports it as the plain path does.
        "stakeholder s2 { name: \"Bo\", org: p9, group: clinical }\npartner p9 { name: \"Nine\", kind: payer }\n",
        "agreement a1 { title: \"T\", form: mou, parties: [p1, p7 {role: lead}] }\npartner p7 { name: \"Seven\", kind: payer }\n",
        "stakeholder s2 { name: \"Bo\", org: p2, group: clinical, knows: [s1, s3] }\nstakeholder s3 { name: \"Cy\", org: p2, group: it_data }\n",
        // A tie to oneself (not yet defined when prepared) and a second home partner.
        "stakeholder s4 { name: \"Di\", org: p2, group: clinical, knows: [s4] }\n",
        "partner p3 { name: \"Three\", kind: payer, home: true }\n",
        // A taken id, with a valid body and with a wrong one.
        "partner p2 { name: \"Again\", kind: payer }\n",
        "partner p2 { name: \"Again\", kind: nonsense }\n",
        // Values that need the session: an expression, a binding, and an unknown case.
        "agreement a2 { title: \"T\", form: mou, parties: [p1, p2], ends: today + 90d, value: 2 * 1k }\n",
        "let k = partners | where kind == academic\nstakeholder s5 { name: \"Ed\", org: p1, group: k }\n",
        "stakeholder s6 { name: \"Fa\", org: p1, group: nonsense }\n",
        // Reserved words as ids, a missing required field, a repeated party.
        "partner true { name: \"T\", kind: payer }\n",
        "agreement a3 { title: \"T\", parties: [p1, p2] }\n",
        "agreement a4 { title: \"T\", form: mou, parties: [p1, p1 {role: lead}] }\n",
        // Everything fine: stored as prepared.
        "agreement a5 { title: \"T\", form: joint_venture, status: active, parties: [p1 {role: lead, contributes: 900k}, p2], "
            + "kpis: [{name: \"k\", target: 70, actual: 76}], decisions: {strategy: unanimous} }\n"
            + "stakeholder s7 { name: \"Gi\", org: p2, group: clinical, influence: 4, knows: [s1] }\n",
    ]

    @Test("a script leaves the same portfolio and errors whether or not its definitions were prepared",
          arguments: scripts, [false, true])
    func sameAsPlain(script: String, keepGoing: Bool) {
        let text = Self.base + script + "partners | count\n"
        let plain = PrefetchTests.outcome(text, prefetch: false, keepGoing: keepGoing)
        let ahead = PrefetchTests.outcome(text, prefetch: true, keepGoing: keepGoing)
        #expect(ahead.0 == plain.0)
        #expect(ahead.1 == plain.1)
        #expect(ahead.2 == plain.2)
    }

    static func statement(_ text: String) throws -> Statement {
        var parser = Parser(file: SourceFile(name: "t.ally", text: text))
        let next = parser.nextStatement()
        return try #require(next).get()
    }

    @Test("plain literal definitions are prepared, with every reference they make noted")
    func prepares() throws {
        let file = SourceFile(name: "t.ally", text: "")
        let preparer = DefinitionPreparer(file: file)
        let stakeholder = try Self.statement("stakeholder s2 { name: \"Bo\", org: p2, group: clinical, knows: [s3, s1] }")
        let prepared = try #require(preparer.prepare(stakeholder))
        #expect(prepared.references == [EntityKey(.partner, "p2"), EntityKey(.stakeholder, "s3"), EntityKey(.stakeholder, "s1")])
        guard case .stakeholder(let built) = prepared.entity else { Issue.record("not a stakeholder"); return }
        #expect(built.org == "p2" && built.knows == ["s3", "s1"] && built.group.name == "clinical")

        let agreement = try Self.statement("agreement a1 { title: \"T\", form: mou, parties: [p1 {role: lead}, p2] }")
        #expect(try #require(preparer.prepare(agreement)).references == [EntityKey(.partner, "p1"), EntityKey(.partner, "p2")])
    }

    @Test("what needs the session or fails a check is left to the running thread",
          arguments: ["agreement a2 { title: \"T\", form: mou, ends: today + 90d }",
                      "stakeholder s5 { name: \"Ed\", org: p1, group: k }",
                      "stakeholder s6 { name: \"Fa\", org: p1, group: clinical, influence: 9 }",
                      "partner true { name: \"T\", kind: payer }",
                      "agreement a3 { title: \"T\" }",
                      "partners | count"])
    func leavesAlone(text: String) throws {
        let preparer = DefinitionPreparer(file: SourceFile(name: "t.ally", text: ""))
        #expect(preparer.prepare(try Self.statement(text)) == nil)
    }
}
