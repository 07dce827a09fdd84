import Foundation

/// The statements that read or write files: `load`, `save`, `import`, `export`.
extension Session {
    func executeLoad(_ path: PathLiteral, statement: Statement, file: SourceFile, sink: OutputSink) throws {
        let url = resolve(path, file: file)
        let loading = runner.loading
        if loading.contains(url.path) || loading.count >= 32 {
            throw Diagnostic(.cycle, loading.contains(url.path) ? "\(path.text) is already being loaded (a load cycle)"
                             : "loads are nested more than 32 deep", at: path.range, in: file)
        }
        let loaded = try readSource(url, range: path.range, file: file)
        let saved = snapshot()
        let outermost = runner.loading.isEmpty
        let current = scenarios.current, before = current.portfolio
        let stepsBefore = current.history.done.count, logStart = current.log.count
        runner.loading.append(url.path)
        defer { runner.loading.removeLast() }
        let status = run(loaded, sink: ForwardingSink(sink), keepGoing: false)
        if status == .failed || status == .interrupted {
            restore(saved)
            throw Diagnostic(status == .interrupted ? .cancelled : .fileError,
                             status == .interrupted ? "interrupted" : "`load` stopped at the error above; nothing was loaded",
                             at: path.range, in: file)
        }
        // The scenario it ran in takes the whole load back with one `undo`.
        if current.history.done.count >= stepsBefore {
            endDefinitionRun()
            let after = current.portfolio
            let changed = current.isLogging ? Set(current.log[logStart...]).filter { before.entity($0) != after.entity($0) }.count : nil
            current.history.collapse(from: stepsBefore, into: ScenarioHistory.oneLine(file.text(statement.range)), before: before,
                                     logRange: current.isLogging ? logStart..<current.log.count : nil, changed: changed)
        }
        // Scenarios the file made are as it says: their log starts here, and nothing is unsaved.
        if outermost {
            for scenario in scenarios.all where !saved.scenarios.contains(scenario) {
                scenario.history = ScenarioHistory()
                scenario.unsaved = false
            }
        }
    }

    func executeSave(_ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        let url = resolve(path, file: file)
        let portfolio = scenarios.current.portfolio
        let text = ScriptWriter.script(for: portfolio, metrics: savedMetrics)
        try AtomicFile.write(text, to: url, range: path.range, file: file)
        // Its state is in a file now (as definitions, not as a scenario: `save scenarios` keeps the tree).
        scenarios.current.unsaved = false
        sink.confirm("saved \(portfolio.count(.partner)) partners, \(portfolio.count(.agreement)) agreements, \(portfolio.count(.stakeholder)) stakeholders to \(path.text)")
    }

    /// An import edits the portfolio in place and undoes its own rows if one fails.
    func executeImport(_ type: Name, _ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        let url = resolve(path, file: file)
        let count = try inPlace { runtime in
            let importer = DataImporter(runtime: runtime, file: file, range: path.range)
            let count = try importer.importFile(url, kind: type.text)
            importTakeBack = importer.undo
            return count
        }
        importedUntracked = count
        sink.confirm("imported \(count) \(type.text)")
    }

    func executeExport(_ pipeline: Pipeline, _ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        let url = resolve(path, file: file)
        let rows = try DataExporter.export(compiled, runtime: runtime, to: url, range: path.range, file: file)
        sink.confirm(Confirmations.exported(rows: rows, to: path.text))
    }

    func executeExportNetwork(_ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        let url = resolve(path, file: file)
        let text = NetworkExporter.dot(runtime.portfolio)
        try AtomicFile.write(text, to: url, range: path.range, file: file)
        sink.confirm("exported the partner network to \(path.text)")
    }

    // MARK: Paths

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

extension Session {
    /// `save scenarios to "F"`: every scenario in one script (`ScenarioWriter`); afterwards
    /// nothing is unsaved.
    func executeSaveScenarios(_ path: PathLiteral, file: SourceFile, sink: OutputSink) throws {
        let url = resolve(path, file: file)
        let text: String
        do {
            text = try ScenarioWriter.script(scenarios: scenarios.all, metrics: savedMetrics, settings: settings)
        } catch let failure as ScenarioWriter.Failure {
            throw Diagnostic(.invalidValue, "cannot save the scenarios: \(failure.message)", at: path.range, in: file)
        }
        try AtomicFile.write(text, to: url, range: path.range, file: file)
        for scenario in scenarios.all { scenario.unsaved = false }
        let count = scenarios.all.count
        sink.confirm("saved \(count) scenario\(count == 1 ? "" : "s") to \(path.text)")
    }

    /// The metrics as `save` writes them: name and pipeline text, in definition order.
    var savedMetrics: [(String, String)] {
        bindings.metricOrder.compactMap { name in
            if case .metric(let pipeline, let source)? = bindings[name] { return (name, source.text(pipeline.range)) }
            return nil
        }
    }
}
