import ArgumentParser
import Foundation

/// The command line as analysts type it: `ally --help` shows the options of the default mode
/// (the shell, scripts and `-c`) beside the subcommands, and options may come before a
/// subcommand (`ally --today 2026-11-24 check report.ally`).
enum CommandLineArguments {
    static let subcommands: [(name: String, command: ParsableCommand.Type)] = [
        ("check", CheckCommand.self), ("generate", GenerateCommand.self),
    ]
    /// The options that take a value, so the word after one is never read as a subcommand.
    static let valueOptions: Set<String> = ["--data", "--format", "--today", "--set", "-c"]

    /// The arguments with a subcommand written after options moved to the front.
    static func normalized(_ arguments: [String]) -> [String] {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if subcommands.contains(where: { $0.name == word }) {
                guard index > 0 else { return arguments }
                return [word] + arguments[..<index] + arguments[(index + 1)...]
            }
            guard word.hasPrefix("-"), word != "--" else { return arguments }
            index += valueOptions.contains(word) ? 2 : 1
        }
        return arguments
    }

    /// Whether the arguments ask for the top-level help (not a subcommand's).
    static func asksForHelp(_ arguments: [String]) -> Bool {
        (arguments.contains("--help") || arguments.contains("-h") || arguments == ["help"])
            && !arguments.contains { word in subcommands.contains { $0.name == word } }
    }

    /// The top-level help: what ally is, its usage, every option, and the subcommands.
    static func help(columns: Int? = nil) -> String {
        let run = RunCommand.helpMessage(columns: columns)
        var options = run.range(of: "OPTIONS:").map { String(run[$0.lowerBound...]) } ?? run
        if !options.contains("--version") {
            options = options.replacingOccurrences(of: "  -h, --help", with: "  --version               Show the version.\n  -h, --help")
        }
        let commands = subcommands.map { entry in
            let name = "  " + entry.name
            return name.padding(toLength: 26, withPad: " ", startingAt: 0) + entry.command.configuration.abstract
        }.joined(separator: "\n")
        return """
        OVERVIEW: \(AllyCommand.configuration.abstract)

        \(AllyCommand.configuration.discussion)

        USAGE: ally [OPTIONS] [FILE.ally ...]     run scripts in order (none: the shell, or stdin)
               ally [OPTIONS] -c STATEMENTS       run statements, then exit
               ally check [--today D] [--set NAME=VALUE ...] FILE.ally ...
               ally generate [--partners N] [--seed S] [--today D]

        \(options.trimmingCharacters(in: .newlines))

        SUBCOMMANDS:
        \(commands)

          See 'ally help <subcommand>' for a subcommand's options.

        """
    }
}
