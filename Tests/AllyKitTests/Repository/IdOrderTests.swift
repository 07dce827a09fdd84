import Testing
@testable import AllyKit

/// A type's ids and entities in byte-wise id order, sorted once and rearranged in place.
@Suite("Repository: id order")
struct IdOrderTests {
    @Test("permuting in place gives items[i] = old items[order[i]], for random permutations of every shape")
    func permutes() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<20 {
                let order = (0..<count).map { Int32($0) }.shuffled(using: &generator)
                let original = (0..<count).map { "id\($0)-" + String(repeating: "x", count: $0 % 20) }  // some heap strings
                var items = original
                var scratch = order
                IdOrder.permute(&items, by: &scratch)
                #expect(items == order.map { original[Int($0)] })
                #expect(scratch.allSatisfy { $0 == -1 })
            }
        }
        // The identity and a single swap.
        var items = ["a", "b", "c"]
        var order: [Int32] = [0, 1, 2]
        IdOrder.permute(&items, by: &order)
        #expect(items == ["a", "b", "c"])
        order = [0, 2, 1]
        IdOrder.permute(&items, by: &order)
        #expect(items == ["a", "c", "b"])
    }

    @Test("ids and rows come out in byte-wise order, ids longer than 8 bytes settled by the full comparison")
    func sortsIdsAndRows() {
        var generator = SystemRandomNumberGenerator()
        var portfolio = Portfolio()
        var ids = Set<String>()
        while ids.count < 3000 {
            let length = Int.random(in: 1...14, using: &generator)
            // A shared 8-byte prefix for many ids, so ties on the prefix are common.
            let head = Bool.random(using: &generator) ? "partner_" : ""
            ids.insert(head + String((0..<length).map { _ in "abcXYZ019_".randomElement(using: &generator)! }))
        }
        for id in ids { portfolio.put(Partner(id: id, name: "N \(id)", kind: EnumType.partnerKind.value("academic"))) }
        let expected = ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(portfolio.sortedIds(.partner) == expected)
        var fresh = Portfolio()
        for id in ids { fresh.put(Partner(id: id, name: "N \(id)", kind: EnumType.partnerKind.value("academic"))) }
        let rows = fresh.allEntities(.partner)
        #expect(rows.map(\.id) == expected, "rows sorted before the ids were")
        #expect(fresh.sortedIds(.partner) == expected)
        #expect(rows.allSatisfy { row in if case .partner(let p) = row { return p.name == "N \(p.id)" } else { return false } })
    }

    @Test("insertSorted keeps byte-wise order and no duplicates, for ids in order, reversed and at random")
    func insertSorted() {
        var generator = SystemRandomNumberGenerator()
        let pool = (0..<400).map { "a\($0)" } + ["b", "a", "Z", "a_1", "\u{E9}"]
        func expected(_ ids: [String]) -> [String] {
            Array(Set(ids)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        let inOrder = expected(pool)
        for order in [inOrder, inOrder.reversed(), pool.shuffled(using: &generator), pool + pool.shuffled(using: &generator)] {
            var ids: [String] = []
            for id in order { ids.insertSorted(id) }
            #expect(ids == expected(order))
        }
    }
}
