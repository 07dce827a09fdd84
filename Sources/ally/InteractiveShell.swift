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

    init(session: Session, sink: TerminalSink) {
        self.session = session
        self.sink = sink
    }

    var prompt: String { session.promptLabel.map { "ally[\($0)]> " } ?? "ally> " }

    func needsMoreInput(_ text: String) -> Bool { InputCompleteness.needsMoreInput(text) }

    func run(_ text: String) -> Bool {
        Interrupt.clear()
        let source = SourceFile(name: "<shell>", text: text, directory: FileManager.default.currentDirectoryPath)
        let status = session.run(source, sink: sink, keepGoing: true)
        Interrupt.clear()
        return status != .quit
    }

    func complete(buffer: String, line: String, cursor: Int) -> (wordStart: Int, candidates: [String]) {
        let completions = Completer(session: session).complete(buffer, cursor: cursor)
        // The word start is an offset into the whole statement; the shell wants it in the current line.
        let lineStart = buffer.utf8.count - line.utf8.count
        return (max(0, completions.wordStart - max(0, lineStart)), completions.candidates)
    }

    func interrupt() { Interrupt.request() }
}

/// The interactive shell: runs the start-up file, then reads statements until Ctrl-D or `.quit`.
enum ShellLauncher {
    static func run(session: Session, sink: TerminalSink, noRc: Bool) -> Int32 {
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
        let shell = InteractiveShell(backend: SessionBackend(session: session, sink: sink))
        return shell.run()
    }
}

