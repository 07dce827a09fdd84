import Foundation

/// Writes ranges, locations and diagnostics of one document in LSP's JSON shapes: what the
/// diagnostics need, before the document's index exists.
struct LocationWriter {
    let file: SourceFile
    let lines: LineTable
    let uri: String

    func write(_ range: SourceRange, into json: inout JSONWriter, lines: LineTable? = nil) {
        let lines = lines ?? self.lines
        let start = lines.position(of: range.lower), end = lines.position(of: range.upper)
        json.object { json in
            json.field("start") { json in json.object { $0.field("line", start.line); $0.field("character", start.character) } }
            json.field("end") { json in json.object { $0.field("line", end.line); $0.field("character", end.character) } }
        }
    }

    func writeLocation(_ range: SourceRange, in other: SourceFile? = nil, into json: inout JSONWriter) {
        if let other, other !== file {
            json.object { json in
                json.field("uri", URL(fileURLWithPath: other.name).absoluteString)
                json.field("range") { write(range, into: &$0, lines: LineTable(other)) }
            }
            return
        }
        json.object { json in
            json.field("uri", uri)
            json.field("range") { write(range, into: &$0) }
        }
    }

    /// A checker diagnostic: its code, span and message, with its help and notes as related information.
    func write(_ diagnostic: Diagnostic, into json: inout JSONWriter) {
        let span = diagnostic.file === file || diagnostic.file == nil ? diagnostic.range : SourceRange(0, 0)
        let related = [diagnostic.help].compactMap { $0 } + diagnostic.notes
        json.object { json in
            json.field("range") { write(span, into: &$0) }
            json.field("severity", diagnostic.severity == .error ? 1 : 2)
            json.field("code", diagnostic.code.rawValue)
            json.field("source", "ally")
            json.field("message", diagnostic.message)
            guard !related.isEmpty else { return }
            json.field("relatedInformation") { json in
                json.array { json in
                    for text in related {
                        json.object { json in
                            json.field("location") { writeLocation(span, into: &$0) }
                            json.field("message", text)
                        }
                    }
                }
            }
        }
    }
}

/// The answers to the editor's questions about one document, written in LSP's JSON shapes
/// straight into the reply.
struct LanguageFeatures {
    let index: DocumentIndex
    let locations: LocationWriter
    var file: SourceFile { index.file }
    var lines: LineTable { locations.lines }

    func write(_ range: SourceRange, into json: inout JSONWriter) { locations.write(range, into: &json) }

    private func word(at offset: Int) -> (text: String, range: SourceRange)? {
        guard let token = index.token(at: offset), token.kind == .identifier else { return nil }
        return (index.text(token.range), token.range)
    }

    // MARK: Completion

    /// The shell's completer on the statement so far, plus the names this file and the files
    /// it loads define (the completer knows only what a session holds).
    func completion(at offset: Int, into json: inout JSONWriter) {
        let start = index.statementStart(before: offset)
        let statement = String(decoding: file.bytes[start..<offset], as: UTF8.self)
        let completer = Completer(session: Session(settings: Settings(today: Day(daysSinceEpoch: 0))))
        let completions = completer.complete(statement, cursor: statement.utf8.count)
        let typed = String(statement.utf8.suffix(statement.utf8.count - completions.wordStart)) ?? ""
        var seen = Set<String>()
        json.array { json in
            for candidate in completions.candidates where seen.insert(candidate).inserted {
                json.object { $0.field("label", candidate); $0.field("kind", 14) }
            }
            guard !completions.isFileName && !typed.isEmpty else { return }
            for definition in index.definitions where definition.name.hasPrefix(typed) && seen.insert(definition.name).inserted {
                json.object { $0.field("label", definition.name); $0.field("kind", 6); $0.field("detail", definition.kind.rawValue) }
            }
        }
    }

    // MARK: Hover

    func hover(at offset: Int, into json: inout JSONWriter) {
        guard let (name, range) = word(at: offset) else { return json.null() }
        var lines: [String] = []
        if let definition = index.definition(named: name) {
            let source = definition.file
            let text = String(decoding: source.bytes[definition.range.lower..<min(definition.range.upper, definition.range.lower + 400)], as: UTF8.self)
            let (line, _) = source.location(of: definition.nameRange.lower)
            let place = source === file ? "line \(line)" : "\((source.name as NSString).lastPathComponent):\(line)"
            lines.append("\(definition.kind.rawValue) `\(name)` (\(place))\n```ally\n\(text)\n```")
        }
        for type in EntityType.allCases {
            guard let field = FieldCatalog.field(name, of: type) else { continue }
            var text = "\(type.rawValue).\(field.name): \(field.type.description)"
            if !field.defaultText.isEmpty { text += ", default \(field.defaultText)" }
            text += " — \(field.summary)"
            if case .enumeration(let values) = field.type { text += "\n\ncases: " + values.cases.joined(separator: ", ") }
            lines.append(text)
        }
        for values in EnumType.allCases where values.cases.contains(name) {
            lines.append("`\(name)`: a \(values.rawValue) (\(values.cases.joined(separator: ", ")))")
        }
        guard !lines.isEmpty else { return json.null() }
        json.object { json in
            json.field("contents") { json in json.object { $0.field("kind", "markdown"); $0.field("value", lines.joined(separator: "\n\n")) } }
            json.field("range") { write(range, into: &$0) }
        }
    }

    // MARK: Definitions, references, symbols

    func definition(at offset: Int, into json: inout JSONWriter) {
        guard let (name, _) = word(at: offset), let definition = index.definition(named: name) else { return json.null() }
        locations.writeLocation(definition.nameRange, in: definition.file, into: &json)
    }

    func references(at offset: Int, into json: inout JSONWriter) {
        let found = word(at: offset).flatMap { index.definition(named: $0.text) != nil ? index.references(to: $0.text) : nil } ?? []
        json.array { json in
            for range in found { locations.writeLocation(range, into: &json) }
        }
    }

    static let symbolKinds: [DocumentIndex.DefinitionKind: Int] = [.partner: 5, .agreement: 23, .stakeholder: 19, .scenario: 3,
                                                                   .metric: 12, .letBinding: 13, .trigger: 24]

    func symbols(into json: inout JSONWriter) {
        json.array { json in
            for definition in index.definitions where definition.file === file {
                json.object { json in
                    json.field("name", definition.name)
                    json.field("detail", definition.kind.rawValue)
                    json.field("kind", Self.symbolKinds[definition.kind] ?? 13)
                    json.field("range") { write(definition.range, into: &$0) }
                    json.field("selectionRange") { write(definition.nameRange, into: &$0) }
                }
            }
        }
    }

    // MARK: Formatting

    /// One edit replacing the whole text, none when it is formatted, or null (no edit) when
    /// the file has a syntax error. `parses` is the check's verdict on open or change.
    func formatting(parses: Bool, into json: inout JSONWriter) {
        guard parses, case .success(let text) = Formatter.format(file, knownToParse: true) else { return json.null() }
        var formatted = text
        let unchanged = formatted.withUTF8 { bytes in
            bytes.count == file.bytes.count && (bytes.isEmpty || memcmp(bytes.baseAddress!, file.bytes.baseAddress!, bytes.count) == 0)
        }
        json.array { json in
            guard !unchanged else { return }
            json.object { json in
                json.field("range") { write(SourceRange(0, file.bytes.count), into: &$0) }
                json.field("newText", text)
            }
        }
    }
}
