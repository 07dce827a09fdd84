/// A `where` condition that a scan over every entity of a type can answer from columns
/// (`Column`): comparisons of a stored field with a value that does not depend on the row,
/// joined by `and`, `or` and `not`. It is planned next to the row-by-row closure, never instead
/// of it: when a value turns out not to fit its column at run time, the scan gives up and the
/// closure decides, so results and errors are the same either way.
indirect enum ColumnPredicate {
    case and(ColumnPredicate, ColumnPredicate)
    case or(ColumnPredicate, ColumnPredicate)
    case not(ColumnPredicate)
    /// `field OP value` (or `value OP field` when `fieldOnLeft` is false).
    case compare(field: FieldSpec, op: BinaryOperator, value: Compiled, fieldOnLeft: Bool)

    // MARK: Planning

    /// Plans `expr` for rows of `type`; nil when some part of it needs the rows themselves.
    /// `operands`: the condition's comparisons as the row-by-row closure compiled them, so a
    /// bare name on the value side means what it means there.
    static func plan(_ expr: Expr, type: EntityType, operands: ComparisonOperands) -> ColumnPredicate? {
        switch expr.kind {
        case .unary(.not, let inner):
            return plan(inner, type: type, operands: operands).map(ColumnPredicate.not)
        case .binary(.and, let left, let right, _):
            guard let l = plan(left, type: type, operands: operands), let r = plan(right, type: type, operands: operands) else { return nil }
            return .and(l, r)
        case .binary(.or, let left, let right, _):
            guard let l = plan(left, type: type, operands: operands), let r = plan(right, type: type, operands: operands) else { return nil }
            return .or(l, r)
        case .binary(let op, let left, let right, _):
            guard [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn].contains(op),
                  let compiled = operands[expr] else { return nil }
            if let field = columnField(left, type: type), isRowFree(right, type: type) {
                return .compare(field: field, op: op, value: compiled.right, fieldOnLeft: true)
            }
            if op != .in, op != .notIn, let field = columnField(right, type: type), isRowFree(left, type: type) {
                return .compare(field: field, op: op, value: compiled.left, fieldOnLeft: false)
            }
            return nil
        default:
            return nil
        }
    }

    /// A bare name of a stored field with a column layout.
    private static func columnField(_ expr: Expr, type: EntityType) -> FieldSpec? {
        guard case .name(let name) = expr.kind, let field = FieldCatalog.field(name, of: type),
              Column.layout(of: field) != nil else { return nil }
        return field
    }

    /// Whether `expr` has one value for the whole scan: literals, `today`, session bindings,
    /// enum cases and ids, and arithmetic on them. Function calls and members are left to rows.
    private static func isRowFree(_ expr: Expr, type: EntityType) -> Bool {
        switch expr.kind {
        case .number, .string, .date, .duration, .bool, .null, .today: return true
        case .name(let name): return FieldCatalog.field(name, of: type) == nil
        case .list(let items): return items.allSatisfy { isRowFree($0, type: type) }
        case .unary(_, let inner): return isRowFree(inner, type: type)
        case .binary(let op, let left, let right, _):
            return op != .contains && isRowFree(left, type: type) && isRowFree(right, type: type)
        case .member, .call, .record, .tagged: return false
        }
    }

    // MARK: Running

    /// The rows of `selection` (positions in `allEntities(type)`) for which the condition holds,
    /// ascending; nil when a value does not fit its column.
    func select(_ selection: Selection, type: EntityType, runtime: Runtime) -> [Int32]? {
        switch self {
        case .and(let left, let right):
            guard let kept = left.select(selection, type: type, runtime: runtime) else { return nil }
            return right.select(.some(kept), type: type, runtime: runtime)
        case .or(let left, let right):
            guard let kept = left.select(selection, type: type, runtime: runtime),
                  let more = right.select(.some(Self.minus(selection, kept)), type: type, runtime: runtime) else { return nil }
            return Self.merge(kept, more)
        case .not(let inner):
            guard let kept = inner.select(selection, type: type, runtime: runtime) else { return nil }
            return Self.minus(selection, kept)
        case .compare(let field, let op, let value, let fieldOnLeft):
            guard let constant = try? value.run(Row(entity: nil)),
                  let column = runtime.portfolio.column(field, of: type) else { return nil }
            if value.isNullLiteral, op == .equal || op == .notEqual {
                let wantNull = op == .equal
                switch column {
                case .dictionary(let values, let codes, _):
                    return Self.select(codes, table: values.map { $0.isNull == wantNull }, in: selection)
                case .numbers(_, let present), .days(_, let present):
                    return present.withUnsafeBufferPointer { present in selection.filter { present[$0] != wantNull } }
                }
            }
            switch column {
            case .dictionary(let values, let codes, _):
                var table: [Bool] = []
                table.reserveCapacity(values.count)
                for item in values {
                    guard let result = Self.holds(op, fieldOnLeft ? item : constant, fieldOnLeft ? constant : item) else { return nil }
                    table.append(result)
                }
                return Self.select(codes, table: table, in: selection)
            case .numbers(let numbers, let present):
                if constant.isNull { return [] }
                guard case .number(let k) = constant else { return nil }
                return Self.compare(numbers, present, op: fieldOnLeft ? op : op.flipped, k, in: selection)
            case .days(let days, let present):
                if constant.isNull { return [] }
                guard case .date(let day) = constant else { return nil }
                return Self.compare(days, present, op: fieldOnLeft ? op : op.flipped, day.daysSinceEpoch, in: selection)
            }
        }
    }

    /// `a OP b` as the row-by-row closures decide it; nil where they would report an error.
    private static func holds(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool? {
        switch op {
        case .equal: return Comparison.equal(a, b, negate: false)
        case .notEqual: return Comparison.equal(a, b, negate: true)
        case .in: return a.isNull ? false : Comparison.member(a, of: b)
        case .notIn: return a.isNull ? false : !Comparison.member(a, of: b)
        default: return Comparison.ordered(op, a, b)
        }
    }

    /// Rows whose code's entry in `table` is true. (The loops over columns read through buffer
    /// pointers: the codes are in range by construction, and a scan is millions of reads.)
    private static func select(_ codes: [UInt32], table: [Bool], in selection: Selection) -> [Int32] {
        codes.withUnsafeBufferPointer { codes in
            table.withUnsafeBufferPointer { table in selection.filter { table[Int(codes[$0])] } }
        }
    }

    /// Rows whose value compares with `k` as `op` says; null rows never match.
    private static func compare<T: Comparable>(_ values: [T], _ present: [Bool], op: BinaryOperator, _ k: T,
                                               in selection: Selection) -> [Int32]? {
        values.withUnsafeBufferPointer { values in
            present.withUnsafeBufferPointer { present in compare(values, present, op: op, k, in: selection) }
        }
    }

    @inline(__always)
    private static func compare<T: Comparable>(_ values: UnsafeBufferPointer<T>, _ present: UnsafeBufferPointer<Bool>,
                                               op: BinaryOperator, _ k: T, in selection: Selection) -> [Int32]? {
        switch op {
        case .equal: return selection.filter { present[$0] && values[$0] == k }
        case .notEqual: return selection.filter { present[$0] && values[$0] != k }
        case .less: return selection.filter { present[$0] && values[$0] < k }
        case .lessEqual: return selection.filter { present[$0] && values[$0] <= k }
        case .greater: return selection.filter { present[$0] && values[$0] > k }
        case .greaterEqual: return selection.filter { present[$0] && values[$0] >= k }
        default: return nil
        }
    }

    /// The rows of `selection` not in `removed` (both ascending).
    static func minus(_ selection: Selection, _ removed: [Int32]) -> [Int32] {
        var out: [Int32] = []
        var next = 0
        selection.forEach { row in
            while next < removed.count, Int(removed[next]) < row { next += 1 }
            if next < removed.count, Int(removed[next]) == row { return }
            out.append(Int32(truncatingIfNeeded: row))
        }
        return out
    }

    /// The union of two ascending, disjoint row lists, ascending.
    static func merge(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
        }
        return out
    }
}

extension BinaryOperator {
    /// The operator that gives the same answer with its operands swapped (`a < b` ⇔ `b > a`).
    var flipped: BinaryOperator {
        switch self {
        case .less: return .greater
        case .lessEqual: return .greaterEqual
        case .greater: return .less
        case .greaterEqual: return .lessEqual
        default: return self
        }
    }
}
