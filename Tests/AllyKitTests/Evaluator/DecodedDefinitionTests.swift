import Testing
@testable import AllyKit

/// Scripts' usual definitions are decoded straight from their tokens into entities
/// (`DefinitionDecoder`); the running thread stores one only if the entities it names exist
/// and the invariants hold there, and otherwise runs the statement the general way (parser,
/// then `DefinitionBuilder`). Whatever was decoded, a script must leave the same portfolio and
/// print the same results and errors, at the same places, as one run entirely the general way.
@Suite("definitions decoded straight into entities")
struct DecodedDefinitionTests {
    static func outcome(_ text: String, decode: Bool, prefetch: Bool, keepGoing: Bool,
                        base: String = "", share: Double? = nil, session: Session = Session(settings: Settings(today: testToday)))
    -> (RunStatus, [String], PortfolioSnapshot) {
        session.runner.readerDecodedShare = share
        if !base.isEmpty {
            let status = session.run(SourceFile(name: "base.ally", text: base), sink: CollectingSink())
            precondition(status == .success, "the base script fails")
        }
        session.runner.decodesDefinitions = decode
        let sink = CollectingSink()
        let status = session.run(SourceFile(name: "d.ally", text: text), sink: sink, keepGoing: keepGoing, prefetch: prefetch)
        return (status, sink.rendered, PortfolioSnapshot(session.portfolio))
    }

    /// The same run decoded (in `session`, whose counters the caller may then read) and not.
    static func expectSame(_ text: String, prefetch: Bool = false, keepGoing: Bool = true, base: String = "",
                           share: Double? = nil, session: Session = Session(settings: Settings(today: testToday)),
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let general = outcome(text, decode: false, prefetch: prefetch, keepGoing: keepGoing, base: base)
        let decoded = outcome(text, decode: true, prefetch: prefetch, keepGoing: keepGoing, base: base, share: share, session: session)
        #expect(decoded.0 == general.0, "\(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(decoded.1 == general.1, "\(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(decoded.2 == general.2, "\(decoded.2.firstDifference(from: general.2) ?? "")", sourceLocation: sourceLocation)
    }

    static let base = """
        partner p1 { name: "One", kind: academic, home: true }
        partner p2 { name: "Two", kind: hospital }
        stakeholder s1 { name: "Ada", org: p1, group: executive }

        """

    /// Scripts after `base`, each compared run decoded and run the general way.
    static let scripts: [String] = [
        // Referring to what is defined further down: decoded, but the running thread finds
        // the entity missing and reports it as the general way does.
        "stakeholder s2 { name: \"Bo\", org: p9, group: clinical }\npartner p9 { name: \"Nine\", kind: payer }\n",
        "agreement a1 { title: \"T\", form: mou, parties: [p1, p7 {role: lead}] }\npartner p7 { name: \"Seven\", kind: payer }\n",
        "stakeholder s2 { name: \"Bo\", org: p2, group: clinical, knows: [s1, s3] }\nstakeholder s3 { name: \"Cy\", org: p2, group: it_data }\n",
        // A tie to someone defined just before, then removed: known without a look-up only
        // until something but a definition runs.
        "stakeholder s2 { name: \"Bo\", org: p2, group: clinical }\nstakeholder s3 { name: \"Cy\", org: p2, group: it_data, knows: [s2] }\n"
            + "remove stakeholders | where id == \"s2\"\nstakeholder s4 { name: \"Di\", org: p2, group: board, knows: [s3, s2] }\n"
            + "stakeholder s5 { name: \"Ed\", org: p2, group: board, knows: [s3] }\n",
        // Invariants: a tie to oneself, a second home partner, a country that is no code, a
        // repeated party.
        "stakeholder s4 { name: \"Di\", org: p2, group: clinical, knows: [s4] }\n",
        "partner p3 { name: \"Three\", kind: payer, home: true }\n",
        "partner p3 { name: \"Three\", kind: payer, country: \"usa\" }\n",
        "agreement a4 { title: \"T\", form: mou, parties: [p1, p1 {role: lead}] }\n",
        // A taken id, with a valid body and with a wrong one; reserved words as ids.
        "partner p2 { name: \"Again\", kind: payer }\n",
        "partner p2 { name: \"Again\", kind: nonsense }\n",
        "partner true { name: \"T\", kind: payer }\npartner and { name: \"T\", kind: payer }\n",
        // Values that need the session: an expression, a binding, and an unknown case.
        "agreement a2 { title: \"T\", form: mou, parties: [p1, p2], ends: today + 90d, value: 2 * 1k }\n",
        "let k = partners | where kind == academic\nstakeholder s5 { name: \"Ed\", org: p1, group: k }\n",
        "stakeholder s6 { name: \"Fa\", org: p1, group: nonsense }\n",
        // Written another way than the decoder takes: strings for cases and ids, a negative number.
        "partner p4 { name: \"Four\", kind: \"payer\", stage: \"engaged\" }\n",
        "stakeholder s7 { name: \"Gi\", org: \"p2\", group: clinical, knows: [\"s1\"] }\n",
        "agreement a6 { title: \"T\", form: mou, value: -5 }\n",
        // Missing or repeated fields, unknown and computed ones, the id as a field.
        "agreement a3 { title: \"T\", parties: [p1, p2] }\n",
        "partner p5 { name: \"A\", name: \"B\", kind: payer }\n",
        "partner p5 { name: \"A\", kind: payer, colour: red }\n",
        "partner p5 { name: \"A\", kind: payer, alignment: 3 }\n",
        "partner p5 { id: p6, name: \"A\", kind: payer }\n",
        // Out of range, wrong kinds, nulls where none is allowed.
        "stakeholder s8 { name: \"H\", org: p1, group: board, influence: 6 }\n",
        "stakeholder s8 { name: \"H\", org: p1, group: board, interest: 2.5 }\n",
        "agreement a7 { title: \"T\", form: mou, health: 0 }\n",
        "agreement a7 { title: \"T\", form: mou, parties: [p1 {equity: 120%}] }\n",
        "agreement a7 { title: \"T\", form: mou, parties: [{role: lead}] }\n",
        "agreement a7 { title: \"T\", form: mou, parties: [p1 {partner: p2}] }\n",
        "agreement a7 { title: \"T\", form: mou, kpis: [{name: \"k\"}] }\n",
        "agreement a7 { title: \"T\", form: mou, milestones: [{name: \"m\", due: 2025-02-30}] }\n",
        "agreement a7 { title: \"T\", form: mou, decisions: {budget: lead, budget: majority} }\n",
        "partner p5 { name: \"A\", kind: payer, fit: {mission: 7} }\n",
        "partner p5 { name: \"A\", kind: payer, fit: {mission: 1, mission: 2} }\n",
        "partner p5 { name: null, kind: payer }\n",
        "partner p5 { name: \"A\", kind: payer, tags: null }\n",
        // Everything fine, in every form the decoder takes: stored as decoded.
        "agreement a5 { title: \"T\", form: joint_venture, status: active, parties: [p1 {role: lead, contributes: 900k, equity: 40%}, "
            + "p2 {role: observer}, {partner: p3, votes: 2}], kpis: [{name: \"k\", target: 70, actual: 76}, "
            + "{name: \"wait\", target: 10, actual: null, higher_is_better: false}], milestones: [{name: \"m\", due: 2026-03-01, done: true}], "
            + "decisions: {strategy: unanimous, budget: lead}, starts: 2025-01-01, ends: null, review: 2026-06-30, notice: 6mo, "
            + "auto_renew: true, value: 1.5M, scope: \"care\", health: 4.5, phi: true, jurisdictions: [\"US\", \"EU\"], tags: \"x\" }\n"
            + "partner p3 { name: \"Three\", kind: payer, sector: public, region: null, country: \"DE\", stage: piloting, "
            + "fit: {mission: 4.5, reach: null, innovation: 0}, tags: [\"a\", \"b\",], notes: \"n\\u{e9}\" }\n"
            + "stakeholder s7 { name: \"Gi\", org: p2, group: clinical, title: \"Dr\", influence: 4.0, interest: 1, stance: blocker, "
            + "interests: [\"i\"], concerns: \"c\", knows: [s1] }\n",
        // A field a line, as `save` writes, with comments, semicolons and blank lines.
        "partner p8 {\n  name: \"Eight\",   # the name\n\n  kind: clinic;\n  fit: {\n    mission: 3\n    reach: 2\n  },\n}\n",
        // A definition that a following `|` line continues, and one followed by more on its line.
        "partner p8 { name: \"Eight\", kind: clinic }\n| count\n",
        "partner p8 { name: \"Eight\", kind: clinic } partners | count\n",
    ]

    @Test("a script leaves the same portfolio, results and errors decoded or not",
          arguments: scripts, [false, true])
    func sameAsGeneral(script: String, keepGoing: Bool) {
        let text = Self.base + script + "partners | count\n"
        for prefetch in [false, true] { Self.expectSame(text, prefetch: prefetch, keepGoing: keepGoing) }
        // The reading thread leaving every definition, or every other, to the running thread.
        for share in [0, 0.5] { Self.expectSame(text, prefetch: true, keepGoing: keepGoing, share: share) }
    }

    /// Definitions the reading thread may leave undecoded: it guesses where each ends from its
    /// bytes; the running thread reads it and, when the parser ends it elsewhere (an error),
    /// reads the rest of the script itself from there.
    static let leftScripts: [String] = [
        // After `{` a `.` starts a dot-command, which runs to the end of the line: the guess
        // ends the statement at its `}`, the parser reads on to the end of the script.
        "partner p8 {.x }\npartner p9 { name: \"Nine\", kind: payer }\n",
        "partner p8 {\n  name: \"Eight\" kind payer\n  kind: payer\n}\npartner p9 { name: \"Nine\", kind: payer }\n",
        "partner p8 { name: (\"Ei\"\n + \"ght\"), kind: payer }\npartner p9 { name: \"Nine\", kind: payer }\n",
        "partner p8 { name: \"a # b\", kind: payer } # done\npartner p9 { name: \"N\\\"ine\", kind: payer };partner p10 { name: \"T\", kind: payer }\n",
        "partner p8 { name: \"Eight\", kind: payer\npartner p9 { name: \"Nine\", kind: payer }\n",
        "stakeholder s9 { name: \"Bo\", org: p2, group: clinical, knows: [s1] }\nagreement a9 { title: \"T\", form: mou, parties: [p1 {role: lead}, p2] }\n",
        "partner p8 { name: \"Eight\", kind: payer }\n  | count\npartner p9 { name: \"Nine\", kind: payer } ]\n",
    ]

    @Test("definitions left to the running thread load as if read in order, wrong guesses included",
          arguments: leftScripts, [false, true])
    func leftUndecoded(script: String, keepGoing: Bool) {
        let text = Self.base + script + "partners | count\n"
        let session = Session(settings: Settings(today: testToday))
        Self.expectSame(text, prefetch: true, keepGoing: keepGoing, share: 0, session: session)
        #expect(session.runner.leftUndecoded > 0)
    }

    @Test("a wrong guess of where a definition ends hands the rest of the script to the running thread")
    func resync() {
        let text = Self.base + Self.leftScripts[0] + "partners | count\n"
        let session = Session(settings: Settings(today: testToday))
        let left = Self.outcome(text, decode: true, prefetch: true, keepGoing: true, share: 0, session: session)
        let general = Self.outcome(text, decode: false, prefetch: false, keepGoing: true)
        #expect(left.1 == general.1)
        #expect(session.runner.undecodedResyncs == 1, "\(session.runner.undecodedResyncs)")
        #expect(general.1.count > 2, "\(general.1)")
    }

    @Test("where a definition ends is guessed from its bytes alone, or not at all")
    func definitionEnds() {
        func end(_ text: String) -> Int? {
            let file = SourceFile(name: "e.ally", text: text)
            return ScriptReader.definitionEnd(file.bytes, at: 0)
        }
        #expect(end("partner p1 { name: \"x\" }\nnext") == 25)
        #expect(end("partner p1 { name: \"x\" }; next") == 25)
        #expect(end("partner p1 { name: \"x\" }") == 24)
        #expect(end("stakeholder s { knows: [a, b], x: {y: (1)} }  \n") == 47)
        #expect(end("agreement a {\n  title: \"}\" # }\n}\n") == 33)
        #expect(end("partner p1 { name: \"x\" }\n| count\n") == nil)
        #expect(end("partner p1 { name: \"x\" } partners\n") == nil)
        #expect(end("partner p1 { name: \"x }\n") == nil)
        #expect(end("partner p1 { name: [\"x\" }\n") == nil)
        #expect(end("partner p1\n{ }\n") == nil)
        #expect(end("partners { }\n") == nil)
        #expect(end("partner p1 [ ]\n") == nil)
        #expect(end("partner p1 { a: " + String(repeating: "[", count: 8) + " }\n") == nil)
        #expect(end("partner p1 { a: [[[[[[(1)]]]]]] }\n") == 34)
        #expect(end("partner p1 { a: \"" + String(repeating: "x", count: 20_000) + "\" }\n") == nil)
    }

    static func generated(partners: Int, seed: UInt64) -> String {
        var lines: [String] = []
        PortfolioGenerator(partners: partners, seed: seed, today: testToday).write { lines.append($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("generated and saved portfolios and the sample load the same decoded, every definition decoded")
    func portfolios() throws {
        let generated = Self.generated(partners: 120, seed: 11)
        let harness = Harness()
        harness.expectSuccess(generated)
        let saved = ScriptWriter.script(for: harness.session.portfolio, metrics: [])
        for text in [generated, saved] {
            Self.expectSame(text, prefetch: true, keepGoing: false)
            Self.expectSame(text, prefetch: false, keepGoing: false)
        }
        Self.expectSame(SamplePortfolio.source)
        // Not one of the data's definitions left to the general way (what makes loading fast);
        // the sample's dates are expressions (`today + 22mo`), which need the session.
        for text in [generated, saved] {
            let counts = Self.decodedCount(text)
            #expect(counts.decoded == counts.definitions && counts.definitions > 1_000, "\(counts)")
        }
        let sample = Self.decodedCount(SamplePortfolio.source)
        #expect(sample.decoded < sample.definitions && sample.decoded * 4 > sample.definitions * 3, "\(sample)")
    }

    /// How many of a script's statements are definitions, and how many of them were decoded.
    static func decodedCount(_ text: String) -> (definitions: Int, decoded: Int) {
        var reader = ScriptReader(file: SourceFile(name: "d.ally", text: text))
        var definitions = 0, decoded = 0
        while let item = reader.next() {
            switch item {
            case .definition: definitions += 1; decoded += 1
            case .statement(let statement): if case .define = statement.kind { definitions += 1 }
            case .failure, .undecoded: break
            }
        }
        return (definitions, decoded)
    }

    @Test("a definition read ahead of a removal names a partner the removal takes away: decoded as the general way",
          arguments: [false, true])
    func readAheadOfRemovals(keepGoing: Bool) {
        // The reading thread decodes past the removals of p3 and p4, which the running thread
        // must find gone when the definitions naming them run.
        var lines = (0..<2_500).map { "partner p\($0) { name: \"P\($0)\", kind: payer }" }
        lines += (0..<5_000).map { "agreement a\($0) { title: \"A\", form: mou, parties: [p\($0 % 2_500), p\(($0 + 7) % 2_500)] }" }
        lines += ["remove partners | where id == \"p3\"", "use baseline"]
        lines += (0..<200).map { "stakeholder s\($0) { name: \"S\", org: p\($0 / 10 % 5 + 2), group: clinical }" }
        lines += ["agreement b1 { title: \"B\", form: mou, parties: [p1, p4] }", "agreement b2 { title: \"B\", form: mou, parties: [p3] }",
                  "scenario other { remove partners | where id == \"p4\" }", "use other",
                  "agreement b3 { title: \"B\", form: mou, parties: [p4] }", "stakeholder s999 { name: \"S\", org: p4, group: clinical }",
                  "agreements | count", "stakeholders | count"]
        let text = lines.joined(separator: "\n") + "\n"
        let general = Self.outcome(text, decode: false, prefetch: true, keepGoing: keepGoing)
        // (Every definition decoded on the reading thread, ahead of the removals.)
        let decoded = Self.outcome(text, decode: true, prefetch: true, keepGoing: keepGoing, share: 1)
        #expect(decoded.0 == general.0)
        #expect(decoded.1 == general.1)
        #expect(decoded.2 == general.2, "\(decoded.2.firstDifference(from: general.2) ?? "")")
        #expect(general.1.contains { $0.contains("p3") && $0.contains("does not exist") }, "\(general.1)")
    }

    @Test("the decoder takes every stored field of every type but the id, by its catalog name")
    func coversTheCatalog() {
        func stored(_ type: EntityType) -> Set<String> {
            Set(FieldCatalog.storedFields(of: type).map(\.name).filter { $0 != "id" })
        }
        #expect(Set(DefinitionDecoder.PartnerField.allCases.map(\.rawValue)) == stored(.partner))
        #expect(Set(DefinitionDecoder.AgreementField.allCases.map(\.rawValue)) == stored(.agreement))
        #expect(Set(DefinitionDecoder.StakeholderField.allCases.map(\.rawValue)) == stored(.stakeholder))
    }

    // MARK: Decoded means built the same

    /// Definitions of every type in the forms data is written in, to mutate.
    static let seeds: [String] = [
        "partner x1 { name: \"A\", kind: academic, sector: public, region: \"EU\", country: \"DE\", stage: engaged, "
            + "fit: {mission: 4.5, strategy: null, reach: 0}, tags: [\"t\"], notes: null }",
        "agreement x2 { title: \"T\", form: consortium, status: active, parties: [p1 {role: lead, contributes: 900k, equity: 40%, votes: 2}, "
            + "p2, {partner: p3, role: observer}], starts: 2025-01-01, ends: 2027-01-01, review: null, notice: 60d, auto_renew: true, "
            + "value: 3425k, scope: \"s\", decisions: {strategy: unanimous}, kpis: [{name: \"k\", target: 70, actual: 76, "
            + "higher_is_better: false}], milestones: [{name: \"m\", due: 2025-06-08, done: true}], health: 2, phi: true, "
            + "jurisdictions: [\"US\"], tags: [] }",
        "stakeholder x3 { name: \"Ada\", org: p1, group: it_data, title: \"CIO\", influence: 4, interest: 2, stance: champion, "
            + "interests: [\"a\"], concerns: \"c\", knows: [s1, s2] }",
        "partner x4 {\n  name: \"B\",\n  kind: payer,\n  fit: {mission: 1, culture: 5},\n}",
        "agreement x5 {\n  title: \"U\"\n  form: mou\n  parties: [\n    p2 {contributes: 5},\n    p1\n  ]\n}",
    ]

    /// Words and marks a mutation puts in place of a token.
    static let replacements = [
        "null", "true", "false", "today", "42", "9", "0.5", "5.5", "3.0", "0", "1.5M", "150%", "-1", "1e999", "\"x\"", "\"\"", "2025-02-30",
        "2025-01-01", "90d", "6mo", "academic", "lead", "observer", "unanimous", "clinical", "p1", "p9", "s1", "s9", "x1",
        "name", "kind", "partner", "org", "knows", "mission", "{", "}", "[", "]", ",", ";", ":", "\n", "|", "(", "+", "and",
    ]

    /// Each seed definition changed one or two tokens at a time (deleted, repeated, swapped,
    /// replaced), deterministically.
    static func mutants(count: Int) -> [String] {
        var random = PortfolioGenerator.Random(state: 20261125)
        var out: [String] = []
        for index in 0..<count {
            let seed = seeds[index % seeds.count]
            let file = SourceFile(name: "m.ally", text: seed)
            var tokens = Lexer.tokenize(file).tokens.filter { $0.kind != .endOfFile }
            var texts = tokens.map { file.text($0.range) }
            for _ in 0..<(random.below(3) == 0 ? 2 : 1) {
                // Half the time a value (the token after a `:`) replaced or swapped with another
                // value, which keeps most such mutants readable as definitions: the decoder then
                // has to judge the value itself.
                let values = texts.indices.filter { $0 > 0 && texts[$0 - 1] == ":" }
                if random.below(2) == 0, !values.isEmpty {
                    let at = random.pick(values)
                    if random.below(2) == 0 { texts[at] = random.pick(replacements) } else { texts.swapAt(at, random.pick(values)) }
                    continue
                }
                let at = random.below(texts.count)
                switch random.below(4) {
                case 0: texts.remove(at: at); tokens.remove(at: at)
                case 1: texts.insert(texts[at], at: at); tokens.insert(tokens[at], at: at)
                case 2: texts.swapAt(at, random.below(texts.count))
                default: texts[at] = random.pick(replacements)
                }
            }
            out.append(texts.joined(separator: " "))
        }
        return out
    }

    /// The entities `base` defines, which the seeds refer to.
    static let universe = """
        partner p1 { name: "One", kind: academic }
        partner p2 { name: "Two", kind: hospital }
        partner p3 { name: "Three", kind: payer }
        stakeholder s1 { name: "Ada", org: p1, group: executive }
        stakeholder s2 { name: "Bo", org: p2, group: clinical }

        """

    @Test("a decoded definition is the entity the general way builds, whenever that succeeds with its references present")
    func decodedIsBuilt() throws {
        let harness = Harness(Self.universe)
        var decodedCount = 0
        for text in Self.seeds + Self.mutants(count: 6_000) {
            let file = SourceFile(name: "m.ally", text: text)
            var decoder = DefinitionDecoder(file: file)
            guard let (definition, _) = decoder.decode(at: 0) else { continue }
            decodedCount += 1
            // The general way, on the same text.
            var parser = Parser(file: file)
            guard case .success(let statement)? = parser.nextStatement(), case .define(let type, let id, let fields) = statement.kind else {
                Issue.record("decoded, but the parser reads no definition: \(text.debugDescription)")
                continue
            }
            #expect(statement.range == definition.range && id.range == definition.idRange, "\(text.debugDescription)")
            let runtime = harness.session.makeRuntime()
            let editor = PortfolioEditor(runtime: runtime, file: file)
            do {
                let built = try editor.builder.build(type, id: id, fields: fields)
                #expect(built == definition.entity, "\(text.debugDescription)\n  built   \(built)\n  decoded \(definition.entity)")
            } catch {
                // Only what the running thread checks before storing a decoded entity may fail.
                // (A taken id is reported either way: the general way checks it when building fails.)
                #expect((try? editor.define(definition)) != true, "decoded, but the general way fails: \(text.debugDescription): \(error)")
            }
        }
        // Not vacuous: the seeds and many mutants are decoded.
        #expect(decodedCount > 300, "\(decodedCount) decoded")
    }

    @Test("mutated definitions run the same decoded or not")
    func mutantsRunTheSame() {
        for text in Self.mutants(count: 400) {
            Self.expectSame(text + "\npartners | count\n", base: Self.universe)
        }
    }
}
