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
    Stages: where sort take select extend summarize count distinct partners agreements
      stakeholders parties balance centrality [exact|sample N] grid chart timeline kpis milestones
    Functions: len lower upper round abs coalesce year month days_between starts_with if between
    Aggregates: count sum avg min max median hhi gini
    Measures: fit_score alignment capability category attainment on_time health_score
      quadrant balance centrality betweenness
    Commands: .help [TOPIC] .schema [TYPE] .format FORMAT .timer on|off .maxrows [N] .last
      .today [DATE] .weights [DIM=W ...] .history [N] .output ["F"] .once "F" .set NAME VALUE
      .params .quit

    `.help where`, `.help scenario`, `.help fit_score`, `.help partner` for details.
    """

    static let pages: [String: String] = [
        "partners": "partners — every partner, in id order. `partner ID` is one partner.\nFields:\n" + fieldList(.partner),
        "agreements": "agreements — every agreement, in id order. `agreement ID` is one.\nFields:\n" + fieldList(.agreement),
        "stakeholders": "stakeholders — every stakeholder, in id order. `stakeholder ID` is one.\nFields:\n" + fieldList(.stakeholder),
        "where": "PIPELINE | where EXPR — keep rows where EXPR is true (null counts as false).\n  partners | where kind in [academic, research_institute] and fit_score >= 3.5",
        "sort": "PIPELINE | sort KEY [asc|desc], ... — stable sort; nulls last in both directions.\n  agreements | sort ends, value desc",
        "take": "PIPELINE | take N — the first N rows.",
        "select": "PIPELINE | select ITEM, ... — project columns; ITEM is EXPR or NAME = EXPR. An unnamed column is named by its text (`org.name`).\n  stakeholders | select name, org.name, quadrant",
        "extend": "PIPELINE | extend NAME = EXPR, ... — add computed columns and keep the rest.\n  agreements | extend share = value / 1M",
        "summarize": "PIPELINE | summarize ITEM, ... [by EXPR, ...] — group and aggregate; by-columns first, groups sorted ascending (nulls last).\n  agreements | summarize n = count(), total = sum(value), hhi(value) by form\n  Without `by`, no input rows give one row (count 0, sum 0, other aggregates null).",
        "count": "PIPELINE | count — the number of rows, as a single value.",
        "distinct": "PIPELINE | distinct EXPR, ... — unique rows of those columns, in first-seen order.",
        "parties": "agreements | parties — one row per party: agreement, partner, role, contributes, equity, votes (votes default: 1 for lead and member, 0 for observer).",
        "balance": "agreements | balance — power versus contribution per party: contribution_share = contributes / total contribution; decision_share = votes / total votes; imbalance = decision_share − contribution_share (positive: decides more than it contributes).",
        "centrality": "partners | centrality [exact | sample N [seed S]] — measures on the partner network (partners linked when they share an agreement that is not terminated or expired), restricted to the current partners; one row per partner: id, name, degree, betweenness, closeness, community.\n  degree = number of neighbours.\n  betweenness = shortest-path betweenness, undirected, normalized by (n−1)(n−2)/2 (as NetworkX), by Brandes' algorithm on every core.\n  closeness = (r−1)/Σd · (r−1)/(n−1), r = partners reachable (itself included), Σd = their distances; 0 when isolated (NetworkX's closeness_centrality, wf_improved, for disconnected networks).\n  community = a Louvain community (no randomness: the same network gives the same partition), numbered 1, 2, … by size, largest first.\n  Exact up to \(Analytics.automaticSampleAbove.formatted()) partners; above, or with `sample N`, betweenness and closeness are estimated from N partners drawn as sources (default N = \(Analytics.automaticSampleSize.formatted()), seed \(Analytics.defaultSampleSeed); the same seed gives the same figures), and a note on stderr says so. `exact` always computes exactly.\n  Error bound (Brandes–Pich estimator, Hoeffding): with probability 1−δ, one partner's estimated betweenness is within n/(n−1) · √(ln(2/δ) / 2N) of the exact value; for every partner at once, replace 2/δ by 2n/δ. N = 1,000, δ = 0.05: ±0.043 for one partner, ±0.087 for all of 100,000. Betweenness figures are usually far smaller than that bound: the ranking of the top partners is what the estimate is good for. Estimated closeness (Eppstein–Wang) is null for a partner whose component held no sampled source.\n  partners | centrality sample 2000 seed 7 | sort betweenness desc | take 20",
        "grid": "stakeholders | grid — the influence/interest grid: manage_closely (influence ≥ 4 and interest ≥ 4), keep_satisfied (influence ≥ 4, interest < 4), keep_informed (influence < 4, interest ≥ 4), monitor. Data formats give rows quadrant, count, names.",
        "chart": "PIPELINE | chart EXPR [by EXPR] — a horizontal bar chart of a number per label; with `by`, values are summed per label. Data formats give the rows.\n  agreements | chart value by form",
        "timeline": "agreements | timeline — each agreement's term on a date axis, today and notice dates (ends − notice) marked.",
        "renewals": "renewals [within DURATION] — active or under_review agreements with ends ≤ today + DURATION (default 180d), soonest first: id, title, ends, notice_by, days_left, auto_renew.",
        "path": "path from A to B — the shortest introduction path through partners and stakeholders (stakeholder—org, stakeholder—known stakeholder, partner—partner sharing a live agreement); ties broken by the smallest sequence of ids. Rows step, from, to, via (org, knows, or the agreement id).",
        "triggers": "triggers — rows trigger, type, id for every entity on which a trigger's condition holds now.\n  trigger NAME on TYPE when EXPR defines one (per scenario).",
        "trigger": "trigger NAME on partners|agreements|stakeholders when EXPR — a named rule; `triggers` lists where it fires and `diff` shows where it starts or stops firing.",
        "scenarios": "scenarios — rows name, parent, changed (entities that differ from the parent), current.",
        "scenario": "scenario NAME [from NAME] — fork the portfolio (in O(1)) and switch to the fork.\nscenario NAME { statements } — fork or enter, run the block, switch back.\nscenario NAME from PARENT { statements } — fork PARENT into a new scenario and run the block in it (what `save scenarios` writes).\nuse NAME — switch. drop scenario NAME — forget one. The prompt shows ally[NAME*]> when the scenario differs from its parent.",
        "use": "use NAME — switch to a scenario (baseline is the start).",
        "diff": "diff [A [B]] — what changed from A (default baseline) to B (default the current scenario): rows change, type, id, field, before, after; record fields per member (fit.mission); then triggers that fire or clear.",
        "compare": "compare A, B, ... [on METRIC, ...] — metrics side by side: one column per scenario, delta (last − first) and change (delta / first).",
        "metric": "metric NAME = PIPELINE — a named single value, re-evaluated in the current scenario each time it is used.\n  metric active_value = agreements | where status == active | summarize sum(value)",
        "let": "let NAME = PIPELINE — bind a result. Entities keep their ids and are re-read in the current scenario when used.\nlet NAME = EXPR — bind a value: `let cutoff = today + 30d`.",
        "param": "param NAME = EXPR — a report input with its default: `param horizon = 90d`. `ally report.ally --set horizon=60d` (or `.set horizon 60d` in the shell) gives it another value, read as a literal of the same kind as the default; a bare name (`--set wanted=clinic`) is an enum case or id where it is compared with such a field, else text. `.params` lists them.",
        "print": "print EXPR — a line of text as a result: `print \"Renewals in the next \" + horizon`. `+` with a string joins numbers, dates and durations in their printed form. A plain line in table mode, a paragraph in markdown, a JSON string in json, one cell in csv.",
        "assert": "assert EXPR [, \"message\"] — fails the statement (exit 1; a script stops unless --keep-going) when EXPR is not true: `assertion failed: milestones overdue (overdue = 3)`, with the values of the names it uses.",
        "refresh": "refresh partners|agreements|stakeholders from \"F.csv\"|\"F.json\" — the entities the file names get the values of its columns (other fields are kept); new ids are added as `import` adds them; none is removed. Validated as a whole: one bad row changes nothing. Confirms `added N, updated M, unchanged K`; `diff` shows what changed.",
        "kpis": "agreements | kpis — one row per KPI: agreement, name, target, actual, higher_is_better, ratio (actual/target, or target/actual when lower is better, clamped to [0, 1], as in attainment). The agreement's fields stay in scope.",
        "milestones": "agreements | milestones — one row per milestone: agreement, name, due, done, overdue (not done and due before today). The agreement's fields stay in scope; overdue milestones by partner: agreements | milestones | where overdue | parties | summarize overdue = count() by partner",
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
        "undo": "undo [N] — take back the last N (default 1) changing statements of the current scenario (baseline too), in O(1) each; `diff`, the prompt's * and `log` follow. The last \(ScenarioHistory.undoLimit) statements can be undone.\nredo [N] — replay what undo took back; a new changing statement drops it.",
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
