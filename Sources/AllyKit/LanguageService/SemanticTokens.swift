/// Semantic tokens, so that an editor colours `.ally` files with no grammar of its own:
/// every token and comment classified, in LSP's relative five-number encoding.
extension LanguageFeatures {
    static let tokenTypes = ["keyword", "variable", "enumMember", "property", "string", "number", "comment", "operator"]

    static let keywords: Set<String> = Set(Completer.statementKeywords + Parser.stageNames + [
        "and", "or", "not", "in", "contains", "by", "desc", "asc", "set", "to", "from", "when", "on", "within",
        "true", "false", "null", "as", "baseline", "with", "of", "into", "between",
    ])

    static let enumCases: Set<String> = Set(EnumType.allCases.flatMap(\.cases))

    func semanticTokens() -> [Int] {
        let defined = Set(index.definitions.map(\.name))
        var classified: [(SourceRange, Int)] = []
        classified.reserveCapacity(index.tokens.count + index.comments.count)
        var comments = index.comments.makeIterator()
        var nextComment = comments.next()
        for token in index.tokens {
            while let comment = nextComment, comment.lower < token.range.lower {
                classified.append((comment, 6))
                nextComment = comments.next()
            }
            let type: Int?
            switch token.kind {
            case .identifier:
                let text = index.text(token.range)
                if defined.contains(text) { type = 1 }
                else if Self.keywords.contains(text) { type = 0 }
                else if Self.enumCases.contains(text) { type = 2 }
                else if FieldCatalog.allFieldNames.contains(text) { type = 3 }
                else { type = 1 }
            case .string: type = 4
            case .number, .date, .duration: type = 5
            case .dotCommand: type = 0
            case .invalid, .newline, .endOfFile: type = nil
            default: type = 7
            }
            if let type { classified.append((token.range, type)) }
        }
        while let comment = nextComment {
            classified.append((comment, 6))
            nextComment = comments.next()
        }
        var data: [Int] = []
        data.reserveCapacity(classified.count * 5)
        var previousLine = 0, previousCharacter = 0
        let starts = index.positions(ofAscending: classified.map(\.0.lower))
        for ((range, type), start) in zip(classified, starts) {
            let length = index.utf16Count(range.lower..<range.upper)
            let deltaLine = start.line - previousLine
            data += [deltaLine, deltaLine == 0 ? start.character - previousCharacter : start.character, length, type, 0]
            previousLine = start.line
            previousCharacter = start.character
        }
        return data
    }
}
