import Foundation
import Testing

/// Runs the conformance cases (this package's Tests/Conformance/cases and, when present, the
/// shared ../shared/conformance/cases) against the built `ally` binary with the shared runner.
@Suite("Conformance")
struct ConformanceTests {
    struct Setup {
        var python: String
        var runner: String
        var binary: String
        var caseFolders: [String]
    }

    static let setup: Setup? = {
        let root = packageRoot()
        let fileManager = FileManager.default
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first(where: fileManager.isExecutableFile(atPath:))
        else { return nil }
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        let sharedRunner = shared.appendingPathComponent("run").path
        let localRunner = root.appendingPathComponent("Tests/Conformance/runner.py").path
        guard let runner = [sharedRunner, localRunner].first(where: fileManager.fileExists(atPath:)) else { return nil }
        // The binary built next to this test bundle comes first: it is built from the same sources.
        let beside = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [
            beside.appendingPathComponent("ally").path,
            beside.deletingLastPathComponent().appendingPathComponent("ally").path,
            root.appendingPathComponent(".build-tests/debug/ally").path,
            root.appendingPathComponent(".build/debug/ally").path,
        ]
        guard let binary = candidates.first(where: fileManager.isExecutableFile(atPath:)) else { return nil }
        var folders = [root.appendingPathComponent("Tests/Conformance/cases").path]
        let sharedCases = shared.appendingPathComponent("cases").path
        if fileManager.fileExists(atPath: sharedCases) { folders.append(sharedCases) }
        return Setup(python: python, runner: runner, binary: binary, caseFolders: folders)
    }()

    @Test("every conformance case passes", .enabled(if: setup != nil, "needs python3 and a built ally binary (.build/debug/ally or .build-tests/debug/ally)"))
    func conformance() throws {
        let setup = try #require(Self.setup)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setup.python)
        process.arguments = [setup.runner, "--ally", setup.binary] + setup.caseFolders
        process.currentDirectoryURL = packageRoot()
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        print("conformance with \(setup.binary):\n\(text)")
        let failures = text.split(separator: "\n").filter { !$0.hasPrefix("ok ") }.joined(separator: "\n")
        #expect(process.terminationStatus == 0, "the conformance runner failed:\n\(failures)")
        #expect(text.contains("conformance: "), "the runner printed no summary")
    }
}
