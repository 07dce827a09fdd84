/// The statements a saved report is made of besides its queries: `let NAME = EXPR`,
/// `print EXPR` and `assert EXPR [, "message"]`. Each evaluates one expression with no row in
/// scope, so names are `let`, `metric` and `param` names.
extension Session {
    func evaluate(_ expr: Expr, file: SourceFile) throws -> (Value, StaticType) {
        let compiled = try ExpressionCompiler(runtime: makeRuntime(), file: file, scope: .empty).compile(expr)
        return (try compiled.run(Row(entity: nil)), compiled.type)
    }

    /// `let NAME = EXPR`: the value, bound once (as `let NAME = PIPELINE` binds a scalar).
    func bindExpression(_ name: Name, _ expr: Expr, file: SourceFile) throws {
        try checkBindingName(name, file: file)
        let (value, _) = try evaluate(expr, file: file)
        bindings[name.text] = .scalar(value)
        bindings.metricOrder.removeAll { $0 == name.text }
    }

    /// `print EXPR`: one line of text as a result; a value that is not a string prints in its
    /// plain form (`90d`, `2026-03-01`), null as an empty line.
    func printLine(_ expr: Expr, file: SourceFile, sink: OutputSink) throws {
        let (value, _) = try evaluate(expr, file: file)
        if case .list = value { throw notPrintable(value, expr, file) }
        if case .record = value { throw notPrintable(value, expr, file) }
        sink.emit(.line(ValueFormatter.plain(value)))
    }

    private func notPrintable(_ value: Value, _ expr: Expr, _ file: SourceFile) -> Diagnostic {
        Diagnostic(.typeMismatch, "`print` writes text or a single value, not a \(value.typeName)", at: expr.range, in: file,
                   help: "print one value, or query it: `\(file.text(expr.range))` as a statement of its own")
    }

    /// `assert EXPR [, "message"]`: fails the statement unless EXPR is true, naming the values
    /// of the `let`, `metric` and `param` names it uses.
    func checkAssertion(_ expr: Expr, message: String?, file: SourceFile) throws {
        let (value, type) = try evaluate(expr, file: file)
        if type != .bool, type != .unknown, type != .null {
            throw Diagnostic(.typeMismatch, "`assert` needs a condition (true or false), not a \(value.typeName)",
                             at: expr.range, in: file, help: "compare it: `assert \(file.text(expr.range)) > 0`")
        }
        if value.isTrue { return }
        var names: [String] = []
        Self.collectNames(expr) { if hasBinding($0), !names.contains($0) { names.append($0) } }
        var shown: [String] = []
        for name in names {
            let (named, _) = try evaluate(Expr(.name(name), expr.range), file: file)
            shown.append("\(name) = \(ValueFormatter.literal(named))")
        }
        let what = message ?? file.text(expr.range)
        throw Diagnostic(.assertionFailed, "assertion failed: \(what)" + (shown.isEmpty ? "" : " (\(shown.joined(separator: ", ")))"),
                         at: expr.range, in: file)
    }

    /// The bare names in an expression, in the order they are written.
    static func collectNames(_ expr: Expr, _ found: (String) -> Void) {
        switch expr.kind {
        case .name(let name): found(name)
        case .member(let base, _): collectNames(base, found)
        case .call(_, let arguments): for argument in arguments { collectNames(argument, found) }
        case .unary(_, let operand): collectNames(operand, found)
        case .binary(_, let left, let right, _):
            collectNames(left, found)
            collectNames(right, found)
        case .list(let items): for item in items { collectNames(item, found) }
        case .record(let fields), .tagged(_, let fields): for field in fields { collectNames(field.value, found) }
        case .number, .string, .date, .duration, .bool, .null, .today: break
        }
    }
}

extension StaticChecker {
    /// `ally check` for `param`, `let NAME = EXPR`, `print` and `assert`: their expressions
    /// resolve, and the names they bind are known to later statements.
    func checkReportStatement(_ statement: Statement) throws {
        let expressions = ExpressionCompiler(runtime: runtime, file: file, scope: .empty)
        switch statement.kind {
        case .param(let name, let expr):
            var value = Value.null
            if case .name(let word) = expr.kind, !bindings.hasBinding(word) {
                value = .string(word)
            } else {
                _ = try expressions.compile(expr)
                if let literal = ParameterStore.literalDefault(expr) { value = literal.value }
            }
            if let text = runtime.names.parameterOverride(name.text), let given = ParameterInput.parse(text) { value = given.value }
            bindings[name.text] = .scalar(value)
        case .letExpression(let name, let expr):
            let compiled = try expressions.compile(expr)
            bindings[name.text] = .scalar(ParameterStore.literalDefault(expr)?.value ?? (compiled.type == .string ? .string("") : .null))
        case .print(let expr):
            _ = try expressions.compile(expr)
        case .assert(let expr, _):
            let compiled = try expressions.compile(expr)
            if compiled.type != .bool, compiled.type != .unknown, compiled.type != .null {
                throw Diagnostic(.typeMismatch, "`assert` needs a condition (true or false), not a \(expressions.typeName(compiled.type))",
                                 at: expr.range, in: file)
            }
        default:
            break
        }
    }
}
