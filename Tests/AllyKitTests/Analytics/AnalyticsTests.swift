import Testing
@testable import AllyKit

@Suite("Analytics")
struct AnalyticsTests {
    // MARK: Paths

    /// Stakeholders each with their own org, so that only `knows` ties link them.
    static let ties = """
    partner o1 { name: "O1", kind: clinic }
    partner o2 { name: "O2", kind: clinic }
    partner o3 { name: "O3", kind: clinic }
    partner o4 { name: "O4", kind: clinic }
    partner o5 { name: "O5", kind: clinic }
    partner o6 { name: "O6", kind: clinic }
    stakeholder sz { name: "Z", org: o1, group: board }
    stakeholder m2 { name: "M2", org: o2, group: board, knows: [sz] }
    stakeholder m1 { name: "M1", org: o3, group: board, knows: [sz] }
    stakeholder sa { name: "A", org: o4, group: board, knows: [m2, m1] }
    stakeholder far { name: "Far", org: o5, group: board }
    stakeholder lone { name: "Lone", org: o6, group: board }
    """

    @Test("among shortest paths, the one whose node keys are lexicographically smallest")
    func pathTieBreak() {
        let harness = Harness(Self.ties)
        let table = harness.table("path from sa to sz")
        #expect(table.columns == ["step", "from", "to", "via"])
        #expect(harness.rows("path from sa to sz") == [["1", "sa", "m1", "knows"], ["2", "m1", "sz", "knows"]])
        #expect(harness.rows("path from sz to sa") == [["1", "sz", "m1", "knows"], ["2", "m1", "sa", "knows"]])
        #expect(table.rows.first?.first == .number(1))
    }

    @Test("a partner comes before a stakeholder with the same id")
    func partnerBeforeStakeholder() {
        let harness = Harness("""
        partner m { name: "M", kind: clinic }
        partner q { name: "Q", kind: clinic }
        partner r { name: "R", kind: clinic }
        stakeholder sz { name: "Z", org: m, group: board }
        stakeholder m { name: "M person", org: q, group: board, knows: [sz] }
        stakeholder sa { name: "A", org: m, group: board, knows: [m] }
        """)
        // sa → partner m → sz and sa → stakeholder m → sz are both shortest; the partner wins.
        #expect(harness.rows("path from sa to sz") == [["1", "sa", "m", "org"], ["2", "m", "sz", "org"]])
        // `m` as an endpoint is looked up among partners first.
        #expect(harness.rows("path from m to sz") == [["1", "m", "sz", "org"]])
    }

    @Test("partners link through live agreements; via is the smallest shared live agreement id")
    func pathThroughAgreements() {
        let harness = Harness("""
        partner pa { name: "A", kind: clinic }
        partner pb { name: "B", kind: clinic }
        partner pc { name: "C", kind: clinic }
        partner pd { name: "D", kind: clinic }
        agreement zz { title: "Z", form: mou, status: active, parties: [pa, pb] }
        agreement kk { title: "K", form: mou, status: negotiating, parties: [pb, pa] }
        agreement aa { title: "A", form: mou, status: terminated, parties: [pa, pb] }
        agreement ab { title: "AB", form: mou, status: expired, parties: [pa, pc] }
        agreement x1 { title: "X1", form: mou, parties: [pb, pc] }
        agreement x0 { title: "X0", form: mou, parties: [pa, pd] }
        agreement x2 { title: "X2", form: mou, parties: [pd, pc] }
        stakeholder s1 { name: "S1", org: pc, group: board }
        """)
        #expect(harness.rows("path from pa to pb") == [["1", "pa", "pb", "kk"]])
        #expect(harness.rows("path from pa to pc") == [["1", "pa", "pb", "kk"], ["2", "pb", "pc", "x1"]])
        #expect(harness.rows("path from pa to s1") == [["1", "pa", "pb", "kk"], ["2", "pb", "pc", "x1"], ["3", "pc", "s1", "org"]])
    }

    @Test("no path is an empty result; an unknown end is an error")
    func noPath() {
        let harness = Harness(Self.ties)
        let table = harness.table("path from sa to far")
        #expect(table.columns == ["step", "from", "to", "via"])
        #expect(table.rows.isEmpty)
        #expect(harness.table("path from sa to sa").rows.isEmpty)
        let diagnostic = harness.error("path from sa to nobody")
        #expect(diagnostic?.code == .unknownEntity)
        #expect(harness.error("path from sx to sz")?.help == "did you mean `sa`?")
    }

    @Test("paths are found in the portfolio as it is now")
    func pathAfterChanges() {
        let harness = Harness(Self.ties)
        harness.expectSuccess("remove stakeholder m1")
        #expect(harness.rows("path from sa to sz") == [["1", "sa", "m2", "knows"], ["2", "m2", "sz", "knows"]])
        harness.expectSuccess("update stakeholder m2 set knows = []")
        #expect(harness.table("path from sa to sz").rows.isEmpty)
    }

    // MARK: Centrality

    static let network = """
    partner a { name: "A", kind: clinic }
    partner b { name: "B", kind: clinic }
    partner c { name: "C", kind: clinic }
    partner d { name: "D", kind: clinic }
    partner e { name: "E", kind: clinic }
    partner f { name: "F", kind: clinic }
    partner g { name: "G", kind: clinic }
    agreement ab { title: "ab", form: mou, parties: [a, b] }
    agreement bc { title: "bc", form: mou, parties: [b, c] }
    agreement cd { title: "cd", form: mou, parties: [c, d] }
    agreement bd { title: "bd", form: mou, status: active, parties: [b, d] }
    agreement de { title: "de", form: mou, status: suspended, parties: [d, e] }
    agreement ef { title: "ef", form: mou, parties: [e, f] }
    agreement ace { title: "ace", form: consortium, parties: [a, c, e] }
    agreement ab2 { title: "ab again", form: mou, parties: [b, a] }
    agreement dead { title: "dead", form: mou, status: terminated, parties: [f, g] }
    agreement old { title: "old", form: mou, status: expired, parties: [a, f] }
    """

    /// Degree and betweenness from NetworkX 3 (`betweenness_centrality(G, normalized=True)`) on
    /// the edges a-b b-c c-d b-d d-e e-f a-c a-e c-e with g isolated.
    static let expected: [(String, Double, Double)] = [
        ("a", 3, 0.04444444444444444), ("b", 3, 0.02222222222222222), ("c", 4, 0.06666666666666665),
        ("d", 3, 0.04444444444444444), ("e", 4, 0.28888888888888886), ("f", 1, 0), ("g", 0, 0),
    ]

    @Test("centrality matches NetworkX")
    func centrality() {
        let harness = Harness(Self.network)
        let table = harness.table("partners | centrality")
        #expect(table.columns == ["id", "name", "degree", "betweenness", "closeness", "community"])
        #expect(table.rows.count == Self.expected.count)
        for (row, expected) in zip(table.rows, Self.expected) {
            #expect(ValueFormatter.plain(row[0]) == expected.0)
            #expect(row[2] == .number(expected.1), "degree of \(expected.0)")
            #expect(abs((row[3].number ?? -1) - expected.2) < 1e-12, "betweenness of \(expected.0): \(row[3])")
        }
    }

    @Test("centrality on a subset uses the network restricted to it")
    func restrictedCentrality() {
        let harness = Harness(Self.network)
        // NetworkX on the same graph without c.
        let expected: [(String, Double, Double)] = [
            ("a", 2, 0.1), ("b", 2, 0.05), ("d", 2, 0.1), ("e", 3, 0.35000000000000003), ("f", 1, 0), ("g", 0, 0),
        ]
        let table = harness.table("partners | where id != \"c\" | centrality")
        #expect(table.rows.map { ValueFormatter.plain($0[0]) } == expected.map(\.0))
        for (row, expected) in zip(table.rows, expected) {
            #expect(row[2] == .number(expected.1), "degree of \(expected.0)")
            #expect(abs((row[3].number ?? -1) - expected.2) < 1e-12, "betweenness of \(expected.0)")
        }
    }

    /// Textbook Brandes, one source at a time: the reference for the batched search.
    static func referenceBetweenness(nodes n: Int, links: [(Int, Int)]) -> [Double] {
        var neighbours = [[Int]](repeating: [], count: n)
        for (a, b) in links { neighbours[a].append(b); neighbours[b].append(a) }
        var betweenness = [Double](repeating: 0, count: n)
        for s in 0..<n {
            var sigma = [Double](repeating: 0, count: n), dist = [Int](repeating: -1, count: n)
            var delta = [Double](repeating: 0, count: n), order = [s]
            sigma[s] = 1; dist[s] = 0
            var head = 0
            while head < order.count {
                let v = order[head]; head += 1
                for w in neighbours[v] {
                    if dist[w] < 0 { dist[w] = dist[v] + 1; order.append(w) }
                    if dist[w] == dist[v] + 1 { sigma[w] += sigma[v] }
                }
            }
            for w in order.reversed() {
                for v in neighbours[w] where dist[v] == dist[w] - 1 { delta[v] += sigma[v] / sigma[w] * (1 + delta[w]) }
                if w != s { betweenness[w] += delta[w] }
            }
        }
        let scale = 1 / Double((n - 1) * (n - 2))
        return betweenness.map { $0 * scale }
    }

    @Test("batched betweenness equals one source at a time: two components, isolated partners, a part-filled batch")
    func batchedBetweenness() {
        // 150 partners (two batches of 64 and one of 22 on one block; more on several):
        // p0..p99 a ring with chords, p100..p139 a path, p140..p149 isolated.
        var links: [(Int, Int)] = []
        for i in 0..<100 { links.append((i, (i + 1) % 100)); if i % 7 == 0 { links.append((i, (i * 13 + 5) % 100)) } }
        for i in 100..<139 { links.append((i, i + 1)) }
        links = links.filter { $0.0 != $0.1 }
        var script = (0..<150).map { "partner p\($0) { name: \"P\($0)\", kind: clinic }" }
        for (index, link) in links.enumerated() {
            script.append("agreement l\(index) { title: \"l\", form: mou, parties: [p\(link.0), p\(link.1)] }")
        }
        let harness = Harness(script.joined(separator: "\n"))
        let table = harness.table("partners | centrality exact")
        let expected = Self.referenceBetweenness(nodes: 150, links: links)
        let byId = Dictionary(uniqueKeysWithValues: table.rows.map { (ValueFormatter.plain($0[0]), $0[3].number ?? -1) })
        for node in 0..<150 {
            #expect(abs((byId["p\(node)"] ?? -1) - expected[node]) < 1e-12, "betweenness of p\(node)")
        }
        // fewer sources than lanes: a sample of 5 is one part-filled batch
        #expect(harness.table("partners | centrality sample 5 seed 3").rows.count == 150)
    }

    @Test("two partners or fewer have betweenness 0")
    func smallNetworks() {
        let harness = Harness(Self.network)
        #expect(harness.rows("partners | where id in [\"a\", \"b\"] | centrality") == [["a", "A", "1", "0", "1", "1"], ["b", "B", "1", "0", "1", "1"]])
        #expect(harness.table("partners | where id == \"none\" | centrality").rows.isEmpty)
    }

    @Test("a sorted centrality is still a table")
    func centralityThenStages() {
        let harness = Harness(Self.network)
        #expect(harness.column("partners | centrality | sort betweenness desc | take 2 | select id") == ["e", "c"])
    }

    // MARK: Balance and measures

    @Test("balance: shares and imbalance; null where the totals are 0")
    func balance() {
        let harness = Harness("""
        partner a { name: "A", kind: clinic }
        partner b { name: "B", kind: clinic }
        partner c { name: "C", kind: clinic }
        agreement fair { title: "F", form: mou, parties: [a {contributes: 3}, b {contributes: 1}] }
        agreement tilted { title: "T", form: joint_venture, parties: [a {role: lead, contributes: 1, votes: 3}, b {contributes: 1}, c {role: observer, contributes: 2}] }
        agreement silent { title: "S", form: mou, parties: [a {role: observer, contributes: 5}, b {role: observer}] }
        """)
        let table = harness.table("agreements | balance")
        #expect(table.columns == ["agreement", "partner", "contribution_share", "decision_share", "imbalance"])
        #expect(table.rows.map { "\(ValueFormatter.plain($0[0])).\(ValueFormatter.plain($0[1]))" }
            == ["fair.a", "fair.b", "silent.a", "silent.b", "tilted.a", "tilted.b", "tilted.c"])
        let values = table.rows.map { Array($0[2...]) }
        #expect(values[0] == [.number(0.75), .number(0.5), .number(-0.25)])
        #expect(values[1] == [.number(0.25), .number(0.5), .number(0.25)])
        #expect(values[2] == [.number(1), .null, .null])
        #expect(values[3] == [.number(0), .null, .null])
        #expect(values[4] == [.number(0.25), .number(0.75), .number(0.5)])
        #expect(values[5] == [.number(0.25), .number(0.25), .number(0)])
        #expect(values[6] == [.number(0.5), .number(0), .number(-0.5)])
        // a positive imbalance: decides more than it contributes
        #expect(harness.rows("agreements | balance | where imbalance > 0 | select agreement, partner") == [["fair", "b"], ["tilted", "a"]])
    }

    @Test("hhi and gini over a portfolio, with their null cases")
    func concentration() {
        let harness = Harness("""
        agreement a1 { title: "1", form: mou, value: 10 }
        agreement a2 { title: "2", form: mou, value: 30 }
        agreement a3 { title: "3", form: mou, value: 60 }
        agreement z { title: "z", form: mou }
        """)
        // shares .1 .3 .6 0 → (0.01 + 0.09 + 0.36) × 10000; gini = Σ|xi − xj| / (2 n² x̄) = 400 / (2·16·25)
        let row = harness.table("agreements | summarize hhi(value), gini(value)").rows.first ?? []
        #expect(abs((row.first?.number ?? 0) - 4600) < 1e-9)
        #expect(abs((row.last?.number ?? 0) - 0.5) < 1e-12)
        #expect(harness.table("agreements | where value == 0 | summarize hhi(value), gini(value)").rows == [[.null, .null]])
        #expect(harness.table("agreements | where value == 10 | summarize hhi(value), gini(value)").rows == [[.number(10000), .number(0)]])
    }

    // MARK: Picture data

    @Test("grid rows in data formats: quadrant, count, names")
    func gridData() {
        let harness = Harness(smallPortfolio)
        let table = harness.table("stakeholders | grid")
        #expect(table.columns == ["quadrant", "count", "names"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [
            ["manage_closely", "1", #"["Ann Lee"]"#], ["keep_satisfied", "1", #"["Cat Ruiz"]"#],
            ["keep_informed", "1", #"["Bob Stone"]"#], ["monitor", "1", #"["Dan Park"]"#],
        ])
        #expect(harness.error("partners | grid")?.code == .wrongInput)
        #expect(harness.error("stakeholders | grid | count")?.code == .wrongInput)
    }

    @Test("chart rows: one per label, summed, in first-seen order")
    func chartData() {
        let harness = Harness(smallPortfolio)
        let table = harness.table("agreements | chart value by status")
        #expect(table.columns == ["status", "value"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [["active", "1600000"], ["negotiating", "50000"]])
        #expect(harness.table("agreements | chart value").rows.map { $0.map(ValueFormatter.plain) }
            == [["devices", "400000"], ["research", "1200000"], ["screening", "50000"]])
        #expect(harness.error("agreements | chart title")?.code == .typeMismatch)
    }

    @Test("timeline rows: id, title, status, starts, ends, notice_by")
    func timelineData() {
        let harness = Harness(smallPortfolio)
        let table = harness.table("agreements | timeline")
        #expect(table.columns == ["id", "title", "status", "starts", "ends", "notice_by"])
        #expect(table.rows.map { $0.map(ValueFormatter.plain) } == [
            ["devices", "Device supply", "active", "2025-06-01", "2027-05-31", "2027-03-02"],
            ["research", "Joint research", "active", "2024-01-01", "2026-03-31", "2026-01-30"],
            ["screening", "County screening", "negotiating", "", "", ""],
        ])
    }
}

/// A relation stage reaching many entities (from `Analytics.positionThreshold` on) places them
/// by their positions in the ids in order rather than by sorting; both ways must give the same
/// entities, before and after changes.
@Suite("Analytics: large relation stages")
struct LargeRelationTests {
    @Test("positions agree with sorted ids and with the fields they mirror, before and after changes")
    func manyRelated() throws {
        var text = ""
        PortfolioGenerator(partners: 500, seed: 11, today: testToday).write { text += $0 + "\n" }
        let harness = Harness(text)
        harness.expectSuccess("remove stakeholder s17\nremove agreement a5")
        func check(_ when: String) throws {
            let runtime = harness.session.makeRuntime()
            let portfolio = runtime.portfolio
            for (from, to) in [(EntityType.partner, EntityType.stakeholder), (.partner, .agreement),
                               (.stakeholder, .stakeholder), (.agreement, .stakeholder)] {
                let entities = portfolio.allEntities(from)
                var expected = Set<String>()
                try Analytics.forEachRelatedId(of: entities, to: to, runtime: runtime) { expected.insert($0) }
                let present = expected.filter { portfolio.contains(to, $0) }.sorted { Value.compareText($0, $1) < 0 }
                #expect(present.count >= Analytics.positionThreshold, "\(from) -> \(to) must take the positions path")
                guard case .positions(let positions) = try Analytics.followRelation(entities, to: to, runtime: runtime) else {
                    Issue.record("\(from) -> \(to): expected positions")
                    continue
                }
                let rows = portfolio.allEntities(to)
                #expect(positions.map { rows[Int($0)].id } == present, "\(from) -> \(to) \(when)")
            }
        }
        try check("at first")
        // The ids in order are kept with the rows between queries: changes must reach them.
        harness.expectSuccess("""
            stakeholder s17 { name: "Back Again", org: p4, group: clinical }
            stakeholder s1000a { name: "New Person", org: p2, group: board, knows: [s3] }
            remove stakeholder s20
            update stakeholders | where id == "s21" set org = p9
            """)
        try check("after changes")
        // A stage that only places ids (no rows built), then an insert: the ids are rebuilt.
        harness.expectSuccess("stakeholder s1000b { name: \"Another\", org: p5, group: board }")
        #expect(harness.number("partners | stakeholders | count") == harness.number("stakeholders | count"))
        harness.expectSuccess("stakeholder s1000c { name: \"And Another\", org: p6, group: board }")
        #expect(harness.number("partners | stakeholders | count") == harness.number("stakeholders | count"))
        // The pipeline agrees with the fields the relations mirror.
        #expect(harness.number("partners | stakeholders | count") == harness.number("stakeholders | count"))
        #expect(harness.number("partners | where country == \"DE\" | stakeholders | count")
                == harness.number("stakeholders | where org.country == \"DE\" | count"))
    }

    // MARK: Centrality methods

    /// Two triangles joined by one link (c—d): two communities, c and d the brokers.
    static let bridge = """
    partner a { name: "A", kind: clinic }
    partner b { name: "B", kind: clinic }
    partner c { name: "C", kind: clinic }
    partner d { name: "D", kind: clinic }
    partner e { name: "E", kind: clinic }
    partner f { name: "F", kind: clinic }
    agreement t1 { title: "T1", form: consortium, status: active, parties: [a, b, c] }
    agreement t2 { title: "T2", form: consortium, status: active, parties: [d, e, f] }
    agreement br { title: "BR", form: mou, status: active, parties: [c, d] }
    """

    @Test("sampling every source is exact; a smaller sample says so in a note and is reproducible")
    func sampledCentrality() {
        let harness = Harness(Self.bridge)
        let exact = harness.rows("partners | centrality exact")
        #expect(harness.rows("partners | centrality") == exact)
        #expect(harness.rows("partners | centrality sample 6") == exact)
        #expect(harness.rows("partners | centrality | select id, community") == [["a", "1"], ["b", "1"], ["c", "1"], ["d", "2"], ["e", "2"], ["f", "2"]])
        #expect(!harness.sink.rendered.contains { $0.hasPrefix("note note: betweenness") })
        let sampled = harness.rows("partners | centrality sample 3 seed 5")
        #expect(sampled == harness.rows("partners | centrality sample 3 seed 5"))
        #expect(sampled != exact)
        #expect(harness.sink.rendered.contains { $0.hasPrefix("note note: betweenness and closeness estimated from 3 of 6 partners") })
    }

    @Test("`centrality sample` needs a whole number; Tab offers the methods")
    func centralitySyntax() {
        let harness = Harness(Self.bridge)
        #expect(harness.run("partners | centrality sample 2.5").0 == .failed)
        #expect(harness.sink.diagnostics.last?.message.contains("must be a whole number") == true)
        #expect(harness.run("partners | centrality sample").0 == .failed)
        let completer = Completer(session: harness.session)
        #expect(completer.complete("partners | centrality ", cursor: 22).candidates == ["exact", "sample"])
        #expect(completer.complete("partners | centrality sample 10 ", cursor: 32).candidates == ["seed"])
    }
}
