import Dispatch

/// Runs a script statement by statement for a session: the only place that knows how a
/// script is read (the reading thread, the decoder, the parser) and how each statement's
/// failure, interruption and time are reported.
final class ScriptRunner {
    unowned let session: Session

    /// Whether scripts' definitions are decoded straight into their entities where they can be
    /// (`DefinitionDecoder`); tests turn it off to compare with the general way.
    var decodesDefinitions = true
    /// The share of a large script's definitions its reading thread decodes, fixed (tests); nil
    /// adjusts it so that neither thread waits on the other (`StatementPrefetcher`).
    var readerDecodedShare: Double?
    /// Definitions the reading thread left undecoded, and how many of those it guessed the end
    /// of wrongly (for tests).
    private(set) var leftUndecoded = 0, undecodedResyncs = 0
    /// Files being loaded, innermost last, to refuse a load cycle.
    var loading: [String] = []

    init(session: Session) { self.session = session }

    /// Reports a script shortened by another program while it ran: what was read past its new
    /// end (zeros) is not reported as an error of its own.
    private func reportIfChanged(_ file: SourceFile, sink: OutputSink) -> Bool {
        guard file.changedWhileRead else { return false }
        sink.report(Diagnostic(.fileError, "\(file.name) changed while it was being read (another program shortened it); "
                               + "the statements before the change ran", at: .none,
                               help: "run it again once it is written"))
        return true
    }

    /// Runs a script statement by statement; stops at the first failing statement unless
    /// `keepGoing`. `prefetch` forces (or forbids) parsing ahead on a second thread, which by
    /// default large scripts do.
    /// Scripts at least this large show how far their loading is (`WorkProgress`, in bytes).
    static let progressBytes = 1 << 20

    func run(_ file: SourceFile, sink: OutputSink, keepGoing: Bool, prefetch: Bool?) -> RunStatus {
        let scenarios = session.scenarios
        let showsProgress = file.bytes.count >= Self.progressBytes
        if showsProgress { WorkProgress.begin("loading \(file.name)", unit: "bytes", total: file.bytes.count) }
        defer { if showsProgress { WorkProgress.end() } }
        // A script or shell line that added or removed many entities leaves sparse trees: compact
        // them once it is done (not inside a `load`, whose caller's statement is still running).
        defer { if loading.isEmpty { scenarios.current.portfolio.compactIfSparse() } }
        // Definitions leave their index entries and mirrored ties for later (`Portfolio.settle`):
        // settled before any other statement runs, and when the script is done.
        defer { scenarios.current.portfolio.settle() }
        // A large script is read on a second thread while its statements run (starting while
        // this one checks the encoding; nothing it read runs if that check fails).
        let readAhead = prefetch ?? (file.bytes.count >= Prefetching.minimumBytes)
        var statements = ScriptStatements(runner: self, file: file, readAhead: readAhead)
        defer { statements.finish() }
        if let diagnostic = Self.encodingError(file) {
            if reportIfChanged(file, sink: sink) { return .failed }
            sink.report(diagnostic)
            return .failed
        }
        var status = RunStatus.success
        while let next = statements.next() {
            if Interrupt.isRequested { return .interrupted }
            switch next {
            case .undecoded:
                preconditionFailure("ScriptStatements reads what the reading thread left undecoded")
            case .failure(let diagnostic):
                if reportIfChanged(file, sink: sink) { return .failed }
                sink.report(diagnostic)
                status = .failed
                if !keepGoing { return status }
            case .statement(let statement):
                scenarios.current.portfolio.settle()
                if let stop = attempt(statement.range, file: file, sink: sink, keepGoing: keepGoing, status: &status, {
                    try session.redirectingOutput(sink) { sink in try session.executeTopLevel(statement, file: file, sink: sink) }
                }) { return stop }
            case .definition(let definition):
                if showsProgress { WorkProgress.set(definition.range.upper) }
                if let stop = attempt(definition.range, timed: false, file: file, sink: sink, keepGoing: keepGoing, status: &status, {
                    try session.execute(definition, file: file, sink: sink)
                }) { return stop }
            }
        }
        if reportIfChanged(file, sink: sink) { return .failed }
        return status
    }

    /// Runs one statement, written at `range`: nil to go on, or the status to stop with.
    /// `timed`: the clock is read even with the timer off (the statement may turn it on; a
    /// definition cannot, and a million of them need not read the clock).
    private func attempt(_ range: SourceRange, timed: Bool = true, file: SourceFile, sink: OutputSink, keepGoing: Bool,
                         status: inout RunStatus, _ body: () throws -> RunStatus) -> RunStatus? {
        let started = timed || session.settings.timer ? DispatchTime.now() : nil
        defer { session.statementNotes.removeAll() }
        do {
            if try body() == .quit { return .quit }
            session.statementNotes.forEach(sink.note)
        } catch let diagnostic as Diagnostic {
            if diagnostic.code == .cancelled {
                sink.report(Diagnostic(.cancelled, "interrupted: the statement changed nothing", at: .none))
                return .interrupted
            }
            sink.report(diagnostic.file == nil ? diagnostic.located(in: file).with(range: range) : diagnostic)
            status = .failed
            if !keepGoing { return status }
        } catch {
            sink.report(Diagnostic(.invalidValue, "\(error)", at: range, in: file))
            status = .failed
            if !keepGoing { return status }
        }
        if session.settings.timer, let started {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
            sink.note("time: \(String(format: "%.3f", elapsed)) ms")
        }
        return nil
    }

    /// A script's statements in order: read on this thread (`ScriptReader`), or ahead on a
    /// second one (`StatementPrefetcher`), whose undecoded definitions are decoded here.
    private struct ScriptStatements {
        unowned let runner: ScriptRunner
        let file: SourceFile
        var prefetcher: StatementPrefetcher?
        var reader: ScriptReader?
        /// This thread's decoder, for the definitions the reading thread left to it.
        var decoder: DefinitionDecoder?

        init(runner: ScriptRunner, file: SourceFile, readAhead: Bool) {
            self.runner = runner
            self.file = file
            prefetcher = readAhead ? StatementPrefetcher(file: file, decodesDefinitions: runner.decodesDefinitions,
                                                         decodedShare: runner.readerDecodedShare) : nil
            reader = readAhead ? nil : ScriptReader(file: file, decodesDefinitions: runner.decodesDefinitions)
        }

        func finish() { prefetcher?.finish() }

        mutating func next() -> ScriptItem? {
            guard let ahead = prefetcher else { return reader?.next() }
            guard let item = ahead.next() else { return nil }
            guard case .undecoded(let start, let end) = item else { return item }
            runner.leftUndecoded += 1
            if decoder == nil { decoder = DefinitionDecoder(file: file) }
            if let (definition, decodedEnd) = decoder!.decode(at: start), decodedEnd == end { return .definition(definition) }
            // Not the usual definition after all: read here as the reading thread would have.
            var own = ScriptReader(file: file, decodesDefinitions: runner.decodesDefinitions, at: start)
            let read = own.next()
            var after = Parser(file: file, at: end)
            if own.nextStart() != after.nextStatementStart() {
                // The reading thread went on from the wrong place: the rest is read here.
                runner.undecodedResyncs += 1
                ahead.finish()
                prefetcher = nil
                reader = own
            }
            return read
        }
    }
}

extension Diagnostic {
    /// The same diagnostic pointing at `range` when it has no position of its own.
    func with(range fallback: SourceRange) -> Diagnostic {
        var copy = self
        if copy.range == .none { copy.range = fallback }
        return copy
    }
}
