/// A quoted value compared with an enum field (`kind == "acadmic"`, `status == "Active"`) that is
/// not one of its cases can match no row. It is legal, so the query runs, but the analyst is told.
extension ExpressionCompiler {
    /// Records a warning on the runtime when one side of `==`, `!=`, `in` or `not in` is an enum
    /// and the other a string literal (or a list of them) that names none of its cases.
    func warnAboutImpossibleCase(_ op: BinaryOperator, _ left: Expr, _ l: Compiled, _ right: Expr, _ r: Compiled) {
        guard l.type.isEnumeration || r.type.isEnumeration else { return }
        let pairs: [(StaticType, Expr, Expr)]
        switch op {
        case .equal, .notEqual: pairs = [(l.type, left, right), (r.type, right, left)]
        case .in, .notIn: pairs = [(l.type, left, right)]
        default: return
        }
        for (type, side, other) in pairs {
            guard case .enumeration(let enumType) = type else { continue }
            for (text, range) in Self.quotedValues(in: other) where enumType.value(named: text) == nil {
                let shown = text.unicodeScalars.count > 40 ? String(text.prefix(40)) + "…" : text
                let help = Suggestions.help(for: text, in: enumType.cases)
                    ?? "cases are: \(enumType.cases.joined(separator: ", "))"
                runtime.warnings.append(Diagnostic(.unknownEnumCase, "`\(file.text(side.range))` has no case \"\(shown)\", so this matches no row",
                                                   at: range, in: file, help: help, severity: .warning))
            }
        }
    }

    private static func quotedValues(in expr: Expr) -> [(String, SourceRange)] {
        switch expr.kind {
        case .string(let text): return [(text, expr.range)]
        case .list(let items): return items.flatMap { quotedValues(in: $0) }
        default: return []
        }
    }
}
