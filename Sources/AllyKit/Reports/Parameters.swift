import Foundation

/// A report input's value as `--set NAME=VALUE` or `.set NAME VALUE` writes it, read as a
/// literal of the language: a number, date, duration, string, `true`/`false`/`null`, or a bare
/// name, which means an enum case or an id where the parameter is compared with such a field
/// (and its text elsewhere).
public enum ParameterInput: Equatable, Sendable {
    case value(Value)
    case word(String)

    /// nil when the text is not one literal.
    public static func parse(_ text: String) -> ParameterInput? {
        let file = SourceFile(name: "<--set>", text: text)
        let (tokens, diagnostics) = Lexer.tokenize(file)
        let significant = tokens.filter { $0.kind != .newline && $0.kind != .endOfFile }
        guard diagnostics.isEmpty, let first = significant.first else { return nil }
        if significant.count == 2, first.kind == .minus, significant[1].kind == .number,
           case .value(.number(let n))? = literal(significant[1], file) {
            return .value(.number(-n))
        }
        guard significant.count == 1 else { return nil }
        return literal(first, file)
    }

    private static func literal(_ token: Token, _ file: SourceFile) -> ParameterInput? {
        switch token.kind {
        case .number: return (try? Parser.decodeNumber(token, in: file)).map { .value(.number($0)) }
        case .string: return (try? Parser.decodeString(token, in: file)).map { .value(.string($0)) }
        case .date: return Day(iso: file.text(token.range)).map { .value(.date($0)) }
        case .duration: return Duration(text: file.text(token.range)).map { .value(.duration($0)) }
        case .identifier:
            let word = file.text(token.range)
            switch Parser.keywordLiteral(word) {
            case .bool(let b)?: return .value(.bool(b))
            case .null?: return .value(.null)
            case .today?: return nil
            default: return .word(word)
            }
        default: return nil
        }
    }

    /// The value a binding holds (a bare name as its text).
    var value: Value {
        switch self {
        case .value(let value): return value
        case .word(let word): return .string(word)
        }
    }

    var written: String {
        switch self {
        case .value(let value): return ValueFormatter.literal(value)
        case .word(let word): return word
        }
    }

    /// `self`, given for a parameter whose default is `defaultInput`, as the default's kind of
    /// value: a string default takes the text as written; a name default takes a name; a
    /// number, date, duration or bool default takes the same. Throws the reason otherwise.
    func matching(_ defaultInput: ParameterInput, text: String, parameter: String) throws(ParameterError) -> ParameterInput {
        switch (defaultInput, self) {
        case (.value(.null), _), (.word, .word): return self
        case (.word, .value(.string(let text))): return .word(text)
        case (.value(.string), .value(.string)): return self
        case (.value(.string), _): return .value(.string(text.trimmingCharacters(in: .whitespaces)))
        case (.value(.list), _), (.value(.record), _):
            throw ParameterError("parameter `\(parameter)` holds a \(defaultInput.value.typeName); it cannot be set from the command line")
        case (.value(let wanted), .value(let given)) where StaticType.of(wanted) == StaticType.of(given) || given.isNull:
            return self
        default:
            throw ParameterError("parameter `\(parameter)` takes a \(defaultInput.kindName) like its default `\(defaultInput.written)`, "
                                 + "not `\(text)` (a \(kindName))")
        }
    }

    private var kindName: String {
        switch self {
        case .value(let value): return value.typeName
        case .word: return "name"
        }
    }
}

/// Why a `--set` or `.set` value cannot be used.
public struct ParameterError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// A `param` statement found in a script before it runs (for `--set`).
public struct ParameterDeclaration: Sendable {
    public let name: String
    /// The default when it is a literal (a computed default is known only when it runs).
    let literalDefault: ParameterInput?
}

/// The session's report inputs: the declared parameters in declaration order, and the values
/// `--set` and `.set` gave, which outlive a re-declaration (running a report again keeps them).
struct ParameterStore {
    struct Declared {
        let name: String
        var defaultText: String
        var defaultInput: ParameterInput
        var input: ParameterInput
        var isSet: Bool
    }

    private(set) var declared: [Declared] = []
    /// Values as written, by parameter name.
    var overrides: [String: String] = [:]

    func parameter(_ name: String) -> Declared? { declared.first { $0.name == name } }

    /// The bare name a parameter holds, if it holds one.
    func word(of name: String) -> String? {
        guard !declared.isEmpty, case .word(let word)? = parameter(name)?.input else { return nil }
        return word
    }

    mutating func record(_ parameter: Declared) {
        if let index = declared.firstIndex(where: { $0.name == parameter.name }) { declared[index] = parameter } else { declared.append(parameter) }
    }

    var names: [String] { declared.map(\.name) }

    /// The bare-name default of `param NAME = WORD` when WORD names nothing in the session.
    static func literalDefault(_ expr: Expr) -> ParameterInput? {
        switch expr.kind {
        case .number(let n): return .value(.number(n))
        case .string(let s): return .value(.string(s))
        case .date(let d): return .value(.date(d))
        case .duration(let d): return .value(.duration(d))
        case .bool(let b): return .value(.bool(b))
        case .null: return .value(.null)
        case .name(let word): return .word(word)
        case .unary(.negate, let inner):
            if case .number(let n) = inner.kind { return .value(.number(-n)) }
            return nil
        default: return nil
        }
    }
}

extension Session {
    /// The declared parameters, in declaration order (for completion after `.set`).
    public var parameterNames: [String] { parameters.names }

    // MARK: Declaring

    /// `param NAME = EXPR`: binds NAME to the value `--set` or `.set` gave, read as the
    /// default's kind of value, else to the default.
    func declareParameter(_ name: Name, _ defaultExpr: Expr, file: SourceFile) throws {
        if parameters.parameter(name.text) == nil {
            if bindings[name.text] != nil {
                throw Diagnostic(.reservedName, "`\(name.text)` is already a `let` or `metric` name", at: name.range, in: file,
                                 help: "pick another name for the parameter")
            }
            try checkBindingName(name, file: file)
        }
        let defaultInput: ParameterInput
        if case .name(let word) = defaultExpr.kind, !hasBinding(word) {
            defaultInput = .word(word)
        } else {
            let runtime = makeRuntime()
            let compiled = try ExpressionCompiler(runtime: runtime, file: file, scope: .empty).compile(defaultExpr)
            defaultInput = .value(try compiled.run(Row(entity: nil)))
        }
        var input = defaultInput
        let text = parameters.overrides[name.text]
        if let text {
            guard let given = ParameterInput.parse(text) else {
                throw Diagnostic(.invalidValue, Self.unreadable(text, parameter: name.text), at: name.range, in: file)
            }
            do { input = try given.matching(defaultInput, text: text, parameter: name.text) } catch {
                throw Diagnostic(.typeMismatch, error.message, at: defaultExpr.range, in: file)
            }
        }
        bindings[name.text] = .scalar(input.value)
        bindings.metricOrder.removeAll { $0 == name.text }
        parameters.record(.init(name: name.text, defaultText: file.text(defaultExpr.range), defaultInput: defaultInput,
                                input: input, isSet: text != nil))
    }

    /// A `let` or `metric` may not take a parameter's name (the value would no longer be the input).
    func refuseParameterRebinding(_ name: Name, file: SourceFile) throws {
        if parameters.parameter(name.text) != nil {
            throw Diagnostic(.reservedName, "`\(name.text)` is a parameter", at: name.range, in: file,
                             help: "change it with `.set \(name.text) VALUE` or `--set \(name.text)=VALUE`")
        }
    }

    static func unreadable(_ text: String, parameter: String) -> String {
        "the value `\(text)` for parameter `\(parameter)` is not a literal: write a number, a date (YYYY-MM-DD), "
            + "a duration (90d), a string, true, false or a name"
    }

    // MARK: --set

    /// The `param` statements of scripts, before they run, following `load`s of literal paths.
    public func declaredParameters(in sources: [SourceFile]) -> [ParameterDeclaration] {
        var found: [ParameterDeclaration] = []
        var visited = Set<String>()
        func scan(_ statements: [Statement], in file: SourceFile) {
            for statement in statements {
                switch statement.kind {
                case .param(let name, let expr):
                    found.append(ParameterDeclaration(name: name.text, literalDefault: ParameterStore.literalDefault(expr)))
                case .scenarioBlock(_, _, let inner):
                    scan(inner, in: file)
                case .load(let path):
                    let url = resolve(path, file: file)
                    guard visited.insert(url.path).inserted, let loaded = try? SourceFile(contentsOf: url.path) else { continue }
                    scan(Parser.parse(loaded).statements, in: loaded)
                default:
                    continue
                }
            }
        }
        for source in sources { scan(Parser.parse(source).statements, in: source) }
        return found
    }

    /// Takes `--set NAME=VALUE` values for the parameters `declared`; throws a usage error for
    /// an undeclared name (listing the declared ones), a value that is not a literal, or one
    /// of another kind than a literal default.
    public func presetParameters(_ assignments: [String], declared: [ParameterDeclaration]) throws(ParameterError) {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ParameterError("--set takes NAME=VALUE, not `\(assignment)`")
            }
            let name = String(assignment[..<equals]), text = String(assignment[assignment.index(after: equals)...])
            try preset(name, text, declared: declared, how: "--set")
        }
    }

    func preset(_ name: String, _ text: String, declared: [ParameterDeclaration], how: String) throws(ParameterError) {
        guard let declaration = declared.last(where: { $0.name == name }) else {
            let names = Array(Set(declared.map(\.name))).sorted()
            let list = names.isEmpty ? "the scripts declare no parameters (`param NAME = DEFAULT`)"
                : "declared: " + names.joined(separator: ", ")
            let guess = Suggestions.closest(to: name, in: names).map { "did you mean `\($0)`? " } ?? ""
            throw ParameterError("\(how) \(name): no parameter `\(name)`; \(guess)\(list)")
        }
        guard let given = ParameterInput.parse(text) else { throw ParameterError(Self.unreadable(text, parameter: name)) }
        if let literal = declaration.literalDefault { _ = try given.matching(literal, text: text, parameter: name) }
        parameters.overrides[name] = text
    }

    // MARK: .set and .params

    /// `.set NAME VALUE`: sets a declared parameter now and for its later declarations.
    func setParameter(_ words: [String], name: Name, file: SourceFile) throws {
        func usage(_ message: String) -> Diagnostic { Diagnostic(.usage, message, at: name.range, in: file) }
        guard words.count >= 2 else { throw usage("`.set` takes a parameter and its value: `.set horizon 60d`") }
        let parameterName = words[0], text = words.dropFirst().joined(separator: " ")
        let declared = parameters.declared.map { ParameterDeclaration(name: $0.name, literalDefault: $0.defaultInput) }
        let previous = parameters.overrides[parameterName]
        do { try preset(parameterName, text, declared: declared, how: ".set") } catch { throw usage(error.message) }
        guard var parameter = parameters.parameter(parameterName), let given = ParameterInput.parse(text) else { return }
        do { parameter.input = try given.matching(parameter.defaultInput, text: text, parameter: parameterName) } catch {
            parameters.overrides[parameterName] = previous
            throw usage(error.message)
        }
        parameter.isSet = true
        parameters.record(parameter)
        bindings[parameterName] = .scalar(parameter.input.value)
    }

    /// `.params`: rows name, value, default, set (whether `--set` or `.set` gave the value).
    func parameterTable() -> ResultTable {
        ResultTable(columns: ["name", "value", "default", "set"], rows: parameters.declared.map { parameter in
            [.string(parameter.name), parameter.input.value, .string(parameter.defaultText), .bool(parameter.isSet)]
        })
    }
}

extension ExpressionCompiler {
    /// A parameter holding a bare name, where the other side of a comparison (or the target
    /// of `set`) is an enum or reference field: that field's case or id, checked. nil elsewhere.
    func compileParameterWord(_ name: String, _ range: SourceRange, hint: StaticType?) throws -> Compiled? {
        guard let word = runtime.names.parameterWord(name) else { return nil }
        switch hint {
        case .enumeration(let enumType)?:
            guard let value = enumType.value(named: word) else {
                throw error(.unknownEnumCase, "parameter `\(name)` is `\(word)`, which is not a \(enumType.rawValue)", range,
                            help: Suggestions.help(for: word, in: enumType.cases) ?? "cases are: \(enumType.cases.joined(separator: ", "))")
            }
            return constant(.enumeration(value))
        case .reference(let entityType)?:
            guard runtime.checkOnly || runtime.portfolio.contains(entityType, word) else {
                throw error(.unknownEntity, "parameter `\(name)` is `\(word)`, but there is no \(entityType.rawValue) `\(word)`", range,
                            help: Suggestions.help(for: word, in: runtime.portfolio.sortedIds(entityType)))
            }
            return Compiled(run: { _ in .reference(entityType, word) }, type: .reference(entityType))
        default:
            return nil
        }
    }
}
