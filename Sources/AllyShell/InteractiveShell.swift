import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ally's interactive shell (CLI.md, "The interactive shell"): GNU readline line editing, a
/// history shared with other sessions through the history file, multi-line statements with the
/// `...> ` prompt, Tab completion from the backend, and Ctrl-C that never leaves the shell.
///
/// Use it only when standard input is a terminal (`standardInputIsTerminal`); scripts read from
/// a pipe are the engine's business.
///
/// The loop, one statement at a time:
/// 1. show the backend's prompt and let readline edit a line;
/// 2. while `needsMoreInput(statement so far)`, read another line with `...> `;
/// 3. add the whole statement to the history as one entry (newlines included);
/// 4. `run` it with the terminal in its normal state; Ctrl-C now calls `interrupt()`.
///
/// Completion calls `complete(buffer:line:cursor:)` with `buffer` = the statement so far (earlier
/// lines joined with newlines, then the current line), `line` = readline's edit buffer, and
/// `cursor` = a UTF-8 byte offset into `buffer`. The returned `wordStart` is a UTF-8 byte offset
/// into `line`. On a fresh prompt `buffer == line`, so both offsets agree.
public final class InteractiveShell {
    /// CLI.md: the continuation prompt.
    public static let continuationPrompt = "...> "

    /// True when standard input is a terminal, the one case where the shell (and readline) is used.
    public static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    private let backend: any ShellBackend
    private let historyFile: HistoryFile?
    private var history: HistoryEntries

    /// - Parameters:
    ///   - historyPath: the history file (default: `HistoryLocation.forCurrentProcess()`); nil keeps
    ///     the history in memory only.
    public init(backend: any ShellBackend,
                historyPath: String? = HistoryLocation.forCurrentProcess(),
                historyLimit: Int = HistoryEntries.defaultLimit) {
        self.backend = backend
        historyFile = historyPath.map { HistoryFile(path: $0, limit: historyLimit) }
        history = HistoryEntries(limit: historyLimit)
    }

    /// Runs until Ctrl-D on an empty line, a statement asking to leave (`run` returned false), or
    /// SIGHUP/SIGTERM. Saves the history on the way out. Returns the exit status: 0, or 128 + the
    /// signal number after SIGHUP/SIGTERM, or 1 when the terminal could not be read.
    public func run() -> Int32 {
        loadHistory()
        backend.historyProvider = { [weak self] in self?.history.all ?? [] }

        let editor = LineEditor(backend: backend)
        editor.activate(history: history.all, limit: history.limit)
        let signals = SignalPipe()
        let target = InterruptTarget(backend: backend)
        if !signals.start(whileRunning: { _ in target.interrupt() }) {
            warn("Ctrl-C cannot be caught: \(String(cString: strerror(errno)))")
        }

        let status = loop(editor: editor, signals: signals)

        editor.deactivate()
        signals.stop()
        saveHistory()
        return status
    }

    private func loop(editor: LineEditor, signals: SignalPipe) -> Int32 {
        var lines: [String] = [] // the unfinished statement
        editor.showPrompt(backend.prompt)
        while true {
            switch signals.wait(forInputOn: STDIN_FILENO) {
            case .interrupted:
                continue
            case .failed(let code):
                editor.deactivate()
                warn("cannot read the terminal: \(String(cString: strerror(code)))")
                return 1
            case .signals(let received):
                for signal in received {
                    switch signal {
                    case SIGINT:
                        // Abandon the line and any unfinished statement; never leave.
                        editor.cancelLine()
                        lines = []
                        editor.statementSoFar = ""
                        editor.showPrompt(backend.prompt)
                    case SIGWINCH:
                        editor.resize()
                    case SIGTSTP:
                        editor.suspend()
                    case SIGHUP, SIGTERM:
                        editor.deactivate()
                        editor.writeToTerminal("\n")
                        return 128 + signal
                    default:
                        break
                    }
                }
            case .input:
                editor.readInput()
                switch editor.takeAccepted() {
                case nil:
                    continue
                case .endOfInput:
                    editor.writeToTerminal("\n") // readline leaves the cursor after the prompt
                    if let warning = backend.leaveWarning() {
                        warn(warning)
                        editor.showPrompt(backend.prompt)
                        continue
                    }
                    return 0
                case .line(var text):
                    // A bracketed paste keeps its final newline; it ends nothing.
                    while text.hasSuffix("\n") { text.removeLast() }
                    lines.append(text)
                    let statement = lines.joined(separator: "\n")
                    if lines.count == 1 && !statement.contains(where: { !$0.isWhitespace }) {
                        lines = []
                        editor.showPrompt(backend.prompt)
                        continue
                    }
                    if backend.needsMoreInput(statement) {
                        editor.statementSoFar = statement
                        editor.showPrompt(Self.continuationPrompt)
                        continue
                    }
                    lines = []
                    editor.statementSoFar = ""
                    if let entry = history.add(statement) { editor.addHistory(entry) }
                    if !execute(statement, signals: signals) {
                        guard let warning = backend.leaveWarning() else { return 0 }
                        warn(warning)
                    }
                    if let signal = signals.terminationWhileRunning { return 128 + signal }
                    editor.showPrompt(backend.prompt)
                }
            }
        }
    }

    /// Runs one complete input with Ctrl-C routed to `interrupt()`.
    private func execute(_ statement: String, signals: SignalPipe) -> Bool {
        ally_flush_output()
        signals.setRunning(true)
        let keepGoing = backend.run(statement)
        ally_flush_output()
        signals.setRunning(false)
        return keepGoing
    }

    // MARK: - History file

    private func loadHistory() {
        guard let file = historyFile else {
            warn("history is not saved: no home folder (set ALLY_HISTORY)")
            return
        }
        do {
            history = HistoryEntries(loaded: try file.load(), limit: history.limit)
        } catch {
            warn(error.description)
        }
    }

    private func saveHistory() {
        guard let file = historyFile, !history.added.isEmpty else { return }
        do {
            try file.save(adding: history.added)
        } catch {
            warn(error.description)
        }
    }

    /// One line on stderr, after whatever stdout holds.
    private func warn(_ message: String) {
        ally_flush_output()
        let line = Array("ally: warning: \(message)\n".utf8)
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Lets the signal watcher's thread reach the backend. `@unchecked Sendable` because
/// `ShellBackend.interrupt()` is, by the protocol's contract, safe to call from another thread
/// while `run` executes on the shell's thread, and it is the only member used here.
private final class InterruptTarget: @unchecked Sendable {
    private let backend: any ShellBackend

    init(backend: any ShellBackend) {
        self.backend = backend
    }

    func interrupt() {
        backend.interrupt()
    }
}
