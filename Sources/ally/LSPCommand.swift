import AllyKit
import ArgumentParser
import Foundation

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp", abstract: "Serve the Language Server Protocol on stdin and stdout, for editors.")

    func run() throws {
        let today = (try? SharedOptions.parse([]).sessionDate()) ?? Day(daysSinceEpoch: 0)
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
