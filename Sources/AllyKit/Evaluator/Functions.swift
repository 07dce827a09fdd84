import Foundation

/// A function's complaint about its arguments; the compiler adds the position.
struct FunctionError: Error {
    let text: String
}

/// The scalar functions of LANGUAGE.md.
enum ScalarFunction: String, CaseIterable {
    case len, lower, upper, round, abs, coalesce, year, month
    case daysBetween = "days_between"
    case startsWith = "starts_with"
    /// `if(cond, a, b)`: only the branch taken is evaluated (`ExpressionCompiler.compileCall`).
    case conditional = "if"
    case between
    /// `random()`: a draw of the running `simulate` (`ExpressionCompiler.compileRandom`).
    case random

    var arity: ClosedRange<Int> {
        switch self {
        case .round: return 1...2
        case .coalesce: return 1...64
        case .daysBetween, .startsWith: return 2...2
        case .conditional, .between: return 3...3
        case .random: return 0...0
        default: return 1...1
        }
    }

    var arityDescription: String {
        switch self {
        case .round: return "one or two arguments"
        case .coalesce: return "one or more arguments"
        case .daysBetween, .startsWith: return "two arguments"
        case .conditional, .between: return "three arguments"
        case .random: return "no arguments"
        default: return "one argument"
        }
    }

    var usage: String {
        switch self {
        case .len: return "len(text or list) → number of characters or items"
        case .lower: return "lower(text) → text in lower case"
        case .upper: return "upper(text) → text in upper case"
        case .round: return "round(x[, digits]) → x rounded half away from zero"
        case .abs: return "abs(x) → absolute value"
        case .coalesce: return "coalesce(a, b, ...) → the first value that is not null"
        case .year: return "year(date) → the year"
        case .month: return "month(date) → the month, 1–12"
        case .daysBetween: return "days_between(a, b) → b − a in days"
        case .startsWith: return "starts_with(text, prefix) → whether text begins with prefix (case-sensitive)"
        case .conditional: return "if(condition, a, b) → a when condition is true, else b (null counts as false); only the branch taken is evaluated"
        case .between: return "between(x, low, high) → whether low ≤ x ≤ high (inclusive; false when any is null)"
        case .random: return "random() → a number drawn uniformly from [0, 1); only inside `simulate`, whose seed makes the draws reproducible"
        }
    }

    func resultType(_ arguments: [StaticType]) -> StaticType {
        switch self {
        case .len, .round, .abs, .year, .month, .daysBetween, .random: return .number
        case .lower, .upper: return .string
        case .startsWith, .between: return .bool
        case .conditional:
            let branches = arguments.dropFirst().filter { $0 != .null }
            return branches.count == 2 && branches[0] != branches[1] ? .unknown : branches.first ?? .null
        case .coalesce: return arguments.first { $0 != .null && $0 != .unknown } ?? .unknown
        }
    }

    var apply: ([Value]) throws -> Value {
        let name = rawValue
        func expected(_ what: String, _ got: Value) -> FunctionError {
            FunctionError(text: "`\(name)` needs \(what), not a \(got.typeName)")
        }
        switch self {
        case .len:
            return { args in
                switch args[0] {
                case .null: return .null
                case .string(let s): return .number(Double(s.count))
                case .list(let items): return .number(Double(items.count))
                case .record(let r): return .number(Double(r.keys.count))
                case let other: throw expected("a string or a list", other)
                }
            }
        case .lower, .upper:
            let lower = self == .lower
            return { args in
                switch args[0] {
                case .null: return .null
                case .string(let s): return .string(lower ? s.lowercased() : s.uppercased())
                case .enumeration(let e): return .string(lower ? e.name.lowercased() : e.name.uppercased())
                case .reference(_, let id): return .string(lower ? id.lowercased() : id.uppercased())
                case let other: throw expected("a string", other)
                }
            }
        case .round:
            return { args in
                guard case .number(let x) = args[0] else {
                    if args[0].isNull { return .null }
                    throw expected("a number", args[0])
                }
                var digits = 0.0
                if args.count == 2 {
                    guard case .number(let d) = args[1], d == d.rounded(), Swift.abs(d) <= 15 else {
                        throw FunctionError(text: "`round` takes a whole number of digits from -15 to 15")
                    }
                    digits = d
                }
                let scale = pow(10, digits)
                return .number((x * scale).rounded(.toNearestOrAwayFromZero) / scale)
            }
        case .abs:
            return { args in
                switch args[0] {
                case .null: return .null
                case .number(let x): return .number(Swift.abs(x))
                case let other: throw expected("a number", other)
                }
            }
        case .coalesce:
            return { args in args.first { !$0.isNull } ?? .null }
        case .year, .month:
            let year = self == .year
            return { args in
                switch args[0] {
                case .null: return .null
                case .date(let d): return .number(Double(year ? d.year : d.month))
                case let other: throw expected("a date", other)
                }
            }
        case .daysBetween:
            return { args in
                switch (args[0], args[1]) {
                case (.null, _), (_, .null): return .null
                case let (.date(a), .date(b)): return .number(Double(b.daysSinceEpoch - a.daysSinceEpoch))
                default: throw FunctionError(text: "`days_between` needs two dates")
                }
            }
        case .startsWith:
            return { args in
                switch (args[0], args[1]) {
                case (.null, _), (_, .null): return .null
                case let (a, .string(prefix)) where a.idText != nil: return .bool(a.idText!.hasPrefix(prefix))
                case let (.enumeration(e), .string(prefix)): return .bool(e.name.hasPrefix(prefix))
                default: throw FunctionError(text: "`starts_with` needs two strings")
                }
            }
        case .conditional:
            return { args in args[0].isTrue ? args[1] : args[2] }
        case .between:
            return { args in
                guard let low = Comparison.ordered(.greaterEqual, args[0], args[1]),
                      let high = Comparison.ordered(.lessEqual, args[0], args[2]) else {
                    let other = Value.order(args[0], args[1]) == nil ? args[1] : args[2]
                    throw FunctionError(text: "`between` cannot compare a \(args[0].typeName) with a \(other.typeName)")
                }
                return .bool(low && high)
            }
        case .random:
            // Never applied to values: the compiler reads the running draw instead.
            return { _ in throw FunctionError(text: "`random()` draws only inside `simulate`") }
        }
    }
}

/// `random()`'s numbers in one draw of `simulate`: a SplitMix64 generator whose start depends
/// only on the run's seed and the draw's number, so a draw gives the same numbers however many
/// draws ran before it, and on whichever thread.
final class RandomDraws {
    private var generator: PortfolioGenerator.Random

    init(seed: UInt64, draw: Int) {
        var mixer = PortfolioGenerator.Random(state: seed)
        let seedHash = mixer.next()
        mixer = PortfolioGenerator.Random(state: UInt64(draw) &* 0xD1B5_4A32_D192_ED03)
        generator = PortfolioGenerator.Random(state: seedHash ^ mixer.next())
    }

    /// Uniform in [0, 1), 53 random bits.
    func next() -> Double { generator.unit() }
}

/// The aggregates of `summarize`. Nulls are skipped.
enum AggregateFunction: String, CaseIterable {
    case count, sum, avg, min, max, median, hhi, gini

    var usage: String {
        switch self {
        case .count: return "count() → rows; count(x) → rows where x is not null"
        case .sum: return "sum(x) → total (0 for no rows)"
        case .avg: return "avg(x) → mean"
        case .min: return "min(x) → smallest"
        case .max: return "max(x) → largest"
        case .median: return "median(x) → middle value (mean of the two middle values for an even count)"
        case .hhi: return "hhi(x) → Σ (xᵢ/Σx)² × 10000: concentration; above 1,800 is highly concentrated (2023 US merger guidelines); null when Σx = 0"
        case .gini: return "gini(x) → Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄): inequality from 0 to 1; null when n = 0 or x̄ = 0"
        }
    }

    /// Folds the values of one group. `values` is nil for `count()`.
    func apply(_ values: [Value]?, rowCount: Int) throws -> Value {
        guard let values else { return .number(Double(rowCount)) }
        let present = values.filter { !$0.isNull }
        switch self {
        case .count: return .number(Double(present.count))
        case .min, .max:
            return try extreme(present) { value, current in
                guard let order = Value.order(value, current) else {
                    throw FunctionError(text: "`\(rawValue)` cannot compare a \(value.typeName) with a \(current.typeName)")
                }
                return order
            } ?? .null
        default:
            var numbers: [Double] = []
            numbers.reserveCapacity(present.count)
            for value in present {
                guard case .number(let n) = value else {
                    throw FunctionError(text: "`\(rawValue)` needs numbers, not a \(value.typeName)")
                }
                numbers.append(n)
            }
            return try apply(numbers: numbers)
        }
    }

    /// `min` or `max` of `items` by `order` (-1, 0, 1): the first of equal ones.
    private func extreme<T>(_ items: [T], _ order: (T, T) throws -> Int) rethrows -> T? {
        var best: T?
        for item in items {
            guard let current = best else { best = item; continue }
            let sign = try order(item, current)
            if (self == .min && sign < 0) || (self == .max && sign > 0) { best = item }
        }
        return best
    }

    /// Folds one group's numbers (nulls already left out): what `apply` gives for the same
    /// values as `.number`s, in the same order.
    func apply(numbers: [Double]) throws -> Value {
        switch self {
        case .count: return .number(Double(numbers.count))
        case .min, .max:
            return extreme(numbers) { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }.map(Value.number) ?? .null
        default:
            let result = Self.fold(self, numbers)
            if case .number(let n) = result, !n.isFinite {
                throw FunctionError(text: "`\(rawValue)` is too large to hold (beyond ±1.8e308)")
            }
            return result
        }
    }

    static func fold(_ function: AggregateFunction, _ numbers: [Double]) -> Value {
        let n = Double(numbers.count)
        switch function {
        case .sum: return .number(numbers.reduce(0, +))
        case .avg: return numbers.isEmpty ? .null : .number(numbers.reduce(0, +) / n)
        case .median:
            guard !numbers.isEmpty else { return .null }
            let sorted = numbers.sorted()
            let middle = sorted.count / 2
            return .number(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2)
        case .hhi:
            let total = numbers.reduce(0, +)
            guard total != 0 else { return .null }
            return .number(numbers.reduce(0) { $0 + ($1 / total) * ($1 / total) } * 10000)
        case .gini:
            guard !numbers.isEmpty else { return .null }
            let mean = numbers.reduce(0, +) / n
            guard mean != 0 else { return .null }
            // Σᵢ Σⱼ |xᵢ − xⱼ| in O(n log n): with x sorted, Σ = 2 Σᵢ (2i − n + 1) xᵢ.
            let sorted = numbers.sorted()
            var weighted = 0.0
            for (i, x) in sorted.enumerated() { weighted += (2 * Double(i) - n + 1) * x }
            return .number(2 * weighted / (2 * n * n * mean))
        case .count, .min, .max: return .null
        }
    }
}
