/// Terminal pictures: the stakeholder grid, bar charts and the agreement timeline. They draw
/// from the same data rows that the data formats print.
enum Pictures {
    static func draw(_ kind: PictureKind, _ data: ResultTable, today: Day, width: Int, color: Bool) -> String {
        switch kind {
        case .grid: return grid(data, width: width)
        case .chart: return chart(data, width: width, color: color)
        case .timeline: return timeline(data, today: today, width: width, color: color)
        }
    }

    // MARK: Grid

    /// Influence up, interest across: keep satisfied | manage closely over monitor | keep informed.
    static func grid(_ data: ResultTable, width: Int) -> String {
        func entry(_ quadrant: String) -> (Int, [String]) {
            guard let row = data.rows.first(where: { ValueFormatter.plain($0[0]) == quadrant }) else { return (0, []) }
            let names: [String]
            // Names are data: shown through TerminalText, so none drives the terminal.
            if case .list(let items) = row[2] { names = items.map { TerminalText.visible(ValueFormatter.plain($0)) } } else { names = [] }
            return (Int(row[1].number ?? 0), names)
        }
        // 20 columns of axis labels, then three borders around two cells.
        let cell = max(18, (width - 23) / 2)
        let lines = 6
        func block(_ title: String, _ quadrant: String) -> [String] {
            let (count, names) = entry(quadrant)
            var out = ["\(title) (\(count))"]
            var line = ""
            for name in names {
                let piece = line.isEmpty ? name : ", " + name
                if Renderer.displayWidth(line + piece) > cell - 2 {
                    out.append(line + ",")
                    line = name
                    if out.count == lines - 1 { break }
                } else {
                    line += piece
                }
            }
            if !line.isEmpty, out.count < lines { out.append(line) }
            let shown = out.dropFirst().joined(separator: " ").split(separator: ",").count
            if shown < names.count, !names.isEmpty { out[out.count - 1] = Renderer.truncate(out[out.count - 1] + " …", to: cell - 2) + "" }
            return out.map { Renderer.truncate($0, to: cell - 2) }
        }
        // Each row of quadrants is as tall as its fuller quadrant (at least two lines).
        func pair(_ left: [String], _ right: [String]) -> ([String], [String]) {
            let height = max(2, left.count, right.count)
            func fill(_ lines: [String]) -> [String] {
                (lines + Array(repeating: "", count: height - lines.count)).map { pad($0, cell - 2) }
            }
            return (fill(left), fill(right))
        }
        let (topLeft, topRight) = pair(block("KEEP SATISFIED", "keep_satisfied"), block("MANAGE CLOSELY", "manage_closely"))
        let (bottomLeft, bottomRight) = pair(block("MONITOR", "monitor"), block("KEEP INFORMED", "keep_informed"))
        let bar = String(repeating: "─", count: cell)
        var out = "          influence ▲\n"
        out += "                    ┌\(bar)┬\(bar)┐\n"
        for (index, (left, right)) in zip(topLeft, topRight).enumerated() {
            let label = index == 0 ? "     high (4–5)     " : String(repeating: " ", count: 20)
            out += "\(label)│ \(left) │ \(right) │\n"
        }
        out += "                    ├\(bar)┼\(bar)┤\n"
        for (index, (left, right)) in zip(bottomLeft, bottomRight).enumerated() {
            let label = index == 0 ? "     low (1–3)      " : String(repeating: " ", count: 20)
            out += "\(label)│ \(left) │ \(right) │\n"
        }
        out += "                    └\(bar)┴\(bar)┘\n"
        out += String(repeating: " ", count: 20) + pad(" interest 1–3", cell + 1) + pad(" interest 4–5 ▶", cell + 1) + "\n"
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - Renderer.displayWidth(text)))
    }

    // MARK: Chart

    /// One bar per label, scaled to the widest value; eighth blocks give sub-character precision.
    static func chart(_ data: ResultTable, width: Int, color: Bool) -> String {
        let labels = data.rows.map { ValueFormatter.plain($0[0]).isEmpty ? "(none)" : TerminalText.visible(ValueFormatter.plain($0[0])) }
        let values = data.rows.map { row in row[1].number.flatMap { $0.isFinite ? $0 : nil } }
        let labelWidth = min(28, labels.map(Renderer.displayWidth).max() ?? 0)
        let valueTexts = values.map { $0.map(Renderer.grouped) ?? "" }
        let valueWidth = valueTexts.map(\.count).max() ?? 0
        let barWidth = max(10, width - labelWidth - valueWidth - 4)
        let maximum = values.compactMap { $0 }.map { Swift.abs($0) }.max() ?? 0
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        let on = color ? "\u{1B}[36m" : "", off = color ? "\u{1B}[0m" : ""
        var out = "\(data.columns[1]) by \(data.columns[0])\n"
        for (index, label) in labels.enumerated() {
            let shownLabel = pad(Renderer.truncate(label, to: labelWidth), labelWidth)
            var bar = ""
            if let value = values[index], maximum > 0 {
                let units = Int((Swift.abs(value) / maximum * Double(barWidth) * 8).rounded())
                bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
                if value > 0, bar.isEmpty { bar = "▏" }
            }
            out += "\(shownLabel) │\(on)\(bar)\(off) \(valueTexts[index])\n"
        }
        if data.rows.isEmpty { out += "(no rows)\n" }
        return out
    }

    // MARK: Timeline

    /// Each agreement's term as a bar on a shared date axis; `│` marks today, `◆` the notice date.
    static func timeline(_ data: ResultTable, today: Day, width: Int, color: Bool) -> String {
        struct Term { var id: String; var starts: Day?; var ends: Day?; var notice: Day?; var status: String }
        let terms: [Term] = data.rows.map { row in
            func date(_ value: Value) -> Day? { if case .date(let d) = value { return d } else { return nil } }
            return Term(id: ValueFormatter.plain(row[0]), starts: date(row[3]), ends: date(row[4]), notice: date(row[5]),
                        status: ValueFormatter.plain(row[2]))
        }
        let dated = terms.filter { $0.starts != nil || $0.ends != nil }
        guard !dated.isEmpty else { return "(no agreements with dates)\n" }
        var low = today, high = today
        for term in dated {
            for day in [term.starts, term.ends, term.notice].compactMap({ $0 }) {
                low = min(low, day)
                high = max(high, day)
            }
        }
        let labelWidth = min(24, dated.map { Renderer.displayWidth($0.id) }.max() ?? 4)
        // Room for the label, two spaces, the axis and the "  today YYYY-MM-DD" note after it.
        let axis = max(20, width - labelWidth - 2 - 18)
        let span = max(1, high.daysSinceEpoch - low.daysSinceEpoch)
        func column(_ day: Day) -> Int { min(axis - 1, (day.daysSinceEpoch - low.daysSinceEpoch) * (axis - 1) / span) }
        let todayColumn = column(today)
        let red = color ? "\u{1B}[31m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = pad("", labelWidth) + "  " + pad(low.description, axis - 10) + high.description + "\n"
        var marker = Array(repeating: Character(" "), count: axis)
        marker[todayColumn] = "▼"
        out += pad("", labelWidth) + "  " + String(marker) + "  today \(today)\n"
        for term in dated {
            var cells = Array(repeating: Character(" "), count: axis)
            let start = term.starts.map(column) ?? 0
            let end = term.ends.map(column) ?? axis - 1
            if start <= end { for index in start...end { cells[index] = term.status == "active" ? "█" : "░" } }
            if term.starts == nil { cells[0] = "…" }
            if term.ends == nil { cells[axis - 1] = "…" }
            if let notice = term.notice { cells[column(notice)] = "◆" }
            if cells[todayColumn] == " " { cells[todayColumn] = "│" }
            var line = String(cells)
            if color, let notice = term.notice, notice <= today, let ends = term.ends, ends >= today {
                line = red + line + reset
            }
            out += pad(Renderer.truncate(term.id, to: labelWidth), labelWidth) + "  " + line + "\n"
        }
        out += pad("", labelWidth) + "  █ active  ░ other status  ◆ notice date  │ today\n"
        return out
    }
}
