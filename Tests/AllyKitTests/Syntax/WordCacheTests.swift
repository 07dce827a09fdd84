import Testing
@testable import AllyKit

/// The parser hands out remembered strings for identifiers it has read before (`WordCache`);
/// whatever the mix of words, lengths and slot collisions, each must be the token's own text.
@Suite("remembered words")
struct WordCacheTests {
    @Test("every word reads as its own text, however often and in whatever order")
    func readsOwnText() {
        var generator = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
        // Many more distinct words than slots, so that slots are shared and replaced; lengths
        // 1-20 cover words kept inline (up to 15 bytes) and longer ones.
        var words = (0..<5_000).map { _ in
            String((0..<Int.random(in: 1...20, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
        }
        words += ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmno", "abcdefghijklmnop", "p1", "p10", "p01", "s1"]
        var text = ""
        var ranges: [SourceRange] = []
        for _ in 0..<4 {
            for word in words.shuffled(using: &generator) {
                let start = text.utf8.count
                text += word
                ranges.append(SourceRange(start, text.utf8.count))
                text += " "
            }
        }
        let file = SourceFile(name: "words.ally", text: text)
        var cache = WordCache()
        for range in ranges {
            #expect(cache.text(range, in: file) == file.text(range))
        }
    }

    @Test("words that differ only past the eighth byte, or only in length, stay apart")
    func closeWords() {
        let words = ["abcdefgh", "abcdefghX", "abcdefghY", "abcdefgh_", "abcdefg", "abcdefghijklmnoZ", "abcdefghijklmnoY"]
        let text = (words + words).joined(separator: " ")
        let file = SourceFile(name: "w.ally", text: text)
        var cache = WordCache()
        var start = 0
        for word in words + words {
            let range = SourceRange(start, start + word.utf8.count)
            #expect(cache.text(range, in: file) == word)
            start = range.upper + 1
        }
    }
}
