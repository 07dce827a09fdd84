/// "Did you mean" under an edit-distance cutoff.
public enum Suggestions {
    /// The closest candidate to `word`, if it is close enough to be a plausible typo.
    public static func closest<S: Sequence>(to word: String, in candidates: S) -> String? where S.Element == String {
        let lowered = word.lowercased()
        var best: (String, Int)?
        let cutoff = max(1, min(3, (word.count + 2) / 3))
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased(), limit: cutoff)
            if distance <= cutoff, best == nil || distance < best!.1 {
                best = (candidate, distance)
            }
        }
        if let best { return best.0 }
        // A prefix is a good hint too (`aca` → `academic`).
        if lowered.count >= 3 {
            return candidates.first { $0.lowercased().hasPrefix(lowered) }
        }
        return nil
    }

    /// "did you mean `x`?" or nil.
    public static func help(for word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// Damerau-Levenshtein (optimal string alignment), giving up once past `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }
}
