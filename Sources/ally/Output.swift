import AllyKit
import ArgumentParser
import Foundation

/// Unbuffered writes to stdout and stderr, so results and errors appear in the order they happen.
enum Output {
    static func writeOut(_ text: String) { write(1, text) }
    static func writeError(_ text: String) { write(2, text) }

    private static func write(_ descriptor: Int32, _ text: String) {
        // The string's own bytes (no copy into an array first).
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// The terminal's height, when stdout is a terminal.
    static func terminalRows() -> Int? {
        var size = winsize()
        if stdoutIsTerminal, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return nil
    }

    static func readSource(_ path: String) throws -> SourceFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let file = try? SourceFile(contentsOf: path) else {
            writeError("ally: cannot read \(path)\n")
            throw ExitCode(2)
        }
        return file
    }

    /// Whether standard output is a terminal, asked once: a script's thousands of results do
    /// not each make the system call (a terminal's size is still read each time: it can change).
    static let stdoutIsTerminal = isatty(1) == 1

    /// The terminal's width, or 100 when stdout is not a terminal.
    static func terminalWidth() -> Int {
        var size = winsize()
        if stdoutIsTerminal, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let raw = getenv("COLUMNS"), let columns = Int(String(cString: raw)), columns > 0 { return columns }
        return 100
    }
}

/// Prints results in the session's format on stdout and diagnostics on stderr.
final class TerminalSink: OutputSink {
    let session: Session
    let interactive: Bool
    let colorOut: Bool
    let colorError: Bool

    init(session: Session, interactive: Bool) {
        self.session = session
        self.interactive = interactive
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"] != nil
        colorOut = !noColor && Output.stdoutIsTerminal
        colorError = !noColor && isatty(2) == 1
    }

    /// The previous table or picture, for `.last`.
    private var lastResult: QueryResult?
    /// Whether a result was written: in Markdown the next is set apart by a blank line (two
    /// tables written one after the other would be read as one).
    private var emittedResult = false

    func emit(_ result: QueryResult) {
        if case .text = result {} else if case .scalar = result {} else { lastResult = result }
        // Only the interactive shell's tables are cut to `.maxrows` (and only when they go to the terminal).
        let maxRows = interactive && Output.stdoutIsTerminal ? session.settings.maxRows : 0
        show(result, maxRows: maxRows)
    }

    private func show(_ result: QueryResult, maxRows: Int) {
        let renderer = Renderer(format: session.settings.format, width: Output.terminalWidth(), color: colorOut, maxRows: maxRows)
        var text = renderer.render(result)
        if session.settings.format == .markdown {
            if emittedResult { text = "\n" + text }
            emittedResult = true
        }
        if interactive, let rows = Output.terminalRows(), text.utf8.lazy.filter({ $0 == 0x0A }).count > rows - 2,
           Pager.show(text) {
            return
        }
        Output.writeOut(text)
    }

    func showLastResult() -> Bool {
        guard let lastResult else { return false }
        show(lastResult, maxRows: 0)
        return true
    }

    func report(_ diagnostic: Diagnostic) {
        Output.writeError(DiagnosticRenderer.render(diagnostic, color: colorError))
    }

    func note(_ text: String) { Output.writeError(text + "\n") }

    func confirm(_ text: String) {
        if interactive { Output.writeError((colorError ? "\u{1B}[2m" : "") + text + (colorError ? "\u{1B}[0m" : "") + "\n") }
    }
}

/// Swallows everything: loading the built-in sample prints nothing.
final class QuietSink: OutputSink {
    func emit(_ result: QueryResult) {}
    func report(_ diagnostic: Diagnostic) { Output.writeError(DiagnosticRenderer.render(diagnostic)) }
    func note(_ text: String) {}
    func confirm(_ text: String) {}
    var wantsConfirmations: Bool { false }
}

/// SIGINT outside the shell: ask the running statement to stop (exit 130); a second Ctrl-C,
/// or one that the statement does not notice within a second, exits at once.
enum Signals {
    nonisolated(unsafe) static var source: DispatchSourceSignal?

    static func installForScripts() {
        // A closed pipe (`ally ... | head`, quitting the pager) is not a reason to die, and
        // neither is a file-size limit: the write fails with EFBIG and `save` says so.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if Interrupt.isRequested { _exit(130) }
            Interrupt.request()
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { _exit(130) }
        }
        source.resume()
        Self.source = source
    }

    /// Hands SIGINT back to the default before the interactive shell installs its own handling.
    /// Waits until dispatch has let go of the signal: its cancellation runs later on another
    /// thread and restores the disposition it found (SIG_IGN), which, landing after the shell
    /// had installed its handler, made Ctrl-C at the prompt do nothing now and then.
    static func uninstall() {
        if let source {
            let cancelled = DispatchSemaphore(value: 0)
            source.setCancelHandler { cancelled.signal() }
            source.cancel()
            cancelled.wait()
            Self.source = nil
        }
        signal(SIGINT, SIG_DFL)
    }
}

/// Results taller than the terminal go through a pager in the interactive shell: `$PAGER`, or
/// `less -FRX` (quits at once when the text fits, keeps colours, leaves the text on screen). An
/// empty `$PAGER` turns paging off.
enum Pager {
    static func show(_ text: String) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        let command: String
        if let pager = environment["PAGER"] {
            guard !pager.trimmingCharacters(in: .whitespaces).isEmpty else { return false }
            command = pager
        } else {
            command = "less -FRX"
        }
        guard let pipe = popen(command, "w") else { return false }
        let written = fputs(text, pipe)
        let status = pclose(pipe)
        return written >= 0 && status != -1 && status != 127 << 8
    }
}
