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
        let width: Int
        if endLine == line {
            width = max(1, endColumn - column)
        } else {
            width = max(1, text.unicodeScalars.count - column + 1)
        }
        // Tabs in the line would misplace the caret; show them as single spaces.
        let shown = String(text.unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
        out += "\(gutter) \(blue)|\(reset)\n"
        out += "\(blue)\(line) |\(reset) \(shown)\n"
        out += "\(gutter) \(blue)|\(reset) \(String(repeating: " ", count: column - 1))\(red)\(String(repeating: "^", count: width))\(reset)\n"
        if let help = diagnostic.help { out += "\(gutter) \(blue)=\(reset) help: \(help)\n" }
        for note in diagnostic.notes { out += "\(gutter) \(blue)=\(reset) note: \(note)\n" }
        return out
    }
}
