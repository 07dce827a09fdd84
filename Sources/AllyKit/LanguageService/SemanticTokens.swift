/// Semantic tokens, so that an editor colours `.ally` files with no grammar of its own:
/// names, literals, operators and comments classified, in LSP's relative five-number encoding.
/// Punctuation (`{ } ( ) [ ] , : ; .`) is left to the editor's default colour: LSP has no
/// type for it, and leaving it out makes a 1 MB script's answer a third smaller.
extension LanguageFeatures {
    static let tokenTypes = ["keyword", "variable", "enumMember", "property", "string", "number", "comment", "operator"]

    static let keywords: [String] = Completer.statementKeywords + Parser.stageNames + [
        "and", "or", "not", "in", "contains", "by", "desc", "asc", "set", "to", "from", "when", "on", "within",
        "true", "false", "null", "as", "baseline", "with", "of", "into", "between",
    ]

    /// The type of each word the language knows, by its index in `tokenTypes`: a keyword
    /// before an enum case before a field name. Other names are variables (type 1).
    static let wordTypes: [String: Int] = {
        var types: [String: Int] = [:]
        for field in FieldCatalog.allFieldNames { types[field] = 3 }
        for value in EnumType.allCases.flatMap(\.cases) { types[value] = 2 }
        for keyword in keywords { types[keyword] = 0 }
        return types
    }()

    /// `{"data": [...]}`: five numbers a token (line delta, column delta or column, length,
    /// type, no modifiers), written while the tokens and comments are walked once, in order.
    func semanticTokens(into json: inout JSONWriter) {
        var types = Self.wordTypes
        for definition in index.definitions { types[definition.name] = 1 }  // a name defined here is a variable
        let bytes = file.bytes, lineStarts = lines.lineStarts
        var line = 0, previousLine = 0, previousCharacter = 0
        var cursor = 0, character = 0  // the UTF-16 column of byte `cursor` on `line`

        func emit(_ range: SourceRange, _ type: Int, into json: inout JSONWriter) {
            if line + 1 < lineStarts.count, lineStarts[line + 1] <= range.lower {
                while line + 1 < lineStarts.count, lineStarts[line + 1] <= range.lower { line += 1 }
                cursor = lineStarts[line]
                character = 0
            }
            character += lines.utf16Count(cursor..<range.lower)
            cursor = range.lower
            let deltaLine = line - previousLine
            json.number(deltaLine)
            json.number(deltaLine == 0 ? character - previousCharacter : character)
            json.number(lines.utf16Count(range.lower..<range.upper))
            json.number(type)
            json.number(0)
            previousLine = line
            previousCharacter = character
        }

        json.object { json in
            json.field("data") { json in
                json.array { json in
                    var comments = index.comments.makeIterator()
                    var nextComment = comments.next()
                    for token in index.tokens {
                        while let comment = nextComment, comment.lower < token.range.lower {
                            emit(comment, 6, into: &json)
                            nextComment = comments.next()
                        }
                        let type: Int
                        switch token.kind {
                        case .identifier:
                            let word = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token.range.lower..<token.range.upper]), as: UTF8.self)
                            type = types[word] ?? 1
                        case .string: type = 4
                        case .number, .date, .duration: type = 5
                        case .dotCommand: type = 0
                        case .comma, .dot, .colon, .semicolon, .leftParen, .rightParen, .leftBracket, .rightBracket,
                             .leftBrace, .rightBrace, .invalid, .newline, .endOfFile:
                            continue
                        case .pipe, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .plus, .minus,
                             .star, .slash, .assign, .questionQuestion:
                            type = 7
                        }
                        emit(token.range, type, into: &json)
                    }
                    while let comment = nextComment {
                        emit(comment, 6, into: &json)
                        nextComment = comments.next()
                    }
                }
            }
        }
    }
}
