import Foundation

/// `.output "F"` (every following result goes to F until `.output` alone) and `.once "F"`
/// (only the next result). Results are rendered in the session's format at the time they are
/// given and written atomically, like `save`: after each statement the file is replaced by
/// everything sent to it so far, so it is never half-written. (A report's file is rewritten
/// once per result sent to it, which is what keeps that promise without holding it open.)
final class OutputRedirection {
    /// A file results go to, with where the command that named it was written (for errors).
    struct Target {
        let url: URL
        let shownName: String
        let range: SourceRange
        let file: SourceFile
        var text = ""
        var pending = false
    }

    private(set) var output: Target?
    private(set) var once: Target?
    /// The sink the last statement's results went through, reused while its target is the
    /// same (a script's statements all share one, rather than one allocation each).
    var wrapper: RedirectingSink?

    var isActive: Bool { output != nil || once != nil }

    /// The rendered text of a result, sent to the file it goes to; false when it goes to the sink.
    func take(_ text: String) -> Bool {
        if once != nil {
            once!.text += text
            once!.pending = true
            return true
        }
        guard output != nil else { return false }
        output!.text += text
        output!.pending = true
        return true
    }

    /// Writes what the last statement sent; a `.once` file is done once it has its result.
    func flush() throws {
        if let target = once, target.pending {
            once = nil
            try AtomicFile.write(target.text, to: target.url, range: target.range, file: target.file)
        }
        if var target = output, target.pending {
            target.pending = false
            output = target
            try AtomicFile.write(target.text, to: target.url, range: target.range, file: target.file)
        }
    }

    /// `.output "F"`: F is written (empty) now, so a folder that is missing says so here.
    func start(_ target: Target) throws {
        try AtomicFile.write("", to: target.url, range: target.range, file: target.file)
        output = target
    }

    func stop() { output = nil }

    func startOnce(_ target: Target) throws {
        var isDirectory: ObjCBool = false
        let folder = target.url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Diagnostic(.fileError, "cannot write \(target.url.path): the folder \(folder) does not exist",
                             at: target.range, in: target.file)
        }
        once = target
    }
}

/// Hands results to the redirection when a file is waiting for them, else to the real sink.
final class RedirectingSink: OutputSink {
    let target: OutputSink
    unowned let redirection: OutputRedirection
    unowned let session: Session

    init(_ target: OutputSink, redirection: OutputRedirection, session: Session) {
        self.target = target
        self.redirection = redirection
        self.session = session
    }

    func emit(_ result: QueryResult) {
        // A file has no terminal width: tables are not cut to fit one.
        let text = redirection.isActive ? Renderer(format: session.settings.format, width: 100_000).render(result) : ""
        if !redirection.take(text) { target.emit(result) }
    }
    func report(_ diagnostic: Diagnostic) { target.report(diagnostic) }
    func note(_ text: String) { target.note(text) }
    func confirm(_ text: String) { target.confirm(text) }
    var wantsConfirmations: Bool { target.wantsConfirmations }
    func showLastResult() -> Bool { target.showLastResult() }
}

extension Session {
    /// Runs one statement with its results going where `.output` and `.once` say; the files
    /// they name are written when it is done (also when it fails, for what it gave before).
    func redirectingOutput(_ sink: OutputSink, _ body: (OutputSink) throws -> RunStatus) throws -> RunStatus {
        let redirected: RedirectingSink
        if let cached = outputRedirection.wrapper, cached.target === sink {
            redirected = cached
        } else {
            redirected = RedirectingSink(sink, redirection: outputRedirection, session: self)
            outputRedirection.wrapper = redirected
        }
        let status: RunStatus
        do {
            status = try body(redirected)
        } catch {
            do { try outputRedirection.flush() } catch let failure as Diagnostic { sink.report(failure) }
            throw error
        }
        try outputRedirection.flush()
        return status
    }

    /// `.output ["F"]` and `.once "F"`.
    func redirectOutput(_ command: Name, arguments: String, file: SourceFile) throws {
        let once = command.text == "once"
        if arguments.isEmpty {
            if once { throw Diagnostic(.usage, "`.once` takes a file name in quotes: `.once \"top.csv\"`", at: command.range, in: file) }
            outputRedirection.stop()
            return
        }
        let argument = SourceFile(name: file.name, text: arguments)
        let tokens = Lexer.tokenize(argument).tokens.filter { $0.kind != .endOfFile && $0.kind != .newline }
        guard tokens.count == 1, tokens[0].kind == .string, let text = try? Parser.decodeString(tokens[0], in: argument), !text.isEmpty else {
            throw Diagnostic(.usage, "`.\(command.text)` takes a file name in quotes, like `.\(command.text) \"report.md\"`",
                             at: command.range, in: file, help: once ? nil : "`.output` alone sends results back to the screen")
        }
        let url = resolve(PathLiteral(text: text, range: command.range), file: file)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Diagnostic(.fileError, "cannot write \(url.path): it is a folder", at: command.range, in: file)
        }
        let target = OutputRedirection.Target(url: url, shownName: text, range: command.range, file: file)
        if once { try outputRedirection.startOnce(target) } else { try outputRedirection.start(target) }
    }
}
