import Foundation

/// Tab completion from the live session: what can come next at the cursor, by context
/// (CLI.md): statement keywords, stages after `|`, fields of the entity type in scope, enum
/// cases after `field ==`, ids after `partner`/`from`/`to`, scenario names, metric names, dot-
/// commands and their arguments, and file names inside the string of `load`/`save`/`import`/
/// `export`. There is never a file-name fallback anywhere else.
public struct Completer {
    public let session: Session

    public init(session: Session) { self.session = session }

    /// What to offer: where the word being completed starts (a byte offset into `text`), the
    /// candidates, and whether they are file names (no space is appended after a folder).
    public struct Completions: Equatable {
        public var wordStart: Int
        public var candidates: [String]
        public var isFileName: Bool
    }

    public static let statementKeywords = ["partners", "agreements", "stakeholders", "partner", "agreement", "stakeholder",
                                           "let", "metric", "trigger", "update", "remove", "add", "scenario", "use", "drop",
                                           "diff", "compare", "load", "save", "import", "export", "renewals", "path",
                                           "triggers", "scenarios", "param", "print", "assert", "refresh",
                                           "log", "undo", "redo", "merge"]
                                           + whatIfKeywords
    static let whatIfKeywords = ["sweep", "exits", "simulate"]
    /// Most candidates a list may hold; ids of a 100,000-partner portfolio are cut here.
    static let limit = 500

    /// Candidates for the word that ends at `cursor` (a UTF-8 offset) in `text`, which holds the
    /// whole statement typed so far (earlier lines of a multi-line statement included).
    public func complete(_ text: String, cursor: Int) -> Completions {
        let bytes = Array(text.utf8.prefix(cursor))
        // Inside a string: file names, only after load/save/import/export.
        if let quote = openQuote(bytes) {
            let before = Array(bytes[..<quote])
            let words = wordsBefore(before)
            let fileStatements = ["load", "save", "import", "export", "refresh"]
            let fileStatement = fileStatements.contains(words.first ?? "")
                || words.suffix(2).first == "to" || words.last == "to" || words.last == "from"
            let redirects = Self.isOutputCommand(before)
            guard redirects || fileStatement && fileStatements.contains(statementWords(before).first ?? "") else {
                return Completions(wordStart: cursor, candidates: [], isFileName: false)
            }
            let partial = String(decoding: bytes[(quote + 1)...], as: UTF8.self)
            return Completions(wordStart: quote + 1, candidates: fileNames(partial), isFileName: true)
        }
        var start = bytes.count
        while start > 0, Lexer.isIdentifierContinue(bytes[start - 1]) { start -= 1 }
        let word = String(decoding: bytes[start...], as: UTF8.self)
        let before = Array(bytes[..<start])
        let candidates = candidatesFor(before: before, word: word)
        let filtered = Completer.matching(word, in: candidates)
        return Completions(wordStart: start, candidates: filtered, isFileName: false)
    }

    static func matching(_ word: String, in candidates: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for candidate in candidates where candidate.hasPrefix(word) && seen.insert(candidate).inserted {
            out.append(candidate)
            if out.count >= limit { break }
        }
        return out
    }

    // MARK: Context

    private func openQuote(_ bytes: [UInt8]) -> Int? {
        var open: Int?
        var index = 0
        var inComment = false
        while index < bytes.count {
            let byte = bytes[index]
            if inComment { if byte == 0x0A { inComment = false }; index += 1; continue }
            if open != nil {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") || byte == 0x0A { open = nil }
            } else if byte == UInt8(ascii: "\"") {
                open = index
            } else if byte == UInt8(ascii: "#") {
                inComment = true
            }
            index += 1
        }
        return open
    }

    /// The words of the current statement (after the last `;`, newline at depth 0, or `{`).
    private func statementWords(_ bytes: [UInt8]) -> [String] {
        let tokens = currentStatementTokens(bytes)
        return tokens.filter { $0.kind == .identifier }.map { String(decoding: bytes[$0.range.lower..<$0.range.upper], as: UTF8.self) }
    }

    private func wordsBefore(_ bytes: [UInt8]) -> [String] { statementWords(bytes) }

    private func currentStatementTokens(_ bytes: [UInt8]) -> [Token] {
        let file = SourceFile(name: "<completion>", bytes: bytes)
        let tokens = Lexer.tokenize(file).tokens.filter { $0.kind != .endOfFile }
        var start = 0
        for (index, token) in tokens.enumerated() where token.kind == .newline || token.kind == .semicolon {
            start = index + 1
        }
        // A statement inside a scenario block starts after its `{` (a definition's `{` does not).
        var depth = 0
        for index in stride(from: tokens.count - 1, through: start, by: -1) {
            switch tokens[index].kind {
            case .rightBrace: depth += 1
            case .leftBrace:
                if depth == 0 {
                    func word(_ back: Int) -> String? {
                        guard index >= back, tokens[index - back].kind == .identifier else { return nil }
                        return String(decoding: bytes[tokens[index - back].range.lower..<tokens[index - back].range.upper], as: UTF8.self)
                    }
                    // `scenario NAME {` or `scenario NAME from PARENT {`.
                    if word(2) == "scenario" || (word(2) == "from" && word(4) == "scenario") {
                        return Array(tokens[(index + 1)...])
                    }
                    // `sweep x in [...] {` and `simulate N [seed S] {`: a block of statements.
                    if index >= 1, [.rightBracket, .number].contains(tokens[index - 1].kind) {
                        return Array(tokens[(index + 1)...])
                    }
                }
                depth -= 1
            default: break
            }
        }
        return Array(tokens[start...])
    }

    private func candidatesFor(before bytes: [UInt8], word: String) -> [String] {
        let tokens = currentStatementTokens(bytes)
        func text(_ token: Token) -> String { String(decoding: bytes[token.range.lower..<token.range.upper], as: UTF8.self) }
        guard let last = tokens.last else {
            // Start of a statement, or a dot-command.
            if bytes.last == UInt8(ascii: ".") { return DotCommands.names }
            return Completer.statementKeywords + session.bindingNames
        }
        // Dot-commands and their arguments.
        if tokens.first?.kind == .dotCommand {
            return dotCommandCandidates(text(tokens[0]))
        }
        if last.kind == .dot, bytes.last == UInt8(ascii: "."), tokens.count == 1 { return DotCommands.names }
        let words = tokens.map { $0.kind == .identifier ? text($0) : "" }
        let first = words.first ?? ""
        let lastWord = last.kind == .identifier ? text(last) : ""

        // `centrality exact`, `centrality sample N seed S`.
        if lastWord == "centrality", tokens.count >= 2, tokens[tokens.count - 2].kind == .pipe { return ["exact", "sample"] }
        if last.kind == .number, tokens.count >= 2, words[tokens.count - 2] == "sample" { return ["seed"] }

        if let whatIf = whatIfCandidates(tokens, words: words, lastWord: lastWord) { return whatIf }

        if let named = statementWordCandidates(words: words, lastWord: lastWord, word: word) { return named }
        // Ids after an entity name or path's from/to.
        if last.kind == .identifier {
            if let type = EntityType(rawValue: lastWord), tokens.count == 1 || [.pipe].contains(tokens[tokens.count - 2].kind) || tokens.count >= 1 {
                if tokens.count == 1 || words.dropLast().last == "update" || words.dropLast().last == "remove"
                    || words.dropLast().last == "export" || words.dropLast().last == "let" || tokens[tokens.count - 2].kind == .assign {
                    return ids(type, word)
                }
            }
            if (lastWord == "from" || lastWord == "to"), words.contains("path") { return ids(.partner, word) + ids(.stakeholder, word) }
            if lastWord == "path" { return ["from"] }
        }
        // After `|`: the stages that take the rows in scope.
        if last.kind == .pipe { return StageTable.names(after: scopeType(Array(tokens.dropLast()), bytes: bytes).entity) }
        // Statement start words after `update`/`remove`/`export`/`let X =`/`metric X =`: sources.
        if ["update", "remove", "export"].contains(lastWord) && tokens.count == 1 || last.kind == .assign && ["let", "metric"].contains(first) {
            return ["partners", "agreements", "stakeholders", "partner", "agreement", "stakeholder", "renewals", "path",
                    "triggers", "scenarios"] + session.bindingNames
        }
        // Inside a stage: fields, enum cases after a comparison.
        let scope = scopeType(tokens, bytes: bytes)
        if [.equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual].contains(last.kind)
            || (last.kind == .identifier && lastWord == "in") || last.kind == .leftBracket || last.kind == .comma {
            if let enumType = comparedEnum(tokens, bytes: bytes, scope: scope) { return enumType.cases }
            if let entityType = comparedReference(tokens, bytes: bytes, scope: scope) { return ids(entityType, word) }
        }
        if last.kind == .dot, tokens.count >= 2, tokens[tokens.count - 2].kind == .identifier {
            let base = text(tokens[tokens.count - 2])
            if base == "fit" { return FitScores.dimensions }
            if let type = scope.entity, let field = FieldCatalog.field(base, of: type), case .reference(let target)? = field.resultType ?? field.type as FieldType? {
                return FieldCatalog.fields(of: target).map(\.name)
            }
            return []
        }
        // `sort x ` → asc/desc; `summarize ... ` → by.
        var names = scope.columns
        if let type = scope.entity { names += FieldCatalog.fields(of: type).map(\.name) }
        if let stage = currentStage(tokens, bytes: bytes) {
            names += StageTable.entry(named: stage)?.words ?? []
            names += ScalarFunction.allCases.map(\.rawValue) + session.bindingNames
            return names
        }
        if first == "trigger", words.contains("when") {
            let type = words.compactMap { EntityType(plural: $0) }.first
            return (type.map { FieldCatalog.fields(of: $0).map(\.name) } ?? []) + ScalarFunction.allCases.map(\.rawValue)
        }
        if first == "update" { return updateCandidates(tokens, words: words, bytes: bytes, scope: scope, word: word) }
        return []
    }

    /// In `update ... set`: after `FIELD =`, that field's values; else the fields that can be set.
    private func updateCandidates(_ tokens: [Token], words: [String], bytes: [UInt8], scope: (entity: EntityType?, columns: [String]), word: String) -> [String] {
        func text(_ token: Token) -> String { String(decoding: bytes[token.range.lower..<token.range.upper], as: UTF8.self) }
        guard words.contains("set"), let last = tokens.last else { return ["set"] }
        if last.kind == .assign, tokens.count >= 2, tokens[tokens.count - 2].kind == .identifier, let type = scope.entity,
           let field = FieldCatalog.field(text(tokens[tokens.count - 2]), of: type) {
            switch field.type {
            case .enumeration(let enumType): return enumType.cases
            case .reference(let target): return ids(target, word)
            case .bool: return ["true", "false"]
            default: return ScalarFunction.allCases.map(\.rawValue) + session.bindingNames
            }
        }
        return scope.entity.map { FieldCatalog.storedFields(of: $0).map(\.name) } ?? []
    }

    /// A dot-command's arguments.
    private func dotCommandCandidates(_ command: String) -> [String] {
        let parts = command.dropFirst().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch parts.first {
        case "format": return OutputFormat.allCases.map(\.rawValue)
        case "timer": return ["on", "off"]
        case "maxrows": return ["0", "40", "100"]
        case "schema": return EntityType.allCases.map(\.rawValue)
        case "help": return Array(Set(Help.topics)).sorted()
        case "weights": return FitScores.dimensions.map { $0 + "=" } + ["reset"]
        case "set" where parts.count <= 1: return session.parameterNames
        default: return []
        }
    }

    /// Scenario names, metric names and the words that follow a statement's own words; nil
    /// where the statement's words say nothing.
    private func statementWordCandidates(words: [String], lastWord: String, word: String) -> [String]? {
        let first = words.first ?? ""
        switch (first, lastWord) {
        case ("use", _), ("diff", _): return session.scenarioNames
        case ("drop", "drop"): return ["scenario"]
        case ("drop", _): return session.scenarioNames
        case ("scenario", "from"): return session.scenarioNames
        case ("log", "log"), ("merge", "merge"), ("merge", "into"): return session.scenarioNames
        case ("merge", "prefer"): return words.count >= 4 ? [words[1], words[3]] : session.scenarioNames
        case ("merge", _) where words.count == 2: return ["into"]
        case ("merge", _) where words.count == 4: return ["prefer"]
        case ("save", "save"): return ["scenarios"]
        case ("save", "scenarios"): return ["to"]
        case ("compare", "on"): return session.metricNames
        case ("compare", _):
            if words.contains("on") { return session.metricNames }
            return session.scenarioNames
        case ("add", "add"): return ["party"]
        case ("add", "party"), ("remove", "party"): return ids(.partner, word)
        case ("add", "to") where words.contains("party"): return ids(.agreement, word)
        case ("remove", "from") where words.contains("party"):
            // Only the agreements the named partner is a party to.
            guard let partyIndex = words.firstIndex(of: "party"), partyIndex + 1 < words.count else { return ids(.agreement, word) }
            return agreements(ofParty: words[partyIndex + 1], prefix: word)
        case ("renewals", "renewals"): return ["within"]
        case ("import", "import"): return ["partners", "agreements", "stakeholders", "parties"]
        case ("refresh", "refresh"): return EntityType.allCases.map(\.plural)
        case ("refresh", _) where words.count == 2: return ["from"]
        case ("trigger", "on"): return EntityType.allCases.map(\.plural)
        default: return nil
        }
    }

    /// After the words of `sweep`, `exits` and `simulate`: `in`, `seed`, `rank by`, metric names
    /// after `on` and `by`, `keep as`; nil elsewhere (a block's statements, `exits`'s pipeline).
    private func whatIfCandidates(_ tokens: [Token], words: [String], lastWord: String) -> [String]? {
        let first = words.first ?? ""
        guard Completer.whatIfKeywords.contains(first), let last = tokens.last else { return nil }
        // Past the block (sweep, simulate) or `rank` (exits): what ends the statement.
        let tail = first == "exits" ? Array(words.drop { $0 != "rank" })
            : tokens.lastIndex { $0.kind == .rightBrace }.map { Array(words[($0 + 1)...]) } ?? []
        switch (first, lastWord) {
        case ("sweep", _) where tokens.count == 2: return ["in"]
        case ("simulate", _) where last.kind == .number && tokens.count == 2: return ["seed"]
        case ("exits", "exits"): return ["rank", "partners"] + session.bindingNames
        case ("exits", "rank"): return ["by"]
        case (_, "keep") where !tail.isEmpty: return ["as"]
        case (_, "as") where tail.contains("keep"): return []
        case (_, "on") where first != "exits" && !tail.isEmpty, ("exits", "by"):
            return session.metricNames
        case (_, "") where last.kind == .comma && (first == "exits" ? tail.contains("by") : tail.contains("on")):
            return session.metricNames
        case (_, let word) where !tail.isEmpty && session.metricNames.contains(word):
            return first == "exits" ? [] : ["keep"]
        case (_, "") where last.kind == .rightBrace && tail.isEmpty && first != "exits":
            return ["on"]
        default: return nil
        }
    }

    /// The ids of the agreements `partner` is a party to that begin with `prefix` (the relation index).
    private func agreements(ofParty partner: String, prefix: String) -> [String] {
        guard session.portfolio.contains(.partner, partner) else { return ids(.agreement, prefix) }
        return Array(session.portfolio.agreementIds(ofPartner: partner).filter { $0.hasPrefix(prefix) }.prefix(Completer.limit))
    }

    /// The ids of a type that `word` begins, in order: a range of the portfolio's tree, so a
    /// million ids cost no more than the few hundred listed.
    private func ids(_ type: EntityType, _ word: String) -> [String] {
        session.portfolio.ids(type, withPrefix: word, limit: Completer.limit)
    }

    /// The entity type (and table columns) the cursor's stage sees.
    private func scopeType(_ tokens: [Token], bytes: [UInt8]) -> (entity: EntityType?, columns: [String]) {
        func text(_ token: Token) -> String { String(decoding: bytes[token.range.lower..<token.range.upper], as: UTF8.self) }
        var entity: EntityType?
        var columns: [String] = []
        var sawSource = false
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let word = token.kind == .identifier ? text(token) : ""
            if !sawSource, token.kind == .identifier {
                if let type = EntityType(plural: word) { entity = type; sawSource = true }
                else if let type = EntityType(rawValue: word), index + 1 < tokens.count, tokens[index + 1].kind == .identifier {
                    entity = type
                    sawSource = true
                    index += 1
                } else if word == "renewals" { entity = .agreement; columns = Analytics.renewalColumns; sawSource = true }
                else if word == "trigger" {
                    if let type = tokens.compactMap({ $0.kind == .identifier ? EntityType(plural: text($0)) : nil }).first { entity = type }
                }
            }
            if token.kind == .pipe, index + 1 < tokens.count, tokens[index + 1].kind == .identifier {
                let stage = text(tokens[index + 1])
                switch StageTable.entry(named: stage)?.gives {
                case .entities(let type)?: entity = type; columns = []
                case .table(let fixed, let base)?: entity = base; columns = fixed
                case .items?:
                    // The projected labels: names before `=`, else the item's text; summarize's
                    // `by` columns come first, as in its result.
                    var labels: [String] = []
                    var byLabels: [String]?
                    var scan = index + 2
                    var depth = 0
                    var itemStart = scan
                    func endItem() {
                        guard itemStart < scan else { return }
                        let item = label(tokens[itemStart..<scan], bytes)
                        if byLabels != nil { byLabels!.append(item) } else { labels.append(item) }
                    }
                    while scan < tokens.count, !(tokens[scan].kind == .pipe && depth == 0) {
                        switch tokens[scan].kind {
                        case .leftParen, .leftBracket: depth += 1
                        case .rightParen, .rightBracket: depth -= 1
                        case .comma where depth == 0:
                            endItem()
                            itemStart = scan + 1
                        case .identifier where depth == 0 && stage == "summarize" && text(tokens[scan]) == "by":
                            endItem()
                            byLabels = []
                            itemStart = scan + 1
                        default: break
                        }
                        scan += 1
                    }
                    if scan < tokens.count { endItem(); entity = nil; columns = (byLabels ?? []) + labels }
                case .extended?:
                    var scan = index + 2
                    while scan + 1 < tokens.count, tokens[scan].kind != .pipe {
                        if tokens[scan].kind == .identifier, tokens[scan + 1].kind == .assign { columns.append(text(tokens[scan])) }
                        scan += 1
                    }
                default: break
                }
            }
            index += 1
        }
        return (entity, columns)
    }

    private func label(_ tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> String {
        guard let first = tokens.first else { return "" }
        if tokens.count >= 2, tokens[tokens.startIndex + 1].kind == .assign {
            return String(decoding: bytes[first.range.lower..<first.range.upper], as: UTF8.self)
        }
        return tokens.map { String(decoding: bytes[$0.range.lower..<$0.range.upper], as: UTF8.self) }.joined()
    }

    private func currentStage(_ tokens: [Token], bytes: [UInt8]) -> String? {
        guard let pipe = tokens.lastIndex(where: { $0.kind == .pipe }), pipe + 1 < tokens.count else { return nil }
        return String(decoding: bytes[tokens[pipe + 1].range.lower..<tokens[pipe + 1].range.upper], as: UTF8.self)
    }

    /// The field on the left of the comparison (or `in [`) being completed.
    private func comparedField(_ tokens: [Token], bytes: [UInt8], scope: (entity: EntityType?, columns: [String])) -> FieldType? {
        var index = tokens.count - 1
        // Walk back over an `in [a, b, ` list.
        while index >= 0, [.comma, .identifier, .leftBracket].contains(tokens[index].kind) {
            if tokens[index].kind == .leftBracket { index -= 1; break }
            if tokens[index].kind == .identifier,
               String(decoding: bytes[tokens[index].range.lower..<tokens[index].range.upper], as: UTF8.self) == "in" { break }
            index -= 1
        }
        if index >= 0, tokens[index].kind == .identifier,
           String(decoding: bytes[tokens[index].range.lower..<tokens[index].range.upper], as: UTF8.self) == "in" { index -= 1 }
        else if index >= 0, [.equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual].contains(tokens[index].kind) { index -= 1 }
        guard index >= 0, tokens[index].kind == .identifier else { return nil }
        let name = String(decoding: bytes[tokens[index].range.lower..<tokens[index].range.upper], as: UTF8.self)
        if scope.columns.contains(name) {
            if let position = Analytics.partyColumns.firstIndex(of: name), name == "role" { _ = position; return .enumeration(.role) }
            if name == "agreement" { return .reference(.agreement) }
            if name == "partner" { return .reference(.partner) }
        }
        guard let type = scope.entity, let field = FieldCatalog.field(name, of: type) else { return nil }
        return field.resultType ?? field.type
    }

    private func comparedEnum(_ tokens: [Token], bytes: [UInt8], scope: (entity: EntityType?, columns: [String])) -> EnumType? {
        if case .enumeration(let e)? = comparedField(tokens, bytes: bytes, scope: scope) { return e }
        return nil
    }

    private func comparedReference(_ tokens: [Token], bytes: [UInt8], scope: (entity: EntityType?, columns: [String])) -> EntityType? {
        if case .reference(let t)? = comparedField(tokens, bytes: bytes, scope: scope) { return t }
        return nil
    }

    /// Whether the text before a quote is `.output` or `.once` (their argument is a file name).
    static func isOutputCommand(_ bytes: [UInt8]) -> Bool {
        var line = bytes
        if let newline = line.lastIndex(of: 0x0A) { line = Array(line[(newline + 1)...]) }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return text == ".output" || text == ".once"
    }

    // MARK: Files

    private func fileNames(_ partial: String) -> [String] {
        let expanded = partial.hasPrefix("~/") ? NSString(string: partial).expandingTildeInPath : partial
        let directoryPart: String
        let prefix: String
        if let slash = expanded.lastIndex(of: "/") {
            directoryPart = String(expanded[...slash])
            prefix = String(expanded[expanded.index(after: slash)...])
        } else {
            directoryPart = ""
            prefix = expanded
        }
        let directory = directoryPart.isEmpty ? FileManager.default.currentDirectoryPath : directoryPart
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let shownDirectory = partial.hasPrefix("~/") ? String(partial[...(partial.lastIndex(of: "/") ?? partial.startIndex)]) : directoryPart
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().prefix(Completer.limit).map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return shownDirectory + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
