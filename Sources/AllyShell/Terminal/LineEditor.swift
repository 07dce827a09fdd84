import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What readline handed back when the user finished a line.
enum AcceptedInput: Equatable {
    /// A line (it holds newlines when a multi-line history entry or a bracketed paste was accepted).
    case line(String)
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// GNU readline's callback interface: shows a prompt, takes input when the shell loop says the
/// terminal has some, and hands back accepted lines. Tab asks the backend for candidates.
///
/// The callback interface (not the blocking `readline()`) is what lets the shell loop wait on the
/// terminal and on the signal pipe at once, so that Ctrl-C can abandon a line at any moment.
/// While a line is being edited readline has the terminal prepped (raw); between lines, and so
/// while a statement runs, the terminal is in its normal (cooked) state.
final class LineEditor {
    private let backend: any ShellBackend

    /// The unfinished statement's earlier lines, joined with newlines ("" at a fresh prompt):
    /// completion looks at the whole statement, not just the current line.
    var statementSoFar = ""

    /// True while readline has a prompt up and the terminal prepped.
    private(set) var isEditing = false
    private var accepted: AcceptedInput?
    private var prompt = ""

    init(backend: any ShellBackend) {
        self.backend = backend
    }

    // MARK: - Life cycle

    /// Configures readline (once per process), loads the history and makes this the editor that
    /// readline's callbacks reach. Prompts and editing go to stdout, or to stderr when stdout is
    /// not a terminal but stderr is (results redirected to a file).
    func activate(history: [String], limit: Int) {
        Self.configureReadlineOnce()
        ally_rl_set_output(isatty(STDOUT_FILENO) != 1 && isatty(STDERR_FILENO) == 1 ? 1 : 0)
        clear_history()
        stifle_history(Int32(clamping: limit))
        for entry in history { add_history(entry) }
        using_history()
        activeEditor.withLock { $0 = self }
    }

    /// Puts the terminal back and detaches readline's callbacks from this editor.
    func deactivate() {
        if isEditing {
            ally_rl_remove()
            isEditing = false
        }
        activeEditor.withLock { editor in
            if editor === self { editor = nil }
        }
    }

    // MARK: - Editing

    /// Shows `prompt` with an empty edit buffer, after flushing the output so far.
    func showPrompt(_ prompt: String) {
        self.prompt = prompt
        accepted = nil
        ally_flush_output()
        prompt.withCString { ally_rl_install($0, { line in LineEditor.lineAccepted(line) }) }
        isEditing = true
    }

    /// Lets readline read what the terminal has; afterwards `takeAccepted()` may hold a line.
    func readInput() {
        guard isEditing else { return }
        ally_rl_read_char()
    }

    /// The line readline accepted since the last prompt, once.
    func takeAccepted() -> AcceptedInput? {
        defer { accepted = nil }
        return accepted
    }

    /// Ctrl-C: abandons the line (`^C`, new line). The caller shows a fresh prompt.
    func cancelLine() {
        guard isEditing else { return }
        ally_rl_cancel_line()
        isEditing = false
    }

    /// The terminal was resized.
    func resize() {
        if isEditing { ally_rl_resize() }
    }

    /// Ctrl-Z: gives the terminal back in its normal state, stops, and on `fg` redraws the line.
    func suspend() {
        guard isEditing else {
            ally_rl_stop_self()
            return
        }
        let (text, point) = Self.currentLine()
        ally_rl_remove()
        isEditing = false
        writeToTerminal("\n")
        ally_flush_output()
        ally_rl_stop_self()
        showPrompt(prompt)
        text.withCString { ally_rl_restore_line($0, Int32(point)) }
    }

    /// Writes where readline writes (the terminal's prompt stream), for the shell's own cosmetics.
    func writeToTerminal(_ text: String) {
        ally_rl_write(text)
    }

    /// Adds an entry to readline's history list (what Up recalls).
    func addHistory(_ entry: String) {
        add_history(entry)
    }

    // MARK: - Readline callbacks

    /// Readline calls its line handler with a malloc'd line, or NULL at end of input.
    private static func lineAccepted(_ raw: UnsafeMutablePointer<CChar>?) {
        let text = raw.map { String(cString: $0) }
        free(raw)
        // Unprep the terminal now: the statement runs with the terminal in its normal state, and
        // readline must not redraw the old prompt when the handler returns.
        ally_rl_remove()
        guard let editor = activeEditor.withLock({ $0 }) else { return }
        editor.isEditing = false
        editor.accepted = text.map(AcceptedInput.line) ?? .endOfInput
    }

    /// Readline's attempted-completion function: the backend's answer as a malloc'd,
    /// NULL-terminated array (replacement first, then the alternatives), or NULL for none.
    private static func completionMatches(readlineStart: Int32, cursor: Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        ally_rl_completion_begin()
        guard let editor = activeEditor.withLock({ $0 }) else { return nil }
        let lineBytes = currentLineBytes()
        let line = String(decoding: lineBytes, as: UTF8.self)
        let cursorInLine = min(max(Int(cursor), 0), lineBytes.count)
        // The protocol's `cursor` is an offset into `buffer`, which ends with the current line.
        let prefix = editor.statementSoFar.isEmpty ? "" : editor.statementSoFar + "\n"
        let answer = editor.backend.complete(buffer: prefix + line, line: line,
                                             cursor: prefix.utf8.count + cursorInLine)
        guard let matches = CompletionRules.matches(line: lineBytes, cursor: cursorInLine,
                                                    readlineStart: Int(readlineStart),
                                                    wordStart: answer.wordStart,
                                                    candidates: answer.candidates) else { return nil }
        ally_rl_completion_set_append_space(matches.appendSpace ? 1 : 0)
        let words = [matches.replacement] + matches.alternatives
        let slot = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
        // Readline frees the array and its strings with free(3), so both come from malloc.
        guard let raw = malloc((words.count + 1) * slot) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: words.count + 1)
        for (index, word) in words.enumerated() { array[index] = strdup(word) }
        array[words.count] = nil
        return array
    }

    /// The edit buffer's bytes (UTF-8; readline's offsets count these bytes).
    private static func currentLineBytes() -> [UInt8] {
        let end = Int(ally_rl_end())
        return Array(UnsafeRawBufferPointer(start: ally_rl_line_buffer(), count: max(end, 0)))
    }

    /// The edit buffer and the cursor in it (a byte offset).
    private static func currentLine() -> (text: String, point: Int) {
        (String(decoding: currentLineBytes(), as: UTF8.self), Int(ally_rl_point()))
    }

    private static func configureReadlineOnce() {
        let first = readlineConfigured.withLock { configured in
            defer { configured = true }
            return !configured
        }
        guard first else { return }
        // Readline keeps these two pointers for the life of the process: never freed.
        ally_rl_configure(strdup("ally"), strdup(CompletionRules.wordBreakCharacters)) { _, start, end in
            LineEditor.completionMatches(readlineStart: start, cursor: end)
        }
    }
}

/// Readline's C callbacks carry no context pointer, so they reach the live editor through this
/// one slot. Readline calls back only on the thread that drives it (the shell loop's).
private let activeEditor = Locked<LineEditor?>(nil)

/// Readline's configuration is process-wide; it is set once.
private let readlineConfigured = Locked(false)
