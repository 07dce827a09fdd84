import AllyKit
import ArgumentParser
import Foundation

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp", abstract: "Serve the Language Server Protocol on stdin and stdout, for editors.")

    func run() throws {
        let today = (try? SharedOptions.parse([]).sessionDate()) ?? Day(daysSinceEpoch: 0)
        #if os(Linux)
        // A 1 MB pipe, when stdout is one: a whole-file answer (a 1 MB script's semantic tokens
        // are 1.3 MB of JSON) then goes out in a few writes, not in 64 KB turns with the editor.
        _ = fcntl(1, 1031 /* F_SETPIPE_SZ */, 1 << 20)
        #endif
        let server = LanguageServer(today: today) { bytes in
            var offset = 0
            bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
        var reader = MessageReader { chunk in
            chunk.withUnsafeMutableBytes { buffer in
                while true {
                    let count = read(0, buffer.baseAddress!, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    return max(0, count)
                }
            }
        }
        throw ExitCode(server.serve(&reader))
    }
}
