import Foundation

/// Where a session's output goes. The library never prints: the command line and the
/// shell implement this.
public protocol OutputSink: AnyObject {
    /// A statement's result (stdout).
    func emit(_ result: QueryResult)
    /// An error (stderr).
    func report(_ diagnostic: Diagnostic)
    /// Timing and other side notes (stderr).
    func note(_ text: String)
    /// A confirmation of a change (`updated 3 agreements`); shown only interactively.
    func confirm(_ text: String)
    /// False for sinks that drop confirmations, so that loading a million definitions does
    /// not format a million messages nobody sees.
    var wantsConfirmations: Bool { get }
    /// `.last`: shows the previous result again, whole (no `.maxrows` limit). False when this
    /// sink keeps no result, or none was shown yet.
    func showLastResult() -> Bool
}

extension OutputSink {
    public var wantsConfirmations: Bool { true }
    public func showLastResult() -> Bool { false }
}

/// Output formats for results.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown
}

/// Session-wide settings: shared by every scenario.
public struct Settings: Sendable {
    public var format: OutputFormat = .table
    public var timer = false
    /// `.maxrows N`: the most rows a table shows in the interactive shell (0: no limit). Scripts,
    /// `-c`, piped output and the data formats always get every row.
    public var maxRows = 40
    public var today: Day
    public var weights: [Double] = Array(repeating: 1, count: FitScores.dimensions.count)
    public init(today: Day) { self.today = today }
}

/// How a run of statements ended.
public enum RunStatus: Equatable, Sendable {
    case success
    /// At least one statement failed.
    case failed
    case interrupted
    /// `.quit` or `.exit`.
    case quit
}

/// A `let` or `metric` binding.
enum Binding {
    /// Entity ids, re-read in the current scenario when used.
    case entities(EntityType, [String])
    case table(Table, Shape)
    case scalar(Value)
    /// A pipeline re-evaluated in the current scenario when used.
    case metric(Pipeline, SourceFile)
}

/// An Ally session: the scenarios with their portfolios, the session-wide bindings and
/// settings, and the statement runner. One per process (or per test).
public final class Session {
    public var settings: Settings
    var scenarios: [Scenario]
    static let progressBytes = 1 << 20
    /// Side notes a statement leaves for stderr (how `centrality` computed), shown once it ends.
    var statementNotes: [String] = []
    var current: Scenario
    var bindings: [String: Binding] = [:]
    /// Metric names in definition order, for `compare` without `on`.
    var metricOrder: [String] = []
    /// The shell's history, for `.history`.
    public var historyProvider: (() -> [String])?
    /// Set while statements run inside `scenario NAME { ... }` or `load`, to make the whole
    /// block one all-or-nothing statement.
    private var nesting = 0
    /// Scenarios by name; rebuilt whenever the list changed size (drops, restores).
    private var scenarioIndex: [String: Scenario] = [:]
    /// Metrics being evaluated, to refuse one that uses itself (even through `compare`).
    private var evaluatingMetrics: Set<String> = []
    /// Files being loaded, innermost last, to refuse a load cycle.
    private var loading: [String] = []
    /// Report inputs (`param`, `--set`, `.set`): Reports/Parameters.swift.
    var parameters = ParameterStore()
    /// Where `.output` and `.once` send results: Reports/OutputRedirection.swift.
    let outputRedirection = OutputRedirection()

    public init(settings: Settings) {
        self.settings = settings
        let baseline = Scenario(name: "baseline", parent: nil, portfolio: Portfolio())
        scenarios = [baseline]
        current = baseline
    }

    /// The current scenario's portfolio.
    public var portfolio: Portfolio { current.portfolio }
    public var currentScenarioName: String { current.name }
    public var scenarioNames: [String] { scenarios.map(\.name) }
    public var metricNames: [String] { metricOrder }
    public var bindingNames: [String] { Array(bindings.keys).sorted() }

    /// The prompt's scenario marker: nil in baseline, else the name with `*` when it
    /// differs from its parent.
    public var promptLabel: String? {
        guard current.parent != nil else { return nil }
        return current.name + (changedCount(current) > 0 ? "*" : "")
    }

    // MARK: Running statements

    /// Parses and runs `file` statement by statement; stops at the first failing statement
    /// unless `keepGoing`.
    /// What a scenario holds while a definition edits its portfolio in place: one empty value
    /// per session, so that a definition allocates no empty caches.
    private let placeholder = Portfolio()

    /// Whether scripts' definitions are decoded straight into their entities where they can be
    /// (`DefinitionDecoder`); tests turn it off to compare with the general way.
    var decodesDefinitions = true

    /// Moves on whenever something but a definition runs: partners confirmed to exist in an
    /// earlier epoch (`PublishedPartners`) may be gone.
    private var epoch = 0
    /// Decoded definitions run between two publications of the partners to a script's reading
    /// thread (tests make it small).
    var partnersPublishedEvery = 4_096
    /// Partners named by decoded definitions and found by the reading thread (for tests).
    private(set) var partnersConfirmedAhead = 0
    /// The share of a large script's definitions its reading thread decodes, fixed (tests); nil
    /// adjusts it so that neither thread waits on the other (`StatementPrefetcher`).
    var readerDecodedShare: Double?
    /// Definitions the reading thread left undecoded, and how many of those it guessed the end
    /// of wrongly (for tests).
    private(set) var leftUndecoded = 0, undecodedResyncs = 0

    /// Runs a script statement by statement; `prefetch` forces (or forbids) parsing ahead on
    /// a second thread, which by default large scripts do.
    @discardableResult
    public func run(_ file: SourceFile, sink: OutputSink, keepGoing: Bool = false) -> RunStatus {
        run(file, sink: sink, keepGoing: keepGoing, prefetch: nil)
    }

    /// Reports a script shortened by another program while it ran: what was read past its new
    /// end (zeros) is not reported as an error of its own.
    private func reportIfChanged(_ file: SourceFile, sink: OutputSink) -> Bool {
        guard file.changedWhileRead else { return false }
        sink.report(Diagnostic(.fileError, "\(file.name) changed while it was being read (another program shortened it); "
                               + "the statements before the change ran", at: .none,
                               help: "run it again once it is written"))
        return true
    }

    func run(_ file: SourceFile, sink: OutputSink, keepGoing: Bool, prefetch: Bool?) -> RunStatus {
        // A script big enough to take a while shows how far its loading is (bytes, `WorkProgress`).
        let showsProgress = file.bytes.count >= Session.progressBytes
        if showsProgress { WorkProgress.begin("loading \(file.name)", unit: "bytes", total: file.bytes.count) }
        defer { if showsProgress { WorkProgress.end() } }
        // A script or shell line that added or removed many entities leaves sparse trees: compact
        // them once it is done (not inside a `load`, whose caller's statement is still running).
        defer { if loading.isEmpty { current.portfolio.compactIfSparse() } }
        // Definitions leave their index entries and mirrored ties for later (`Portfolio.settle`):
        // settled before any other statement runs, and when the script is done.
        defer { current.portfolio.settle() }
        // A large script is read on a second thread while its statements run (starting while
        // this one checks the encoding; nothing it read runs if that check fails).
        let readAhead = prefetch ?? (file.bytes.count >= Prefetching.minimumBytes)
        let partners = readAhead ? PublishedPartners() : nil
        var prefetcher = readAhead ? StatementPrefetcher(file: file, decodesDefinitions: decodesDefinitions, partners: partners,
                                                         decodedShare: readerDecodedShare) : nil
        defer {
            prefetcher?.finish()
            partners?.clear()
        }
        if let diagnostic = Self.encodingError(file) {
            if reportIfChanged(file, sink: sink) { return .failed }
            sink.report(diagnostic)
            return .failed
        }
        epoch += 1
        var sincePublished = 0
        var reader = readAhead ? nil : ScriptReader(file: file, decodesDefinitions: decodesDefinitions)
        /// This thread's decoder, for the definitions the reading thread left to it.
        var decoder: DefinitionDecoder?
        func nextStatement() -> ScriptItem? {
            guard let ahead = prefetcher else { return reader?.next() }
            guard let item = ahead.next() else { return nil }
            guard case .undecoded(let start, let end) = item else { return item }
            leftUndecoded += 1
            if decoder == nil { decoder = DefinitionDecoder(file: file) }
            if let (definition, decodedEnd) = decoder!.decode(at: start), decodedEnd == end { return .definition(definition) }
            // Not the usual definition after all: read here as the reading thread would have.
            var own = ScriptReader(file: file, decodesDefinitions: decodesDefinitions, at: start)
            let read = own.next()
            var after = Parser(file: file, at: end)
            if own.nextStart() != after.nextStatementStart() {
                // The reading thread went on from the wrong place: the rest is read here.
                undecodedResyncs += 1
                ahead.finish()
                prefetcher = nil
                reader = own
            }
            return read
        }
        var status = RunStatus.success
        /// Runs one statement, written at `range`: nil to go on, or the status to stop with.
        /// `timed`: the clock is read even with the timer off (the statement may turn it on; a
        /// definition cannot, and a million of them need not read the clock).
        func attempt(_ range: SourceRange, timed: Bool = true, _ body: () throws -> RunStatus) -> RunStatus? {
            let started = timed || settings.timer ? DispatchTime.now() : nil
            defer { statementNotes.removeAll() }
            do {
                if try body() == .quit { return .quit }
                statementNotes.forEach(sink.note)
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
            if settings.timer, let started {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
                sink.note("time: \(String(format: "%.3f", elapsed)) ms")
            }
            return nil
        }
        while let next = nextStatement() {
            if Interrupt.isRequested { return .interrupted }
            switch next {
            case .undecoded:
                assertionFailure("nextStatement reads what the reading thread left undecoded")
            case .failure(let diagnostic):
                if reportIfChanged(file, sink: sink) { return .failed }
                sink.report(diagnostic)
                status = .failed
                if !keepGoing { return status }
            case .statement(let statement):
                // (A definition the decoder left to the parser only adds too.)
                if case .define = statement.kind {} else { epoch += 1 }
                current.portfolio.settle()
                if let stop = attempt(statement.range, {
                    try redirectingOutput(sink) { sink in try executeTopLevel(statement, file: file, sink: sink) }
                }) { return stop }
            case .definition(let definition):
                if showsProgress { WorkProgress.set(definition.range.upper) }
                if let stop = attempt(definition.range, timed: false, { try execute(definition, file: file, sink: sink) }) { return stop }
                sincePublished += 1
                if let partners, sincePublished >= partnersPublishedEvery {
                    partners.publish(current.portfolio.boxes(of: .partner), epoch: epoch)
                    sincePublished = 0
                }
            }
        }
        if reportIfChanged(file, sink: sink) { return .failed }
        return status
    }

    /// Parses and resolves without running: every diagnostic, at most one per line.
    public func check(_ file: SourceFile) -> [Diagnostic] {
        if let diagnostic = Self.encodingError(file) { return [diagnostic] }
        var parser = Parser(file: file)
        var diagnostics: [Diagnostic] = []
        let runtime = makeRuntime()
        runtime.checkOnly = true
        // The checker registers placeholder bindings; the session keeps its own.
        let savedBindings = bindings, savedMetrics = metricOrder
        defer { bindings = savedBindings; metricOrder = savedMetrics }
        let checker = StaticChecker(session: self, runtime: runtime, file: file)
        while let next = parser.nextStatement() {
            switch next {
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            case .success(let statement): diagnostics.append(contentsOf: checker.check(statement))
            }
        }
        var lines = Set<Int>()
        return diagnostics.filter { diagnostic in
            guard let file = diagnostic.file else { return true }
            return lines.insert(file.location(of: diagnostic.range.lower).line).inserted
        }
    }

    /// Invalid UTF-8 or a NUL byte, reported with its position.
    static func encodingError(_ file: SourceFile) -> Diagnostic? {
        var index = 0
        let bytes = file.bytes
        // A mapped script is read through once here: its pages are handed back behind the scan.
        var scanned = 0
        defer { file.releasePages(scanned..<index) }
        while index < bytes.count {
            if index - scanned >= 1 << 20, file.isMapped {
                file.releasePages(scanned..<index)
                scanned = index
            }
            // Eight bytes at a time while they are ASCII and none is NUL (nearly all of a script).
            while index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let zeroByte = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                guard word & 0x8080_8080_8080_8080 == 0, zeroByte == 0 else { break }
                index += 8
                if index & 0xFFFF == 0 { break }  // now and then, back to hand pages back
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == 0 {
                return Diagnostic(.invalidEncoding, "NUL byte in the source", at: SourceRange(index, index + 1), in: file)
            }
            if byte < 0x80 { index += 1; continue }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length == 3 {
                let scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                valid = scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)
            }
            if valid, length == 4 {
                let high = (UInt32(byte & 0x07) << 2) | UInt32((bytes[index + 1] & 0x30) >> 4)
                valid = high >= 1 && high <= 0x10
            }
            if !valid {
                return Diagnostic(.invalidEncoding, "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
                                  at: SourceRange(index, index + 1), in: file, help: "save the file as UTF-8")
            }
            index += length
        }
        return nil
    }

    func makeRuntime(for scenario: Scenario? = nil) -> Runtime {
        let scenario = scenario ?? current
        var portfolio = scenario.portfolio
        // Changed keys only matter to a scenario that logs them (one something forked from):
        // loading a million entities into baseline keeps no list of a million keys.
        portfolio.tracksChanges = scenario.isLogging
        return Runtime(session: self, portfolio: portfolio, today: settings.today, weights: settings.weights)
    }

    /// A snapshot of everything a statement may change, to roll back a failing block or load.
    private struct Snapshot {
        var scenarios: [(Scenario, Portfolio, Int, Bool)]
        var current: Scenario
        var bindings: [String: Binding]
        var metricOrder: [String]
        var settings: Settings
        var parameters: ParameterStore
    }

    private func snapshot() -> Snapshot {
        Snapshot(scenarios: scenarios.map { ($0, $0.portfolio, $0.log.count, $0.isLogging) }, current: current,
                 bindings: bindings, metricOrder: metricOrder, settings: settings, parameters: parameters)
    }

    private func restore(_ snapshot: Snapshot) {
        scenarioIndex = [:]
        scenarios = snapshot.scenarios.map { scenario, portfolio, logCount, logging in
            scenario.portfolio = portfolio
            if scenario.log.count > logCount { scenario.log.removeSubrange(logCount...) }
            scenario.isLogging = logging
            return scenario
        }
        current = snapshot.current
        bindings = snapshot.bindings
        metricOrder = snapshot.metricOrder
        settings = snapshot.settings
        parameters = snapshot.parameters
    }

    /// Runs one statement all-or-nothing.
    private func executeTopLevel(_ statement: Statement, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        // Most statements work on a copy of the portfolio and commit it only on success, so they
        // need no snapshot; blocks and loads run several statements and roll back as a whole.
        switch statement.kind {
        case .scenarioBlock, .load: break
        default: return try execute(statement, file: file, sink: sink)
        }
        let saved = snapshot()
        do {
            return try execute(statement, file: file, sink: sink)
        } catch {
            restore(saved)
            throw error
        }
    }

    /// Commits a runtime's working portfolio to the current scenario.
    func commit(_ runtime: Runtime) {
        current.record(runtime.portfolio.touched)
        var portfolio = runtime.portfolio
        portfolio.clearTouched()
        current.portfolio = portfolio
    }

    /// Runs a change on the current scenario's portfolio in place: the runtime takes the only
    /// reference, so no tree node is copied (what makes loading and importing large data fast).
    /// `body` must leave the portfolio as it was when it throws.
    ///
    /// The portfolio is swapped into one runtime kept for this (not copied into a new one):
    /// a script of a million definitions would otherwise count references on every field of
    /// the portfolio twice per definition.
    private func inPlace<T>(_ body: (Runtime) throws -> T) throws -> T {
        guard let runtime = inPlaceRuntime else { return try body(makeRuntime()) }  // (never nested today)
        inPlaceRuntime = nil
        runtime.today = settings.today
        runtime.weights = settings.weights
        runtime.metricCache.removeAll()
        runtime.evaluating.removeAll()
        runtime.checkOnly = false
        swap(&runtime.portfolio, &current.portfolio)
        runtime.portfolio.tracksChanges = current.isLogging
        defer {
            runtime.portfolio.clearTouched()
            swap(&runtime.portfolio, &current.portfolio)
            inPlaceRuntime = runtime
        }
        let result = try body(runtime)
        current.record(runtime.portfolio.touched)
        return result
    }

    /// The runtime `inPlace` lends the portfolio to; it holds `placeholder` between statements.
    private lazy var inPlaceRuntime: Runtime? = Runtime(session: self, portfolio: placeholder, today: settings.today,
                                                         weights: settings.weights)

    // MARK: Statements

    /// Runs a definition decoded straight into its entity (`DefinitionDecoder`). When an entity
    /// it names does not exist or an invariant fails here, the statement is parsed again and
    /// run the general way, which reports what is wrong exactly as if it had not been decoded.
    func execute(_ definition: DecodedDefinition, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        Interrupt.clear()
        // Checked before its one insertion, like any definition: it may edit in place.
        let stored = try inPlace { runtime in try PortfolioEditor(runtime: runtime, file: file).define(definition, epoch: epoch) }
        partnersConfirmedAhead += definition.confirmedPartners(at: epoch).nonzeroBitCount
        guard stored else {
            current.portfolio.settle()
            var parser = Parser(file: file, at: definition.range.lower)
            switch parser.nextStatement() {
            case .success(let statement)?: return try execute(statement, file: file, sink: sink)
            case .failure(let diagnostic)?: throw diagnostic  // (never: it was read once already)
            case nil: return .success
            }
        }
        if sink.wantsConfirmations { sink.confirm("defined \(definition.entity.type.rawValue) \(definition.entity.id)") }
        return .success
    }

    /// Runs one statement.
    func execute(_ statement: Statement, file: SourceFile, sink: OutputSink) throws -> RunStatus {
        Interrupt.clear()
        switch statement.kind {
        case .define(let type, let id, let fields):
            // A definition checks everything before its one insertion (which changes nothing if
            // the id is taken), so it may edit the portfolio in place.
            try inPlace { runtime in
                try PortfolioEditor(runtime: runtime, file: file).define(type, id: id, fields: fields)
            }
            if sink.wantsConfirmations { sink.confirm("defined \(type.rawValue) \(id.text)") }

        case .letBinding(let name, let pipeline):
            try checkBindingName(name, file: file)
            let runtime = makeRuntime()
            runtime.evaluating.insert(name.text)
            let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
            let relation = try compiled.run()
            switch relation {
            case .entities(let type, let entities): bindings[name.text] = .entities(type, entities.map(\.id))
            case .table(let table): bindings[name.text] = .table(table, compiled.shape)
            case .scalar(let value): bindings[name.text] = .scalar(value)
            case .picture(_, let data):
                bindings[name.text] = .table(Table(columns: data.columns, rows: data.rows),
                                             .table(columns: data.columns, types: [], base: nil))
            }
            metricOrder.removeAll { $0 == name.text }

        case .metric(let name, let pipeline):
            try checkBindingName(name, file: file)
            let runtime = makeRuntime()
            runtime.evaluating.insert(name.text)
            let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
            if compiled.shape != .scalar, case .table(let columns, _, _) = compiled.shape, columns.count != 1 {
                throw Diagnostic(.notScalar, "a metric must give a single value", at: pipeline.range, in: file,
                                 help: "end it with `count` or `summarize` one aggregate")
            }
            if case .entities = compiled.shape {
                throw Diagnostic(.notScalar, "a metric must give a single value, not \(compiled.shape.description)",
                                 at: pipeline.range, in: file, help: "end it with `count` or `summarize sum(value)`")
            }
            bindings[name.text] = .metric(pipeline, file)
            if !metricOrder.contains(name.text) { metricOrder.append(name.text) }

        case .trigger(let name, let type, _, let condition):
            let runtime = makeRuntime()
            _ = try ExpressionCompiler(runtime: runtime, file: file, scope: Scope(entityType: type)).compile(condition)
            runtime.portfolio.triggers[name.text] = TriggerDefinition(name: name.text, type: type, condition: condition,
                                                                       file: file, conditionText: file.text(condition.range))
            commit(runtime)

        case .query(let pipeline):
            let runtime = makeRuntime()
            let relation = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline).run()
            sink.emit(result(of: relation, runtime: runtime))

        case .update(let pipeline, let assignments):
            let runtime = makeRuntime()
            let count = try update(pipeline, assignments, runtime: runtime, file: file)
            commit(runtime)
            sink.confirm("updated \(count.0) \(count.0 == 1 ? count.1.rawValue : count.1.plural)")

        case .remove(let pipeline):
            let runtime = makeRuntime()
            let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
            guard let type = PipelineCompiler.entityType(of: compiled.shape) else {
                throw Diagnostic(.wrongInput, "`remove` needs partners, agreements or stakeholders, not \(compiled.shape.description)",
                                 at: pipeline.range, in: file)
            }
            let entities = try PipelineCompiler.entities(of: try compiled.run())
            let removed = try PortfolioEditor(runtime: runtime, file: file).remove(entities.map { EntityKey($0.type, $0.id) })
            commit(runtime)
            sink.confirm("removed \(removed) \(removed == 1 ? type.rawValue : type.plural)")

        case .addParty(let partner, let agreement, let fields):
            let runtime = makeRuntime()
            try PortfolioEditor(runtime: runtime, file: file).addParty(partner: partner, agreement: agreement, fields: fields)
            commit(runtime)
            sink.confirm("added \(partner.text) to \(agreement.text)")

        case .removeParty(let partner, let agreement):
            let runtime = makeRuntime()
            try PortfolioEditor(runtime: runtime, file: file).removeParty(partner: partner, agreement: agreement)
            commit(runtime)
            sink.confirm("removed \(partner.text) from \(agreement.text)")

        case .scenario(let name, let from):
            try createScenario(name, from: from, file: file)
            sink.confirm("now in scenario \(name.text)")

        case .scenarioBlock(let name, let statements):
            let returnTo = current
            if let existing = scenario(named: name.text) {
                current = existing
            } else {
                try createScenario(name, from: nil, file: file)
            }
            nesting += 1
            defer { nesting -= 1 }
            for inner in statements {
                if try execute(inner, file: file, sink: sink) == .quit { return .quit }
            }
            if scenarios.contains(where: { $0 === returnTo }) { current = returnTo }

        case .use(let name):
            current = try requireScenario(name, file: file)

        case .dropScenario(let name):
            let target = try requireScenario(name, file: file)
            if target.parent == nil {
                throw Diagnostic(.invalidValue, "baseline cannot be dropped", at: name.range, in: file)
            }
            if target === current {
                throw Diagnostic(.invalidValue, "`\(name.text)` is the current scenario", at: name.range, in: file,
                                 help: "`use baseline` first")
            }
            scenarios.removeAll { $0 === target }
            scenarioIndex[target.name] = nil
            sink.confirm("dropped scenario \(name.text)")

        case .load(let path):
            let url = resolve(path, file: file)
            if loading.contains(url.path) || loading.count >= 32 {
                throw Diagnostic(.cycle, loading.contains(url.path) ? "\(path.text) is already being loaded (a load cycle)"
                                 : "loads are nested more than 32 deep", at: path.range, in: file)
            }
            let loaded = try readSource(url, range: path.range, file: file)
            let saved = snapshot()
            loading.append(url.path)
            defer { loading.removeLast() }
            let status = run(loaded, sink: ForwardingSink(sink), keepGoing: false)
            if status == .failed || status == .interrupted {
                restore(saved)
                throw Diagnostic(status == .interrupted ? .cancelled : .fileError,
                                 status == .interrupted ? "interrupted" : "`load` stopped at the error above; nothing was loaded",
                                 at: path.range, in: file)
            }

        case .save(let path):
            let url = resolve(path, file: file)
            let text = ScriptWriter.script(for: current.portfolio, metrics: metricOrder.compactMap { name in
                if case .metric(let pipeline, let source)? = bindings[name] { return (name, source.text(pipeline.range)) }
                return nil
            })
            try AtomicFile.write(text, to: url, range: path.range, file: file)
            sink.confirm("saved \(current.portfolio.count(.partner)) partners, \(current.portfolio.count(.agreement)) agreements, \(current.portfolio.count(.stakeholder)) stakeholders to \(path.text)")

        case .importData(let type, let path):
            // An import edits the portfolio in place and undoes its own rows if one fails.
            let url = resolve(path, file: file)
            let count = try inPlace { runtime in
                try DataImporter(runtime: runtime, file: file, range: path.range).importFile(url, kind: type.text)
            }
            sink.confirm("imported \(count) \(type.text)")

        case .export(let pipeline, let path):
            let runtime = makeRuntime()
            let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
            let url = resolve(path, file: file)
            try DataExporter.export(compiled, runtime: runtime, to: url, range: path.range, file: file)
            sink.confirm("exported to \(path.text)")

        case .exportNetwork(let path):
            let runtime = makeRuntime()
            let url = resolve(path, file: file)
            let text = NetworkExporter.dot(runtime.portfolio)
            try AtomicFile.write(text, to: url, range: path.range, file: file)
            sink.confirm("exported the partner network to \(path.text)")

        case .dotCommand(let name, let arguments):
            return try DotCommands.run(name: name, arguments: arguments, session: self, file: file, sink: sink)

        case .letExpression(let name, let expr): try bindExpression(name, expr, file: file)
        case .param(let name, let expr): try declareParameter(name, expr, file: file)
        case .print(let expr): try printLine(expr, file: file, sink: sink)
        case .assert(let expr, let message): try checkAssertion(expr, message: message, file: file)
        case .refresh(let type, let path): try refresh(type, path, file: file, sink: sink)
        }
        return .success
    }

    // MARK: Updates

    private func update(_ pipeline: Pipeline, _ assignments: [Assignment], runtime: Runtime, file: SourceFile) throws -> (Int, EntityType) {
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        guard let type = PipelineCompiler.entityType(of: compiled.shape) else {
            throw Diagnostic(.wrongInput, "`update` needs partners, agreements or stakeholders, not \(compiled.shape.description)",
                             at: pipeline.range, in: file)
        }
        let editor = PortfolioEditor(runtime: runtime, file: file)
        // Every value is computed from the rows as they were, then all are applied.
        var plans: [(Assignment, Compiled?, Value?)] = []
        let scope = Scope(entityType: type)
        let expressions = ExpressionCompiler(runtime: runtime, file: file, scope: scope)
        for assignment in assignments {
            guard let spec = FieldCatalog.field(assignment.path[0].text, of: type) else {
                throw Diagnostic(.unknownField, "`\(assignment.path[0].text)` is not a field of \(type.rawValue)",
                                 at: assignment.path[0].range, in: file,
                                 help: Suggestions.help(for: assignment.path[0].text, in: FieldCatalog.storedFields(of: type).map(\.name)))
            }
            var targetType = spec.type
            if assignment.path.count == 2 {
                if spec.type == .decisions { targetType = .enumeration(.rule) }
                else if let member = spec.type.members?.first(where: { $0.name == assignment.path[1].text }) { targetType = member.type }
            }
            let literalShaped: Bool = {
                switch assignment.value.kind {
                case .list, .record, .tagged: return true
                case .name: return !expressions.resolvesWithoutHint(assignment.value)
                default: return false
                }
            }()
            if literalShaped {
                plans.append((assignment, nil, try editor.resolve(assignment.value, as: targetType, field: spec.name)))
            } else {
                plans.append((assignment, try expressions.compile(assignment.value, hint: StaticType(targetType)), nil))
            }
        }
        let entities = try PipelineCompiler.entities(of: try compiled.run())
        var changed: [Entity] = []
        changed.reserveCapacity(entities.count)
        for entity in entities {
            try runtime.checkCancelled()
            var updated = entity
            try PipelineCompiler.withRowContext(entity) {
                for (assignment, expression, constant) in plans {
                    let value = try constant ?? expression!.run(Row(entity: entity))
                    try editor.assign(value, to: assignment.path, on: &updated, range: assignment.value.range)
                }
                try editor.checkInvariants(updated, range: pipeline.range)
            }
            changed.append(updated)
        }
        for entity in changed {
            if case .agreement(var agreement) = entity, agreement.parties.count < 2,
               case .agreement(let before)? = runtime.portfolio.entity(EntityKey(.agreement, agreement.id)),
               before.parties.count >= 2 {
                editor.terminateIfAlone(&agreement)
                editor.put(.agreement(agreement))
            } else {
                editor.put(entity)
            }
        }
        // A second `home: true` within the same update.
        if type == .partner, changed.filter({ if case .partner(let p) = $0 { return p.home } else { return false } }).count > 1 {
            throw Diagnostic(.invalidValue, "at most one partner has `home: true`", at: pipeline.range, in: file)
        }
        return (changed.count, type)
    }

    // MARK: Bindings

    private static let reservedSources: Set<String> = ["partners", "agreements", "stakeholders", "partner", "agreement",
                                                       "stakeholder", "renewals", "path", "triggers", "scenarios", "today",
                                                       "true", "false", "null", "and", "or", "not", "in", "contains"]

    func checkBindingName(_ name: Name, file: SourceFile) throws {
        try refuseParameterRebinding(name, file: file)
        if FieldCatalog.allFieldNames.contains(name.text) {
            throw Diagnostic(.reservedName, "`\(name.text)` is a field name; a `let` or `metric` cannot shadow it",
                             at: name.range, in: file, help: "pick another name, e.g. `\(name.text)_total`")
        }
        if let enumType = EnumType.allCases.first(where: { $0.value(named: name.text) != nil }) {
            throw Diagnostic(.reservedName, "`\(name.text)` is a case of \(enumType.rawValue); a `let` or `metric` cannot shadow it",
                             at: name.range, in: file)
        }
        if Self.reservedSources.contains(name.text) || ScalarFunction(rawValue: name.text) != nil
            || AggregateFunction(rawValue: name.text) != nil {
            throw Diagnostic(.reservedName, "`\(name.text)` is part of the language and cannot be a name", at: name.range, in: file)
        }
    }

    func hasBinding(_ name: String) -> Bool { bindings[name] != nil }

    /// A binding used inside an expression: a scalar, a metric's value, or (for an entity
    /// binding) the list of its ids that still exist.
    func compileBindingReference(_ name: String, _ range: SourceRange, file: SourceFile, runtime: Runtime) throws -> Compiled {
        switch bindings[name]! {
        case .scalar(let value):
            return Compiled(run: { _ in value }, type: StaticType.of(value))
        case .metric:
            return Compiled(run: { [unowned self] _ in try self.metricValue(name, runtime: runtime, range: range, file: file) },
                            type: .unknown)
        case .entities(let type, let ids):
            return Compiled(run: { _ in
                .list(ids.filter { runtime.portfolio.contains(type, $0) }.map { .reference(type, $0) })
            }, type: .list(.reference(type)))
        case .table(let table, _):
            if table.columns.count == 1, table.rows.count == 1 {
                let value = table.rows[0][0]
                return Compiled(run: { _ in value }, type: StaticType.of(value))
            }
            if table.columns.count == 1 {
                let values = table.rows.map { $0[0] }
                return Compiled(run: { _ in .list(values) }, type: .list(.unknown))
            }
            throw Diagnostic(.notScalar, "`\(name)` is a table; use it as a source (`\(name) | ...`)", at: range, in: file)
        }
    }

    /// A binding used as a pipeline source.
    func compileBindingSource(_ name: Name, file: SourceFile, runtime: Runtime) throws -> CompiledPipeline {
        guard let binding = bindings[name.text] else {
            let sources = ["partners", "agreements", "stakeholders", "renewals", "triggers", "scenarios", "path"]
            let keywords = ["let", "metric", "trigger", "update", "remove", "add", "scenario", "use", "drop", "diff",
                            "compare", "load", "save", "import", "export"]
            throw Diagnostic(.unknownName, "unknown name `\(name.text)`", at: name.range, in: file,
                             help: Suggestions.help(for: name.text, in: sources + keywords + bindingNames)
                                ?? "a query starts with partners, agreements, stakeholders, or a `let` or `metric` name")
        }
        switch binding {
        case .entities(let type, let ids):
            return CompiledPipeline(shape: .entities(type)) {
                .entities(type, ids.compactMap { runtime.portfolio.entity(EntityKey(type, $0)) })
            }
        case .table(let table, let shape):
            return CompiledPipeline(shape: shape) { .table(table) }
        case .scalar(let value):
            return CompiledPipeline(shape: .scalar) { .scalar(value) }
        case .metric:
            return CompiledPipeline(shape: .scalar) {
                .scalar(try self.metricValue(name.text, runtime: runtime, range: name.range, file: file))
            }
        }
    }

    /// A metric's value in the runtime's scenario, computed once per statement.
    func metricValue(_ name: String, runtime: Runtime, range: SourceRange, file: SourceFile) throws -> Value {
        if let cached = runtime.metricCache[name] { return cached }
        guard case .metric(let pipeline, let source)? = bindings[name] else {
            throw Diagnostic(.unknownMetric, "unknown metric `\(name)`", at: range, in: file,
                             help: Suggestions.help(for: name, in: metricOrder))
        }
        // Session-wide, since `compare` evaluates a metric in runtimes of its own.
        if runtime.evaluating.contains(name) || evaluatingMetrics.contains(name) {
            throw Diagnostic(.cycle, "metric `\(name)` uses itself", at: range, in: file)
        }
        evaluatingMetrics.insert(name)
        defer { evaluatingMetrics.remove(name) }
        let relation = try PipelineCompiler(runtime: runtime, file: source).compile(pipeline).run()
        let value = try Self.singleValue(relation, range: pipeline.range, file: source)
        runtime.metricCache[name] = value
        return value
    }

    /// A scalar, or a table of exactly one row and one column.
    static func singleValue(_ relation: Relation, range: SourceRange, file: SourceFile) throws -> Value {
        switch relation {
        case .scalar(let value): return value
        case .table(let table) where table.columns.count == 1 && table.rows.count == 1: return table.rows[0][0]
        case .table(let table) where table.columns.count == 1 && table.rows.isEmpty: return .null
        default:
            throw Diagnostic(.notScalar, "expected a single value here, but the pipeline gives several rows or columns",
                             at: range, in: file)
        }
    }

    // MARK: Results

    func result(of relation: Relation, runtime: Runtime) -> QueryResult {
        switch relation {
        case .scalar(let value): return .scalar(value)
        case .entities, .table:
            let table = PipelineCompiler.table(of: relation, runtime: runtime)
            return .table(ResultTable(columns: table.columns, rows: table.rows))
        case .picture(let kind, let data): return .picture(kind, data, today: runtime.today)
        }
    }

    // MARK: Scenarios

    func scenario(named name: String) -> Scenario? {
        // Scenarios are few in a session but a script may make thousands: look them up by name.
        if scenarioIndex.count != scenarios.count {
            scenarioIndex = Dictionary(scenarios.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return scenarioIndex[name]
    }

    func requireScenario(_ name: Name, file: SourceFile) throws -> Scenario {
        guard let found = scenario(named: name.text) else {
            throw Diagnostic(.unknownScenario, "no scenario `\(name.text)`", at: name.range, in: file,
                             help: Suggestions.help(for: name.text, in: scenarioNames) ?? "scenarios: \(scenarioNames.joined(separator: ", "))")
        }
        return found
    }

    private func createScenario(_ name: Name, from: Name?, file: SourceFile) throws {
        if ["metric", "delta", "change"].contains(name.text) {
            throw Diagnostic(.reservedName, "`\(name.text)` cannot name a scenario (it is a column of `compare`)", at: name.range, in: file)
        }
        if scenario(named: name.text) != nil {
            throw Diagnostic(.duplicateScenario, "scenario `\(name.text)` already exists", at: name.range, in: file,
                             help: "`use \(name.text)` to switch to it")
        }
        let parent = try from.map { try requireScenario($0, file: file) } ?? current
        let child = parent.fork(named: name.text)
        scenarios.append(child)
        scenarioIndex[child.name] = child
        current = child
    }

    /// The number of entities that differ between a scenario and its parent.
    func changedCount(_ scenario: Scenario) -> Int {
        guard let parent = scenario.parent else { return 0 }
        let keys = Scenario.candidateKeys(parent, scenario)
        return keys.filter { key in parent.portfolio.entity(key) != scenario.portfolio.entity(key) }.count
    }

    func scenarioTable() -> Table {
        let rows: [[Value]] = scenarios.map { scenario in
            [.string(scenario.name), scenario.parent.map { .string($0.name) } ?? .null,
             .number(Double(changedCount(scenario))), .bool(scenario === current)]
        }
        return Table(columns: ["name", "parent", "changed", "current"], rows: rows)
    }

    /// `diff A B`: stored-field changes from A to B, then triggers that fire or clear.
    func diff(_ a: Scenario, _ b: Scenario) throws -> ResultTable {
        let keys = Scenario.candidateKeys(a, b)
        let runtime = makeRuntime(for: b)
        var rows = PortfolioDiff.rows(keys: keys, before: a.portfolio, after: b.portfolio, context: runtime)
        let triggerNames = Set(a.portfolio.triggers.keys).union(b.portfolio.triggers.keys).sorted { Value.compareText($0, $1) < 0 }
        if !triggerNames.isEmpty {
            let runtimeA = makeRuntime(for: a), runtimeB = makeRuntime(for: b)
            let candidates = PortfolioDiff.triggerCandidates(keys, before: a.portfolio, after: b.portfolio)
            var triggerRows: [(EntityKey, String, Bool)] = []
            for name in triggerNames {
                let inA = a.portfolio.triggers[name], inB = b.portfolio.triggers[name]
                let type = (inB ?? inA)!.type
                // A trigger added, dropped or redefined may move on any entity of its type.
                let sameDefinition = inA != nil && inB != nil && inA!.conditionText == inB!.conditionText
                var targets: Set<EntityKey> = sameDefinition ? candidates.filter { $0.type == type } : []
                if !sameDefinition {
                    for id in a.portfolio.sortedIds(type) + b.portfolio.sortedIds(type) { targets.insert(EntityKey(type, id)) }
                }
                let testA = try inA.map { try triggerTest($0, runtime: runtimeA) }
                let testB = try inB.map { try triggerTest($0, runtime: runtimeB) }
                for key in targets {
                    let before = try a.portfolio.entity(key).map { try testA?($0) ?? false } ?? false
                    let after = try b.portfolio.entity(key).map { try testB?($0) ?? false } ?? false
                    if before != after { triggerRows.append((key, name, after)) }
                }
            }
            triggerRows.sort { x, y in x.0 != y.0 ? x.0 < y.0 : Value.compareText(x.1, y.1) < 0 }
            for (key, name, fires) in triggerRows {
                rows.append([.string(fires ? "fires" : "clears"), .string(key.type.rawValue), .string(key.id), .string(name), .null, .null])
            }
        }
        return ResultTable(columns: PortfolioDiff.columns, rows: rows)
    }

    private func triggerTest(_ trigger: TriggerDefinition, runtime: Runtime) throws -> (Entity) throws -> Bool {
        let compiled = try ExpressionCompiler(runtime: runtime, file: trigger.file, scope: Scope(entityType: trigger.type))
            .compile(trigger.condition)
        return { entity in try PipelineCompiler.withRowContext(entity) { try compiled.run(Row(entity: entity)).isTrue } }
    }

    /// Rows `trigger, type, id` for every entity on which a trigger fires in the runtime's scenario.
    func firingTriggers(runtime: Runtime) throws -> Table {
        var rows: [[Value]] = []
        let names = runtime.portfolio.triggers.keys.sorted { Value.compareText($0, $1) < 0 }
        for name in names {
            let trigger = runtime.portfolio.triggers[name]!
            let test = try triggerTest(trigger, runtime: runtime)
            for id in runtime.portfolio.sortedIds(trigger.type) {
                try runtime.checkCancelled()
                guard let entity = runtime.portfolio.entity(EntityKey(trigger.type, id)) else { continue }
                if try test(entity) {
                    rows.append([.string(name), .string(trigger.type.rawValue), .reference(trigger.type, id)])
                }
            }
        }
        return Table(columns: ["trigger", "type", "id"], rows: rows)
    }

    /// `compare A, B, ... [on M, ...]`: one row per metric, one column per scenario, then delta and change.
    func compare(_ targets: [Scenario], metrics: [Name], file: SourceFile) throws -> ResultTable {
        var names: [String] = []
        for metric in metrics {
            guard case .metric? = bindings[metric.text] else {
                throw Diagnostic(.unknownMetric, "no metric `\(metric.text)`", at: metric.range, in: file,
                                 help: Suggestions.help(for: metric.text, in: metricOrder))
            }
            names.append(metric.text)
        }
        if metrics.isEmpty { names = metricOrder }
        let runtimes = targets.map { makeRuntime(for: $0) }
        var rows: [[Value]] = []
        for name in names {
            var row: [Value] = [.string(name)]
            var values: [Value] = []
            for runtime in runtimes {
                values.append(try metricValue(name, runtime: runtime, range: .none, file: file))
            }
            row += values
            if case .number(let first)? = values.first, case .number(let last)? = values.last {
                let delta = last - first
                row.append(.number(delta))
                row.append(first == 0 ? .null : .number(delta / first))
            } else {
                row += [.null, .null]
            }
            rows.append(row)
        }
        return ResultTable(columns: ["metric"] + targets.map(\.name) + ["delta", "change"], rows: rows)
    }

    // MARK: Files

    func resolve(_ path: PathLiteral, file: SourceFile) -> URL {
        if path.text.hasPrefix("/") { return URL(fileURLWithPath: path.text) }
        let expanded = path.text.hasPrefix("~/") ? NSString(string: path.text).expandingTildeInPath : path.text
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded) }
        let base = file.directory ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: base).appendingPathComponent(expanded).standardizedFileURL
    }

    func readSource(_ url: URL, range: SourceRange, file: SourceFile) throws -> SourceFile {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Diagnostic(.fileError, "cannot read \(url.path): it is a directory", at: range, in: file)
        }
        do {
            return try SourceFile(contentsOf: url.path)
        } catch {
            throw Diagnostic(.fileError, "cannot read \(url.path): \(Self.reason(error))", at: range, in: file)
        }
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}

/// Passes results, errors and notes through but not confirmations: for `load`, the start-up
/// file and `--data`, whose definitions would otherwise confirm one by one.
public final class ForwardingSink: OutputSink {
    let target: OutputSink
    public init(_ target: OutputSink) { self.target = target }
    public func emit(_ result: QueryResult) { target.emit(result) }
    public func report(_ diagnostic: Diagnostic) { target.report(diagnostic) }
    public func note(_ text: String) { target.note(text) }
    public func showLastResult() -> Bool { target.showLastResult() }
    public func confirm(_ text: String) {}
    public var wantsConfirmations: Bool { false }
}

extension Diagnostic {
    /// The same diagnostic pointing at `range` when it has no position of its own.
    func with(range fallback: SourceRange) -> Diagnostic {
        var copy = self
        if copy.range == .none { copy.range = fallback }
        return copy
    }
}
