import AllyKit
import Foundation

/// Placeholder until the readline shell target lands: reads lines without editing.
enum InteractiveShell {
    static func run(session: Session, sink: TerminalSink, noRc: Bool) -> Int32 {
        while true {
            Output.writeOut(session.promptLabel.map { "ally[\($0)]> " } ?? "ally> ")
            guard let line = readLine() else { return 0 }
            if session.run(SourceFile(name: "<shell>", text: line), sink: sink) == .quit { return 0 }
        }
    }
}
