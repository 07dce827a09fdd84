/// The text of `.help`: an overview, and a page for every statement, stage, function,
/// aggregate, measure and field.
public enum Help {
    public static var topics: [String] {
        Array(pages.keys) + ScalarFunction.allCases.map(\.rawValue) + AggregateFunction.allCases.map(\.rawValue)
            + EntityType.allCases.flatMap { type in FieldCatalog.fields(of: type).map(\.name) }
    }

    public static func text(for topic: String?) -> String {
        guard let topic, !topic.isEmpty else { return overview }
        let key = topic.lowercased().trimmingCharacters(in: ["."])
        if let page = pages[key] { return page }
        if let function = ScalarFunction(rawValue: key) { return "\(key) — \(function.usage)" }
        if let aggregate = AggregateFunction(rawValue: key) { return "\(key) (aggregate, in summarize) — \(aggregate.usage)" }
        if let type = EntityType(rawValue: key) ?? EntityType(plural: key), pages[type.plural] == nil {
            return fieldList(type)
        }
        var lines: [String] = []
        for type in EntityType.allCases {
            if let field = FieldCatalog.field(key, of: type) {
                lines.append("\(type.rawValue).\(field.name) — \(field.type.description), \(field.isStored ? "stored, default \(field.defaultText)" : "computed"): \(field.summary)")
            }
        }
        if !lines.isEmpty { return lines.joined(separator: "\n") }
        if let enumType = EnumType.allCases.first(where: { $0.rawValue.lowercased() == key }) {
            return "\(enumType.rawValue): \(enumType.cases.joined(separator: ", "))"
        }
        let hint = Suggestions.closest(to: key, in: topics).map { " Did you mean `.help \($0)`?" } ?? ""
        return "No help on `\(topic)`.\(hint) `.help` lists the topics."
    }

    static func fieldList(_ type: EntityType) -> String {
        FieldCatalog.fields(of: type).map { field in
            "  \(field.name.padding(18)) \(field.type.description.padding(26)) \(field.isStored ? "" : "(computed) ")\(field.summary)"
        }.joined(separator: "\n")
    }

    static let overview = """
    Ally: ask questions of a partnership portfolio, and try what-ifs before anyone commits.

    Queries are pipelines: a source, then stages separated by |
      partners | where kind == academic and country == "DE" | sort name | take 5
      agreements | summarize n = count(), total = sum(value) by form
      renewals within 90d
      path from lakeshore to cat

    Statements: partner agreement stakeholder (define), let, metric, trigger, update, remove,
      add party, remove party, scenario, use, drop scenario, diff, compare, load, save,
      save scenarios, log, undo, redo, merge, import, refresh, export
    Reports: param, print, assert, .output, .once, .set, .params (`.help reports`)
    Many what-ifs at once: sweep, exits, simulate, random() (`.help sweep`, `.help exits`, `.help simulate`)
    \(StageTable.overviewLine)
    Functions: len lower upper round abs coalesce year month days_between starts_with if between
    Aggregates: count sum avg min max median hhi gini
    Measures: fit_score alignment capability category attainment on_time health_score
      quadrant balance centrality betweenness
    Commands: .help [TOPIC] .schema [TYPE] .format FORMAT .timer on|off .maxrows [N] .last
      .today [DATE] .weights [DIM=W ...] .history [N] .output ["F"] .once "F" .set NAME VALUE
      .params .quit

    `.help where`, `.help scenario`, `.help fit_score`, `.help partner` for details.
    """

    /// Every page: the topics' below, and each stage's from its entry in the stage table.
    static let pages: [String: String] = topicPages.merging(StageTable.entries.map { ($0.name, $0.help) }) { _, stage in stage }

    /// Statements, commands, measures and other topics (no stage: `HelpTests` checks).
    static let topicPages: [String: String] = [
        "renewals": "renewals [within DURATION] — active or under_review agreements with ends ≤ today + DURATION (default 180d), soonest first: id, title, ends, notice_by, days_left, auto_renew.",
        "path": "path from A to B — the shortest introduction path through partners and stakeholders (stakeholder—org, stakeholder—known stakeholder, partner—partner sharing a live agreement); ties broken by the smallest sequence of ids. Rows step, from, to, via (org, knows, or the agreement id).",
        "triggers": "triggers — rows trigger, type, id for every entity on which a trigger's condition holds now.\n  trigger NAME on TYPE when EXPR defines one (per scenario).",
        "trigger": "trigger NAME on partners|agreements|stakeholders when EXPR — a named rule; `triggers` lists where it fires and `diff` shows where it starts or stops firing.",
        "scenarios": "scenarios — rows name, parent, changed (entities that differ from the parent), current.",
        "scenario": "scenario NAME [from NAME] — fork the portfolio (in O(1)) and switch to the fork.\nscenario NAME { statements } — fork or enter, run the block, switch back.\nscenario NAME from PARENT { statements } — fork PARENT into a new scenario and run the block in it (what `save scenarios` writes).\nuse NAME — switch. drop scenario NAME — forget one. The prompt shows ally[NAME*]> when the scenario differs from its parent.",
        "use": "use NAME — switch to a scenario (baseline is the start).",
        "diff": "diff [A [B]] — what changed from A (default baseline) to B (default the current scenario): rows change, type, id, field, before, after; record fields per member (fit.mission); then triggers that fire or clear.",
        "compare": "compare A, B, ... [on METRIC, ...] — metrics side by side: one column per scenario, delta (last − first) and change (delta / first).",
        "sweep": "sweep VAR in [v1, v2, ...] { statements } on METRIC, ... [keep as NAME] — run the block once per value, each time in a fresh fork of the current scenario, with VAR bound to the value as `let VAR = value` binds it (a bare word that names nothing is its text). Rows VAR, METRIC..., delta, change (the first metric against the current scenario, as `compare` gives them). Nothing is kept unless `keep as NAME`: then scenarios NAME_1, NAME_2, ... exist afterwards. A block may define, update, remove, add or remove parties, `let` and `assert`. `let t = sweep ...` binds the rows.\n  sweep cut in [5%, 10%, 20%] { update agreements set value = value * (1 - cut) } on active_value keep as cut",
        "exits": "exits [PIPELINE] rank by METRIC, ... — for every partner of the pipeline (default: all but the home one) a fork of the current scenario in which it is removed exactly as `remove partner P` removes it (its stakeholders and their ties, its party entries; agreements left with fewer than two parties terminated), with the metrics evaluated there. Rows partner, name, METRIC..., delta, change (first metric, against the current scenario), agreements_terminated, stakeholders_removed; by |delta|, largest first, ties by id. Nothing is kept. Cases run on every core (ALLY_THREADS=N sets the number of threads; the rows do not depend on it); Ctrl-C stops with nothing changed. `let t = exits ...` binds the rows.\n  exits rank by active_value\n  exits partners | where kind == academic rank by active_value, active_count",
        "simulate": "simulate N [seed S] { statements } on METRIC, ... [keep as NAME] — run the block N times (at most 1,000,000), each in a fresh fork of the current scenario, with random() drawing uniformly from [0, 1). Draw i's numbers depend only on S (default 1) and i, so the same seed gives the same rows. Rows metric, mean, p5, p50, p95, min, max (percentiles interpolated between ranks, as PERCENTILE.INC; draws whose metric is null are left out). `keep as NAME` binds the draws as a table NAME with columns draw, METRIC... (for `NAME | chart ...`); `let t = simulate ...` binds the summary.\n  simulate 1000 seed 7 { remove partners | where stage == exiting and random() < 0.3 } on active_value keep as draws",
        "metric": "metric NAME = PIPELINE — a named single value, re-evaluated in the current scenario each time it is used.\n  metric active_value = agreements | where status == active | summarize sum(value)",
        "let": "let NAME = PIPELINE — bind a result. Entities keep their ids and are re-read in the current scenario when used.\nlet NAME = EXPR — bind a value: `let cutoff = today + 30d`.",
        "param": "param NAME = EXPR — a report input with its default: `param horizon = 90d`. `ally report.ally --set horizon=60d` (or `.set horizon 60d` in the shell) gives it another value, read as a literal of the same kind as the default; a bare name (`--set wanted=clinic`) is an enum case or id where it is compared with such a field, else text. `.params` lists them.",
        "print": "print EXPR — a line of text as a result: `print \"Renewals in the next \" + horizon`. `+` with a string joins numbers, dates and durations in their printed form. A plain line in table mode, a paragraph in markdown, a JSON string in json, one cell in csv.",
        "assert": "assert EXPR [, \"message\"] — fails the statement (exit 1; a script stops unless --keep-going) when EXPR is not true: `assertion failed: milestones overdue (overdue = 3)`, with the values of the names it uses.",
        "refresh": "refresh partners|agreements|stakeholders from \"F.csv\"|\"F.json\" — the entities the file names get the values of its columns (other fields are kept); new ids are added as `import` adds them; none is removed. Validated as a whole: one bad row changes nothing. Confirms `added N, updated M, unchanged K`; `diff` shows what changed.",
        "output": ".output \"F\" — every following result goes to F (in the current format, written atomically) until `.output` alone. .once \"F\" — only the next result.",
        "once": ".once \"F\" — only the next result goes to F (in the current format, written atomically).",
        "set": ".set NAME VALUE — give a declared `param` a value (kept when the script declares it again).",
        "params": ".params — the declared parameters: name, value, default, set.",
        "reports": "A saved report: param horizon = 90d / print \"Renewals in the next \" + horizon / .once \"renewals.md\" / renewals within horizon / metric overdue = agreements | milestones | where overdue | count / assert overdue == 0, \"milestones overdue\". Run it with `ally --format markdown report.ally --set horizon=60d`; exit 1 when an assertion fails.",
        "update": "update PIPELINE set PATH = EXPR, ... — assign on every entity of the result, all or nothing.\n  update agreements | where form == mou set value = value * 0.9, status = under_review\n  update partner acme set fit.mission = 4",
        "remove": "remove PIPELINE — delete entities. A partner takes its stakeholders (and their ties) and its party entries; an agreement left with fewer than two parties becomes terminated.\nremove party P from A — take one party out.",
        "add": "add party PARTNER to AGREEMENT { role: lead, contributes: 500k, equity: 20%, votes: 2 } — append a party.",
        "load": "load \"FILE.ally\" — run a script into the current scenario (all or nothing). Paths are relative to the script that says it.",
        "save": "save \"FILE.ally\" — write the current scenario as definitions, atomically.\nsave scenarios to \"FILE.ally\" — write every scenario: baseline as definitions, then each other scenario in creation order as `scenario NAME from PARENT { ... }` holding the statements that turn its parent into it (remove, definitions, update ... set, triggers). `load`, `--data` or `ally FILE.ally` bring them all back (diff and compare give the same rows); a block that no longer applies fails with its line, and the load changes nothing.",
        "log": "log [NAME] — the statements that changed a scenario (default the current one) since it was forked or loaded: rows step, statement, changed (entities that differ after it). Consecutive definitions of one script are one step. `undo` and `redo` follow.",
        "undo": "undo [N] — take back the last N (default 1) changing statements of the current scenario (baseline too), in O(1) each (an `import parties` in O(agreements it gave parties)); `diff`, the prompt's * and `log` follow. The last \(ScenarioHistory.undoLimit) statements can be undone.\nredo [N] — replay what undo took back; a new changing statement drops it.",
        "redo": "redo [N] — replay the last N statements `undo` took back (default 1); a changing statement after `undo` drops them.",
        "merge": "merge A into B [prefer A|prefer B] — apply to B what A changed since the state both started from (their common ancestor at the earlier fork), field by field; lists (parties, knows, tags, kpis) item by item, fit and decisions member by member. Conflicts (a field changed differently on both sides, an entity removed on one side and changed on the other, a party added to an agreement the other side terminated) change nothing and print rows type, id, field, base, A, B (exit 1 in a script); `prefer A` or `prefer B` resolves every conflict one way. Afterwards an agreement left with one party is terminated. `merge baseline into s` brings s up to date with later baseline changes; merging the same again changes nothing (a conflict resolved with `prefer` is reported again without it). Triggers are not merged.",
        "import": "import partners|agreements|stakeholders|parties from \"F.csv\"|\"F.json\" — validated as a whole: one bad row imports nothing. CSV: header names stored fields (fit.mission for one score); lists are ;-separated; an empty cell is the default, \"\" an empty string; parties, decisions, kpis and milestones as JSON text.",
        "export": "export PIPELINE to \"F.csv\"|\"F.json\"|\"F.md\" — an entity set without select writes every stored field. export network to \"F.dot\" — the partner network for Graphviz.",
        "fit_score": "fit_score — weighted mean of the non-null fit scores (mission strategy culture reputation complementarity expertise reach innovation, each 0–5); weights from .weights, all 1 by default.",
        "hhi": "hhi(x) — Herfindahl-Hirschman index Σ (xᵢ/Σx)² × 10000 over non-null values; above 1,800 is highly concentrated under the 2023 US merger guidelines (which replaced the older 2,500); null when Σx = 0.",
        "gini": "gini(x) — Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄) over non-null values; 0 is equal, near 1 concentrated; null when n = 0 or x̄ = 0.",
        "expressions": "Operators, loosest first: ?? (null default), or, and, not, == != < <= > >= in, not in, contains, + -, * /, unary -, .field and calls. Null: arithmetic gives null, comparisons are false except == null / != null. Literals: 12, 4.5, 1_000, 2.5M, 60%, 2026-03-01, 90d 12w 6mo 2y, \"text\", true, false, null, today, [a, b].",
        "weights": ".weights [DIM=W ...] — show or set the fit-score weights, e.g. `.weights mission=2 reach=0.5`; `.weights reset`.",
        "format": ".format table|csv|json|markdown — output format.",
        "timer": ".timer on|off — print `time: N ms` after each statement on stderr.",
        "today": ".today [YYYY-MM-DD] — show or set the session date.",
        "maxrows": ".maxrows [N] — in the interactive shell, a table shows at most N rows (default 40): the first and the last, and a line saying how many were left out. `.maxrows 0` shows every row. Scripts, -c, piped output and the csv, json and markdown formats always show every row.",
        "last": ".last — the previous result again, whole (every row), through the pager when it is taller than the terminal.",
        "history": ".history [N] — the last N history entries.",
        "schema": ".schema [TYPE] — fields of each entity type: name, type, default, stored or computed.",
    ]
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}
