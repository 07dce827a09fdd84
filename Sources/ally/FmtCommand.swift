import AllyKit
import ArgumentParser
import Foundation

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite scripts in the canonical layout, keeping every comment (`-` reads stdin, writes stdout).")

    @Flag(help: "Change nothing; list the files that would change (exit status 1 if any).")
    var check = false

    @Argument(help: ArgumentHelp("Scripts to format, or - for stdin.", valueName: "FILE.ally"))
    var files: [String]

    func run() throws {
        var failed = false
        let color = isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for path in files {
            let source: SourceFile
            if path == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                source = SourceFile(name: "<stdin>", bytes: [UInt8](data))
            } else {
                source = try Output.readSource(path)
            }
            switch Formatter.format(source) {
            case .failure(let refusal):
                for diagnostic in refusal.diagnostics { Output.writeError(DiagnosticRenderer.render(diagnostic, color: color)) }
                failed = true
                if path == "-" && !check { Output.writeOut(String(decoding: source.bytes, as: UTF8.self)) }
            case .success(let text):
                let unchanged = source.bytes.elementsEqual(text.utf8)
                if check {
                    if !unchanged { Output.writeOut((path == "-" ? "<stdin>" : path) + "\n"); failed = true }
                } else if path == "-" {
                    Output.writeOut(text)
                } else if !unchanged {
                    do {
                        try text.write(toFile: path, atomically: true, encoding: .utf8)
                    } catch {
                        Output.writeError("ally: cannot write \(path)\n")
                        failed = true
                    }
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
