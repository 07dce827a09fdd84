/// An id of at most 15 ASCII bytes as two big-endian integers whose order is the id's byte
/// order: Swift stores such a string inline (the bytes in its two words, the last byte of the
/// second holding flags and the length), so this reads no memory besides the string itself.
/// `isAvailable` checks that layout once (on known strings); if a toolchain ever laid strings
/// out otherwise, every comparison takes the byte-by-byte path instead.
struct SmallKey: Comparable {
    let high: UInt64
    let low: UInt64

    @inline(__always)
    init?(_ string: String) {
        guard SmallKey.isAvailable else { return nil }
        self.init(unchecked: string)
    }

    /// As `init?(_:)`, once `isAvailable` is known to be true.
    @inline(__always)
    init?(unchecked string: String) {
        let (first, second) = unsafeBitCast(string, to: (UInt64, UInt64).self)
        // 0b1110 in the top four bits: an immortal small ASCII string.
        guard second >> 60 == 0xE else { return nil }
        high = first.byteSwapped
        // Bytes 8-14, then the length in the lowest byte: padded alike, the shorter id is smaller.
        low = (second & 0x00FF_FFFF_FFFF_FFFF).byteSwapped | ((second >> 56) & 0xF)
    }

    static func < (a: SmallKey, b: SmallKey) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }

    /// The string this key was made from (an immortal small string: its two words are all of
    /// it, so rebuilding it takes no memory and no reference count).
    var string: String {
        let count = low & 0xF
        // Bytes past the id's length are zero in the words Swift keeps.
        let second = (low & ~0xFF).byteSwapped | ((0xE0 | count) << 56)
        return unsafeBitCast((high.byteSwapped, second), to: String.self)
    }

    /// Byte-wise order of two ids (-1, 0, 1): as two integers each when both are small.
    @inline(__always)
    static func compare(_ a: String, _ b: String) -> Int { compare(a, b, fast: isAvailable) }

    /// As `compare(_:_:)`, with `isAvailable` read once by the caller (`fast`) for a loop.
    @inline(__always)
    static func compare(_ a: String, _ b: String, fast: Bool) -> Int {
        if fast, let x = SmallKey(unchecked: a), let y = SmallKey(unchecked: b) { return x < y ? -1 : (x == y ? 0 : 1) }
        return compareBytes(a, b)
    }

    /// Distinct ids in byte order: small ones sorted as integers (a relation stage sorts tens
    /// of thousands; comparing them as strings took most of its time).
    static func sorted(_ ids: [String]) -> [String] {
        let fast = isAvailable
        var keyed: [(key: SmallKey, index: Int32)] = []
        keyed.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard fast, let key = SmallKey(unchecked: id) else { return ids.sorted { compare($0, $1, fast: fast) < 0 } }
            keyed.append((key, Int32(truncatingIfNeeded: index)))
        }
        keyed.sort { $0.key < $1.key }
        return keyed.map { ids[Int($0.index)] }
    }

    /// Byte-wise order of any two strings (-1, 0, 1).
    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { p in
            b.withUTF8 { q in
                let n = Swift.min(p.count, q.count)
                var i = 0
                while i < n {
                    let u = p[i], v = q[i]
                    if u != v { return u < v ? -1 : 1 }
                    i += 1
                }
                return p.count == q.count ? 0 : (p.count < q.count ? -1 : 1)
            }
        }
    }

    /// Whether strings are laid out as this type reads them (checked once, on known strings).
    static let isAvailable: Bool = {
        func bits(_ string: String) -> (UInt64, UInt64) { unsafeBitCast(string, to: (UInt64, UInt64).self) }
        var built = "p"
        built += "12"
        let samples: [(String, UInt64, UInt64)] = [
            ("", 0, 0xE000_0000_0000_0000), (built, 0x32_3170, 0xE300_0000_0000_0000),
            ("abcdefghijklmno", 0x6867_6665_6463_6261, 0xEF6F_6E6D_6C6B_6A69),
        ]
        return samples.allSatisfy { bits($0.0) == ($0.1, $0.2) } && bits("abcdefghijklmnop").1 >> 60 != 0xE
            && bits("é").1 >> 60 != 0xE
    }()
}
