/// `scenario NAME [from OTHER]` and `scenario NAME { ... }` (`use` and `drop` are one call to
/// the `ScenarioStore` each).
extension Session {
    func executeScenario(_ name: Name, from: Name?, file: SourceFile, sink: OutputSink) throws {
        try scenarios.createScenario(name, from: from, file: file)
        sink.confirm("now in scenario \(name.text)")
    }

    /// Runs the block's statements in the scenario (made if new), then returns to the one it
    /// started in; `executeTopLevel` rolls the whole block back if one fails.
    /// With `from PARENT` (what `save scenarios` writes) the scenario must be new.
    func executeScenarioBlock(_ name: Name, from parent: Name?, _ statements: [Statement], file: SourceFile, sink: OutputSink) throws -> RunStatus {
        let returnTo = scenarios.current
        if parent == nil, let existing = scenarios.scenario(named: name.text) {
            scenarios.current = existing
        } else {
            try scenarios.createScenario(name, from: parent, file: file)
        }
        for inner in statements {
            if try execute(inner, file: file, sink: sink) == .quit { return .quit }
        }
        if scenarios.contains(returnTo) { scenarios.current = returnTo }
        return .success
    }
}

/// `merge A into B [prefer A|B]` (`ScenarioMerge`): conflicts change nothing and print their rows.
extension Session {
    func executeMerge(_ sourceName: Name, into targetName: Name, prefer: Name?, statement: Statement, file: SourceFile,
                      sink: OutputSink) throws -> RunStatus {
        let source = try scenarios.requireScenario(sourceName, file: file)
        let target = try scenarios.requireScenario(targetName, file: file)
        guard source !== target, let base = ScenarioMerge.base(source, target) else {
            throw Diagnostic(.invalidValue, "a scenario cannot be merged into itself", at: targetName.range, in: file)
        }
        var preference: ScenarioMerge.Preference?
        if let prefer {
            guard prefer.text == source.name || prefer.text == target.name else {
                throw Diagnostic(.invalidValue, "`prefer` names `\(source.name)` or `\(target.name)`, not `\(prefer.text)`",
                                 at: prefer.range, in: file)
            }
            preference = prefer.text == source.name ? .source : .target
        }
        let runtime = makeRuntime(for: target)
        let merge = ScenarioMerge(base: base, source: source.portfolio, target: target.portfolio, prefer: preference,
                                  context: runtime, keys: Scenario.candidateKeys(source, target))
        if !merge.conflicts.isEmpty && preference == nil {
            sink.emit(.table(ResultTable(columns: ["type", "id", "field", "base", source.name, target.name], rows: merge.conflictRows)))
            let count = merge.conflicts.count
            throw Diagnostic(.invalidValue, "`merge` found \(count) conflict\(count == 1 ? "" : "s"); nothing changed", at: statement.range,
                             in: file, help: "`merge \(source.name) into \(target.name) prefer \(source.name)` (or `prefer \(target.name)`) resolves every conflict one way")
        }
        try apply(merge, to: runtime, statement: statement, file: file)
        let before = target.portfolio
        let logStart = target.log.count
        target.record(runtime.portfolio.touched)
        let keys = Set(runtime.portfolio.touched)
        var merged = runtime.portfolio
        merged.clearTouched()
        target.portfolio = merged
        let changed = keys.filter { before.entity($0) != merged.entity($0) }.count
        if changed > 0 {
            target.history.append(ScenarioHistory.Step(statement: ScenarioHistory.oneLine(file.text(statement.range)), before: .state(before),
                                                       changed: changed, logRange: target.isLogging ? logStart..<target.log.count : nil,
                                                       keys: target.isLogging ? nil : Array(keys)))
            target.unsaved = true
        }
        let resolved = merge.conflicts.isEmpty ? "" : ", \(merge.conflicts.count) conflict\(merge.conflicts.count == 1 ? "" : "s") resolved for \(prefer!.text)"
        sink.confirm("merged \(source.name) into \(target.name): \(changed) entit\(changed == 1 ? "y" : "ies") changed\(resolved)")
        return .success
    }

    /// Puts the merged entities (partners giving up `home` first, so at most one is home at a
    /// time), then removes, with the cascades of `remove`; an agreement the merge leaves with
    /// fewer than two parties is terminated.
    private func apply(_ merge: ScenarioMerge, to runtime: Runtime, statement: Statement, file: SourceFile) throws {
        let editor = PortfolioEditor(runtime: runtime, file: file)
        func becomesHome(_ entity: Entity?) -> Bool { if case .partner(let p)? = entity { return p.home } else { return false } }
        let ordered = merge.outcome.sorted { x, y in
            becomesHome(x.value) != becomesHome(y.value) ? !becomesHome(x.value) : x.key < y.key
        }
        var removals: [EntityKey] = []
        for (key, entity) in ordered {
            guard var entity else { removals.append(key); continue }
            if case .agreement(var agreement) = entity, agreement.parties.count < 2,
               (merge.target.agreements[agreement.id]?.parties.count ?? 2) >= 2 {
                editor.terminateIfAlone(&agreement)
                entity = .agreement(agreement)
            }
            try editor.checkInvariants(entity, range: statement.range)
            editor.put(entity)
        }
        try editor.remove(removals)
    }
}
