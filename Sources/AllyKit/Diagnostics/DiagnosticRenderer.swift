/// Turns diagnostics into the text analysts read: `error[CODE]: message`, the location,
/// the source line with a caret under the span, then help and notes.
public enum DiagnosticRenderer {
    public static func render(_ diagnostic: Diagnostic, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", blue = color ? "\u{1B}[1;34m" : "", bold = color ? "\u{1B}[1m" : ""
        let reset = color ? "\u{1B}[0m" : ""
        var out = "\(red)\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]\(reset)\(bold): \(diagnostic.message)\(reset)\n"
        guard let file = diagnostic.file else {
            if let help = diagnostic.help { out += "  = help: \(help)\n" }
            for note in diagnostic.notes { out += "  = note: \(note)\n" }
            return out
        }
        let (line, column) = file.location(of: diagnostic.range.lower)
        let gutter = String(repeating: " ", count: String(line).count)
        out += "\(gutter)\(blue)-->\(reset) \(file.name):\(line):\(column)\n"
        let text = file.lineText(line)
        let (endLine, endColumn) = file.location(of: max(diagnostic.range.lower, diagnostic.range.upper))
        // Tabs in the line would misplace the caret; show them as single spaces. The caret is
        // placed by screen columns, so wide characters (CJK, emoji) before it count as two.
        let scalars = Array(text.unicodeScalars.map { $0 == "\t" ? " " : $0 })
        let shown = String(String.UnicodeScalarView(scalars))
        func screenWidth(_ range: Range<Int>) -> Int {
            let clamped = max(0, min(range.lowerBound, scalars.count))..<max(0, min(range.upperBound, scalars.count))
            return Renderer.displayWidth(String(String.UnicodeScalarView(scalars[clamped])))
        }
        let lead = screenWidth(0..<(column - 1))
        let spanEnd = endLine == line ? endColumn - 1 : scalars.count
        let width = max(1, screenWidth((column - 1)..<spanEnd))
        out += "\(gutter) \(blue)|\(reset)\n"
        out += "\(blue)\(line) |\(reset) \(shown)\n"
        out += "\(gutter) \(blue)|\(reset) \(String(repeating: " ", count: lead))\(red)\(String(repeating: "^", count: width))\(reset)\n"
        if let help = diagnostic.help { out += "\(gutter) \(blue)=\(reset) help: \(help)\n" }
        for note in diagnostic.notes { out += "\(gutter) \(blue)=\(reset) note: \(note)\n" }
        return out
    }
}
