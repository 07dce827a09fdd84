/// Turns diagnostics into the text analysts read: `error[CODE]: message`, the location,
/// the source line with a caret under the span, then help and notes.
public enum DiagnosticRenderer {
    public static func render(_ diagnostic: Diagnostic, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", blue = color ? "\u{1B}[1;34m" : "", bold = color ? "\u{1B}[1m" : ""
        let reset = color ? "\u{1B}[0m" : ""
        var out = "\(red)\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]\(reset)\(bold): \(clip(diagnostic.message))\(reset)\n"
        guard let file = diagnostic.file else {
            if let help = diagnostic.help { out += "  = help: \(clip(help))\n" }
            for note in diagnostic.notes { out += "  = note: \(clip(note))\n" }
            return out
        }
        let (line, column) = file.location(of: diagnostic.range.lower)
        let gutter = String(repeating: " ", count: String(line).count)
        out += "\(gutter)\(blue)-->\(reset) \(file.name):\(line):\(column)\n"
        let text = file.lineText(line)
        let (endLine, endColumn) = file.location(of: max(diagnostic.range.lower, diagnostic.range.upper))
        // Control characters (a tab, a stray NUL, an escape, a bidi override) would reach the
        // terminal raw or move what follows: each is shown visibly (`TerminalText.visible`).
        // The caret is placed by screen cells, so what comes before it is measured as shown.
        var scalars = Array(text.unicodeScalars)
        var caretStart = column - 1
        var caretEnd = max(caretStart, endLine == line ? endColumn - 1 : scalars.count)
        // A very long line is shown as a window around the caret.
        let window = 120
        if scalars.count > window {
            let from = max(0, min(caretStart - window / 2, scalars.count - window))
            let to = min(scalars.count, from + window)
            let head: [Unicode.Scalar] = from > 0 ? ["…"] : []
            let tail: [Unicode.Scalar] = to < scalars.count ? ["…"] : []
            scalars = head + Array(scalars[from..<to]) + tail
            caretStart = caretStart - from + head.count
            caretEnd = min(caretEnd - from + head.count, scalars.count)
        }
        let pieces = scalars.map { TerminalText.visible($0) ?? String($0) }
        let shown = pieces.joined()
        func screenWidth(_ lower: Int, _ upper: Int) -> Int {
            let low = max(0, min(lower, pieces.count)), high = max(low, min(upper, pieces.count))
            return TerminalText.width(pieces[low..<high].joined())
        }
        let lead = screenWidth(0, caretStart)
        let width = max(1, screenWidth(caretStart, caretEnd))
        out += "\(gutter) \(blue)|\(reset)\n"
        out += "\(blue)\(line) |\(reset) \(shown)\n"
        out += "\(gutter) \(blue)|\(reset) \(String(repeating: " ", count: lead))\(red)\(String(repeating: "^", count: width))\(reset)\n"
        if let help = diagnostic.help { out += "\(gutter) \(blue)=\(reset) help: \(clip(help))\n" }
        for note in diagnostic.notes { out += "\(gutter) \(blue)=\(reset) note: \(clip(note))\n" }
        return out
    }

    /// Messages quote source text; a megabyte-long name should not fill the terminal.
    static func clip(_ text: String) -> String {
        guard text.unicodeScalars.count > 300 else { return text }
        let scalars = Array(text.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[0..<200])) + " … " + String(String.UnicodeScalarView(scalars[(scalars.count - 60)...]))
    }
}
