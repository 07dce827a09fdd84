/// Where the canonical layout puts a blank between two tokens on a line.
enum Spacing {
    /// Whether a blank goes before `tokens[index]`. Blanks are dropped only where two
    /// tokens cannot run together into one (the formatter checks that the tokens survive).
    static func spaced(_ tokens: [Token], _ index: Int, file: SourceFile) -> Bool {
        let previous = tokens[index - 1], token = tokens[index]
        switch token.kind {
        case .comma, .colon, .semicolon, .rightParen, .rightBracket, .dot:
            return false
        case .rightBrace:
            return previous.kind != .leftBrace
        default:
            break
        }
        switch previous.kind {
        case .leftParen, .leftBracket, .dot:
            return false
        case .minus where isUnaryMinus(tokens, index - 1, file: file):
            return false
        default:
            break
        }
        // A call or an index keeps its bracket against the name, as written.
        if token.kind == .leftParen || token.kind == .leftBracket, previous.kind == .identifier {
            return previous.range.upper != token.range.lower
        }
        return true
    }

    /// A `-` written against what follows and not right after a value (`-5`, `x > -1`,
    /// `sort -value`) is a sign; any other `-` is a subtraction, spaced on both sides.
    static func isUnaryMinus(_ tokens: [Token], _ index: Int, file: SourceFile) -> Bool {
        let minus = tokens[index]
        guard index + 1 < tokens.count, tokens[index + 1].range.lower == minus.range.upper else { return false }
        guard index > 0 else { return true }
        let previous = tokens[index - 1]
        switch previous.kind {
        case .number, .string, .date, .duration, .rightParen, .rightBracket, .rightBrace:
            return false
        case .identifier:
            // A name may be a value or a keyword (`sort -value`): a sign only when written apart.
            return previous.range.upper != minus.range.lower
        default:
            return true
        }
    }
}

/// Breaks a line too long for `Formatter.lineWidth`: a pipeline before each `|` outside
/// brackets, else the first `{ }` with several fields into one field per line.
enum LineBreaker {
    static func split(_ line: SourceLine, file: SourceFile) -> [SourceLine]? {
        if let pieces = splitPipeline(line) { return pieces }
        return splitFields(line)
    }

    private static func splitPipeline(_ line: SourceLine) -> [SourceLine]? {
        var depth = 0
        var cuts: [Int] = []
        for (index, token) in line.tokens.enumerated() {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth -= 1
            case .pipe where depth == 0 && index > 0: cuts.append(index)
            default: break
            }
        }
        guard !cuts.isEmpty else { return nil }
        return pieces(of: line, cuttingBefore: cuts)
    }

    private static func splitFields(_ line: SourceLine) -> [SourceLine]? {
        let tokens = line.tokens
        guard let open = tokens.firstIndex(where: { $0.kind == .leftBrace }) else { return nil }
        var depth = 0
        var cuts: [Int] = []
        for index in open..<tokens.count {
            switch tokens[index].kind {
            case .leftParen, .leftBracket, .leftBrace:
                depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                depth -= 1
                if depth == 0 {
                    guard cuts.count > 0 || index > open + 1 else { return nil }
                    cuts.insert(open + 1, at: 0)
                    if index > open + 1 { cuts.append(index) }
                    return pieces(of: line, cuttingBefore: cuts.filter { $0 > 0 && $0 < tokens.count })
                }
            case .comma where depth == 1:
                if index + 1 < tokens.count { cuts.append(index + 1) }
            default:
                break
            }
        }
        return nil
    }

    private static func pieces(of line: SourceLine, cuttingBefore cuts: [Int]) -> [SourceLine] {
        var result: [SourceLine] = []
        var start = 0
        for cut in cuts + [line.tokens.count] where cut > start {
            result.append(SourceLine(tokens: Array(line.tokens[start..<cut]), comment: nil, blankBefore: start == 0 && line.blankBefore))
            start = cut
        }
        result[result.count - 1].comment = line.comment
        return result
    }
}
