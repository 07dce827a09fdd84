import Testing
@testable import AllyKit

/// `Portfolio.insertNew(_:deferringEdits:)` leaves relation-index entries and mirrored ties for
/// `settle`: whatever the order, batch size and settling points, the settled portfolio must be
/// the one plain inserts build.
@Suite("Repository: deferred index and tie edits")
struct DeferredEditsTests {
    typealias Seeded = PortfolioGenerator.Random

    /// Random entities in random order: ids short (compared as integers) and long (as strings),
    /// parties and orgs at random, ties to stakeholders defined earlier (and to themselves).
    static func entities(seed: UInt64) -> [Entity] {
        var random = Seeded(state: seed)
        func id(_ letter: String, _ n: Int) -> String {
            random.below(5) == 0 ? "\(letter)_long_identifier_\(n)" : "\(letter)\(n)"
        }
        let partners = (0..<40).map { id("p", $0) }.shuffled(using: &random)
        var entities = partners.map { Entity.partner(Partner(id: $0, name: $0, kind: EnumType.partnerKind.value("academic"))) }
        var stakeholders: [String] = []
        for n in (0..<400).shuffled(using: &random) {
            if random.below(3) == 0 {
                var agreement = Agreement(id: id("a", n), title: "t", form: EnumType.form.value("mou"))
                var named = Set<String>()
                for _ in 0..<(1 + random.below(4)) {
                    let partner = random.pick(partners)
                    if named.insert(partner).inserted { agreement.parties.append(Party(partner: partner)) }
                }
                entities.append(.agreement(agreement))
            } else {
                let sid = id("s", n)
                var stakeholder = Stakeholder(id: sid, name: "n", org: random.pick(partners), group: EnumType.group.value("clinical"))
                if !stakeholders.isEmpty {
                    stakeholder.knows = (0..<random.below(4)).map { _ in random.pick(stakeholders) }
                }
                if random.below(20) == 0 { stakeholder.knows.append(sid) }
                stakeholders.append(sid)
                entities.append(.stakeholder(stakeholder))
            }
        }
        return entities
    }

    static func same(_ a: Portfolio, _ b: Portfolio, _ note: String) {
        for type in EntityType.allCases {
            #expect(a.allEntities(type) == b.allEntities(type), "\(note): \(type)")
        }
        for partner in b.sortedIds(.partner) {
            #expect(a.agreementIds(ofPartner: partner) == b.agreementIds(ofPartner: partner), "\(note): agreements of \(partner)")
            #expect(a.stakeholderIds(ofPartner: partner) == b.stakeholderIds(ofPartner: partner), "\(note): stakeholders of \(partner)")
        }
    }

    @Test("any batch size and settling points give the portfolio plain inserts give")
    func matchesPlainInserts() {
        for seed in UInt64(1)...12 {
            let entities = Self.entities(seed: seed)
            var plain = Portfolio()
            plain.tracksChanges = false
            for entity in entities {
                let inserted = plain.insertNew(entity)
                #expect(inserted)
            }
            var random = Seeded(state: seed &* 31)
            var deferred = Portfolio()
            deferred.tracksChanges = false
            deferred.deferredEditsLimit = [1, 5, 64, 1 << 20][Int(seed) % 4]
            for entity in entities {
                let inserted = deferred.insertNew(entity, deferringEdits: true)
                // A taken id is refused without deferring anything.
                let again = deferred.insertNew(entity, deferringEdits: true)
                #expect(inserted && !again)
                if random.below(50) == 0 { deferred.settle() }
            }
            deferred.settle()
            Self.same(deferred, plain, "seed \(seed)")
            // Ties are symmetric after settling (each stakeholder is in the lists of those it knows).
            for case .stakeholder(let s) in deferred.allEntities(.stakeholder) {
                for other in s.knows where other != s.id {
                    #expect(deferred.stakeholders[other]?.knows.contains(s.id) == true, "seed \(seed): \(other) knows \(s.id)")
                }
            }
        }
    }

    @Test("agreements stored again with parties gained and lost: the index plain puts give")
    func deferredAgreementPuts() {
        for seed in UInt64(1)...10 {
            let entities = Self.entities(seed: seed)
            let partners = entities.compactMap { if case .partner(let p) = $0 { return p.id } else { return nil } }
            var random = Seeded(state: seed &* 7)
            var plain = Portfolio()
            plain.tracksChanges = false
            var deferred = Portfolio()
            deferred.tracksChanges = false
            deferred.deferredEditsLimit = [1, 3, 50, 1 << 20][Int(seed) % 4]
            var agreements: [Agreement] = []
            for entity in entities {
                _ = plain.insertNew(entity)
                _ = deferred.insertNew(entity, deferringEdits: true)
                if case .agreement(let a) = entity { agreements.append(a) }
                guard !agreements.isEmpty, random.below(2) == 0 else { continue }
                // An agreement stored again: a party added (as an import of parties does),
                // one dropped, or both; the same agreement again and again (no entry twice).
                let at = random.below(agreements.count)
                var a = agreements[at]
                if random.below(3) != 0 {
                    let partner = random.pick(partners)
                    if !a.parties.contains(where: { $0.partner == partner }) { a.parties.append(Party(partner: partner)) }
                }
                if random.below(3) == 0, !a.parties.isEmpty { a.parties.remove(at: random.below(a.parties.count)) }
                agreements[at] = a
                plain.put(a)
                deferred.put(a, deferringEdits: true)
                if random.below(40) == 0 { deferred.settle() }
            }
            // A new agreement stored by the deferring put, too.
            var new = Agreement(id: "a_new", title: "t", form: EnumType.form.value("mou"))
            new.parties = [Party(partner: partners[0])]
            plain.put(new)
            deferred.put(new, deferringEdits: true)
            deferred.settle()
            Self.same(deferred, plain, "seed \(seed)")
        }
        // While changes are tracked, the put is a plain one (its change is logged).
        var tracked = Portfolio()
        let a = Agreement(id: "a1", title: "t", form: EnumType.form.value("mou"))
        tracked.put(a, deferringEdits: true)
        #expect(tracked.touched == [EntityKey(.agreement, "a1")])
    }

    @Test("sorted id lists take sorted runs: appended, merged, repeats dropped")
    func mergeSorted() {
        var list = ["a", "c", "e"]
        list.mergeSorted(["f", "g"])
        #expect(list == ["a", "c", "e", "f", "g"])
        list.mergeSorted(["b", "c", "h", "s_long_identifier_1"])
        #expect(list == ["a", "b", "c", "e", "f", "g", "h", "s_long_identifier_1"])
        list.mergeSorted(["0"])
        list.mergeSorted([])
        #expect(list.first == "0" && list.count == 9)
        var empty: [String] = []
        empty.mergeSorted(["x", "y"])
        #expect(empty == ["x", "y"])
    }

    @Test("any other change settles first; tracked changes are never deferred")
    func mutatorsSettle() {
        let entities = Self.entities(seed: 99)
        var plain = Portfolio()
        plain.tracksChanges = false
        var deferred = Portfolio()
        deferred.tracksChanges = false
        for (index, entity) in entities.enumerated() {
            _ = plain.insertNew(entity)
            _ = deferred.insertNew(entity, deferringEdits: true)
            // A removal, a replacement and a plain insert each apply what was deferred first.
            if index % 37 == 36, case .stakeholder(let s) = entity {
                plain.removeEntity(EntityKey(.stakeholder, s.id))
                deferred.removeEntity(EntityKey(.stakeholder, s.id))
            }
            if index % 41 == 40, case .agreement(var a) = entity {
                a.parties.removeLast()
                plain.put(a)
                deferred.put(a)
            }
        }
        deferred.compactIfSparse()
        Self.same(deferred, plain, "mutators")

        // While changes are tracked (a scenario's log), each insert does its edits itself.
        var tracked = Portfolio()
        for entity in entities { _ = tracked.insertNew(entity, deferringEdits: true) }
        let touched = Set(tracked.touched.map(\.id))
        #expect(entities.allSatisfy { touched.contains($0.id) })
        var fresh = Portfolio()
        fresh.tracksChanges = false
        for entity in entities { _ = fresh.insertNew(entity) }
        Self.same(tracked, fresh, "tracked")
    }
}
