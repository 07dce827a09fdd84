import Foundation

/// One open document at one version: its text, its line table, the checker's verdict, and the
/// answers about the whole file, each worked out at most once per version (a check, a parse or
/// a formatting pass over a 1 MB script is the expensive part of any answer).
///
/// The check runs on the thread that reads messages, and its diagnostics go out first; the
/// index (tokens, definitions) and then the outline and semantic tokens, which editors ask for
/// after every change, are built meanwhile on a second thread. Formatting, asked for on a
/// save or a command, is worked out when asked.
final class OpenDocument {
    let uri: String
    let version: Int?
    let file: SourceFile
    let lines: LineTable
    /// The checker's verdict, statement by statement: the next version's check starts from it.
    let check: CheckedScript
    var diagnostics: [Diagnostic] { check.diagnostics }
    /// Whether the check parsed the file without a syntax error (formatting then need not parse it).
    var parses: Bool { check.parses }
    private let indexing: Background<DocumentIndex>
    private let wholeFile: Background<(symbols: [UInt8], semanticTokens: [UInt8])>
    private var formatting: [UInt8]?

    /// `previous`, the document at its last version, lets the check redo only what changed.
    init(uri: String, version: Int?, file: SourceFile, today: Day, previous: OpenDocument? = nil) {
        self.uri = uri
        self.version = version
        self.file = file
        let lines = LineTable(file)
        self.lines = lines
        let locations = LocationWriter(file: file, lines: lines, uri: uri)
        let indexing = Background { DocumentIndex(file: file, lines: lines) }
        self.indexing = indexing
        // Below the thread that reads messages, so that a check or a formatting pass it runs
        // comes first when the cores are busy (the index, which every request about a place
        // waits for, keeps the normal priority).
        wholeFile = Background(niceness: 5) {
            let features = LanguageFeatures(index: indexing.value, locations: locations)
            var symbols = JSONWriter(capacity: file.bytes.count), tokens = JSONWriter(capacity: 2 * file.bytes.count)
            features.symbols(into: &symbols)
            features.semanticTokens(into: &tokens)
            return (symbols.bytes, tokens.bytes)
        }
        check = CheckedScript.check(file, session: Session(settings: Settings(today: today)), after: previous?.check)
    }

    var index: DocumentIndex { indexing.value }
    var locations: LocationWriter { LocationWriter(file: file, lines: lines, uri: uri) }
    var features: LanguageFeatures { LanguageFeatures(index: index, locations: locations) }

    var symbols: [UInt8] { wholeFile.value.symbols }
    var semanticTokens: [UInt8] { wholeFile.value.semanticTokens }

    var formattingEdits: [UInt8] {
        if let formatting { return formatting }
        var json = JSONWriter(capacity: file.bytes.count + file.bytes.count / 4)
        features.formatting(parses: parses, into: &json)
        formatting = json.bytes
        return json.bytes
    }
}

/// A value worked out on a thread of its own, waited for where it is needed (from any thread).
private final class Background<Value>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    /// `work` must read only what does not change once made (a source file's bytes, its line
    /// table, another `Background`'s value). A `niceness` above 0 lets other threads go first
    /// when the cores are busy.
    init(niceness: Int32 = 0, _ work: @escaping () -> Value) {
        let work = UncheckedWork(work)
        Thread.detachNewThread { [self] in
            #if os(Linux)
            // Linux keeps a nice value per thread, and 0 is the calling thread.
            if niceness > 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
            #endif
            result = work.run()
            done.signal()
        }
    }

    var value: Value {
        done.wait()
        defer { done.signal() }  // for the next one to ask
        return result!
    }
}

private struct UncheckedWork<Value>: @unchecked Sendable {
    let run: () -> Value
    init(_ run: @escaping () -> Value) { self.run = run }
}
