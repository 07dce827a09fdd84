import Foundation

/// The answers to the editor's questions about one document, in LSP's JSON shapes.
struct LanguageFeatures {
    let index: DocumentIndex
    let uri: String

    func range(_ range: SourceRange) -> [String: Any] {
        let start = index.position(of: range.lower), end = index.position(of: range.upper)
        return ["start": ["line": start.line, "character": start.character], "end": ["line": end.line, "character": end.character]]
    }

    func location(_ range: SourceRange, in file: SourceFile? = nil) -> [String: Any] {
        if let file, file !== index.file {
            let other = DocumentIndex(file: file, loadDepth: 0)
            return ["uri": URL(fileURLWithPath: file.name).absoluteString, "range": LanguageFeatures(index: other, uri: "").range(range)]
        }
        return ["uri": uri, "range": self.range(range)]
    }

    /// A checker diagnostic: its code, span and message, with its help and notes as related information.
    func diagnostic(_ diagnostic: Diagnostic) -> [String: Any] {
        let span = diagnostic.file === index.file || diagnostic.file == nil ? diagnostic.range : SourceRange(0, 0)
        var related: [[String: Any]] = []
        for text in [diagnostic.help].compactMap({ $0 }) + diagnostic.notes {
            related.append(["location": location(span), "message": text])
        }
        var result: [String: Any] = ["range": range(span), "severity": diagnostic.severity == .error ? 1 : 2,
                                     "code": diagnostic.code.rawValue, "source": "ally", "message": diagnostic.message]
        if !related.isEmpty { result["relatedInformation"] = related }
        return result
    }

    private func word(at offset: Int) -> (text: String, range: SourceRange)? {
        guard let token = index.token(at: offset), token.kind == .identifier else { return nil }
        return (index.text(token.range), token.range)
    }

    // MARK: Completion

    /// The shell's completer on the statement so far, plus the names this file and the files
    /// it loads define (the completer knows only what a session holds).
    func completion(at offset: Int) -> [[String: Any]] {
        let start = index.statementStart(before: offset)
        let statement = String(decoding: index.file.bytes[start..<offset], as: UTF8.self)
        let completer = Completer(session: Session(settings: Settings(today: Day(daysSinceEpoch: 0))))
        let completions = completer.complete(statement, cursor: statement.utf8.count)
        let typed = String(statement.utf8.suffix(statement.utf8.count - completions.wordStart)) ?? ""
        var seen = Set<String>()
        var items: [[String: Any]] = []
        for candidate in completions.candidates where seen.insert(candidate).inserted {
            items.append(["label": candidate, "kind": 14])
        }
        if !completions.isFileName && !typed.isEmpty {
            for definition in index.definitions where definition.name.hasPrefix(typed) && seen.insert(definition.name).inserted {
                items.append(["label": definition.name, "kind": 6, "detail": definition.kind.rawValue])
            }
        }
        return items
    }

    // MARK: Hover

    func hover(at offset: Int) -> [String: Any]? {
        guard let (name, range) = word(at: offset) else { return nil }
        var lines: [String] = []
        if let definition = index.definition(named: name) {
            let source = definition.file
            let text = String(decoding: source.bytes[definition.range.lower..<min(definition.range.upper, definition.range.lower + 400)], as: UTF8.self)
            let (line, _) = source.location(of: definition.nameRange.lower)
            let place = source === index.file ? "line \(line)" : "\((source.name as NSString).lastPathComponent):\(line)"
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
        guard !lines.isEmpty else { return nil }
        return ["contents": ["kind": "markdown", "value": lines.joined(separator: "\n\n")], "range": self.range(range)]
    }

    // MARK: Definitions, references, symbols

    func definition(at offset: Int) -> [String: Any]? {
        guard let (name, _) = word(at: offset), let definition = index.definition(named: name) else { return nil }
        return location(definition.nameRange, in: definition.file)
    }

    func references(at offset: Int) -> [[String: Any]] {
        guard let (name, _) = word(at: offset), index.definition(named: name) != nil else { return [] }
        return index.references(to: name).map { location($0) }
    }

    func symbols() -> [[String: Any]] {
        let kinds: [DocumentIndex.DefinitionKind: Int] = [.partner: 5, .agreement: 23, .stakeholder: 19, .scenario: 3,
                                                          .metric: 12, .letBinding: 13, .trigger: 24]
        return index.definitions.filter { $0.file === index.file }.map { definition in
            ["name": definition.name, "detail": definition.kind.rawValue, "kind": kinds[definition.kind] ?? 13,
             "range": range(definition.range), "selectionRange": range(definition.nameRange)]
        }
    }

    // MARK: Formatting

    /// One edit replacing the whole text, or nil (no edit) when the file has a syntax error.
    func formatting() -> [[String: Any]]? {
        guard case .success(let text) = Formatter.format(index.file) else { return nil }
        if index.file.bytes.elementsEqual(text.utf8) { return [] }
        return [["range": range(SourceRange(0, index.file.bytes.count)), "newText": text]]
    }
}
