/// Shell settings and help: `.help`, `.schema`, `.format`, `.timer`, `.maxrows`, `.last`,
/// `.today`, `.weights`, `.history`, `.output`, `.once`, `.set`, `.params`, `.quit`. Valid in
/// scripts too.
enum DotCommands {
    static let names = ["help", "schema", "format", "timer", "maxrows", "last", "today", "weights", "history", "output", "once",
                        "set", "params", "quit", "exit"]

    static func run(name: Name, arguments: String, session: Session, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        let words = arguments.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func fail(_ message: String, help: String? = nil) -> Diagnostic {
            Diagnostic(.usage, message, at: name.range, in: file, help: help)
        }
        switch name.text {
        case "help":
            sink.emit(.text(Help.text(for: words.first)))
        case "schema":
            if let word = words.first {
                guard let type = EntityType(rawValue: word) ?? EntityType(plural: word) else {
                    throw fail("`\(word)` is not an entity type", help: "use partner, agreement or stakeholder")
                }
                sink.emit(.table(schema(type)))
            } else {
                for type in EntityType.allCases { sink.emit(.table(schema(type))) }
            }
        case "format":
            guard let word = words.first else {
                sink.emit(.text("format: \(session.settings.format.rawValue)"))
                return .success
            }
            guard let format = OutputFormat(rawValue: word) else {
                throw fail("unknown format `\(word)`", help: Suggestions.help(for: word, in: OutputFormat.allCases.map(\.rawValue))
                            ?? "formats: table, csv, json, markdown")
            }
            session.settings.format = format
        case "timer":
            switch words.first {
            case "on": session.settings.timer = true
            case "off": session.settings.timer = false
            case nil: sink.emit(.text("timer: \(session.settings.timer ? "on" : "off")"))
            default: throw fail("`.timer` takes on or off")
            }
        case "maxrows":
            guard let word = words.first else {
                sink.emit(.text("maxrows: \(session.settings.maxRows == 0 ? "off" : String(session.settings.maxRows))"))
                return .success
            }
            guard let rows = Int(word), rows >= 0, rows <= 1_000_000 else {
                throw fail("`.maxrows` takes a number of rows from 0 to 1000000", help: "`.maxrows 0` shows every row")
            }
            session.settings.maxRows = rows
        case "last":
            guard sink.showLastResult() else { throw fail("there is no earlier result to show") }
        case "today":
            guard let word = words.first else {
                sink.emit(.scalar(.date(session.settings.today)))
                return .success
            }
            guard let day = Day(iso: word) else { throw fail("`\(word)` is not a date", help: "write it as YYYY-MM-DD") }
            session.settings.today = day
        case "weights":
            try weights(words, session: session, sink: sink, fail: fail)
        case "history":
            sink.emit(.text(history(session.historyProvider?() ?? [], count: words.first.flatMap { Int($0) } ?? 20)))
        case "output", "once":
            try session.redirectOutput(name, arguments: arguments, file: file)
        case "set":
            try session.setParameter(words, name: name, file: file)
        case "params":
            sink.emit(.table(session.parameterTable()))
        case "quit", "exit":
            return .quit
        default:
            throw fail("unknown command `.\(name.text)`",
                       help: Suggestions.closest(to: name.text, in: names).map { "did you mean `.\($0)`?" }
                        ?? "commands: " + names.map { "." + $0 }.joined(separator: " "))
        }
        return .success
    }

    /// `.weights` shows them; `.weights DIM=W ... | reset` sets them, all or none.
    static func weights(_ words: [String], session: Session, sink: OutputSink, fail: (String, String?) -> Diagnostic) throws {
        if words.isEmpty {
            let rows = zip(FitScores.dimensions, session.settings.weights).map { [Value.string($0.0), .number($0.1)] }
            sink.emit(.table(ResultTable(columns: ["dimension", "weight"], rows: rows)))
            return
        }
        var weights = session.settings.weights
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 1, parts[0] == "reset" {
                weights = Array(repeating: 1, count: FitScores.dimensions.count)
                continue
            }
            guard parts.count == 2, let index = FitScores.dimensions.firstIndex(of: parts[0]) else {
                throw fail("`\(word)` is not DIMENSION=WEIGHT", Suggestions.help(for: parts[0], in: FitScores.dimensions)
                            ?? "dimensions: \(FitScores.dimensions.joined(separator: " "))")
            }
            guard let weight = Double(parts[1]), weight >= 0, weight <= 1e6 else {
                throw fail("the weight of \(parts[0]) must be a number from 0 to 1000000", nil)
            }
            weights[index] = weight
        }
        session.settings.weights = weights
    }

    /// `.history [N]`: the last N entries, numbered as the shell numbers them.
    static func history(_ entries: [String], count: Int) -> String {
        let shown = entries.suffix(max(0, count))
        let start = entries.count - shown.count + 1
        let lines = shown.enumerated().map { "\(String(start + $0.offset).leftPadded(5))  \($0.element.replacingNewlines())" }
        return lines.isEmpty ? "(no history)" : lines.joined(separator: "\n")
    }

    static func schema(_ type: EntityType) -> ResultTable {
        let rows: [[Value]] = FieldCatalog.fields(of: type).map { field in
            [.string(field.name), .string(field.type.description), .string(field.isStored ? field.defaultText : ""),
             .string(field.isStored ? "stored" : "computed"), .string(field.summary)]
        }
        return ResultTable(columns: ["\(type.rawValue) field", "type", "default", "kind", "meaning"], rows: rows)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func replacingNewlines() -> String { split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n       ") }
}
