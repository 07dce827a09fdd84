import Foundation

/// Renders results in the four output formats. Tables fit a terminal width; colour is the
/// caller's decision (TTY and no `NO_COLOR`).
public struct Renderer {
    public var format: OutputFormat
    public var width: Int
    public var color: Bool
    /// Box-drawn tables show at most this many rows, the first and the last ones (0: all).
    public var maxRows: Int

    public init(format: OutputFormat, width: Int = 100, color: Bool = false, maxRows: Int = 0) {
        self.format = format
        self.width = max(40, width)
        self.color = color
        self.maxRows = max(0, maxRows)
    }

    /// The text for one result, ending with a newline.
    public func render(_ result: QueryResult) -> String {
        switch result {
        case .text(let text):
            return text.hasSuffix("\n") ? text : text + "\n"
        case .scalar(let value):
            switch format {
            case .json: return ValueFormatter.json(value) + "\n"
            case .table: return TerminalText.visible(tableScalar(value)) + "\n"
            default: return ValueFormatter.plain(value) + "\n"
            }
        case .line(let text):
            return line(text)
        case .table(let table):
            return render(table)
        case .picture(let kind, let data, let today):
            guard format == .table else { return render(data) }
            return Pictures.draw(kind, data, today: today, width: width, color: color)
        }
    }

    func render(_ table: ResultTable) -> String {
        switch format {
        case .json: return json(table)
        case .csv: return csv(table)
        case .markdown: return markdown(table)
        case .table: return box(table)
        }
    }

    /// `print`: a plain line in table mode (control characters shown as their pictures, so
    /// text from data never drives the terminal), a paragraph in markdown (blank lines around
    /// it, or it would join a table next to it), a JSON string, one CSV cell.
    func line(_ text: String) -> String {
        switch format {
        case .table:
            // Its own line breaks stay line breaks; every other control is shown (TerminalText).
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.visible(String($0)) }
                .joined(separator: "\n") + "\n"
        case .markdown: return "\n" + text + "\n\n"
        case .json: return ValueFormatter.json(.string(text)) + "\n"
        case .csv: return Self.csvCell(.string(text)) + "\r\n"
        }
    }

    private func tableScalar(_ value: Value) -> String {
        if case .number(let n) = value { return Renderer.grouped(n) }
        return ValueFormatter.plain(value)
    }

    // MARK: JSON

    func json(_ table: ResultTable) -> String {
        var out = ValueFormatter.JSONText(capacity: 32 + table.rows.count * table.columns.count * 24)
        out.append("[")
        for (index, row) in table.rows.enumerated() {
            if index > 0 { out.append(",\n ") }
            out.append("{")
            for (position, pair) in zip(table.columns, row).enumerated() {
                if position > 0 { out.append(", ") }
                ValueFormatter.writeJSONString(pair.0, into: &out)
                out.append(": ")
                ValueFormatter.writeJSON(pair.1, into: &out)
            }
            out.append("}")
        }
        out.append("]\n")
        return out.string
    }

    // MARK: CSV (RFC 4180, formula-safe)

    /// One RFC 4180 cell. Text a spreadsheet might run as a formula (`= + - @`, tab, CR at the
    /// start, after any apostrophes) gets a leading `'`, which `import` removes again. An empty
    /// string is written `""`, so that it reads back as text, not as the default (null).
    public static func csvCell(_ value: Value) -> String {
        var text = ValueFormatter.plain(value)
        if case .number = value {} else if startsLikeFormula(text) { text = "'" + text }
        if case .string("") = value { return "\"\"" }
        if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
            || text.hasPrefix(" ") || text.hasSuffix(" ") {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// `=x`, `'=x`, `''+x`: text whose first character after any apostrophes could start a formula.
    public static func startsLikeFormula(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.drop { $0 == "'" }
        guard let first = scalars.first else { return false }
        return "=+-@\t\r".unicodeScalars.contains(first)
    }

    func csv(_ table: ResultTable) -> String {
        table.rows.reduce(into: Self.csvLine(table.columns.map(Value.string))) { $0 += Self.csvLine($1) }
    }

    /// The CSV text of rows produced one at a time, in pieces of about `chunkSize` bytes, so
    /// that a large export is written as it is evaluated instead of held whole.
    static func csv(columns: [String], rows: RowStream, chunkSize: Int,
                    _ emit: (String) throws -> Void) throws {
        var out = csvLine(columns.map(Value.string))
        try withoutActuallyEscaping(emit) { emit in
            try rows { row in
                out += csvLine(row)
                if out.utf8.count >= chunkSize {
                    try emit(out)
                    out = ""
                }
            }
            try emit(out)
        }
    }

    static func csvLine(_ row: [Value]) -> String {
        row.map(Renderer.csvCell).joined(separator: ",") + "\r\n"
    }

    // MARK: Markdown

    private static let markdownSpecial: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~"]

    func markdown(_ table: ResultTable) -> String {
        // The characters that open inline Markdown (emphasis, code, links, HTML, entities,
        // strikethrough) and the cell separator are escaped (GFM: a backslash before ASCII
        // punctuation makes it literal), so `*x*`, backticks, `<b>`, `[a](b)`, `&amp;` and `|`
        // read back as written; a line break (LF, CR or CRLF) is `<br>`, since a row is one line.
        func cell(_ text: String) -> String {
            var out = ""
            var previous: Unicode.Scalar = " "
            for scalar in text.unicodeScalars {
                defer { previous = scalar }
                if scalar == "\n", previous == "\r" { continue }
                if scalar == "\n" || scalar == "\r" { out += "<br>"; continue }
                if Self.markdownSpecial.contains(scalar) { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            return out
        }
        var out = "| " + table.columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + table.columns.indices.map { index in
            isNumeric(table, index) ? " ---: |" : " --- |"
        }.joined() + "\n"
        for row in table.rows {
            out += "| " + row.map { cell(ValueFormatter.plain($0)) }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    // MARK: Box-drawn table


    static func grouped(_ n: Double) -> String {
        // Tables show at most four decimals, rounded; JSON and CSV keep full precision.
        var shown = abs(n) < 1e14 ? (n * 10000).rounded() / 10000 : n
        if shown == 0 { shown = 0 }
        let text = ValueFormatter.number(shown)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = String(parts[0])
        var groups: [String] = []
        while integer.count > 3 {
            groups.insert(String(integer.suffix(3)), at: 0)
            integer.removeLast(3)
        }
        groups.insert(integer, at: 0)
        var result = groups.joined(separator: ",")
        if parts.count > 1 {
            var fraction = String(parts[1].prefix(4))
            while fraction.hasSuffix("0") { fraction.removeLast() }
            if !fraction.isEmpty { result += "." + fraction }
        }
        return (negative ? "-" : "") + result
    }

    func isNumeric(_ table: ResultTable, _ column: Int) -> Bool {
        var sawNumber = false
        for row in table.rows {
            switch row[column] {
            case .number: sawNumber = true
            case .null: continue
            default: return false
            }
        }
        return sawNumber
    }

    func box(_ table: ResultTable) -> String {
        let numeric = table.columns.indices.map { isNumeric(table, $0) }
        // Over maxRows, the first and the last rows with one row of `…` between them.
        let elided = maxRows > 0 && table.rows.count > maxRows
        let head = elided ? (maxRows + 1) / 2 : table.rows.count
        let shown = elided ? Array(table.rows.prefix(head)) + Array(table.rows.suffix(maxRows / 2)) : table.rows
        var cells: [[String]] = shown.map { row in
            row.enumerated().map { column, value in
                if case .number(let n) = value { return Renderer.grouped(n) }
                return TerminalText.visible(ValueFormatter.plain(value))
            }
        }
        var widths = table.columns.map { Renderer.displayWidth(TerminalText.visible($0)) }
        for row in cells {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], Renderer.displayWidth(text)) }
        }
        // Fit the terminal: shrink the widest text columns first, never below 6 characters.
        let overhead = 3 * widths.count + 1
        while widths.reduce(0, +) + overhead > width {
            guard let widest = widths.indices.filter({ !numeric[$0] && widths[$0] > 6 }).max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        cells = cells.map { row in row.enumerated().map { Renderer.truncate($0.element, to: widths[$0.offset]) } }
        let headers = table.columns.enumerated().map { Renderer.truncate(TerminalText.visible($0.element), to: widths[$0.offset]) }
        let bold = color ? "\u{1B}[1m" : "", dim = color ? "\u{1B}[2m" : "", reset = color ? "\u{1B}[0m" : ""
        func line(_ left: String, _ middle: String, _ right: String) -> String {
            dim + left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + reset + "\n"
        }
        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let padding = String(repeating: " ", count: max(0, width - Renderer.displayWidth(text)))
            return right ? padding + text : text + padding
        }
        var out = line("┌", "┬", "┐")
        out += dim + "│" + reset + headers.enumerated().map { " " + bold + pad($0.element, widths[$0.offset], right: numeric[$0.offset]) + reset + " " }
            .joined(separator: dim + "│" + reset) + dim + "│" + reset + "\n"
        out += line("├", "┼", "┤")
        for (index, row) in cells.enumerated() {
            if elided && index == head {
                out += dim + "│" + reset + widths.map { " " + pad("…", $0, right: false) + " " }.joined(separator: dim + "│" + reset)
                    + dim + "│" + reset + "\n"
            }
            out += dim + "│" + reset + row.enumerated().map { " " + pad($0.element, widths[$0.offset], right: numeric[$0.offset]) + " " }
                .joined(separator: dim + "│" + reset) + dim + "│" + reset + "\n"
        }
        out += line("└", "┴", "┘")
        let count = table.rows.count
        if elided {
            out += dim + "(\(Renderer.grouped(Double(count))) rows, \(count - shown.count) left out: `.last` shows them all)" + reset + "\n"
        } else {
            out += dim + "(\(count) row\(count == 1 ? "" : "s"))" + reset + "\n"
        }
        return out
    }

    static func displayWidth(_ text: String) -> Int { TerminalText.width(text) }

    static func truncate(_ text: String, to width: Int) -> String { TerminalText.truncate(text, to: width) }
}
