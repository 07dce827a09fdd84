import Testing
@testable import AllyKit

/// The portfolio's primary store, held to a plain dictionary plus a sort: random inserts,
/// replacements and removals, copies taken along the way (which must never change), and
/// compaction at any point.
extension PortfolioGenerator.Random: RandomNumberGenerator {}

/// A tree entry for the tests: an id and a number.
struct Entry: IdTreeEntry, Equatable {
    let treeKey: String
    var value: Int

    init(_ key: String, _ value: Int) {
        treeKey = key
        self.value = value
    }
}

@Suite("Repository: id tree")
struct IdTreeTests {
    /// The generator's SplitMix64: reproducible runs (the seed is in each failure's message).
    typealias Seeded = PortfolioGenerator.Random

    static func byteOrder(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    /// Everything the tree answers, against the model.
    static func check(_ tree: IdTree<Entry>, against model: [String: Int], seed: UInt64, _ probes: [String]) {
        let sorted = model.keys.sorted(by: byteOrder)
        #expect(tree.count == model.count, "seed \(seed)")
        #expect(tree.isEmpty == model.isEmpty, "seed \(seed)")
        #expect(tree.keys == sorted, "seed \(seed)")
        #expect(tree.values.map(\.value) == sorted.map { model[$0]! }, "seed \(seed)")
        // Positions of a sorted run of probes, present or not, in the ids in order (a relation
        // stage's lookup).
        let wanted = Array(Set(probes + sorted.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))).sorted(by: byteOrder)
        let positions = wanted.compactMap { sorted.firstIndex(of: $0) }.map { Int32($0) }
        #expect(tree.keys.positions(ofSorted: wanted) == positions, "seed \(seed): positions")
        #expect(tree.keys.positions(ofSorted: []) == [], "seed \(seed)")
        // Dense runs too: every id, and every other id with absent ones between.
        #expect(tree.keys.positions(ofSorted: sorted) == sorted.indices.map { Int32($0) }, "seed \(seed): all positions")
        // (An id followed by a NUL is the next string in byte order: absent, and still sorted.)
        let halves = sorted.enumerated().map { $0.offset % 2 == 0 ? $0.element : $0.element + "\u{0}" }
        #expect(tree.keys.positions(ofSorted: halves) == sorted.indices.filter { $0 % 2 == 0 }.map { Int32($0) },
                "seed \(seed): every other position")
        for probe in probes {
            #expect(tree[probe]?.value == model[probe], "seed \(seed): \(probe)")
            // Found by prefix alone when it is all of the id; an id with a NUL after it is not.
            #expect(tree.contains(probe) == (model[probe] != nil), "seed \(seed): contains \(probe)")
            #expect(!tree.contains(probe + "\u{0}") && tree[probe + "\u{0}"] == nil, "seed \(seed): \(probe) + NUL")
            #expect(tree.position(of: probe) == sorted.firstIndex(of: probe), "seed \(seed): position of \(probe)")
            let prefixed = sorted.filter { $0.utf8.starts(with: probe.utf8) }
            #expect(tree.keys(withPrefix: probe, limit: 7) == Array(prefixed.prefix(7)), "seed \(seed): prefix \(probe)")
            var from: [String] = []
            tree.forEach(from: probe) { key, _ in from.append(key); return from.count < 5 }
            #expect(from == Array(sorted.filter { !byteOrder($0, probe) }.prefix(5)), "seed \(seed): from \(probe)")
        }
    }

    static func randomId(_ generator: inout Seeded, alphabet: [String]) -> String {
        // Short ids sharing prefixes (p1, p10, p100...), as generated portfolios have.
        alphabet.randomElement(using: &generator)! + String(Int.random(in: 0..<3000, using: &generator))
    }

    @Test("random edits, copies and compactions agree with a dictionary")
    func randomEdits() {
        for seed in UInt64(1)...8 {
            var generator = Seeded(state: seed)
            var tree = IdTree<Entry>(), model: [String: Int] = [:]
            var copies: [(IdTree<Entry>, [String: Int])] = []
            // Ids of up to seven bytes are told apart by their prefixes alone; longer ones that
            // share eight bytes (`partner_`, `stakehol`) are read from their entries.
            let alphabet = seed % 4 == 0 ? ["partner_", "stakeholder_0", "p"] : seed % 2 == 0 ? ["p", "a", "s_", "A"] : ["x"]
            for step in 0..<4000 {
                let id = Self.randomId(&generator, alphabet: alphabet)
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<6:
                    #expect(tree.updateValue(Entry(id, step))?.value == model.updateValue(step, forKey: id), "seed \(seed)")
                case 6:
                    let inserted = tree.insertNew(Entry(id, step))
                    #expect(inserted == (model[id] == nil), "seed \(seed)")
                    if inserted { model[id] = step }
                case 7:
                    #expect(tree.removeValue(forKey: id)?.value == model.removeValue(forKey: id), "seed \(seed)")
                case 8:
                    // In place, adding the default first when absent.
                    let before = tree.modify(id, default: { Entry(id, -step) }) { entry -> Int in
                        defer { entry.value += 1_000_000 }
                        return entry.value
                    }
                    #expect(before == model[id] ?? -step, "seed \(seed)")
                    model[id] = (model[id] ?? -step) + 1_000_000
                default:
                    if Bool.random(using: &generator) { copies.append((tree, model)) }
                    if Int.random(in: 0..<8, using: &generator) == 0 { tree.compact() }
                }
            }
            Self.check(tree, against: model, seed: seed, Array(model.keys.prefix(40))
                        + ["", "p", "p1", "zz", "x29", "A", "partner_", "partner_1", "stakeholder_", "p\u{0}1"])
            tree.compact()
            Self.check(tree, against: model, seed: seed, Array(model.keys.prefix(40)) + ["p2", "s_"])
            // Copies taken along the way are untouched by every later edit and compaction.
            for (copy, copyModel) in copies.suffix(6) { Self.check(copy, against: copyModel, seed: seed, Array(copyModel.keys.prefix(10))) }
        }
    }

    @Test("ids compare in byte order, inline or not, ASCII or not")
    func comparison() {
        #expect(SmallKey.isAvailable, "this toolchain lays strings out as SmallKey reads them")
        var generator = Seeded(state: 7)
        let pieces = ["", "a", "b", "p1", "p10", "p9", "z", "_", "A", "0", "é", "\u{0}", "abcdefgh", "abcdefghijklmno", "ab\u{0}"]
        var texts = pieces
        for _ in 0..<3000 {
            let parts = (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
            var text = parts.joined()
            if Bool.random(using: &generator) { text += String(Int.random(in: 0..<100_000, using: &generator)) }
            texts.append(text)
        }
        for _ in 0..<20_000 {
            let a = texts.randomElement(using: &generator)!, b = texts.randomElement(using: &generator)!
            let expected = Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) ? -1 : (Array(a.utf8) == Array(b.utf8) ? 0 : 1)
            #expect(SmallKey.compare(a, b) == expected, "\(a.debugDescription) vs \(b.debugDescription)")
        }
    }

    @Test("an id's prefix is all of it only for up to seven bytes without a NUL; small keys give back their string")
    func prefixes() {
        for (id, whole) in [("", true), ("p", true), ("p123456", true), ("p1234567", false), ("partner_1", false),
                            ("p\u{0}", false), ("\u{0}", false), ("a\u{0}b", false), ("é", true), ("abcdefghijklmnopq", false)] {
            let prefix = IdTree<Entry>.prefix(id)
            let bytes = Array(id.utf8.prefix(8)) + Array(repeating: 0, count: 8 - min(8, id.utf8.count))
            #expect(prefix == bytes.reduce(0) { $0 << 8 | UInt64($1) }, "\(id.debugDescription)")
            #expect(IdTree<Entry>.prefixIsWhole(id, prefix) == whole, "\(id.debugDescription)")
        }
        for id in ["", "a", "p1", "s999999", "abcdefghijklmno", "A_b-9"] {
            #expect(SmallKey(id).map(\.string) == id, "\(id)")
        }
        #expect(SmallKey("abcdefghijklmnop") == nil && SmallKey("é") == nil)
    }

    @Test("ids inserted ascending, descending and far apart are all found: leaves measure them from their lowest")
    func distances() {
        // Descending: each new id is a leaf's lowest (its base moves down); far apart: distances
        // past four bytes, which leave the comparison to the ids themselves.
        let orders: [[String]] = [
            (0..<3000).map { "s\($0)" }, (0..<3000).reversed().map { "s\($0)" },
            (0..<3000).map { ["A", "p", "s", "zz", "partner_"][$0 % 5] + String($0 * 7919 % 3000) },
            (0..<3000).reversed().map { String(repeating: "x", count: $0 % 11) + "\($0)" },
        ]
        for (number, ids) in orders.enumerated() {
            var tree = IdTree<Entry>(), model: [String: Int] = [:]
            for (value, id) in ids.enumerated() {
                let inserted = tree.insertNew(Entry(id, value))
                if inserted { model[id] = value }
            }
            Self.check(tree, against: model, seed: UInt64(number), Array(ids.prefix(60)) + ids.suffix(60) + ["s", "s30000", "A", "x"])
            tree.compact()
            Self.check(tree, against: model, seed: UInt64(number), Array(ids.prefix(30)) + ["s1500", "zz"])
        }
    }

    @Test("removing everything, in any order, leaves an empty tree that takes new entries")
    func removeAll() {
        var generator = Seeded(state: 99)
        var tree = IdTree<Entry>()
        let ids = (0..<5000).map { "id\($0)" }
        for (index, id) in ids.enumerated() { tree.updateValue(Entry(id, index)) }
        let copy = tree
        for id in ids.shuffled(using: &generator) { #expect(tree.removeValue(forKey: id) != nil) }
        #expect(tree.isEmpty && tree.count == 0 && tree.keys.isEmpty)
        #expect(tree.removeValue(forKey: "id1") == nil)
        tree.updateValue(Entry("b", 1))
        tree.updateValue(Entry("a", 0))
        #expect(tree.keys == ["a", "b"])
        #expect(copy.count == 5000 && copy["id4999"]?.value == 4999)
    }

    @Test("ids inserted in order fill their leaves; out of order, compaction repacks them")
    func sparseness() {
        var ordered = IdTree<Entry>()
        for index in 0..<10_000 { ordered.updateValue(Entry(String(format: "k%06d", index), index)) }
        #expect(!ordered.isSparse, "appending fills each leaf before starting the next")

        var scattered = IdTree<Entry>()
        for index in 0..<10_000 { scattered.updateValue(Entry("p\(index)", index)) }  // p1, p10, p100 ... out of byte order
        #expect(scattered.isSparse)
        let before = scattered.keys
        scattered.compact()
        #expect(!scattered.isSparse)
        #expect(scattered.keys == before)
        #expect(scattered.position(of: "p9999") == before.firstIndex(of: "p9999"))
        // A few more changes do not make it sparse again: compaction is amortized.
        for index in 0..<100 { scattered.updateValue(Entry("q\(index)", index)) }
        #expect(!scattered.isSparse)
    }

    @Test("a compaction of a tree another copy shares leaves that copy whole")
    func compactShared() {
        var tree = IdTree<Entry>()
        for index in 0..<20_000 { tree.updateValue(Entry("s\(index)", index)) }
        let copy = tree
        tree.updateValue(Entry("s5", -1))
        tree.compact()
        #expect(copy["s5"]?.value == 5 && tree["s5"]?.value == -1)
        #expect(copy.keys == tree.keys)
        #expect(copy.values.map(\.value).reduce(0, +) == (0..<20_000).reduce(0, +))
    }
}
