/// `ally check`'s verdict on a script, kept statement by statement so that the next version
/// of the script (the language server's, after an edit) is checked again only where the edit
/// can change the verdict. The result is always the one a check of the whole text gives
/// (`CheckedScriptTests` compares them after random edits):
///
/// - a statement's parse depends only on its own bytes: the parser starts each statement
///   afresh (the tokens that end the one before are the one look-ahead across a boundary),
///   so statements before the edit are kept, and after it, parsing resumes the old statements
///   from the first old statement start it reaches past the edit;
/// - a statement's check depends on the ones before it only through the `let`/`metric` names
///   (`BindingRegistry.used`), so a kept statement that never touched them keeps its
///   diagnostics (moved by the edit's length), and one that did is parsed and checked again,
///   in order, so the names are what the whole check would see.
///
/// A script with a syntax or encoding error is checked whole the next time: a failed
/// statement's recovery can leave the token stream in a state no fresh start reproduces.
struct CheckedScript {
    struct Verdict {
        /// Where it starts; it ends where the next one starts.
        var start: Int
        var diagnostics: [Diagnostic]
        /// Whether checking it read or changed the `let`/`metric` names.
        var usesBindings: Bool
    }

    let file: SourceFile
    let statements: [Verdict]
    /// Whether every statement parsed (formatting then need not parse the file again).
    let parses: Bool
    /// One diagnostic a line, in order (what `ally check` prints).
    let diagnostics: [Diagnostic]
    /// Whether the next version may reuse these statements.
    private let reusable: Bool

    private init(file: SourceFile, statements: [Verdict], parses: Bool, reusable: Bool) {
        self.file = file
        self.statements = statements
        self.parses = parses
        self.reusable = reusable
        var lines = Set<Int>()
        diagnostics = statements.flatMap(\.diagnostics).filter { diagnostic in
            guard let file = diagnostic.file else { return true }
            return lines.insert(file.location(of: diagnostic.range.lower).line).inserted
        }
    }

    /// Checks `file` with `session`'s names (restored afterwards), reusing what `previous`, the
    /// check of an earlier version, found for the statements an edit left as they were.
    static func check(_ file: SourceFile, session: Session, after previous: CheckedScript? = nil) -> CheckedScript {
        if let diagnostic = ScriptRunner.encodingError(file) {
            return CheckedScript(file: file, statements: [Verdict(start: 0, diagnostics: [diagnostic], usesBindings: false)],
                                 parses: false, reusable: false)
        }
        let runtime = session.makeRuntime()
        runtime.checkOnly = true
        let bindings = session.bindings
        // The checker registers placeholder bindings; the session keeps its own.
        let savedBindings = bindings.snapshot()
        defer { bindings.restore(savedBindings) }
        var pass = Pass(file: file, checker: StaticChecker(bindings: bindings, runtime: runtime, file: file))
        if let previous, previous.reusable, pass.reuse(previous) {
            return CheckedScript(file: file, statements: pass.statements, parses: true, reusable: true)
        }
        pass = Pass(file: file, checker: StaticChecker(bindings: bindings, runtime: runtime, file: file))
        bindings.restore(savedBindings)
        let parses = pass.checkWhole()
        return CheckedScript(file: file, statements: pass.statements, parses: parses, reusable: parses)
    }

    /// One check of one version, statement by statement.
    private struct Pass {
        let file: SourceFile
        let checker: StaticChecker
        var statements: [Verdict] = []

        init(file: SourceFile, checker: StaticChecker) {
            self.file = file
            self.checker = checker
        }

        /// Checks every statement; whether all of them parsed.
        mutating func checkWhole() -> Bool {
            var parser = Parser(file: file)
            var parses = true
            while let start = parser.nextStatementStart(), let next = parser.nextStatement() {
                if !check(next, at: start) { parses = false }
            }
            return parses
        }

        /// Checks a statement parsed at `start`; false for a syntax error.
        @discardableResult
        private mutating func check(_ parsed: Result<Statement, Diagnostic>, at start: Int) -> Bool {
            switch parsed {
            case .failure(let diagnostic):
                statements.append(Verdict(start: start, diagnostics: [diagnostic], usesBindings: false))
                return false
            case .success(let statement):
                checker.bindings.used = false
                let diagnostics = checker.check(statement)
                statements.append(Verdict(start: start, diagnostics: diagnostics, usesBindings: checker.bindings.used))
                return true
            }
        }

        /// Checks the statements of `previous.statements[range]`, whose bytes are unchanged and
        /// `shift` bytes further on; false if one no longer parses (never expected).
        private mutating func keep(_ previous: CheckedScript, _ range: Range<Int>, shift: Int) -> Bool {
            for old in previous.statements[range] {
                let start = old.start + shift
                guard old.usesBindings else {
                    statements.append(Verdict(start: start, diagnostics: old.diagnostics.map { moved($0, from: previous.file, by: shift) },
                                                usesBindings: false))
                    continue
                }
                var parser = Parser(file: file, at: start)
                guard let parsed = parser.nextStatement(), check(parsed, at: start) else { return false }
            }
            return true
        }

        private func moved(_ diagnostic: Diagnostic, from old: SourceFile, by shift: Int) -> Diagnostic {
            guard diagnostic.file === old else { return diagnostic }
            var moved = diagnostic
            moved.file = file
            moved.range = SourceRange(diagnostic.range.lower + shift, diagnostic.range.upper + shift)
            return moved
        }

        /// Checks the file as an edit of `previous`'s; false when the edited part has a syntax
        /// error (the caller then checks the whole file).
        mutating func reuse(_ previous: CheckedScript) -> Bool {
            let old = previous.file.bytes, new = file.bytes
            // The edit: what lies between the longest common prefix and suffix.
            var prefix = 0
            let shortest = min(old.count, new.count)
            while prefix < shortest, old[prefix] == new[prefix] { prefix += 1 }
            var suffix = 0
            while suffix < shortest - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
            let shift = new.count - old.count, editEnd = new.count - suffix
            let starts = previous.statements.map(\.start)
            // The statement holding the edit's start, and one more: the edit may continue it (`| ...`).
            let touched = max(0, Self.index(in: starts, holding: prefix) - 1)
            guard keep(previous, 0..<touched, shift: 0) else { return false }
            var parser = Parser(file: file, at: touched < starts.count ? starts[touched] : new.count)
            if touched == 0 { parser = Parser(file: file) }
            while let start = parser.nextStatementStart() {
                if start >= editEnd, let resumed = Self.position(of: start - shift, in: starts) {
                    return keep(previous, resumed..<starts.count, shift: shift)
                }
                guard let next = parser.nextStatement(), check(next, at: start) else { return false }
            }
            return true
        }

        /// The index of the last start at or before `offset` (0 if none).
        static func index(in starts: [Int], holding offset: Int) -> Int {
            var low = 0, high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] <= offset { low = middle + 1 } else { high = middle }
            }
            return max(0, low - 1)
        }

        static func position(of offset: Int, in starts: [Int]) -> Int? {
            let found = index(in: starts, holding: offset)
            return found < starts.count && starts[found] == offset ? found : nil
        }
    }
}
