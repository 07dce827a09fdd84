import Foundation

/// What the language server knows about one open document, built from the lexer's tokens in
/// one pass: where names are defined and used, and where statements start.
public final class DocumentIndex {
    public enum DefinitionKind: String, Sendable {
        case letBinding = "let", metric, trigger, scenario, partner, agreement, stakeholder
    }

    public struct Definition {
        public let name: String
        public let kind: DefinitionKind
        /// The name's range.
        public let nameRange: SourceRange
        /// The whole statement's range (through the closing `}` of a definition).
        public let range: SourceRange
        /// The file it is in (this one, or one it loads).
        public let file: SourceFile
    }

    public let file: SourceFile
    /// Every token but newlines, in order.
    public private(set) var tokens: [Token] = []
    public private(set) var comments: [SourceRange] = []
    public private(set) var definitions: [Definition] = []
    /// Byte offsets where a top-level statement starts.
    public private(set) var statementStarts: [Int] = [0]
    /// Files named by `load "..."`, as paths.
    public private(set) var loadedPaths: [String] = []
    /// Lines, for the editor's positions.
    public let lines: LineTable

    public init(file: SourceFile, lines: LineTable? = nil, loadDepth: Int = 2) {
        self.file = file
        self.lines = lines ?? LineTable(file)
        scan()
        guard loadDepth > 0 else { return }
        for path in loadedPaths {
            guard let loaded = try? SourceFile(contentsOf: path) else { continue }
            definitions += DocumentIndex(file: loaded, loadDepth: loadDepth - 1).definitions.filter { $0.file === loaded }
        }
    }

    public func text(_ range: SourceRange) -> String {
        String(decoding: file.bytes[range.lower..<range.upper], as: UTF8.self)
    }

    private static let definitionWords: [String: DefinitionKind] = [
        "let": .letBinding, "metric": .metric, "trigger": .trigger, "scenario": .scenario,
        "partner": .partner, "agreement": .agreement, "stakeholder": .stakeholder,
    ]

    private func scan() {
        let bytes = file.bytes
        // The parser's own token stream: a newline comes out only where `StatementBoundary`'s
        // rule ends a statement (or, inside `{ }`, separates items).
        var stream = TokenStream(file: file)
        var depth = 0
        var atStart = true
        var gapStart = 0
        var pendingDefinitions: [(String, DefinitionKind, SourceRange, Int, Int)] = []  // name, kind, name range, start, depth
        while true {
            let token = stream.next()
            Self.comments(in: bytes, gapStart, token.range.lower) { comments.append($0) }
            gapStart = token.range.upper
            if token.kind == .endOfFile { break }
            if token.kind == .newline {
                if depth == 0 { atStart = true }
                continue
            }
            if atStart {
                if depth == 0 { statementStarts.append(token.range.lower) }
                closeDefinitions(&pendingDefinitions, at: tokens.last?.range.upper ?? 0, depth: depth)
            }
            let statementStart = atStart && depth == 0
            atStart = token.kind == .semicolon
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth = max(0, depth - 1)
            default: break
            }
            if statementStart, token.kind == .identifier, let kind = Self.definitionWords[text(token.range)] {
                // The name follows: read it on the next token.
                pendingDefinitions.append(("", kind, SourceRange(token.range.lower, token.range.lower), token.range.lower, -1))
            } else if let last = pendingDefinitions.last, last.4 == -1 {
                pendingDefinitions.removeLast()
                if token.kind == .identifier { pendingDefinitions.append((text(token.range), last.1, token.range, last.3, depth)) }
            }
            if statementStart, token.kind == .identifier, text(token.range) == "load" {
                var peek = stream
                let next = peek.next()
                if next.kind == .string { loadedPaths.append(resolve(text(next.range))) }
            }
            tokens.append(token)
        }
        closeDefinitions(&pendingDefinitions, at: tokens.last?.range.upper ?? 0, depth: 0)
        statementStarts = Array(Set(statementStarts)).sorted()
    }

    private func closeDefinitions(_ pending: inout [(String, DefinitionKind, SourceRange, Int, Int)], at end: Int, depth: Int) {
        guard depth == 0 else { return }
        for (name, kind, nameRange, start, nameDepth) in pending where nameDepth >= 0 && !name.isEmpty {
            definitions.append(Definition(name: name, kind: kind, nameRange: nameRange, range: SourceRange(start, max(start, end)), file: file))
        }
        pending.removeAll()
    }

    private func resolve(_ literal: String) -> String {
        let path = String(literal.dropFirst().dropLast())
        if path.hasPrefix("/") { return path }
        return ((file.directory ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
    }

    /// The comments between two tokens (several, where the token stream passed over newlines
    /// that end no statement), each through the end of its line less trailing blanks.
    private static func comments(in bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int, _ found: (SourceRange) -> Void) {
        var cursor = lower
        while cursor < upper {
            guard bytes[cursor] == UInt8(ascii: "#") else {
                cursor += 1
                continue
            }
            var end = cursor
            while end < upper, bytes[end] != 0x0A { end += 1 }
            let next = end
            while end > cursor, [0x20, 0x09, 0x0D].contains(bytes[end - 1]) { end -= 1 }
            found(SourceRange(cursor, end))
            cursor = next
        }
    }

    // MARK: Looking things up

    /// The token covering `offset` (or ending at it).
    public func token(at offset: Int) -> Token? {
        var low = 0, high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle].range.upper < offset { low = middle + 1 } else { high = middle }
        }
        guard low < tokens.count, tokens[low].range.lower <= offset else { return nil }
        return tokens[low]
    }

    public func definition(named name: String) -> Definition? {
        definitions.first { $0.name == name }
    }

    /// Every use of `name` in this document, its definition included.
    public func references(to name: String) -> [SourceRange] {
        let utf8 = Array(name.utf8)
        return tokens.filter { $0.kind == .identifier && file.bytes[$0.range.lower..<$0.range.upper].elementsEqual(utf8) }.map(\.range)
    }

    /// Where the statement holding `offset` starts.
    public func statementStart(before offset: Int) -> Int {
        var low = 0, high = statementStarts.count
        while low < high {
            let middle = (low + high) / 2
            if statementStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : statementStarts[low - 1]
    }
}
