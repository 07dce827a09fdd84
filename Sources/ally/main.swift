import AllyKit
import ArgumentParser
import Foundation

/// The `ally` command: scripts, one-shot statements, `check`, `generate`, and the shell.
struct AllyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ally",
        abstract: "A shell for analysts of a health organization's strategic partnerships.",
        discussion: """
        With no FILE and no -c, ally reads statements from stdin, or starts the interactive shell
        when stdin is a terminal. Every mode starts from the built-in sample portfolio unless
        --empty or --data is given.
        Exit status: 0 success, 1 a statement failed, 2 usage error, 130 interrupted.
        """,
        version: AllyVersion.text,
        subcommands: [RunCommand.self, CheckCommand.self, GenerateCommand.self, FmtCommand.self, LSPCommand.self],
        defaultSubcommand: RunCommand.self
    )

    static func main() {
        let arguments = CommandLineArguments.normalized(Array(CommandLine.arguments.dropFirst()))
        if CommandLineArguments.asksForHelp(arguments) {
            Output.writeOut(CommandLineArguments.help())
            Foundation.exit(0)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                Output.writeOut(message.isEmpty ? "" : message + "\n")
                Foundation.exit(0)
            }
            Output.writeError(message + "\n")
            Foundation.exit(2)
        }
    }
}

enum AllyVersion {
    static let text = "ally 0.1.0"
}

struct SharedOptions: ParsableArguments {
    @Flag(help: "Start with no data instead of the sample portfolio.")
    var empty = false

    @Option(help: ArgumentHelp("Start from this .ally file instead of the sample portfolio.", valueName: "FILE"))
    var data: String?

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: String?

    @Option(help: ArgumentHelp("The session date (also $ALLY_TODAY); default: today.", valueName: "YYYY-MM-DD"))
    var today: String?

    @Flag(help: "Keep running a script after a failing statement (the exit status is still 1).")
    var keepGoing = false

    @Flag(help: "Do not run ~/.allyrc (or $ALLY_RC) before the first prompt.")
    var noRc = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Give a `param` of the scripts a value (repeatable).", valueName: "NAME=VALUE"))
    var parameters: [String] = []

    func sessionDate() throws -> Day {
        if let text = today ?? ProcessInfo.processInfo.environment["ALLY_TODAY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let day = Day(iso: text) else { throw ValidationError("`\(text)` is not a date; write it as YYYY-MM-DD") }
            return day
        }
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    func outputFormat() throws -> OutputFormat {
        guard let format else { return .table }
        guard let parsed = OutputFormat(rawValue: format) else {
            throw ValidationError("unknown format `\(format)`: use table, csv, json or markdown")
        }
        return parsed
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run scripts, statements, or the shell (the default).", shouldDisplay: false)

    @OptionGroup var options: SharedOptions

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these statements, then exit (repeatable).", valueName: "STATEMENTS"))
    var commands: [String] = []

    @Argument(help: ArgumentHelp("Scripts to run in order.", valueName: "FILE.ally"))
    var files: [String] = []

    func validate() throws {
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file)")
        }
        if let data = options.data, !FileManager.default.isReadableFile(atPath: data) {
            throw ValidationError("cannot read \(data)")
        }
    }

    func run() throws {
        let settings = Settings(today: try options.sessionDate())
        var configured = settings
        configured.format = try options.outputFormat()
        let session = Session(settings: configured)
        // The process exits right after the run: tearing down a million entities first would
        // only delay the exit (a second or so with a large portfolio), so the session is kept.
        SessionLifetime.keep(session)
        let interactive = files.isEmpty && commands.isEmpty && isatty(0) == 1
        let sink = TerminalSink(session: session, interactive: interactive)
        Signals.installForScripts()
        ProgressLine.startIfWanted()

        // Start-up data: the sample, a data file, or nothing.
        if let data = options.data {
            let source = try Output.readSource(data)
            switch session.run(source, sink: ForwardingSink(sink)) {
            case .success, .quit: break
            case .interrupted: throw ExitCode(130)
            case .failed:
                Output.writeError("ally: \(data) did not load\n")
                throw ExitCode(1)
            }
        } else if !options.empty {
            let status = session.run(SourceFile(name: "<sample>", text: SamplePortfolio.source), sink: QuietSink())
            if status != .success { Output.writeError("ally: the sample portfolio did not load\n") }
        }
        // Scenarios the start-up data made start their log here, with nothing unsaved.
        session.markLoaded()

        if interactive {
            // (The shell has no script to declare parameters yet: `.set` sets them there.)
            try Self.preset(options.parameters, for: [], in: session)
            let loaded = options.data.map { "data from \($0)" } ?? (options.empty ? "no data (--empty)" : "the sample portfolio")
            throw ExitCode(ShellLauncher.run(session: session, sink: sink, noRc: options.noRc, loaded: loaded))
        }
        var failed = false
        var sources: [SourceFile] = []
        for (index, command) in commands.enumerated() {
            sources.append(SourceFile(name: commands.count == 1 ? "<command line>" : "<command line \(index + 1)>", text: command,
                                      directory: FileManager.default.currentDirectoryPath))
        }
        for file in files { sources.append(try Output.readSource(file)) }
        if commands.isEmpty && files.isEmpty {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            sources.append(SourceFile(name: "<stdin>", bytes: [UInt8](data), directory: FileManager.default.currentDirectoryPath))
        }
        try Self.preset(options.parameters, for: sources, in: session)
        for source in sources {
            switch session.run(source, sink: sink, keepGoing: options.keepGoing) {
            case .success: continue
            case .quit: throw ExitCode(failed ? 1 : 0)
            case .interrupted: throw ExitCode(130)
            case .failed:
                failed = true
                if !options.keepGoing { throw ExitCode(1) }
            }
        }
        if Interrupt.isRequested { throw ExitCode(130) }
        throw ExitCode(failed ? 1 : 0)
    }
}

extension RunCommand {
    /// `--set NAME=VALUE` for the `param`s the scripts declare: a usage error (exit 2) for an
    /// undeclared name or a value that is not a literal.
    static func preset(_ assignments: [String], for sources: [SourceFile], in session: Session) throws {
        guard !assignments.isEmpty else { return }
        do {
            try session.presetParameters(assignments, declared: session.declaredParameters(in: sources))
        } catch {
            Output.writeError("ally: \(error.message)\n")
            throw ExitCode(2)
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Parse and resolve scripts without running them; print every diagnostic.")

    @Argument(help: ArgumentHelp("Scripts to check.", valueName: "FILE.ally"))
    var files: [String]

    @Option(help: ArgumentHelp("The date `today` is checked with (also $ALLY_TODAY); default: today.", valueName: "YYYY-MM-DD"))
    var today: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Check with a `param` given this value (repeatable).", valueName: "NAME=VALUE"))
    var parameters: [String] = []

    func validate() throws {
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file)")
        }
    }

    func run() throws {
        var count = 0
        let color = isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for file in files {
            let session = Session(settings: Settings(today: Day(daysSinceEpoch: 0)))
            session.settings.today = try SharedOptions.parse(today.map { ["--today", $0] } ?? []).sessionDate()
            let source = try Output.readSource(file)
            try RunCommand.preset(parameters, for: [source], in: session)
            for diagnostic in session.check(source) {
                Output.writeError(DiagnosticRenderer.render(diagnostic, color: color))
                count += 1
            }
        }
        if count > 0 {
            Output.writeError("\(count) error\(count == 1 ? "" : "s")\n")
            throw ExitCode(1)
        }
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a synthetic portfolio script to stdout.")

    @Option(help: "Number of partners (about 3 agreements and 10 stakeholders each).")
    var partners = 100

    @Option(help: "Random seed: the same seed gives the same portfolio.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Dates are spread around this day.", valueName: "YYYY-MM-DD"))
    var today: String?

    func validate() throws {
        guard partners >= 1, partners <= 10_000_000 else { throw ValidationError("--partners must be from 1 to 10000000") }
    }

    func run() throws {
        let day = try today.map { text -> Day in
            guard let day = Day(iso: text) else { throw ValidationError("`\(text)` is not a date") }
            return day
        } ?? SharedOptions.parse([]).sessionDate()
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        PortfolioGenerator(partners: partners, seed: seed, today: day).write { piece in
            buffer += piece
            if buffer.utf8.count > 1 << 20 {
                Output.writeOut(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        Output.writeOut(buffer)
    }
}

AllyCommand.main()

/// Holds the session until the process exits (see `RunCommand.run`).
enum SessionLifetime {
    nonisolated(unsafe) private static var kept: [AnyObject] = []
    static func keep(_ object: AnyObject) { kept.append(object) }
}
