/// The shell's history in memory: what Up recalls, what `.history` shows, and what this session
/// adds to the history file when it ends.
///
/// The rules (CLI.md): no blank entries, no immediate duplicates, at most `limit` entries.
/// Trailing whitespace is not part of an entry, so `partners ` and `partners` are the same.
public struct HistoryEntries: Equatable, Sendable {
    /// CLI.md: "at most 2000 entries".
    public static let defaultLimit = 2000

    public let limit: Int
    /// Every entry, oldest first: the file's entries at start-up, then this session's.
    public private(set) var all: [String]
    /// This session's entries, oldest first; they are appended to the file on exit.
    public private(set) var added: [String] = []

    /// Starts from the entries read from the file (re-checked: a hand-edited file may break the rules).
    public init(loaded: [String] = [], limit: Int = defaultLimit) {
        self.limit = max(1, limit)
        all = []
        for entry in loaded {
            let normalized = Self.normalized(entry)
            if Self.accepts(normalized, after: all.last) { all.append(normalized) }
        }
        if all.count > self.limit { all.removeFirst(all.count - self.limit) }
    }

    /// Adds a statement the user entered; returns the entry as stored, or nil when the rules drop it.
    @discardableResult
    public mutating func add(_ statement: String) -> String? {
        let entry = Self.normalized(statement)
        guard Self.accepts(entry, after: all.last) else { return nil }
        all.append(entry)
        added.append(entry)
        if all.count > limit { all.removeFirst(all.count - limit) }
        // Only the last `limit` entries can survive the file's truncation anyway.
        if added.count > limit { added.removeFirst(added.count - limit) }
        return entry
    }

    /// The entry a statement becomes: the text without trailing whitespace (spaces, tabs, newlines).
    public static func normalized(_ statement: String) -> String {
        var scalars = Substring(statement).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(Substring(scalars))
    }

    /// Whether `entry` may follow `previous`: not blank, not the same text again.
    public static func accepts(_ entry: String, after previous: String?) -> Bool {
        guard entry.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return false }
        return entry != previous
    }

    /// How this session's entries join the file, which other sessions may have extended since start-up.
    public struct Merge: Equatable, Sendable {
        /// The entries to append to the file as it is now.
        public var appended: [String]
        /// The file's entries after the merge, at most `limit`.
        public var result: [String]
        /// True when appending is not enough: the result had to drop old entries to respect `limit`,
        /// so the file must be rewritten (atomically).
        public var needsRewrite: Bool
    }

    /// Appends `added` after `onDisk` following the rules (no duplicate across the seam either),
    /// then keeps the last `limit` entries.
    public static func merge(onDisk: [String], added: [String], limit: Int = defaultLimit) -> Merge {
        var result = onDisk
        var appended: [String] = []
        for entry in added where accepts(entry, after: result.last) {
            result.append(entry)
            appended.append(entry)
        }
        let limit = max(1, limit)
        let needsRewrite = result.count > limit
        if needsRewrite { result.removeFirst(result.count - limit) }
        return Merge(appended: appended, result: result, needsRewrite: needsRewrite)
    }
}
