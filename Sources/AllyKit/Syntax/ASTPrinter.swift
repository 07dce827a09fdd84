/// Prints syntax trees back to Ally source. Expressions are fully parenthesized and every
/// node is printed, so two trees print alike exactly when they are equal but for source
/// positions: the property tests rely on that (parse → print → parse → print is stable).
public enum ASTPrinter {
    public static func print(_ statement: Statement) -> String {
        switch statement.kind {
        case .define(let type, let id, let fields):
            return "\(type.rawValue) \(id.text) \(fieldBlock(fields))"
        case .letBinding(let name, let pipeline): return "let \(name.text) = \(print(pipeline))"
        case .metric(let name, let pipeline): return "metric \(name.text) = \(print(pipeline))"
        case .trigger(let name, let type, _, let condition):
            return "trigger \(name.text) on \(type.plural) when \(print(condition))"
        case .query(let pipeline): return print(pipeline)
        case .update(let pipeline, let assignments):
            let sets = assignments.map { "\($0.path.map(\.text).joined(separator: ".")) = \(print($0.value))" }
            return "update \(print(pipeline)) set \(sets.joined(separator: ", "))"
        case .remove(let pipeline): return "remove \(print(pipeline))"
        case .addParty(let partner, let agreement, let fields):
            return "add party \(partner.text) to \(agreement.text)" + (fields.isEmpty ? "" : " " + fieldBlock(fields))
        case .removeParty(let partner, let agreement): return "remove party \(partner.text) from \(agreement.text)"
        case .scenario(let name, let from): return "scenario \(name.text)" + (from.map { " from \($0.text)" } ?? "")
        case .scenarioBlock(let name, let from, let statements):
            return "scenario \(name.text)" + (from.map { " from \($0.text)" } ?? "") + " {\n" + statements.map { "  " + print($0) + "\n" }.joined() + "}"
        case .use(let name): return "use \(name.text)"
        case .dropScenario(let name): return "drop scenario \(name.text)"
        case .load(let path): return "load \(ValueFormatter.allyString(path.text))"
        case .save(let path): return "save \(ValueFormatter.allyString(path.text))"
        case .saveScenarios(let path): return "save scenarios to \(ValueFormatter.allyString(path.text))"
        case .undo(let steps): return "undo \(steps)"
        case .redo(let steps): return "redo \(steps)"
        case .merge(let source, let target, let prefer):
            return "merge \(source.text) into \(target.text)" + (prefer.map { " prefer \($0.text)" } ?? "")
        case .importData(let type, let path): return "import \(type.text) from \(ValueFormatter.allyString(path.text))"
        case .export(let pipeline, let path): return "export \(print(pipeline)) to \(ValueFormatter.allyString(path.text))"
        case .exportNetwork(let path): return "export network to \(ValueFormatter.allyString(path.text))"
        case .letExpression(let name, let expr): return "let \(name.text) = \(print(expr))"
        case .param(let name, let expr): return "param \(name.text) = \(print(expr))"
        case .print(let expr): return "print \(print(expr))"
        case .assert(let expr, let message): return "assert \(print(expr))" + (message.map { ", " + ValueFormatter.allyString($0) } ?? "")
        case .refresh(let type, let path): return "refresh \(type.text) from \(ValueFormatter.allyString(path.text))"
        case .dotCommand(let name, let arguments): return "." + name.text + (arguments.isEmpty ? "" : " " + arguments)
        case .whatIf(let batch): return print(batch)
        case .letWhatIf(let name, let batch): return "let \(name.text) = \(print(batch))"
        }
    }

    static func print(_ batch: WhatIfBatch) -> String {
        func block(_ statements: [Statement]) -> String { "{\n" + statements.map { "  " + print($0) + "\n" }.joined() + "}" }
        func names(_ names: [Name]) -> String { names.map(\.text).joined(separator: ", ") }
        func kept(_ keep: Name?) -> String { keep.map { " keep as \($0.text)" } ?? "" }
        switch batch {
        case .sweep(let variable, let values, let statements, let metrics, let keep):
            return "sweep \(variable.text) in [\(values.map { print($0) }.joined(separator: ", "))] \(block(statements)) on \(names(metrics))"
                + kept(keep)
        case .exits(let pipeline, let metrics):
            return "exits " + (pipeline.map { print($0) + " " } ?? "") + "rank by \(names(metrics))"
        case .simulate(let draws, let seed, let statements, let metrics, let keep):
            return "simulate \(draws)" + (seed.map { " seed \($0)" } ?? "") + " \(block(statements)) on \(names(metrics))" + kept(keep)
        }
    }

    public static func print(_ pipeline: Pipeline) -> String {
        ([source(pipeline.source)] + pipeline.stages.map(stage)).joined(separator: " | ")
    }

    static func source(_ source: PipelineSource) -> String {
        switch source {
        case .all(let type): return type.plural
        case .one(let type, let id): return "\(type.rawValue) \(id.text)"
        case .binding(let name): return name.text
        case .renewals(let within): return "renewals" + (within.map { " within \(print($0))" } ?? "")
        case .path(let from, let to): return "path from \(from.text) to \(to.text)"
        case .triggers: return "triggers"
        case .scenarios: return "scenarios"
        case .log(let name): return (["log"] + [name?.text].compactMap { $0 }).joined(separator: " ")
        case .diff(let a, let b): return (["diff"] + [a, b].compactMap { $0?.text }).joined(separator: " ")
        case .compare(let names, let metrics):
            return "compare " + names.map(\.text).joined(separator: ", ")
                + (metrics.isEmpty ? "" : " on " + metrics.map(\.text).joined(separator: ", "))
        }
    }

    static func stage(_ stage: Stage) -> String {
        func items(_ items: [Item]) -> String {
            items.map { item in (item.name.map { "\($0.text) = " } ?? "") + print(item.expr) }.joined(separator: ", ")
        }
        switch stage.kind {
        case .filter(let expr): return "where \(print(expr))"
        case .sort(let keys): return "sort " + keys.map { print($0.expr) + ($0.descending ? " desc" : " asc") }.joined(separator: ", ")
        case .take(let expr): return "take \(print(expr))"
        case .select(let list): return "select \(items(list))"
        case .extend(let list): return "extend \(items(list))"
        case .summarize(let list, let by): return "summarize \(items(list))" + (by.isEmpty ? "" : " by \(items(by))")
        case .count: return "count"
        case .distinct(let list): return "distinct \(items(list))"
        case .relation(let type): return type.plural
        case .parties: return "parties"
        case .balance: return "balance"
        case .centrality(.automatic): return "centrality"
        case .centrality(.exact): return "centrality exact"
        case .centrality(.sample(let count, let seed)): return "centrality sample \(count) seed \(seed)"
        case .grid: return "grid"
        case .timeline: return "timeline"
        case .kpis: return "kpis"
        case .milestones: return "milestones"
        case .chart(let value, let by): return "chart \(items([value]))" + (by.map { " by \(items([$0]))" } ?? "")
        }
    }

    static func fieldBlock(_ fields: [FieldInit]) -> String {
        "{" + fields.map { "\($0.name.text): \(print($0.value))" }.joined(separator: ", ") + "}"
    }

    public static func print(_ expr: Expr) -> String {
        switch expr.kind {
        case .number(let n): return ValueFormatter.literal(.number(n))
        case .string(let s): return ValueFormatter.allyString(s)
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .today: return "today"
        case .name(let name): return name
        case .member(let base, let member): return "(\(print(base))).\(member.text)"
        case .call(let name, let arguments): return "\(name.text)(\(arguments.map(print).joined(separator: ", ")))"
        case .unary(let op, let operand): return op == .not ? "(not \(print(operand)))" : "(-\(print(operand)))"
        case .binary(let op, let left, let right, _): return "(\(print(left)) \(op.rawValue) \(print(right)))"
        case .list(let items): return "[" + items.map(print).joined(separator: ", ") + "]"
        case .record(let fields): return fieldBlock(fields)
        case .tagged(let name, let fields): return "\(name.text) \(fieldBlock(fields))"
        }
    }
}
