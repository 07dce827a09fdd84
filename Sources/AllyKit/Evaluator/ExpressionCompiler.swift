/// A compiled expression: a closure over a row plus what the compiler knows of its type.
struct Compiled {
    let run: (Row) throws -> Value
    let type: StaticType
    /// Set for a bare `null` literal, which turns `==` and `!=` into null tests.
    var isNullLiteral = false
}

/// What names an expression can see: the row's columns, then its entity's fields.
struct Scope {
    var columns: [String] = []
    var columnTypes: [StaticType] = []
    var entityType: EntityType?

    static let empty = Scope()

    init(columns: [String] = [], columnTypes: [StaticType] = [], entityType: EntityType? = nil) {
        self.columns = columns
        self.columnTypes = columnTypes.count == columns.count ? columnTypes : Array(repeating: .unknown, count: columns.count)
        self.entityType = entityType
    }

    init(shape: Shape) {
        switch shape {
        case .entities(let type): self.init(entityType: type)
        case .table(let columns, let types, let base): self.init(columns: columns, columnTypes: types, entityType: base)
        case .scalar, .picture: self.init()
        }
    }

    /// Names for "did you mean".
    var visibleNames: [String] {
        columns + (entityType.map { FieldCatalog.fields(of: $0).map(\.name) } ?? [])
    }
}

/// Collects the aggregate calls of a `summarize` item; each becomes a slot the group row fills.
final class AggregateCollector {
    struct Aggregate {
        let function: AggregateFunction
        let argument: Compiled?
        /// The argument as written, for scans that read it from a column.
        let argumentExpr: Expr?
        let range: SourceRange
    }
    var aggregates: [Aggregate] = []
    let rowScope: Scope
    /// The number of `by` columns ahead of the aggregate slots in a group row.
    let slotOffset: Int

    init(rowScope: Scope, slotOffset: Int) {
        self.rowScope = rowScope
        self.slotOffset = slotOffset
    }
}

/// Resolves names and compiles expressions into closures, once per statement.
struct ExpressionCompiler {
    /// The longest text `+` may build.
    static let maximumStringBytes = 16 << 20

    let runtime: Runtime
    let file: SourceFile
    var scope: Scope
    var aggregates: AggregateCollector?
    /// Where comparisons record their compiled operands (see `compileOperands`); nil: nowhere.
    var operands: ComparisonOperands?

    init(runtime: Runtime, file: SourceFile, scope: Scope, aggregates: AggregateCollector? = nil) {
        self.runtime = runtime
        self.file = file
        self.scope = scope
        self.aggregates = aggregates
    }

    func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: range, in: file, help: help)
    }

    // MARK: Entry points

    func compile(_ expr: Expr, hint: StaticType? = nil) throws -> Compiled {
        switch expr.kind {
        case .number(let n): return constant(.number(n))
        case .string(let s): return constant(.string(s))
        case .date(let d): return constant(.date(d))
        case .duration(let d): return constant(.duration(d))
        case .bool(let b): return constant(.bool(b))
        case .null:
            var compiled = constant(.null)
            compiled.isNullLiteral = true
            return compiled
        case .today:
            let runtime = self.runtime
            return Compiled(run: { _ in .date(runtime.today) }, type: .date)
        case .name(let name):
            return try compileName(name, expr.range, hint: hint)
        case .member(let base, let member):
            return try compileMember(base, member)
        case .call(let name, let arguments):
            return try compileCall(name, arguments, expr.range)
        case .unary(let op, let operand):
            return try compileUnary(op, operand, expr.range)
        case .binary(let op, let left, let right, let operatorRange):
            return try compileBinary(op, left, right, operatorRange: operatorRange, range: expr.range)
        case .list(let items):
            let elementHint: StaticType? = { if case .list(let element)? = hint { return element } else { return nil } }()
            let compiled = try items.map { try compile($0, hint: elementHint) }
            let elementType = compiled.first?.type ?? .unknown
            return Compiled(run: { row in .list(try compiled.map { try $0.run(row) }) }, type: .list(elementType))
        case .record(let fields):
            let compiled = try fields.map { (field: FieldInit) -> (String, Compiled) in (field.name.text, try compile(field.value)) }
            return Compiled(run: { row in
                .record(Record(keys: compiled.map(\.0), values: try compiled.map { try $0.1.run(row) }))
            }, type: .record(nil))
        case .tagged(let name, _):
            throw error(.unexpectedToken, "`\(name.text) { ... }` is only valid in a party list", expr.range,
                        help: "write parties as `parties: [\(name.text) {role: lead}]`")
        }
    }

    func constant(_ value: Value) -> Compiled {
        Compiled(run: { _ in value }, type: StaticType.of(value))
    }

    /// Whether a bare name resolves without a type hint (a column, a field, a binding).
    func resolvesWithoutHint(_ expr: Expr) -> Bool {
        guard case .name(let name) = expr.kind else { return true }
        if scope.columns.contains(name) { return true }
        if let type = scope.entityType, FieldCatalog.field(name, of: type) != nil { return true }
        if aggregates != nil { return false }
        return runtime.names.hasBinding(name)
    }

    // MARK: Names

    func compileName(_ name: String, _ range: SourceRange, hint: StaticType?) throws -> Compiled {
        if let index = scope.columns.firstIndex(of: name) {
            return Compiled(run: { row in index < row.values.count ? row.values[index] : .null }, type: scope.columnTypes[index])
        }
        if let type = scope.entityType, let field = FieldCatalog.field(name, of: type) {
            if aggregates != nil {
                throw error(.unknownName, "`\(name)` must be inside an aggregate here", range,
                            help: "use it in an aggregate such as `sum(\(name))`, or list it after `by`")
            }
            let runtime = self.runtime
            let get = field.get
            // An id compares with bare ids of its own type: `where id in [mercy, stateu]`.
            let staticType = field.name == "id" ? StaticType.reference(type) : StaticType(field.resultType ?? field.type)
            return Compiled(run: { row in
                guard let entity = row.entity else { return .null }
                return get(entity, runtime)
            }, type: staticType)
        }
        if let word = try compileParameterWord(name, range, hint: hint) { return word }
        if runtime.names.hasBinding(name) {
            return try runtime.names.compileBindingReference(name, range, file: file, runtime: runtime)
        }
        switch hint {
        case .enumeration(let enumType)?:
            if let value = enumType.value(named: name) { return constant(.enumeration(value)) }
            throw error(.unknownEnumCase, "`\(name)` is not a \(enumType.rawValue)", range,
                        help: Suggestions.help(for: name, in: enumType.cases) ?? "cases are: \(enumType.cases.joined(separator: ", "))")
        case .reference(let entityType)?:
            if runtime.checkOnly || runtime.portfolio.contains(entityType, name) {
                return Compiled(run: { _ in .reference(entityType, name) }, type: .reference(entityType))
            }
            throw error(.unknownEntity, "no \(entityType.rawValue) `\(name)`", range,
                        help: Suggestions.help(for: name, in: runtime.portfolio.sortedIds(entityType)))
        default:
            break
        }
        if let type = scope.entityType {
            let candidates = scope.visibleNames + runtime.names.bindingNames
            throw error(.unknownField, "`\(name)` is not a field of \(type.rawValue)", range,
                        help: Suggestions.help(for: name, in: candidates))
        }
        throw error(.unknownName, "unknown name `\(name)`", range,
                    help: Suggestions.help(for: name, in: scope.visibleNames + runtime.names.bindingNames))
    }

    func compileMember(_ base: Expr, _ member: Name) throws -> Compiled {
        let compiledBase = try compile(base)
        let runtime = self.runtime
        let name = member.text
        switch compiledBase.type {
        case .reference(let type):
            guard let field = FieldCatalog.field(name, of: type) else {
                throw error(.unknownField, "`\(name)` is not a field of \(type.rawValue)", member.range,
                            help: Suggestions.help(for: name, in: FieldCatalog.fields(of: type).map(\.name)))
            }
            let get = field.get
            return Compiled(run: { row in
                guard case .reference(_, let id) = try compiledBase.run(row),
                      let entity = runtime.portfolio.entity(EntityKey(type, id)) else { return .null }
                return get(entity, runtime)
            }, type: StaticType(field.resultType ?? field.type))
        case .record(let shape?):
            var memberType = StaticType.unknown
            if shape == .decisions {
                memberType = .enumeration(.rule)
            } else if let members = shape.members {
                guard let found = members.first(where: { $0.name == name }) else {
                    throw error(.unknownField, "`\(name)` is not a member of \(shape.description)", member.range,
                                help: Suggestions.help(for: name, in: members.map(\.name)))
                }
                memberType = StaticType(found.type)
            }
            return Compiled(run: { row in
                guard case .record(let record) = try compiledBase.run(row) else { return .null }
                return record[name] ?? .null
            }, type: memberType)
        case .unknown, .record(nil):
            return Compiled(run: { row in
                switch try compiledBase.run(row) {
                case .record(let record): return record[name] ?? .null
                case .reference(let type, let id):
                    guard let field = FieldCatalog.field(name, of: type),
                          let entity = runtime.portfolio.entity(EntityKey(type, id)) else { return .null }
                    return field.get(entity, runtime)
                default: return .null
                }
            }, type: .unknown)
        case .null:
            return constant(.null)
        default:
            throw error(.typeMismatch, "a \(typeName(compiledBase.type)) has no field `\(name)`", member.range)
        }
    }

    // MARK: Operators

    func compileUnary(_ op: UnaryOperator, _ operand: Expr, _ range: SourceRange) throws -> Compiled {
        let inner = try compile(operand)
        switch op {
        case .not:
            return Compiled(run: { row in .bool(!(try inner.run(row)).isTrue) }, type: .bool)
        case .negate:
            try expectType(inner.type, [.number], "`-`", operand.range)
            let file = self.file
            return Compiled(run: { row in
                switch try inner.run(row) {
                case .null: return .null
                case .number(let n): return .number(-n)
                case let other: throw Diagnostic(.typeMismatch, "cannot negate a \(other.typeName)", at: range, in: file)
                }
            }, type: .number)
        }
    }

    func expectType(_ type: StaticType, _ allowed: [StaticType], _ what: String, _ range: SourceRange) throws {
        switch type {
        case .unknown, .null: return
        default:
            if !allowed.contains(type) {
                throw error(.typeMismatch, "\(what) needs a \(allowed.map(typeName).joined(separator: " or ")), not a \(typeName(type))", range)
            }
        }
    }

    func typeName(_ type: StaticType) -> String {
        switch type {
        case .unknown: return "value"
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .duration: return "duration"
        case .enumeration(let e): return e.rawValue
        case .reference(let t): return "\(t.rawValue) reference"
        case .list: return "list"
        case .record: return "record"
        }
    }

    /// The two sides of a binary operator. A bare name on one side of a comparison takes its
    /// meaning from the other side's type. A comparison's operands are recorded in `operands`
    /// when it is set (a `where` condition, whose column scan and index plan read them).
    func compileOperands(_ op: BinaryOperator, _ left: Expr, _ right: Expr, range: SourceRange) throws -> (Compiled, Compiled) {
        guard op.isComparison || op == .coalesce else { return (try compile(left), try compile(right)) }
        let l: Compiled, r: Compiled
        if !resolvesWithoutHint(left), resolvesWithoutHint(right) {
            r = try compile(right)
            let hint: StaticType = op == .contains ? elementType(r.type) : r.type
            l = try compile(left, hint: op == .in || op == .notIn ? nil : hint)
        } else {
            l = try compile(left)
            let hint: StaticType = op == .in || op == .notIn ? .list(l.type) : (op == .contains ? l.type.elementOrSelf : l.type)
            r = try compile(right, hint: hint)
        }
        if op.isComparison { operands?.record(range, left: l, right: r) }
        return (l, r)
    }

    func compileBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, operatorRange: SourceRange, range: SourceRange) throws -> Compiled {
        let (l, r) = try compileOperands(op, left, right, range: range)
        let file = self.file
        warnAboutImpossibleCase(op, left, l, right, r)
        switch op {
        case .and:
            return Compiled(run: { row in .bool(try l.run(row).isTrue && r.run(row).isTrue) }, type: .bool)
        case .or:
            return Compiled(run: { row in .bool(try l.run(row).isTrue || r.run(row).isTrue) }, type: .bool)
        case .coalesce:
            return Compiled(run: { row in
                let value = try l.run(row)
                return value.isNull ? try r.run(row) : value
            }, type: l.type == .null || l.type == .unknown ? r.type : l.type)
        case .equal, .notEqual:
            try checkComparable(l.type, r.type, operatorRange)
            let negate = op == .notEqual
            if l.isNullLiteral || r.isNullLiteral {
                let other = l.isNullLiteral ? r : l
                return Compiled(run: { row in .bool(try other.run(row).isNull != negate) }, type: .bool)
            }
            return Compiled(run: { row in
                let a = try l.run(row), b = try r.run(row)
                guard let result = Comparison.equal(a, b, negate: negate) else {
                    throw Diagnostic(.typeMismatch, "cannot compare a \(a.typeName) with a \(b.typeName)", at: operatorRange, in: file)
                }
                return .bool(result)
            }, type: .bool)
        case .less, .lessEqual, .greater, .greaterEqual:
            try checkComparable(l.type, r.type, operatorRange)
            return Compiled(run: { row in
                let a = try l.run(row), b = try r.run(row)
                guard let result = Comparison.ordered(op, a, b) else {
                    throw Diagnostic(.typeMismatch, "cannot compare a \(a.typeName) with a \(b.typeName)", at: operatorRange, in: file)
                }
                return .bool(result)
            }, type: .bool)
        case .in, .notIn:
            if case .list = r.type {} else if r.type != .unknown && r.type != .null {
                throw error(.typeMismatch, "`\(op.rawValue)` needs a list on its right, like `[a, b]`", right.range)
            }
            // Like `!=`, `not in` is false for a null value.
            let wanted = op == .in
            return Compiled(run: { row in
                let a = try l.run(row)
                if a.isNull { return .bool(false) }
                return .bool(Comparison.member(a, of: try r.run(row)) == wanted)
            }, type: .bool)
        case .contains:
            return compileContains(l, r, operatorRange: operatorRange)
        case .add, .subtract, .multiply, .divide:
            return try compileArithmetic(op, l, r, operatorRange: operatorRange, range: range)
        }
    }

    /// `a contains b`: text in text whatever its case, or an item in a list (an id or enum case
    /// by its name).
    func compileContains(_ l: Compiled, _ r: Compiled, operatorRange: SourceRange) -> Compiled {
        let file = self.file
        return Compiled(run: { row in
            let a = try l.run(row), b = try r.run(row)
            switch (a, b) {
            case (.null, _), (_, .null): return .bool(false)
            case let (.string(haystack), .string(needle)):
                return .bool(haystack.lowercased().contains(needle.lowercased()))
            case let (.list(items), needle):
                if let text = needle.string {
                    let lowered = text.lowercased()
                    return .bool(items.contains { $0.idText?.lowercased() == lowered || ($0.enumName == text) })
                }
                return .bool(items.contains { Value.looselyEqual($0, needle) })
            default:
                throw Diagnostic(.typeMismatch, "`contains` needs a string or a list on its left, not a \(a.typeName)",
                                 at: operatorRange, in: file)
            }
        }, type: .bool)
    }

    func elementType(_ type: StaticType) -> StaticType {
        if case .list(let element) = type { return element }
        return type
    }

    /// A static check: two known types that can never be compared.
    func checkComparable(_ a: StaticType, _ b: StaticType, _ range: SourceRange) throws {
        func family(_ t: StaticType) -> Int? {
            switch t {
            case .unknown, .null: return nil
            case .number: return 1
            case .string, .reference, .enumeration: return 2
            case .date: return 3
            case .duration: return 4
            case .bool: return 5
            case .list: return 6
            case .record: return 7
            }
        }
        if let x = family(a), let y = family(b), x != y {
            throw error(.typeMismatch, "cannot compare a \(typeName(a)) with a \(typeName(b))", range)
        }
    }

    func compileArithmetic(_ op: BinaryOperator, _ l: Compiled, _ r: Compiled, operatorRange: SourceRange, range: SourceRange) throws -> Compiled {
        let file = self.file
        let resultType: StaticType
        switch (op, l.type, r.type) {
        case (.add, .string, _), (.add, _, .string): resultType = .string
        case (.add, .date, _), (.add, _, .date), (.subtract, .date, .duration): resultType = .date
        case (.subtract, .date, .date): resultType = .number
        case (.subtract, .date, _): resultType = .unknown
        case (_, .number, .number): resultType = .number
        default: resultType = .unknown
        }
        // Reject what can never work, before any row runs.
        let known: Set<String> = ["number", "string", "date", "duration", "bool", "list", "record"]
        let lt = typeName(l.type), rt = typeName(r.type)
        if known.contains(lt), known.contains(rt) {
            let ok: Bool
            switch op {
            // `+` with a string joins text: a number, date, duration or bool on the other side
            // is joined in its printed form.
            case .add: ok = (lt == "number" && rt == "number") || (lt == "string" && rt != "list" && rt != "record")
                || (rt == "string" && lt != "list" && lt != "record")
                || (lt == "date" && rt == "duration") || (lt == "duration" && rt == "date")
            case .subtract: ok = (lt == "number" && rt == "number") || (lt == "date" && (rt == "duration" || rt == "date"))
            default: ok = lt == "number" && rt == "number"
            }
            if !ok {
                throw error(.typeMismatch, "cannot apply `\(op.rawValue)` to a \(lt) and a \(rt)", operatorRange)
            }
        }
        func finite(_ n: Double) throws -> Value {
            guard n.isFinite else {
                throw Diagnostic(.limitExceeded, "the result is too large to hold (beyond ±1.8e308)", at: range, in: file)
            }
            return .number(n)
        }
        func date(_ day: Day?) throws -> Value {
            guard let day else {
                throw Diagnostic(.limitExceeded, "the date would fall outside 0001-01-01 to 9999-12-31", at: range, in: file)
            }
            return .date(day)
        }
        return Compiled(run: { row in
            let a = try l.run(row), b = try r.run(row)
            if a.isNull || b.isNull { return .null }
            switch (op, a, b) {
            case let (.add, .number(x), .number(y)): return try finite(x + y)
            case let (.subtract, .number(x), .number(y)): return try finite(x - y)
            case let (.multiply, .number(x), .number(y)): return try finite(x * y)
            case let (.divide, .number(x), .number(y)):
                if y == 0 { throw Diagnostic(.divisionByZero, "division by zero", at: range, in: file) }
                return try finite(x / y)
            case (.add, .string, _), (.add, _, .string):
                guard let x = Self.joinableText(a), let y = Self.joinableText(b) else {
                    throw Diagnostic(.typeMismatch, "cannot apply `+` to a \(a.typeName) and a \(b.typeName)", at: operatorRange, in: file)
                }
                guard x.utf8.count + y.utf8.count <= ExpressionCompiler.maximumStringBytes else {
                    throw Diagnostic(.limitExceeded, "the joined text would be longer than 16 MB", at: range, in: file)
                }
                return .string(x + y)
            case let (.add, .date(d), .duration(p)), let (.add, .duration(p), .date(d)): return try date(d.checkedAdding(p))
            case let (.subtract, .date(d), .duration(p)): return try date(d.checkedAdding(p, times: -1))
            case let (.subtract, .date(x), .date(y)): return .number(Double(x.daysSinceEpoch - y.daysSinceEpoch))
            default:
                throw Diagnostic(.typeMismatch, "cannot apply `\(op.rawValue)` to a \(a.typeName) and a \(b.typeName)",
                                 at: operatorRange, in: file)
            }
        }, type: resultType)
    }

    /// A value's text when `+` joins it to a string: its printed form (`90d`, `2026-03-01`,
    /// `1500000`); nil for lists and records, which have none.
    static func joinableText(_ value: Value) -> String? {
        switch value {
        case .list, .record: return nil
        default: return ValueFormatter.plain(value)
        }
    }

    // MARK: Calls

    func compileCall(_ name: Name, _ arguments: [Expr], _ range: SourceRange) throws -> Compiled {
        if let aggregate = AggregateFunction(rawValue: name.text) {
            guard let collector = aggregates else {
                throw error(.unknownFunction, "`\(name.text)` is an aggregate: use it in `summarize`", name.range,
                            help: "e.g. `agreements | summarize \(name.text)(value)`")
            }
            let argument: Compiled?
            switch (aggregate, arguments.count) {
            case (.count, 0): argument = nil
            case (_, 1):
                let inner = ExpressionCompiler(runtime: runtime, file: file, scope: collector.rowScope)
                argument = try inner.compile(arguments[0])
            default:
                throw error(.wrongArguments, "`\(name.text)` takes \(aggregate == .count ? "zero or one argument" : "one argument")", range)
            }
            let slot = collector.slotOffset + collector.aggregates.count
            collector.aggregates.append(.init(function: aggregate, argument: argument, argumentExpr: arguments.first, range: range))
            let type: StaticType = aggregate == .min || aggregate == .max ? (argument?.type ?? .number) : .number
            return Compiled(run: { row in slot < row.values.count ? row.values[slot] : .null }, type: type)
        }
        guard let function = ScalarFunction(rawValue: name.text) else {
            let names = ScalarFunction.allCases.map(\.rawValue) + AggregateFunction.allCases.map(\.rawValue)
            throw error(.unknownFunction, "unknown function `\(name.text)`", name.range,
                        help: Suggestions.help(for: name.text, in: names) ?? "functions are: \(names.joined(separator: ", "))")
        }
        guard function.arity.contains(arguments.count) else {
            throw error(.wrongArguments, "`\(name.text)` takes \(function.arityDescription), not \(arguments.count)", range,
                        help: "usage: \(function.usage)")
        }
        if function == .random { return try compileRandom(range) }
        let compiled = try arguments.map { try compile($0) }
        if function == .conditional { return try compileConditional(compiled, arguments) }
        let file = self.file
        let apply = function.apply
        return Compiled(run: { row in
            let values = try compiled.map { try $0.run(row) }
            do {
                return try apply(values)
            } catch let message as FunctionError {
                throw Diagnostic(.typeMismatch, message.text, at: range, in: file)
            }
        }, type: function.resultType(compiled.map(\.type)))
    }
}

extension ExpressionCompiler {
    /// `if(cond, a, b)`: evaluates only the branch the condition picks, so that
    /// `if(n == 0, 0, total / n)` never divides by zero.
    func compileConditional(_ compiled: [Compiled], _ arguments: [Expr]) throws -> Compiled {
        try expectType(compiled[0].type, [.bool], "the condition of `if`", arguments[0].range)
        let (condition, whenTrue, whenFalse) = (compiled[0], compiled[1], compiled[2])
        return Compiled(run: { row in try condition.run(row).isTrue ? whenTrue.run(row) : whenFalse.run(row) },
                        type: ScalarFunction.conditional.resultType(compiled.map(\.type)))
    }
}

extension ExpressionCompiler {
    /// `random()`: the next number of the running `simulate` draw. Outside a draw it is an error
    /// when it runs (a metric may use it, to be evaluated in a simulation), so that no query
    /// gives a different answer each time it runs.
    func compileRandom(_ range: SourceRange) throws -> Compiled {
        let runtime = self.runtime
        let outside = error(.wrongArguments, "`random()` draws only inside `simulate`", range,
                            help: "run it in a simulation: `simulate 1000 seed 7 { remove partners | where random() < 0.3 } on active_value`")
        return Compiled(run: { _ in
            guard let draws = runtime.randomDraws else { throw outside }
            return .number(draws.next())
        }, type: .number)
    }
}

extension StaticType {
    var elementOrSelf: StaticType {
        if case .list(let element) = self { return element }
        return self
    }
}

extension Value {
    var isList: Bool { if case .list = self { return true } else { return false } }
    var enumName: String? { if case .enumeration(let e) = self { return e.name } else { return nil } }
}

/// What `==`, `!=`, `<`, `<=`, `>`, `>=` and `in` mean for two values. The row-by-row closures
/// and the column scans (`ColumnPredicate`) both call these, so they cannot disagree.
enum Comparison {
    /// `a == b` (or `!=` when `negate`): false when either is null; nil when the two can never
    /// be compared (an error).
    static func equal(_ a: Value, _ b: Value, negate: Bool) -> Bool? {
        if a.isNull || b.isNull { return false }
        if Value.order(a, b) == nil, !Value.looselyEqual(a, b), StaticType.of(a) != StaticType.of(b), !(a.isList && b.isList) {
            return nil
        }
        return Value.looselyEqual(a, b) != negate
    }

    /// `a < b` and friends: false when either is null; nil when the two have no order (an error).
    static func ordered(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool? {
        if a.isNull || b.isNull { return false }
        guard let order = Value.order(a, b) else { return nil }
        switch op {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// `a in list`, for a non-null `a`.
    static func member(_ a: Value, of list: Value) -> Bool {
        guard case .list(let items) = list else { return false }
        return items.contains { Value.looselyEqual(a, $0) }
    }
}
