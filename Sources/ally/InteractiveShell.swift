import AllyKit
import AllyShell
import Foundation

/// Connects the readline shell (AllyShell) to a session: prompts, completeness, completion,
/// running, and Ctrl-C.
final class SessionBackend: ShellBackend {
    let session: Session
    let sink: TerminalSink
    var historyProvider: (() -> [String])? {
        didSet { session.historyProvider = historyProvider }
    }
    /// Whether leaving was refused once since the last statement that was not `.quit`.
    private var warnedBeforeLeaving = false

    init(session: Session, sink: TerminalSink) {
        self.session = session
        self.sink = sink
    }

    var prompt: String { session.promptLabel.map { "ally[\($0)]> " } ?? "ally> " }

    func needsMoreInput(_ text: String) -> Bool { InputCompleteness.needsMoreInput(text) }

    func run(_ text: String) -> Bool {
        Interrupt.clear()
        let source = SourceFile(name: "<shell>", text: text, directory: FileManager.default.currentDirectoryPath)
        if let hint = Self.newcomerHint(for: source, session: session) {
            sink.report(hint)
            return true
        }
        let status = session.run(source, sink: sink, keepGoing: true)
        Interrupt.clear()
        if status != .quit { warnedBeforeLeaving = false }
        return status != .quit
    }

    /// Leaving with unsaved scenarios asks once; leaving again right away leaves.
    func leaveWarning() -> String? {
        let count = session.unsavedScenarioCount
        guard count > 0, !warnedBeforeLeaving else { return nil }
        warnedBeforeLeaving = true
        return Self.unsavedWarning(count)
    }

    static func unsavedWarning(_ count: Int) -> String {
        "\(count) scenario\(count == 1 ? " has" : "s have") unsaved changes; .quit again to leave, or save scenarios to \"F.ally\""
    }

    func complete(buffer: String, line: String, cursor: Int) -> (wordStart: Int, candidates: [String]) {
        let completions = Completer(session: session).complete(buffer, cursor: cursor)
        // The word start is an offset into the whole statement; the shell wants it in the current line.
        let lineStart = buffer.utf8.count - line.utf8.count
        return (max(0, completions.wordStart - max(0, lineStart)), completions.candidates)
    }

    func interrupt() { Interrupt.request() }

    /// What a first hour types at the prompt that only other shells understand: `help`, `exit`,
    /// `quit`, `?` (unless the analyst has a `let` or `metric` of that name), and a line that
    /// starts with `|`, which continues a statement in a script but at the prompt comes after
    /// the previous statement has already run.
    static func newcomerHint(for source: SourceFile, session: Session) -> Diagnostic? {
        let text = source.text(SourceRange(0, source.bytes.count))
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let start = text.utf8.count - text.drop { $0.isWhitespace }.utf8.count
        let range = SourceRange(start, start + trimmed.utf8.count)
        switch trimmed {
        case "help", "?", "HELP", "Help":
            guard !session.bindingNames.contains(trimmed) else { return nil }
            return Diagnostic(.unknownStatement, "shell commands start with a dot", at: range, in: source,
                              help: "type `.help` for the statements and commands, `.help NAME` for one of them")
        case "exit", "quit", "EXIT", "QUIT", "Exit", "Quit", "bye", "\\q":
            guard !session.bindingNames.contains(trimmed) else { return nil }
            let unsaved = session.unsavedScenarioCount
            return Diagnostic(.unknownStatement, "shell commands start with a dot", at: range, in: source,
                              help: "type `.quit` (or press Ctrl-D) to leave"
                                + (unsaved > 0 ? " (\(unsavedWarning(unsaved).prefix { $0 != ";" }): `save scenarios to \"F.ally\"` keeps them)" : ""))
        default:
            guard trimmed.hasPrefix("|") else { return nil }
            return Diagnostic(.unexpectedToken, "a line cannot start with `|` at the prompt: the line before it has already run",
                              at: SourceRange(start, start + 1), in: source,
                              help: "end the previous line with `|` to go on to the next line (`partners |`, Enter, `where ...`)")
        }
    }
}

extension ShellLauncher {
    /// One line before the first prompt: what is loaded (after the start-up file) and how to get help.
    static func startupLine(session: Session, loaded: String) -> String {
        let portfolio = session.portfolio
        func counted(_ type: EntityType) -> String {
            let count = portfolio.count(type)
            return "\(count) \(count == 1 ? type.rawValue : type.plural)"
        }
        let contents = portfolio.count(.partner) + portfolio.count(.agreement) + portfolio.count(.stakeholder) == 0
            ? "no partners yet"
            : [EntityType.partner, .agreement, .stakeholder].map(counted).joined(separator: ", ")
        return "\(AllyVersion.text): \(loaded) (\(contents)), today \(session.settings.today). "
            + "Type .help for help, .quit to leave."
    }
}

/// The interactive shell: runs the start-up file, then reads statements until Ctrl-D or `.quit`.
enum ShellLauncher {
    /// `loaded`: what the session started from, as the start-up line names it ("the sample portfolio").
    static func run(session: Session, sink: TerminalSink, noRc: Bool, loaded: String) -> Int32 {
        // Ctrl-C belongs to the shell from here on.
        Signals.uninstall()
        if !noRc {
            let environment = ProcessInfo.processInfo.environment
            let path = environment["ALLY_RC"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"].map { $0 + "/.allyrc" } ?? "")
            if !path.isEmpty, let data = FileManager.default.contents(atPath: path) {
                let url = URL(fileURLWithPath: path)
                session.run(SourceFile(name: path, bytes: [UInt8](data), directory: url.deletingLastPathComponent().path),
                            sink: ForwardingSink(sink), keepGoing: true)
            }
        }
        // What was loaded before the first prompt is not the analyst's unsaved work.
        session.markLoaded()
        Output.writeError(startupLine(session: session, loaded: loaded) + "\n")
        let shell = InteractiveShell(backend: SessionBackend(session: session, sink: sink))
        return shell.run()
    }
}

