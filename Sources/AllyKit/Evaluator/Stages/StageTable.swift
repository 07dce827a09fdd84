/// Every pipeline stage, one entry each: the name the parser accepts after `|`, its `.help`
/// page, the words Tab offers inside it, the rows it needs and the rows it gives, and the
/// function that compiles it. A new stage is an entry here, its compile function (a file of
/// its family in `Stages/`), its grammar rule and parse case, and tests; `StageTableTests`
/// fails when the grammar, the parser and this table do not name the same stages.
///
/// A class: every compiled stage looks its entry up, and a reference is one retain where a copy
/// of the struct was nine.
final class StageEntry: Sendable {
    typealias Compile = @Sendable (PipelineCompiler, Stage, StageInput) throws -> CompiledPipeline

    let name: String
    /// How the `.help` overview lists it (`centrality [exact|sample N]`).
    let synopsis: String
    let help: String
    /// A use of it after a source it takes, which the tests parse, compile and run.
    let example: String
    let needs: RowsNeeded
    let gives: RowsGiven
    /// What Tab offers inside the stage besides names, functions and bindings.
    let words: [String]
    let compile: Compile

    init(name: String, synopsis: String, help: String, example: String, needs: RowsNeeded, gives: RowsGiven,
         words: [String], compile: @escaping Compile) {
        (self.name, self.synopsis, self.help, self.example) = (name, synopsis, help, example)
        (self.needs, self.gives, self.words, self.compile) = (needs, gives, words, compile)
    }
}

/// The rows a stage takes.
enum RowsNeeded: Equatable, Sendable {
    /// Entities or a table.
    case anyRows
    /// Entities of one type, or a table whose rows keep them (`agreements | kpis`).
    case entitiesOf(EntityType)
    /// Entities (or a table keeping them) with a relation to `target`: agreements have none to
    /// other agreements.
    case relation(to: EntityType)

    /// Whether rows of `entity` (nil: a table without entities) can come before the stage.
    func accepts(_ entity: EntityType?) -> Bool {
        switch self {
        case .anyRows: return true
        case .entitiesOf(let type): return entity == type
        case .relation(let target): return entity != nil && !(entity == .agreement && target == .agreement)
        }
    }
}

/// The rows after a stage, as Tab completion and the tests see them (the compiled shape adds
/// the column types).
enum RowsGiven: Equatable, Sendable {
    /// The rows it was given, fewer or reordered (`where`, `sort`, `take`).
    case same
    case entities(EntityType)
    /// A table of fixed columns; `base`: the entity each row keeps, whose fields stay in scope.
    case table(columns: [String], base: EntityType?)
    /// One column per item, named by its label (`select`, `distinct`; `summarize` puts its `by`
    /// items first).
    case items
    /// The columns before it and one per new name (`extend`).
    case extended
    case scalar
    case picture
}

/// What a stage compiles against: the pipeline before it and the stage before that with its
/// own input (`where` after `parties` reads the agreements `parties` read, through their index).
struct StageInput {
    let rows: CompiledPipeline
    let previous: (stage: Stage, input: CompiledPipeline)?

    var shape: Shape { rows.shape }
    var scope: Scope { Scope(shape: rows.shape) }
}

extension StageKind {
    /// The stage keyword, under which the stage table knows it.
    var name: String {
        switch self {
        case .filter: return "where"
        case .sort: return "sort"
        case .take: return "take"
        case .select: return "select"
        case .extend: return "extend"
        case .summarize: return "summarize"
        case .count: return "count"
        case .distinct: return "distinct"
        case .relation(let target): return target.plural
        case .parties: return "parties"
        case .balance: return "balance"
        case .centrality: return "centrality"
        case .grid: return "grid"
        case .chart: return "chart"
        case .timeline: return "timeline"
        case .kpis: return "kpis"
        case .milestones: return "milestones"
        }
    }
}

enum StageTable {
    /// The stage names in the order `.help` and error messages list them.
    static let names = entries.map(\.name)

    static func entry(named name: String) -> StageEntry? { byName[name] }

    /// The entry of a parsed stage (the parser only makes stages the table has).
    static func entry(_ kind: StageKind) -> StageEntry {
        guard let entry = byName[kind.name] else { preconditionFailure("the parser made a stage `\(kind.name)` the stage table lacks") }
        return entry
    }

    /// The stages that can follow rows of `entity` (nil: a table without entities).
    static func names(after entity: EntityType?) -> [String] {
        entries.filter { $0.needs.accepts(entity) }.map(\.name)
    }

    /// The overview's line of stages, wrapped as the rest of the overview is.
    static var overviewLine: String {
        var lines = ["Stages:"]
        for entry in entries {
            if lines[lines.count - 1].count + 1 + entry.synopsis.count > 94 { lines.append(" ") }
            lines[lines.count - 1] += " " + entry.synopsis
        }
        return lines.joined(separator: "\n")
    }

    private static let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    /// A compile function handed a stage of another kind: the table's own mistake.
    static func misrouted(_ stage: Stage) -> Never {
        preconditionFailure("the stage table sent `\(stage.kind.name)` to another stage's compile function")
    }

    static let entries: [StageEntry] = [
        StageEntry(
            name: "where", synopsis: "where",
            help: "PIPELINE | where EXPR — keep rows where EXPR is true (null counts as false).\n  partners | where kind in [academic, research_institute] and fit_score >= 3.5",
            example: "partners | where kind == academic and fit_score >= 3", needs: .anyRows, gives: .same,
            words: ["and", "or", "not", "in", "contains", "today", "null"],
            compile: { compiler, stage, input in
                guard case .filter(let condition) = stage.kind else { misrouted(stage) }
                return try compiler.compileWhere(condition, after: input)
            }),
        StageEntry(
            name: "sort", synopsis: "sort",
            help: "PIPELINE | sort KEY [asc|desc], ... — stable sort; nulls last in both directions.\n  agreements | sort ends, value desc",
            example: "agreements | sort ends, value desc", needs: .anyRows, gives: .same, words: ["asc", "desc"],
            compile: { compiler, stage, input in
                guard case .sort(let keys) = stage.kind else { misrouted(stage) }
                return try compiler.compileSort(keys, after: input.rows)
            }),
        StageEntry(
            name: "take", synopsis: "take", help: "PIPELINE | take N — the first N rows.",
            example: "partners | take 3", needs: .anyRows, gives: .same, words: [],
            compile: { compiler, stage, input in
                guard case .take(let count) = stage.kind else { misrouted(stage) }
                return try compiler.compileTake(count, after: input.rows)
            }),
        StageEntry(
            name: "select", synopsis: "select",
            help: "PIPELINE | select ITEM, ... — project columns; ITEM is EXPR or NAME = EXPR. An unnamed column is named by its text (`org.name`).\n  stakeholders | select name, org.name, quadrant",
            example: "stakeholders | select name, org.name, quadrant", needs: .anyRows, gives: .items, words: [],
            compile: { compiler, stage, input in
                guard case .select(let items) = stage.kind else { misrouted(stage) }
                return try compiler.compileSelect(items, after: input.rows)
            }),
        StageEntry(
            name: "extend", synopsis: "extend",
            help: "PIPELINE | extend NAME = EXPR, ... — add computed columns and keep the rest.\n  agreements | extend share = value / 1M",
            example: "agreements | extend share = value / 1M", needs: .anyRows, gives: .extended, words: [],
            compile: { compiler, stage, input in
                guard case .extend(let items) = stage.kind else { misrouted(stage) }
                return try compiler.compileExtend(items, after: input.rows)
            }),
        StageEntry(
            name: "summarize", synopsis: "summarize",
            help: "PIPELINE | summarize ITEM, ... [by EXPR, ...] — group and aggregate; by-columns first, groups sorted ascending (nulls last).\n  agreements | summarize n = count(), total = sum(value), hhi(value) by form\n  Without `by`, no input rows give one row (count 0, sum 0, other aggregates null).",
            example: "agreements | summarize n = count(), total = sum(value) by form", needs: .anyRows, gives: .items,
            words: AggregateFunction.allCases.map(\.rawValue) + ["by"],
            compile: { compiler, stage, input in
                guard case .summarize(let items, let by) = stage.kind else { misrouted(stage) }
                return try compiler.compileSummarize(items, by: by, after: input.rows)
            }),
        StageEntry(
            name: "count", synopsis: "count", help: "PIPELINE | count — the number of rows, as a single value.",
            example: "stakeholders | count", needs: .anyRows, gives: .scalar, words: [],
            compile: { compiler, _, input in try compiler.compileCount(after: input.rows) }),
        StageEntry(
            name: "distinct", synopsis: "distinct",
            help: "PIPELINE | distinct EXPR, ... — unique rows of those columns, in first-seen order.",
            example: "partners | distinct country, kind", needs: .anyRows, gives: .items, words: [],
            compile: { compiler, stage, input in
                guard case .distinct(let items) = stage.kind else { misrouted(stage) }
                return try compiler.compileDistinct(items, after: input.rows)
            }),
        relation(.partner, help: "partners — every partner, in id order. `partner ID` is one partner.\nFields:\n" + Help.fieldList(.partner),
                 example: "agreements | partners"),
        relation(.agreement, help: "agreements — every agreement, in id order. `agreement ID` is one.\nFields:\n" + Help.fieldList(.agreement),
                 example: "partners | agreements"),
        relation(.stakeholder, help: "stakeholders — every stakeholder, in id order. `stakeholder ID` is one.\nFields:\n" + Help.fieldList(.stakeholder),
                 example: "partners | stakeholders"),
        StageEntry(
            name: "parties", synopsis: "parties",
            help: "agreements | parties — one row per party: agreement, partner, role, contributes, equity, votes (votes default: 1 for lead and member, 0 for observer).",
            example: "agreements | parties", needs: .entitiesOf(.agreement),
            gives: .table(columns: Analytics.partyColumns, base: nil), words: [],
            compile: { compiler, _, input in try compiler.compileParties(after: input.rows) }),
        StageEntry(
            name: "balance", synopsis: "balance",
            help: "agreements | balance — power versus contribution per party: contribution_share = contributes / total contribution; decision_share = votes / total votes; imbalance = decision_share − contribution_share (positive: decides more than it contributes).",
            example: "agreements | balance", needs: .entitiesOf(.agreement),
            gives: .table(columns: Analytics.balanceColumns, base: nil), words: [],
            compile: { compiler, _, input in try compiler.compileBalance(after: input.rows) }),
        StageEntry(
            name: "centrality", synopsis: "centrality [exact|sample N]", help: centralityHelp,
            example: "partners | centrality exact", needs: .entitiesOf(.partner),
            gives: .table(columns: Analytics.centralityColumns, base: nil), words: [],
            compile: { compiler, stage, input in
                guard case .centrality(let method) = stage.kind else { misrouted(stage) }
                return try compiler.compileCentrality(method, after: input.rows)
            }),
        StageEntry(
            name: "grid", synopsis: "grid",
            help: "stakeholders | grid — the influence/interest grid: manage_closely (influence ≥ 4 and interest ≥ 4), keep_satisfied (influence ≥ 4, interest < 4), keep_informed (influence < 4, interest ≥ 4), monitor. Data formats give rows quadrant, count, names.",
            example: "stakeholders | grid", needs: .entitiesOf(.stakeholder), gives: .picture, words: [],
            compile: { compiler, _, input in try compiler.compileGrid(after: input.rows) }),
        StageEntry(
            name: "chart", synopsis: "chart",
            help: "PIPELINE | chart EXPR [by EXPR] — a horizontal bar chart of a number per label; with `by`, values are summed per label. Data formats give the rows.\n  agreements | chart value by form",
            example: "agreements | chart value by form", needs: .anyRows, gives: .picture, words: [],
            compile: { compiler, stage, input in
                guard case .chart(let value, let by) = stage.kind else { misrouted(stage) }
                return try compiler.compileChart(value, by: by, after: input.rows)
            }),
        StageEntry(
            name: "timeline", synopsis: "timeline",
            help: "agreements | timeline — each agreement's term on a date axis, today and notice dates (ends − notice) marked.",
            example: "agreements | timeline", needs: .entitiesOf(.agreement), gives: .picture, words: [],
            compile: { compiler, _, input in try compiler.compileTimeline(after: input.rows) }),
        StageEntry(
            name: "kpis", synopsis: "kpis",
            help: "agreements | kpis — one row per KPI: agreement, name, target, actual, higher_is_better, ratio (actual/target, or target/actual when lower is better, clamped to [0, 1], as in attainment). The agreement's fields stay in scope.",
            example: "agreements | kpis", needs: .entitiesOf(.agreement),
            gives: .table(columns: PipelineCompiler.kpiColumns, base: .agreement), words: [],
            compile: { compiler, _, input in try compiler.compileAgreementItems(kpis: true, after: input.rows) }),
        StageEntry(
            name: "milestones", synopsis: "milestones",
            help: "agreements | milestones — one row per milestone: agreement, name, due, done, overdue (not done and due before today). The agreement's fields stay in scope; overdue milestones by partner: agreements | milestones | where overdue | parties | summarize overdue = count() by partner",
            example: "agreements | milestones", needs: .entitiesOf(.agreement),
            gives: .table(columns: PipelineCompiler.milestoneColumns, base: .agreement), words: [],
            compile: { compiler, _, input in try compiler.compileAgreementItems(kpis: false, after: input.rows) }),
    ]

    /// `partners`, `agreements`, `stakeholders` after `|`: the entities related to the rows. Their
    /// page is the source's page too.
    private static func relation(_ target: EntityType, help: String, example: String) -> StageEntry {
        StageEntry(name: target.plural, synopsis: target.plural, help: help, example: example, needs: .relation(to: target),
                   gives: .entities(target), words: [],
                   compile: { compiler, stage, input in try compiler.compileRelation(to: target, stage: stage, after: input.rows) })
    }

    private static let centralityHelp = "partners | centrality [exact | sample N [seed S]] — measures on the partner network (partners linked when they share an agreement that is not terminated or expired), restricted to the current partners; one row per partner: id, name, degree, betweenness, closeness, community.\n  degree = number of neighbours.\n  betweenness = shortest-path betweenness, undirected, normalized by (n−1)(n−2)/2 (as NetworkX), by Brandes' algorithm on every core.\n  closeness = (r−1)/Σd · (r−1)/(n−1), r = partners reachable (itself included), Σd = their distances; 0 when isolated (NetworkX's closeness_centrality, wf_improved, for disconnected networks).\n  community = a Louvain community (no randomness: the same network gives the same partition), numbered 1, 2, … by size, largest first.\n  Exact up to \(Analytics.automaticSampleAbove.formatted()) partners; above, or with `sample N`, betweenness and closeness are estimated from N partners drawn as sources (default N = \(Analytics.automaticSampleSize.formatted()), seed \(Analytics.defaultSampleSeed); the same seed gives the same figures), and a note on stderr says so. `exact` always computes exactly.\n  Error bound (Brandes–Pich estimator, Hoeffding): with probability 1−δ, one partner's estimated betweenness is within n/(n−1) · √(ln(2/δ) / 2N) of the exact value; for every partner at once, replace 2/δ by 2n/δ. N = 1,000, δ = 0.05: ±0.043 for one partner, ±0.087 for all of 100,000. Betweenness figures are usually far smaller than that bound: the ranking of the top partners is what the estimate is good for. Estimated closeness (Eppstein–Wang) is null for a partner whose component held no sampled source.\n  partners | centrality sample 2000 seed 7 | sort betweenness desc | take 20"
}
