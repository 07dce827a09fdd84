/// `log`'s steps, `undo` and `redo`: every statement that changes a scenario is recorded as a
/// step of that scenario's history (`ScenarioHistory`), holding the state before it.
extension Session {
    /// Runs a statement that may change the current scenario and records it as a step when it
    /// changed something (a trigger statement always counts).
    ///
    /// `keepsStateBefore` false: a party import, which records how it is taken back
    /// (`importTakeBack`, see `ScenarioHistory.Before`); holding the state before it meanwhile
    /// would make its in-place edit copy every agreement.
    func recordingStep(_ statement: Statement, file: SourceFile, alwaysCounts: Bool = false, keepsStateBefore: Bool = true,
                       _ body: () throws -> Void) throws {
        endDefinitionRun()
        let scenario = scenarios.current
        let before = keepsStateBefore ? scenario.portfolio : nil
        let logStart = scenario.log.count
        lastCommittedKeys = []
        importedUntracked = nil
        importTakeBack = nil
        defer { lastCommittedKeys = []; importedUntracked = nil; importTakeBack = nil }
        try body()
        let logged = scenario.isLogging
        let keys = logged ? Array(scenario.log[logStart...]) : lastCommittedKeys
        let after = scenario.portfolio
        // (Every agreement a party import touched gained a party: all of them differ.)
        var changed = before.map { before in Set(keys).filter { before.entity($0) != after.entity($0) }.count } ?? Set(keys).count
        // An import into a scenario that keeps no log adds its rows untracked (in place).
        let untracked = !logged && importedUntracked != nil
        if untracked { changed = importedUntracked ?? 0 }
        guard changed > 0 || alwaysCounts else { return }
        let undo = before.map(ScenarioHistory.Before.state) ?? importTakeBack.map(ScenarioHistory.Before.takeBack)
        assert(undo != nil, "a step that keeps no state before it records how it is taken back")
        scenario.history.append(ScenarioHistory.Step(
            statement: ScenarioHistory.oneLine(file.text(statement.range)), before: undo, changed: changed,
            logRange: logged ? logStart..<scenario.log.count : nil, keys: logged || untracked ? nil : keys))
        scenario.unsaved = true
    }

    /// Runs a definition: consecutive definitions of one script are one step (a data script of a
    /// million definitions keeps one older state, not a million, and still edits in place).
    func recordingDefinition(_ range: SourceRange, file: SourceFile, _ body: () throws -> Bool) throws -> Bool {
        let scenario = scenarios.current
        let continues = definitionRun.map { $0.scenario === scenario && $0.file === file } ?? false
            && scenario.history.lastIsDefinitions
        // Taken only when a step opens: a second reference to the portfolio would make the
        // in-place edit copy what it touches.
        let before: Portfolio? = continues ? nil : scenario.portfolio
        let logStart = scenario.log.count
        guard try body() else { return false }
        let logEnd = scenario.isLogging ? scenario.log.count : nil
        if continues {
            scenario.history.extendDefinitions(logEnd: logEnd)
        } else {
            scenario.history.append(ScenarioHistory.Step(
                statement: ScenarioHistory.oneLine(file.text(range)), before: before.map(ScenarioHistory.Before.state), changed: 1,
                logRange: logEnd.map { logStart..<$0 }, keys: nil, definitions: 1))
            definitionRun = (scenario, file)
        }
        scenario.unsaved = true
        return true
    }

    /// Any other statement ends a run of definitions.
    func endDefinitionRun() { definitionRun = nil }

    /// `undo [N]`: the current scenario goes back N steps.
    func executeUndo(steps: Int, range: SourceRange, file: SourceFile, sink: OutputSink) throws {
        endDefinitionRun()
        let scenario = scenarios.current
        let available = scenario.history.undoable
        guard available >= steps else {
            let reason = scenario.history.done.isEmpty ? "nothing to undo in \(scenario.name)"
                : available == 0 ? "only the last \(ScenarioHistory.undoLimit) statements can be undone"
                : "only \(available) statement\(available == 1 ? "" : "s") to undo in \(scenario.name)"
            throw Diagnostic(.invalidValue, reason, at: range, in: file, help: scenario.history.done.isEmpty ? nil : "`log` lists them")
        }
        var last = ""
        for _ in 0..<steps {
            let step = scenario.history.undo(after: scenario.portfolio)
            let after = scenario.portfolio
            scenario.portfolio = step.before!.state(after: after)
            relog(step, in: scenario, otherState: after)
            last = step.statement
        }
        scenario.unsaved = true
        sink.confirm(steps == 1 ? "undid \(Self.shortened(last))" : "undid \(steps) statements")
    }

    /// `redo [N]`: replays N undone steps.
    func executeRedo(steps: Int, range: SourceRange, file: SourceFile, sink: OutputSink) throws {
        endDefinitionRun()
        let scenario = scenarios.current
        guard scenario.history.redoable >= steps else {
            let available = scenario.history.redoable
            throw Diagnostic(.invalidValue, available == 0 ? "nothing to redo in \(scenario.name)"
                             : "only \(available) statement\(available == 1 ? "" : "s") to redo in \(scenario.name)",
                             at: range, in: file, help: available == 0 ? "a changing statement after `undo` drops what could be redone" : nil)
        }
        var last = ""
        for _ in 0..<steps {
            let (step, after) = scenario.history.redo(before: scenario.portfolio)
            let before = scenario.portfolio
            scenario.portfolio = after
            relog(step, in: scenario, otherState: before)
            last = step.statement
        }
        scenario.unsaved = true
        sink.confirm(steps == 1 ? "redid \(Self.shortened(last))" : "redid \(steps) statements")
    }

    /// The keys a step changed go into the log again, so that `diff` and forks see them move
    /// back (the log only grows: children's fork positions index into it). O(what the step changed).
    private func relog(_ step: ScenarioHistory.Step, in scenario: Scenario, otherState: Portfolio) {
        guard scenario.isLogging else { return }
        if let range = step.logRange {
            scenario.log.append(contentsOf: scenario.log[range])
        } else if let keys = step.keys {
            scenario.log.append(contentsOf: keys)
        } else {
            // A run of definitions made before anything forked from this scenario.
            scenario.log.append(contentsOf: ScenarioHistory.differingKeys(scenario.portfolio, otherState))
        }
    }

    static func shortened(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }

    /// After `--data` or a start-up script: scenarios start with no history and nothing unsaved.
    public func markLoaded() {
        for scenario in scenarios.all {
            scenario.history = ScenarioHistory()
            scenario.unsaved = false
        }
        endDefinitionRun()
    }

    /// Scenarios changed since the last save that wrote them (the shell asks before leaving).
    public var unsavedScenarioCount: Int { scenarios.all.filter(\.unsaved).count }
}
