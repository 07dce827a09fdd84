/// Text from data as a terminal may be given it: nothing in it drives the terminal, and its
/// width is counted in the cells a terminal draws (one home for both, used by tables and by
/// diagnostics' echoed source lines).
public enum TerminalText {
    /// A character the terminal would act on, shown instead: C0 controls, tab and DEL as their
    /// Control Pictures symbols (`␛`, `␉`, `␡`, one cell each), C1 controls and the bidi
    /// overrides, embeddings and isolates as `\u{…}`. Nil for a character shown as it is.
    static func visible(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x00...0x1F: return String(Unicode.Scalar(0x2400 + scalar.value)!)
        case 0x7F: return "\u{2421}"
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: return nil
        }
    }

    /// `text` with every character `visible` names replaced, a line break shown as `⏎`.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { visible($0) != nil }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" { out += "⏎" } else if let shown = visible(scalar) { out += shown } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Cells a terminal draws for one code point: 2 for East Asian wide and fullwidth
    /// characters and emoji presentation, 0 for combining marks, joiners, variation selectors
    /// and other format characters (tables in UnicodeWidthTable.swift, made by scripts/unicode-widths).
    static func width(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return value < 0x20 || (value >= 0x7F && value < 0xA0) ? 0 : 1 }
        if contains(UnicodeWidthTable.zero, value) { return 0 }
        if contains(UnicodeWidthTable.wide, value) { return 2 }
        return 1
    }

    /// Cells for a string, cluster by cluster: a grapheme cluster is as wide as its widest
    /// code point, and an emoji made to look like one by U+FE0F takes 2.
    public static func width(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        var joined = false
        for character in text {
            total += joined ? 0 : width(character)
            joined = character.unicodeScalars.last == "\u{200D}"
        }
        return total
    }

    static func width(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        var widest = 0
        for scalar in scalars { widest = max(widest, width(scalar)) }
        // U+FE0F asks for emoji presentation: two cells, but only after a character that has one.
        if widest == 1, let first = scalars.first, first.properties.isEmoji, first.value > 0x7F, scalars.contains("\u{FE0F}") { return 2 }
        return widest
    }

    /// `text` cut to `cells` with `…` at the end, never inside a grapheme cluster.
    public static func truncate(_ text: String, to cells: Int) -> String {
        guard width(text) > cells else { return text }
        var out = ""
        var used = 0
        var joined = false
        for character in text {
            // What a zero-width joiner joins is drawn with the character before it (as wcwidth counts).
            let cellsOfCharacter = joined ? 0 : width(character)
            joined = character.unicodeScalars.last == "\u{200D}"
            if used + cellsOfCharacter > cells - 1 { break }
            out.append(character)
            used += cellsOfCharacter
        }
        return out + "…"
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if value < ranges[middle].lowerBound { high = middle - 1 } else if value > ranges[middle].upperBound { low = middle + 1 } else { return true }
        }
        return false
    }
}

