// A libFuzzer target for Ally's lexer, parser, static checker and evaluator (issue #8).
//
// Built two ways from this one file:
//   * `scripts/fuzz` builds it with `-sanitize=fuzzer,address -DALLY_LIBFUZZER`: libFuzzer
//     supplies `main` and calls `LLVMFuzzerTestOneInput` below.
//   * A plain `swift build` (no flags) gives `AllyFuzz FILE...`, a replayer that runs each file
//     through the same code, so a crash file from the fuzzer reproduces without the fuzzer
//     (`--report` also prints diagnostics that carry no source position).
//
// Modes (environment `ALLY_FUZZ_MODE`):
//   parse  the lexer, `Parser.parse`, diagnostic rendering, the shell's completer and
//          its completeness test;
//   run    every statement on an empty `Session`, results rendered in the session's format,
//          with a time budget enforced through `Interrupt` (Ctrl-C's flag);
//   check  `Session.check` (parse and resolve only), diagnostics rendered;
//   json   the JSON reader (a whole document, and an import file element by element);
//   csv    the CSV reader, record by record, and its cells read as list and JSON fields.
// Unset: the first input byte picks the mode (byte % 5) and is not part of the source.
//
// The run mode never touches the file system outside a private sandbox folder: `load`,
// `save`, `import` and `export` are allowed only with a plain relative file name, and
// inputs with any other path are skipped.

import AllyKit
import Foundation
import Synchronization

enum FuzzMode: String, CaseIterable {
    case parse, run, check, json, csv
}

/// Inputs larger than this are skipped: the fuzzer looks for crashes, not for slow big inputs.
let maximumInputSize = 4096
/// A run-mode input gets this long before the harness asks it to stop, as Ctrl-C would.
let runBudgetNanoseconds: UInt64 = 1_000_000_000

/// Collects results and renders them, so the renderers are fuzzed too.
final class CollectingSink: OutputSink {
    let session: Session
    var rendered = 0
    var diagnostics: [Diagnostic] = []
    init(session: Session) { self.session = session }
    func emit(_ result: QueryResult) {
        let text = Renderer(format: session.settings.format, width: 80).render(result)
        rendered &+= text.utf8.count
    }
    func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        rendered &+= DiagnosticRenderer.render(diagnostic).utf8.count
    }
    func note(_ text: String) {}
    func confirm(_ text: String) {}
}

/// Asks a run-mode input to stop once its budget is spent (the evaluator polls `Interrupt`).
enum Watchdog {
    /// Uptime (ns) after which the current input is interrupted; 0 when nothing runs.
    static let deadline = Atomic<UInt64>(0)
    nonisolated(unsafe) static var started = false

    static func arm() {
        if !started {
            started = true
            let thread = Thread {
                while true {
                    usleep(20_000)
                    let limit = deadline.load(ordering: .acquiring)
                    if limit != 0, DispatchTime.now().uptimeNanoseconds > limit { Interrupt.request() }
                }
            }
            thread.stackSize = 1 << 16
            thread.start()
        }
        deadline.store(DispatchTime.now().uptimeNanoseconds + runBudgetNanoseconds, ordering: .releasing)
    }

    static func disarm() {
        deadline.store(0, ordering: .releasing)
        Interrupt.clear()
    }
}

/// The private folder that `save "x"` and friends write into during run mode.
let sandbox: String = {
    let path = NSTemporaryDirectory() + "/ally-fuzz-sandbox-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

func clearSandbox() {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: sandbox), !names.isEmpty else { return }
    for name in names { try? FileManager.default.removeItem(atPath: sandbox + "/" + name) }
}

/// Whether every file statement names a plain file in the sandbox folder.
func filePathsAreSafe(_ statements: [Statement]) -> Bool {
    func safe(_ path: PathLiteral) -> Bool {
        let text = path.text
        return !text.isEmpty && text.utf8.count <= 64 && !text.contains("/") && !text.hasPrefix("~")
            && text != "." && text != ".." && !text.contains("\0")
    }
    for statement in statements {
        switch statement.kind {
        case .load(let path), .save(let path), .saveScenarios(let path), .importData(_, let path), .export(_, let path), .exportNetwork(let path),
             .refresh(_, let path):
            if !safe(path) { return false }
        case .dotCommand(let name, let arguments) where name.text == "output" || name.text == "once":
            if arguments.contains("/") || arguments.contains("~") || arguments.utf8.count > 66 { return false }
        case .scenarioBlock(_, _, let inner):
            if !filePathsAreSafe(inner) { return false }
        default:
            continue
        }
    }
    return true
}

let fuzzToday = Day(iso: "2026-03-01")!

/// One input. Returns -1 for inputs the fuzzer should not keep (too big, unsafe paths).
@discardableResult
func fuzzOne(_ input: UnsafeRawBufferPointer, mode fixed: FuzzMode?, report: Bool = false) -> Int32 {
    var bytes = Array(input)
    let mode: FuzzMode
    if let fixed {
        mode = fixed
    } else {
        guard let first = bytes.first else { return 0 }
        mode = FuzzMode.allCases[Int(first) % FuzzMode.allCases.count]
        bytes.removeFirst()
    }
    guard bytes.count <= maximumInputSize else { return -1 }
    var diagnostics: [Diagnostic] = []
    switch mode {
    case .parse:
        let file = SourceFile(name: "<fuzz>", bytes: bytes)
        let (tokens, lexical) = Lexer.tokenize(file)
        precondition(tokens.last?.kind == .endOfFile, "the token stream must end with endOfFile")
        for token in tokens {
            precondition(token.range.lower >= 0 && token.range.lower <= token.range.upper && token.range.upper <= bytes.count,
                         "token range out of the source")
        }
        let (_, syntax) = Parser.parse(file)
        diagnostics = lexical + syntax
        // Rendering is most of the cost of an input full of bad characters (one lexical error
        // each); the first few exercise it as well, and `check` and `run` render theirs too.
        var total = 0
        for diagnostic in diagnostics.prefix(16) { total &+= DiagnosticRenderer.render(diagnostic).utf8.count }
        // The shell's side of the lexer: completeness of typed text and Tab completion.
        let text = String(decoding: bytes, as: UTF8.self)
        _ = InputCompleteness.needsMoreInput(text)
        let completer = Completer(session: Session(settings: Settings(today: fuzzToday)))
        _ = completer.complete(text, cursor: text.utf8.count)
        _ = completer.complete(text, cursor: text.utf8.count / 2)
        _ = total
    case .check:
        let file = SourceFile(name: "<fuzz>", bytes: bytes)
        diagnostics = Session(settings: Settings(today: fuzzToday)).check(file)
        for diagnostic in diagnostics { _ = DiagnosticRenderer.render(diagnostic) }
    case .json:
        ReaderProbe.readJSON(bytes)
    case .csv:
        ReaderProbe.readCSV(bytes)
    case .run:
        let file = SourceFile(name: "<fuzz>", bytes: bytes, directory: sandbox)
        guard filePathsAreSafe(Parser.parse(file).statements) else { return -1 }
        clearSandbox()
        let session = Session(settings: Settings(today: fuzzToday))
        let sink = CollectingSink(session: session)
        Watchdog.arm()
        _ = session.run(file, sink: sink, keepGoing: true)
        Watchdog.disarm()
        diagnostics = sink.diagnostics
    }
    if report {
        for diagnostic in diagnostics where diagnostic.file == nil || diagnostic.code.rawValue.isEmpty {
            print("  unpositioned [\(diagnostic.code.rawValue)] \(diagnostic.message)")
        }
        for diagnostic in diagnostics where diagnostic.file != nil
            && (diagnostic.range.lower < 0 || diagnostic.range.lower > diagnostic.file!.bytes.count) {
            print("  out-of-range [\(diagnostic.code.rawValue)] \(diagnostic.message) at \(diagnostic.range)")
        }
    }
    return 0
}

let modeFromEnvironment: FuzzMode? = ProcessInfo.processInfo.environment["ALLY_FUZZ_MODE"].flatMap(FuzzMode.init(rawValue:))

#if ALLY_LIBFUZZER

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: size), mode: modeFromEnvironment)
}

#else

/// Replays inputs without libFuzzer: `AllyFuzz [--report] FILE|FOLDER ...`.
@main
struct AllyFuzzReplay {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let report = arguments.contains("--report")
        arguments.removeAll { $0 == "--report" }
        if arguments.isEmpty {
            FileHandle.standardError.write(Data("usage: ALLY_FUZZ_MODE=parse|run|check AllyFuzz [--report] FILE|FOLDER ...\n".utf8))
            exit(2)
        }
        var files: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                files += names.sorted().map { argument + "/" + $0 }
            } else {
                files.append(argument)
            }
        }
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read")
                continue
            }
            print("\(path): \(data.count) bytes")
            data.withUnsafeBytes { buffer in _ = fuzzOne(buffer, mode: modeFromEnvironment, report: report) }
        }
        print("replayed \(files.count) inputs")
    }
}

#endif
