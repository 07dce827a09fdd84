/// The strings of short words a parser has read, by their bytes. A portfolio script repeats a
/// few hundred words (field names, enum cases, the ids it refers to) millions of times; a
/// Swift string of up to 15 ASCII bytes is held inline, so handing out a remembered one costs
/// a copy of 16 bytes, where making it again means validating and assembling its bytes.
///
/// Direct-mapped: a word's slot is a hash of its bytes, and a word that lands in an occupied
/// slot replaces what was there. Only identifier tokens come here (ASCII by the lexer's rules).
struct WordCache {
    private static let slots = 1024
    /// A word's bytes, little-endian, in two words: bytes 0-7, then 8-14 with the length on top.
    private var low = [UInt64](repeating: 0, count: WordCache.slots)
    private var high = [UInt64](repeating: 0, count: WordCache.slots)
    private var words = [String](repeating: "", count: WordCache.slots)

    /// The text of `range` in `file`, an identifier.
    mutating func text(_ range: SourceRange, in file: SourceFile) -> String {
        let length = range.upper - range.lower
        guard length > 0, length <= 15 else { return file.text(range) }
        var lowBits: UInt64 = 0, highBits = UInt64(length) << 56
        let bytes = file.bytes
        for offset in 0..<min(length, 8) {
            lowBits |= UInt64(bytes[range.lower + offset]) << (8 * UInt64(offset))
        }
        if length > 8 {
            for offset in 8..<length {
                highBits |= UInt64(bytes[range.lower + offset]) << (8 * UInt64(offset - 8))
            }
        }
        let mixed = (lowBits ^ (highBits &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        let slot = Int(truncatingIfNeeded: mixed >> 54) & (WordCache.slots - 1)
        if low[slot] == lowBits, high[slot] == highBits { return words[slot] }
        let word = file.text(range)
        low[slot] = lowBits
        high[slot] = highBits
        words[slot] = word
        return word
    }
}
