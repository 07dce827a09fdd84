/// Writes every scenario as one Ally script (`save scenarios to "F"`): baseline as definitions
/// (as `save` writes it, with the metrics and its triggers), then each other scenario in
/// creation order as `scenario NAME from PARENT { ... }` holding the statements that turn the
/// parent (as saved) into it: `remove` for what it removed, definitions for what it added,
/// `update KIND ID set ...` for the fields it changed, and its own triggers.
///
/// Cascades make the right statements depend on order (removing a partner terminates its
/// agreements and takes its stakeholders), so each block is worked out by running it on a
/// scratch copy of the parent (an O(1) fork) and correcting what came out different: the file
/// replays exactly because it was replayed once already. Cost: the baseline's save plus
/// O(changes log n) per scenario.
enum ScenarioWriter {
    struct Failure: Error {
        let message: String
    }

    static func script(scenarios: [Scenario], metrics: [(String, String)], settings: Settings) throws -> String {
        var out = ScriptWriter.script(for: scenarios[0].portfolio, metrics: metrics)
        let saved = Set(scenarios.map(ObjectIdentifier.init))
        for scenario in scenarios.dropFirst() {
            // A dropped parent is not saved: the block forks from the nearest saved ancestor.
            var parent = scenario.parent!
            while !saved.contains(ObjectIdentifier(parent)), let up = parent.parent { parent = up }
            let statements = try block(from: parent, to: scenario, settings: settings)
            out += "\nscenario \(scenario.name) from \(parent.name) {\n"
            for statement in statements { out += "  " + statement + "\n" }
            out += "}\n"
        }
        return out
    }

    /// The statements that turn `parent`'s state into `child`'s.
    static func block(from parent: Scenario, to child: Scenario, settings: Settings) throws -> [String] {
        let target = child.portfolio
        let replay = Replay(start: parent.portfolio, settings: settings, scenario: child.name)
        var keys = Scenario.candidateKeys(parent, child).filter { parent.portfolio.entity($0) != target.entity($0) }
        var statements: [String] = []

        // Removals first, biggest cascades first; what a cascade already took is not removed again.
        for key in keys.sorted() where target.entity(key) == nil && replay.portfolio.entity(key) != nil {
            statements.append(try replay.run("remove \(key.type.rawValue) \(key.id)"))
        }
        keys.formUnion(replay.touched)
        // Additions in type order (partners before what names them); a `knows` tie to a later id
        // is written by the later stakeholder's definition or update, as `save` does.
        for key in keys.sorted() where replay.portfolio.entity(key) == nil {
            guard let entity = target.entity(key) else { continue }
            statements.append(try replay.run(ScriptWriter.definition(entity).trimmingTrailingNewline))
        }
        keys.formUnion(replay.touched)
        // Updates until nothing differs (a second round only when an update cascaded, e.g. an
        // agreement left with one party was terminated and the scenario set its status back).
        for _ in 0..<3 {
            let differing = keys.sorted().filter { replay.portfolio.entity($0) != target.entity($0) }
            if differing.isEmpty { break }
            // Partners losing `home` first: at most one partner is home at any time.
            let ordered = differing.filter { losesHome($0, replay.portfolio, target) } + differing.filter { !losesHome($0, replay.portfolio, target) }
            for key in ordered {
                guard let now = replay.portfolio.entity(key), let wanted = target.entity(key) else {
                    throw Failure(message: "\(key.type.rawValue) \(key.id) of scenario \(child.name) cannot be written as a change of \(parent.name)")
                }
                statements.append(try replay.run(update(from: now, to: wanted, context: replay.session.makeRuntime())))
            }
            keys.formUnion(replay.touched)
        }
        if let wrong = keys.sorted().first(where: { replay.portfolio.entity($0) != target.entity($0) }) {
            throw Failure(message: "\(wrong.type.rawValue) \(wrong.id) of scenario \(child.name) does not come back the same from a script")
        }
        statements += try triggerStatements(from: parent, to: child)
        return statements
    }

    private static func losesHome(_ key: EntityKey, _ now: Portfolio, _ target: Portfolio) -> Bool {
        if case .partner(let a)? = now.entity(key), case .partner(let b)? = target.entity(key) { return a.home && !b.home }
        return false
    }

    /// `update KIND ID set f = v, ...` for every stored field that differs.
    static func update(from now: Entity, to wanted: Entity, context: EntityContext) -> String {
        var sets: [String] = []
        for field in FieldCatalog.storedFields(of: wanted.type) where field.name != "id" {
            let value = field.get(wanted, context)
            guard field.get(now, context) != value else { continue }
            sets.append("\(field.name) = \(literal(field.name, value, of: wanted))")
        }
        return "update \(wanted.type.rawValue) \(wanted.id) set " + sets.joined(separator: ", ")
    }

    /// A field's value as the script writes it: parties as a definition writes them.
    private static func literal(_ field: String, _ value: Value, of entity: Entity) -> String {
        if field == "parties", case .agreement(let agreement) = entity {
            return "[" + agreement.parties.map(ScriptWriter.party).joined(separator: ", ") + "]"
        }
        return ValueFormatter.literal(value)
    }

    private static func triggerStatements(from parent: Scenario, to child: Scenario) throws -> [String] {
        let before = parent.portfolio.triggers, after = child.portfolio.triggers
        if let lost = before.keys.first(where: { after[$0] == nil }) {
            throw Failure(message: "scenario \(child.name) has no trigger `\(lost)`, which \(parent.name) has (a trigger cannot be removed by a statement)")
        }
        return after.values.sorted { Value.compareText($0.name, $1.name) < 0 }.compactMap { trigger in
            if let old = before[trigger.name], old.type == trigger.type, old.conditionText == trigger.conditionText { return nil }
            return "trigger \(trigger.name) on \(trigger.type.plural) when \(trigger.conditionText)"
        }
    }

    /// A scratch session holding a copy of the parent, where each statement of the block runs
    /// as it will when the file is loaded.
    private final class Replay {
        let session: Session
        let scenario: String
        private var logRead = 0

        init(start: Portfolio, settings: Settings, scenario: String) {
            session = Session(settings: settings)
            let baseline = session.scenarios.baseline
            baseline.portfolio = start
            baseline.isLogging = true
            self.scenario = scenario
        }

        var portfolio: Portfolio { session.scenarios.baseline.portfolio }

        /// Keys the statements run so far touched (each key once per call is enough).
        var touched: [EntityKey] {
            let log = session.scenarios.baseline.log
            defer { logRead = log.count }
            return Array(log[logRead...])
        }

        /// Runs one statement; returns its text.
        func run(_ text: String) throws -> String {
            let sink = FailureSink()
            let status = session.run(SourceFile(name: "<save scenarios>", text: text), sink: sink)
            guard status == .success else {
                throw Failure(message: "scenario \(scenario): `\(text)` does not replay: \(sink.messages.joined(separator: "; "))")
            }
            return text
        }
    }

    private final class FailureSink: OutputSink {
        var messages: [String] = []
        func emit(_ result: QueryResult) {}
        func report(_ diagnostic: Diagnostic) { messages.append(diagnostic.message) }
        func note(_ text: String) {}
        func confirm(_ text: String) {}
        var wantsConfirmations: Bool { false }
    }
}

extension String {
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
