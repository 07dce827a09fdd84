/// One statement of a script, as `ScriptReader` gives it.
enum ScriptItem: Sendable {
    /// A definition decoded straight into its entity.
    case definition(DecodedDefinition)
    /// Any other statement, as the parser gives it.
    indirect case statement(Statement)
    /// A syntax error (the reader has skipped to the next statement).
    indirect case failure(Diagnostic)

    /// Where the statement starts in the source (nil for an error).
    var start: Int? {
        switch self {
        case .definition(let definition): return definition.range.lower
        case .statement(let statement): return statement.range.lower
        case .failure: return nil
        }
    }
}

/// A script's statements in order, each decoded straight into its entity when it is a
/// definition `DefinitionDecoder` takes, and parsed otherwise: the errors and every other
/// statement are the parser's.
struct ScriptReader {
    private var parser: Parser
    /// nil: every statement is parsed (what tests compare the decoded ones with).
    private var decoder: DefinitionDecoder?

    init(file: SourceFile, decodesDefinitions: Bool = true) {
        parser = Parser(file: file)
        decoder = decodesDefinitions ? DefinitionDecoder(file: file) : nil
    }

    /// The next statement, or nil at the end of the source.
    mutating func next() -> ScriptItem? {
        guard let start = parser.nextStatementStart() else { return nil }
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
}
