import Foundation

/// A `let` or `metric` binding.
enum Binding {
    /// Entity ids, re-read in the current scenario when used.
    case entities(EntityType, [String])
    case table(Table, Shape)
    case scalar(Value)
    /// A pipeline re-evaluated in the current scenario when used.
    case metric(Pipeline, SourceFile)
}

/// The session's `let` and `metric` names (shared by every scenario): what they hold, the
/// rules for naming them, and how a compiled expression or pipeline uses one.
final class BindingRegistry {
    private var storage: [String: Binding] = [:]
    /// Every read of the names goes through here, to note that it happened (`used`).
    private var bindings: [String: Binding] {
        used = true
        return storage
    }
    private var orderStorage: [String] = []
    /// Metric names in definition order, for `compare` without `on`.
    var metricOrder: [String] {
        get { used = true; return orderStorage }
        set { used = true; orderStorage = newValue }
    }
    /// Set by any read or change of the names: the checker clears it before a statement to
    /// learn whether the statement's verdict depends on, or changes, the statements before it
    /// (`CheckedScript` re-checks only those after an edit).
    var used = false
    /// Metrics being evaluated on this thread, to refuse one that uses itself (even through
    /// `compare`). Per thread: `exits` evaluates the same metric in several cases at once.
    private var evaluatingMetrics: Set<String> {
        get { Thread.current.threadDictionary[evaluatingKey] as? Set<String> ?? [] }
        set { Thread.current.threadDictionary[evaluatingKey] = newValue }
    }
    private let evaluatingKey = "ally.evaluatingMetrics." + UUID().uuidString

    subscript(name: String) -> Binding? {
        get { bindings[name] }
        set { used = true; storage[name] = newValue }
    }

    var names: [String] { Array(bindings.keys).sorted() }

    func hasBinding(_ name: String) -> Bool { bindings[name] != nil }

    // MARK: Rolling back

    struct Snapshot {
        fileprivate var bindings: [String: Binding]
        fileprivate var metricOrder: [String]
    }

    func snapshot() -> Snapshot { Snapshot(bindings: bindings, metricOrder: metricOrder) }

    func restore(_ snapshot: Snapshot) {
        used = true
        storage = snapshot.bindings
        orderStorage = snapshot.metricOrder
    }

    // MARK: Names

    private static let reservedSources: Set<String> = ["partners", "agreements", "stakeholders", "partner", "agreement",
                                                       "stakeholder", "renewals", "path", "triggers", "scenarios", "today",
                                                       "true", "false", "null", "and", "or", "not", "in", "contains"]

    static func checkBindingName(_ name: Name, file: SourceFile) throws {
        if FieldCatalog.allFieldNames.contains(name.text) {
            throw Diagnostic(.reservedName, "`\(name.text)` is a field name; a `let` or `metric` cannot shadow it",
                             at: name.range, in: file, help: "pick another name, e.g. `\(name.text)_total`")
        }
        if let enumType = EnumType.allCases.first(where: { $0.value(named: name.text) != nil }) {
            throw Diagnostic(.reservedName, "`\(name.text)` is a case of \(enumType.rawValue); a `let` or `metric` cannot shadow it",
                             at: name.range, in: file)
        }
        if reservedSources.contains(name.text) || ScalarFunction(rawValue: name.text) != nil
            || AggregateFunction(rawValue: name.text) != nil {
            throw Diagnostic(.reservedName, "`\(name.text)` is part of the language and cannot be a name", at: name.range, in: file)
        }
    }

    // MARK: Uses

    /// A binding used inside an expression: a scalar, a metric's value, or (for an entity
    /// binding) the list of its ids that still exist.
    func compileBindingReference(_ name: String, _ range: SourceRange, file: SourceFile, runtime: Runtime) throws -> Compiled {
        guard let binding = bindings[name] else {
            preconditionFailure("compileBindingReference is called for names hasBinding knows")
        }
        switch binding {
        case .scalar(let value):
            return Compiled(run: { _ in value }, type: StaticType.of(value))
        case .metric:
            return Compiled(run: { [unowned self] _ in try self.metricValue(name, runtime: runtime, range: range, file: file) },
                            type: .unknown)
        case .entities(let type, let ids):
            return Compiled(run: { _ in
                .list(ids.filter { runtime.portfolio.contains(type, $0) }.map { .reference(type, $0) })
            }, type: .list(.reference(type)))
        case .table(let table, _):
            if table.columns.count == 1, table.rows.count == 1 {
                let value = table.rows[0][0]
                return Compiled(run: { _ in value }, type: StaticType.of(value))
            }
            if table.columns.count == 1 {
                let values = table.rows.map { $0[0] }
                return Compiled(run: { _ in .list(values) }, type: .list(.unknown))
            }
            throw Diagnostic(.notScalar, "`\(name)` is a table; use it as a source (`\(name) | ...`)", at: range, in: file)
        }
    }

    /// A binding used as a pipeline source.
    func compileBindingSource(_ name: Name, file: SourceFile, runtime: Runtime) throws -> CompiledPipeline {
        guard let binding = bindings[name.text] else {
            let sources = ["partners", "agreements", "stakeholders", "renewals", "triggers", "scenarios", "path"]
            let keywords = ["let", "metric", "trigger", "update", "remove", "add", "scenario", "use", "drop", "diff",
                            "compare", "load", "save", "import", "export"]
            throw Diagnostic(.unknownName, "unknown name `\(name.text)`", at: name.range, in: file,
                             help: Suggestions.help(for: name.text, in: sources + keywords + names)
                                ?? "a query starts with partners, agreements, stakeholders, or a `let` or `metric` name")
        }
        switch binding {
        case .entities(let type, let ids):
            return CompiledPipeline(shape: .entities(type)) {
                .entities(type, ids.compactMap { runtime.portfolio.entity(EntityKey(type, $0)) })
            }
        case .table(let table, let shape):
            return CompiledPipeline(shape: shape) { .table(table) }
        case .scalar(let value):
            return CompiledPipeline(shape: .scalar) { .scalar(value) }
        case .metric:
            return CompiledPipeline(shape: .scalar) {
                .scalar(try self.metricValue(name.text, runtime: runtime, range: name.range, file: file))
            }
        }
    }

    /// A metric's value in the runtime's scenario, computed once per statement.
    func metricValue(_ name: String, runtime: Runtime, range: SourceRange, file: SourceFile) throws -> Value {
        if let cached = runtime.metricCache[name] { return cached }
        guard case .metric(let pipeline, let source)? = bindings[name] else {
            throw Diagnostic(.unknownMetric, "unknown metric `\(name)`", at: range, in: file,
                             help: Suggestions.help(for: name, in: metricOrder))
        }
        // Registry-wide, since `compare` evaluates a metric in runtimes of its own.
        if runtime.evaluating.contains(name) || evaluatingMetrics.contains(name) {
            throw Diagnostic(.cycle, "metric `\(name)` uses itself", at: range, in: file)
        }
        evaluatingMetrics.insert(name)
        defer { evaluatingMetrics.remove(name) }
        let relation = try PipelineCompiler(runtime: runtime, file: source).compile(pipeline).run()
        let value = try Self.singleValue(relation, range: pipeline.range, file: source)
        runtime.metricCache[name] = value
        return value
    }

    /// A scalar, or a table of exactly one row and one column.
    static func singleValue(_ relation: Relation, range: SourceRange, file: SourceFile) throws -> Value {
        switch relation {
        case .scalar(let value): return value
        case .table(let table) where table.columns.count == 1 && table.rows.count == 1: return table.rows[0][0]
        case .table(let table) where table.columns.count == 1 && table.rows.isEmpty: return .null
        default:
            throw Diagnostic(.notScalar, "expected a single value here, but the pipeline gives several rows or columns",
                             at: range, in: file)
        }
    }
}
