/// How a completion answer from the backend becomes what readline inserts.
///
/// Readline replaces the text between its own word start and the cursor. It finds that word
/// start with `wordBreakCharacters`; the backend, which knows the language, returns its own word
/// start. When the two differ the candidates are shifted so that the result is the same as if
/// readline had replaced from the backend's word start.
public enum CompletionRules {
    /// Where readline splits words: whitespace and Ally's punctuation and operators, including `"`
    /// (a file name is completed inside its string) and `/` (a path completes one folder at a
    /// time, like a shell). Not `.` and not `_`: `fit.mission`, `org.name` and the dot-commands
    /// (`.history`) complete as one word; the backend returns the whole dotted name.
    public static let wordBreakCharacters = " \t\n\"'`()[]{},;:|=<>!?+-*/%#&@$\\"

    /// After a single candidate the shell adds a space, except after these characters, which
    /// ask for more text right after them: a member access, an opening bracket, a quote, a folder.
    public static let noSpaceAfter: Set<UInt8> = Set(".([{\"'/".utf8)

    /// No space is added before these either (they already separate, or they close something).
    public static let noSpaceBefore: Set<UInt8> = Set(" \t\n)]},;".utf8)

    /// What readline should insert.
    public struct Matches: Equatable, Sendable {
        /// Replaces the text from readline's word start to the cursor.
        public var replacement: String
        /// The candidates to list when there are several (each relative to readline's word start).
        public var alternatives: [String]
        /// Whether readline appends a space after a single match.
        public var appendSpace: Bool
    }

    /// The matches for the backend's answer.
    ///
    /// - Parameters:
    ///   - line: the edit buffer's bytes (UTF-8).
    ///   - cursor: the cursor, a byte offset into `line`.
    ///   - readlineStart: where readline's word starts (byte offset into `line`).
    ///   - wordStart: where the backend's word starts (byte offset into `line`).
    ///   - candidates: the backend's full replacement words for `line[wordStart..<cursor]`.
    /// - Returns: nil when nothing can be inserted (readline then rings the bell).
    public static func matches(line: [UInt8], cursor: Int, readlineStart: Int, wordStart: Int,
                               candidates: [String]) -> Matches? {
        let cursor = min(max(cursor, 0), line.count)
        let readlineStart = min(max(readlineStart, 0), cursor)
        let wordStart = min(max(wordStart, 0), cursor)

        var shifted: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        for candidate in candidates {
            var bytes = Array(candidate.utf8)
            if wordStart < readlineStart {
                // The backend's word reaches further back: the part before readline's start stays.
                let kept = line[wordStart..<readlineStart]
                guard bytes.starts(with: kept) else { continue }
                bytes.removeFirst(kept.count)
            } else if wordStart > readlineStart {
                bytes.insert(contentsOf: line[readlineStart..<wordStart], at: 0)
            }
            if bytes.isEmpty || !seen.insert(bytes).inserted { continue }
            shifted.append(bytes)
        }
        guard let first = shifted.first else { return nil }

        if shifted.count == 1 {
            let endsOpen = first.last.map { noSpaceAfter.contains($0) } ?? true
            let followedBySeparator = cursor < line.count && noSpaceBefore.contains(line[cursor])
            let appendSpace = !endsOpen && !followedBySeparator
            return Matches(replacement: String(decoding: first, as: UTF8.self), alternatives: [],
                           appendSpace: appendSpace)
        }

        var common = commonPrefix(shifted)
        let typed = Array(line[readlineStart..<cursor])
        // Insert the common prefix only when it extends what was typed (ignoring ASCII case,
        // for a backend that matches without case); never lose what the user typed.
        if !startsIgnoringASCIICase(common, with: typed) { common = typed }
        return Matches(replacement: String(decoding: common, as: UTF8.self),
                       alternatives: shifted.map { String(decoding: $0, as: UTF8.self) },
                       appendSpace: false)
    }

    static func startsIgnoringASCIICase(_ word: [UInt8], with prefix: [UInt8]) -> Bool {
        func folded(_ byte: UInt8) -> UInt8 {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
        return word.count >= prefix.count && zip(word, prefix).allSatisfy { folded($0) == folded($1) }
    }

    /// The longest common byte prefix, cut back to a whole UTF-8 character.
    static func commonPrefix(_ words: [[UInt8]]) -> [UInt8] {
        guard var prefix = words.first else { return [] }
        for word in words.dropFirst() {
            var length = 0
            while length < prefix.count, length < word.count, prefix[length] == word[length] { length += 1 }
            prefix.removeSubrange(length...)
        }
        // Do not split a character: when the cut falls inside one, drop its leading bytes too.
        if let full = words.first, prefix.count < full.count, full[prefix.count] & 0xC0 == 0x80 {
            while let last = prefix.popLast(), last & 0xC0 != 0xC0 {}
        }
        return prefix
    }
}
