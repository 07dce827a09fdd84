/// One statement of a script, as `ScriptReader` gives it.
enum ScriptItem: Sendable {
    /// A definition decoded straight into its entity.
    case definition(DecodedDefinition)
    /// Any other statement, as the parser gives it.
    indirect case statement(Statement)
    /// A syntax error (the reader has skipped to the next statement).
    indirect case failure(Diagnostic)
    /// What looks like a definition from `start`, left for the running thread to read
    /// (`ScriptReader.next(decoding:)`); the reader went on at `end`, where the decoder would
    /// have ended it.
    case undecoded(start: Int, end: Int)

    /// Where the statement starts in the source (nil for an error).
    var start: Int? {
        switch self {
        case .definition(let definition): return definition.range.lower
        case .statement(let statement): return statement.range.lower
        case .failure: return nil
        case .undecoded(let start, _): return start
        }
    }
}

/// A script's statements in order, each decoded straight into its entity when it is a
/// definition `DefinitionDecoder` takes, and parsed otherwise: the errors and every other
/// statement are the parser's.
struct ScriptReader {
    let file: SourceFile
    private var parser: Parser
    /// nil: every statement is parsed (what tests compare the decoded ones with).
    private var decoder: DefinitionDecoder?

    init(file: SourceFile, decodesDefinitions: Bool = true, at position: Int = 0) {
        self.file = file
        parser = Parser(file: file, at: position)
        decoder = decodesDefinitions ? DefinitionDecoder(file: file) : nil
    }

    /// Where the next statement starts (nil at the end of the source).
    mutating func nextStart() -> Int? { parser.nextStatementStart() }

    /// The next statement, or nil at the end of the source. With `decoding` false, a definition
    /// is only skipped (`undecoded`), when where it ends is plain (`definitionEnd`): the
    /// reading thread leaves it to the running thread when that one has time to spare.
    mutating func next(decoding: Bool = true) -> ScriptItem? {
        guard let start = parser.nextStatementStart() else { return nil }
        if !decoding, decoder != nil, let end = Self.definitionEnd(file.bytes, at: start) {
            parser.resume(at: end)
            return .undecoded(start: start, end: end)
        }
        // (Decoded in place: a copy of the decoder would copy its word cache.)
        if let (definition, end) = decoder?.decode(at: start) ?? nil {
            parser.resume(at: end)
            return .definition(definition)
        }
        switch parser.nextStatement() {
        case .success(let statement)?: return .statement(statement)
        case .failure(let diagnostic)?: return .failure(diagnostic)
        case nil: return nil
        }
    }

    /// Where a definition that starts at `start` ends as `DefinitionDecoder` would end it
    /// (past the newline or `;` after its closing `}`), found by a scan of its bytes alone: the
    /// keyword, brackets that nest (up to eight deep) and close (strings and comments skipped), then what
    /// `StatementBoundary.lineEnd` allows. nil for anything else, or past 16 KB. Only a guess:
    /// whoever reads the statement checks that it ends there.
    static func definitionEnd(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        var cursor = start
        func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard cursor + count < bytes.count else { return false }
            for offset in 0..<count where bytes[cursor + offset] != text.utf8Start[offset] { return false }
            return bytes[cursor + count] == 0x20
        }
        if word("partner") { cursor += 7 } else if word("agreement") { cursor += 9 } else if word("stakeholder") { cursor += 11 } else {
            return nil
        }
        let limit = min(bytes.count, start + 16 << 10)
        // The closing bracket each open one waits for, innermost in the lowest byte (at most
        // eight deep: deeper than any definition goes, the guess gives up).
        var closers: UInt64 = 0
        var depth = 0
        let classes = ByteClass.table
        while cursor < limit {
            let byte = bytes[cursor]
            cursor += 1
            // Most bytes are none of these: one look-up each.
            switch classes[Int(byte)] {
            case ByteClass.plain:
                continue
            case ByteClass.quote:
                while cursor < limit, bytes[cursor] != UInt8(ascii: "\"") {
                    if bytes[cursor] == 0x0A { return nil }
                    cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                cursor += 1
            case ByteClass.hash:
                while cursor < limit, bytes[cursor] != 0x0A { cursor += 1 }
            case ByteClass.newline:
                // Only inside the body: before its `{` a newline ends the statement.
                if depth == 0 { return nil }
            case ByteClass.opener:
                // The body is the first bracket.
                if depth == 0, byte != UInt8(ascii: "{") { return nil }
                if depth == 8 { return nil }
                let closer = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
                closers = closers << 8 | UInt64(closer)
                depth += 1
            default:
                guard depth > 0, UInt8(truncatingIfNeeded: closers) == byte else { return nil }
                closers >>= 8
                depth -= 1
                if depth == 0 { return StatementBoundary.lineEnd(after: cursor, in: bytes) }
            }
        }
        return nil
    }
}

/// What `ScriptReader.definitionEnd` does at each byte.
private enum ByteClass {
    static let plain: UInt8 = 0, quote: UInt8 = 1, hash: UInt8 = 2, newline: UInt8 = 3, opener: UInt8 = 4, closer: UInt8 = 5

    /// By byte value, for the life of the process (a plain pointer: no bounds check, no count).
    /// (Written once, before any read, by the lazy initialization; never after.)
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: plain, count: 256)
        table[Int(UInt8(ascii: "\""))] = quote
        table[Int(UInt8(ascii: "#"))] = hash
        table[0x0A] = newline
        for byte in "{[(".utf8 { table[Int(byte)] = opener }
        for byte in "}])".utf8 { table[Int(byte)] = closer }
        return UnsafePointer(table)
    }()
}
