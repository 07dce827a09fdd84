import Foundation
import Testing

/// The command line as a first hour meets it: `--help` shows every option and subcommand, and
/// options may come before a subcommand.
@Suite("Command line")
struct CommandLineTests {
    static var binary: String? { ReportTests.binary }

    @Test("--help lists every option of the default mode and the subcommands", .enabled(if: binary != nil, "needs the built ally binary"))
    func helpListsEverything() throws {
        for flag in ["--help", "-h"] {
            let help = try ReportTests.run([flag], in: NSTemporaryDirectory())
            #expect(help.status == 0)
            for option in ["-c <STATEMENTS>", "--data <FILE>", "--empty", "--format", "--today", "--keep-going", "--no-rc",
                           "--set <NAME=VALUE>", "--version", "check ", "generate "] {
                #expect(help.stdout.contains(option), "\(flag) lacks \(option)")
            }
        }
    }

    @Test("options before a subcommand apply to it", .enabled(if: binary != nil, "needs the built ally binary"))
    func optionsBeforeSubcommand() throws {
        let folder = NSTemporaryDirectory() + "ally-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "partners | count\n".write(toFile: folder + "/report.ally", atomically: true, encoding: .utf8)
        try "partners | where regoin == 1\n".write(toFile: folder + "/broken.ally", atomically: true, encoding: .utf8)
        let good = try ReportTests.run(["--today", "2026-11-24", "check", "report.ally"], in: folder)
        #expect(good.status == 0, "\(good.stderr)")
        let broken = try ReportTests.run(["--today", "2026-11-24", "check", "broken.ally"], in: folder)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("did you mean `region`?"))
        let badDate = try ReportTests.run(["--today", "2026-13-01", "check", "report.ally"], in: folder)
        #expect(badDate.status == 2)
        let generated = try ReportTests.run(["--today", "2026-11-24", "generate", "--partners", "2"], in: folder)
        #expect(generated.status == 0)
        #expect(generated.stdout.contains("partner p1 {"))
        // A script named like a subcommand's argument still runs as a script.
        let script = try ReportTests.run(["--empty", "--today", "2026-11-24", "report.ally"], in: folder)
        #expect(script.stdout == "0\n")
    }
}
