import Testing
@testable import AllyKit

/// A relation index's id lists are stored 8 bytes an id when every id fits: what is read back
/// must be what was stored, in byte order, whichever way each list is held.
@Suite("Repository: relation index id lists")
struct SortedIdsTests {
    @Test("ids of 1 to 16 bytes, ASCII or not, read back as stored, in order")
    func roundTrip() {
        let lengths = ["a", "s12", "a299999", "p_123456", "p1234567", "s123456789", "abcdefghijklmno", "abcdefghijklmnop"]
        for id in lengths {
            #expect(SortedIds(key: "k", ids: [id]).ids == [id])
        }
        let short = ["A", "B_", "a", "a0", "a00", "a1", "p9", "s0", "s01", "s1", "zzzzzzzz"]
        #expect(SortedIds(key: "k", ids: short).ids == short)
        let mixed = ["a1", "a_very_long_agreement_id", "b2"]
        #expect(SortedIds(key: "k", ids: mixed).ids == mixed)
        #expect(SortedIds(key: "k", ids: ["é1", "é2"]).ids == ["é1", "é2"])
        #expect(SortedIds(key: "k", ids: []).isEmpty)
    }

    @Test("inserts and removals keep byte order as a long id joins a list and leaves it")
    func editsAcrossForms() {
        var tree = IdTree<SortedIds>()
        for id in ["s3", "s1", "s20", "s2"] { tree.insert(id, into: "p1") }
        #expect(tree["p1"]?.ids == ["s1", "s2", "s20", "s3"])
        tree.insert("s1_with_a_long_name", into: "p1")
        #expect(tree["p1"]?.ids == ["s1", "s1_with_a_long_name", "s2", "s20", "s3"])
        tree.remove("s1_with_a_long_name", from: "p1")
        tree.insert("s1", into: "p1")
        #expect(tree["p1"]?.ids == ["s1", "s2", "s20", "s3"])
        for id in ["s1", "s2", "s20", "s3"] { tree.remove(id, from: "p1") }
        #expect(tree["p1"] == nil, "an emptied list leaves the index")
    }

    @Test("random short ids, sorted and merged as the index does, read back as stored")
    func randomIds() {
        var random = PortfolioGenerator.Random(state: 7)
        let alphabet = Array("09AZ_az")
        for _ in 0..<200 {
            let ids = Set((0..<20).map { _ in String((0...random.below(8)).map { _ in alphabet[random.below(alphabet.count)] }) })
            let sorted = ids.sorted { SmallKey.compareBytes($0, $1) < 0 }
            var list: [String] = []
            list.mergeSorted(sorted)
            #expect(SortedIds(key: "k", ids: list).ids == sorted)
        }
    }
}
