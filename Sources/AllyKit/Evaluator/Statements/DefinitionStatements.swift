/// `partner ID { ... }` and its kin, as parsed and as decoded straight into their entities.
extension Session {
    /// A definition checks everything before its one insertion (which changes nothing if the
    /// id is taken), so it may edit the portfolio in place.
    func executeDefinition(_ type: EntityType, id: Name, fields: [FieldInit], file: SourceFile, sink: OutputSink) throws {
        try inPlace { runtime in
            try PortfolioEditor(runtime: runtime, file: file).define(type, id: id, fields: fields)
        }
        if sink.wantsConfirmations { sink.confirm("defined \(type.rawValue) \(id.text)") }
    }

    /// Runs a definition decoded straight into its entity (`DefinitionDecoder`). When an entity
    /// it names does not exist or an invariant fails here, the statement is parsed again and
    /// run the general way, which reports what is wrong exactly as if it had not been decoded.
    func execute(_ definition: DecodedDefinition, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        Interrupt.clear()
        // Checked before its one insertion, like any definition: it may edit in place.
        let stored = try recordingDefinition(definition.range, file: file) {
            try inPlace { runtime in try PortfolioEditor(runtime: runtime, file: file).define(definition) }
        }
        guard stored else {
            scenarios.current.portfolio.settle()
            var parser = Parser(file: file, at: definition.range.lower)
            switch parser.nextStatement() {
            case .success(let statement)?: return try execute(statement, file: file, sink: sink)
            // It was read once already; it fails only if another program shortened the file since.
            case .failure(let diagnostic)?: throw diagnostic
            case nil: return .success
            }
        }
        if sink.wantsConfirmations { sink.confirm("defined \(definition.entity.type.rawValue) \(definition.entity.id)") }
        return .success
    }
}
