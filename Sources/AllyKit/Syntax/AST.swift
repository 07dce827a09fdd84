/// The syntax tree the parser builds. Every node keeps its source range for diagnostics;
/// names are still text here: the compiler resolves them before anything runs.

/// A name as written, with where it was written.
public struct Name: Hashable, Sendable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var range: SourceRange
    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum UnaryOperator: String, Sendable { case negate = "-", not }

public enum BinaryOperator: String, Sendable {
    case coalesce = "??", or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in`, notIn = "not in", contains
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn, .contains: return true
        default: return false
        }
    }
}

/// A `key: value` member of a record or definition.
public struct FieldInit: Sendable {
    public var name: Name
    public var value: Expr
}

/// Only the cases that hold an `Expr` directly are boxed, so literals and names (most of a
/// data file) cost no allocation.
public enum ExprKind: Sendable {
    case number(Double)
    case string(String)
    case date(Day)
    case duration(Duration)
    case bool(Bool)
    case null
    case today
    case name(String)
    indirect case member(Expr, Name)
    case call(Name, [Expr])
    indirect case unary(UnaryOperator, Expr)
    indirect case binary(BinaryOperator, Expr, Expr, operatorRange: SourceRange)
    case list([Expr])
    case record([FieldInit])
    /// `mercy {role: lead}`: an id with attributes, as in a party list.
    case tagged(Name, [FieldInit])
}

/// `ITEM ::= EXPR | NAME = EXPR`; `label` is the column name (the given name, or the
/// source text with whitespace outside strings removed).
public struct Item: Sendable {
    public var name: Name?
    public var expr: Expr
    public var label: String
}

public struct SortKey: Sendable {
    public var expr: Expr
    public var descending: Bool
}

public struct Stage: Sendable {
    public var kind: StageKind
    /// The stage keyword's range.
    public var nameRange: SourceRange
    public var range: SourceRange
}

public enum StageKind: Sendable {
    case filter(Expr)
    case sort([SortKey])
    case take(Expr)
    case select([Item])
    case extend([Item])
    case summarize([Item], by: [Item])
    case count
    case distinct([Item])
    case relation(EntityType)
    case parties
    case balance
    case centrality(CentralityMethod)
    case grid
    case chart(Item, by: Item?)
    case timeline
    /// `agreements | kpis` and `agreements | milestones`: one row per list item.
    case kpis
    case milestones
}

/// How `centrality` computes betweenness: exact up to `Analytics.automaticSampleAbove`
/// partners and sampled above it (`automatic`), always exact, or from N sampled sources.
public enum CentralityMethod: Sendable, Equatable {
    case automatic
    case exact
    case sample(Int, seed: UInt64)
}

public enum PipelineSource: Sendable {
    case all(EntityType)
    case one(EntityType, Name)
    case binding(Name)
    case renewals(within: Expr?)
    case path(from: Name, to: Name)
    case triggers
    case scenarios
    /// `diff [A [B]]`: changes from A (default baseline) to B (default the current scenario).
    case diff(Name?, Name?)
    /// `compare A, B, ... [on M, ...]`.
    case compare([Name], on: [Name])
    /// `log [NAME]`: the changing statements of a scenario (default the current one).
    case log(Name?)
}

public struct Pipeline: Sendable {
    public var source: PipelineSource
    public var sourceRange: SourceRange
    public var stages: [Stage]
    public var range: SourceRange
}

/// `PATH = EXPR` in `update ... set`.
public struct Assignment: Sendable {
    public var path: [Name]
    public var value: Expr
}

/// A string literal naming a file.
public struct PathLiteral: Sendable {
    public var text: String
    public var range: SourceRange
}

public struct Statement: Sendable {
    public var kind: StatementKind
    public var range: SourceRange
}

public enum StatementKind: Sendable {
    case define(EntityType, id: Name, fields: [FieldInit])
    case letBinding(Name, Pipeline)
    /// `let NAME = EXPR` where what follows `=` is not a pipeline (`let cutoff = today + 30d`).
    case letExpression(Name, Expr)
    /// `param NAME = EXPR`: a report input, its default overridden by `--set` or `.set`.
    case param(Name, Expr)
    /// `print EXPR`: a line of text as a result.
    case print(Expr)
    /// `assert EXPR [, "message"]`.
    case assert(Expr, message: String?)
    case metric(Name, Pipeline)
    case trigger(Name, on: EntityType, typeRange: SourceRange, when: Expr)
    case query(Pipeline)
    case update(Pipeline, [Assignment])
    case remove(Pipeline)
    case addParty(partner: Name, agreement: Name, fields: [FieldInit])
    case removeParty(partner: Name, agreement: Name)
    case scenario(Name, from: Name?)
    /// `scenario NAME [from PARENT] { ... }`: with `from`, the scenario is new and forks PARENT.
    case scenarioBlock(Name, from: Name?, [Statement])
    case use(Name)
    case dropScenario(Name)
    case load(PathLiteral)
    case save(PathLiteral)
    /// `save scenarios to "F"`: baseline as definitions, then a block per scenario.
    case saveScenarios(PathLiteral)
    /// `undo [N]` and `redo [N]`: step the current scenario back or forward.
    case undo(steps: Int)
    case redo(steps: Int)
    /// `merge A into B [prefer A|B]`.
    case merge(Name, into: Name, prefer: Name?)
    case importData(Name, PathLiteral)
    /// `refresh TYPE from "F"`: update the entities a file names, add the new ones.
    case refresh(Name, PathLiteral)
    case export(Pipeline, PathLiteral)
    case exportNetwork(PathLiteral)
    case dotCommand(Name, arguments: String)
    /// `sweep`, `exits`, `simulate`: rows from many what-ifs at once.
    case whatIf(WhatIfBatch)
    /// `let NAME = sweep|exits|simulate ...`: the same rows, bound as a table.
    case letWhatIf(Name, WhatIfBatch)
}

/// Many what-ifs at once, each case in a fresh fork of the current scenario that nothing keeps
/// unless `keep as` says so (Scenarios/WhatIfBatches.swift, Scenarios/ExitRanking.swift).
public enum WhatIfBatch: Sendable {
    /// `sweep VAR in [v, ...] { ... } on M, ... [keep as NAME]`.
    case sweep(variable: Name, values: [Expr], block: [Statement], metrics: [Name], keep: Name?)
    /// `exits [PIPELINE] rank by M, ...`: one case per partner, removed with its cascades.
    case exits(Pipeline?, rankBy: [Name])
    /// `simulate N [seed S] { ... } on M, ... [keep as NAME]`, with `random()` drawing.
    case simulate(draws: Int, seed: UInt64?, block: [Statement], metrics: [Name], keep: Name?)
}
