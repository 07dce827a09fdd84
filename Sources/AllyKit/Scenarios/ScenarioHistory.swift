import Foundation

/// A scenario's changing statements since it was forked or loaded: what `log` lists and what
/// `undo` and `redo` step through. A portfolio is a persistent value, so each step keeps the
/// state before it at O(1) cost, and undoing or redoing is an assignment.
struct ScenarioHistory {
    /// One changing statement (or a run of definitions in one script, which undo as one).
    struct Step {
        var statement: String
        /// What takes the step back; nil once more than `undoLimit` steps are newer.
        var before: Before?
        /// Entities that differ after the step (for a run of definitions: the entities defined).
        var changed: Int
        /// Where the step's keys are in the scenario's log, when it was logging then.
        var logRange: Range<Int>?
        /// The step's keys when they were not logged (nil: not known, e.g. definitions).
        var keys: [EntityKey]?
        /// How many definitions a run of definitions holds (0 for any other statement).
        var definitions = 0
    }

    /// What `undo` puts back. Mostly the state before the step, kept at O(1) cost; a party
    /// import keeps its own take-back record instead, the parties each agreement had before:
    /// it gives every agreement a new box, and the state before would keep every old box too
    /// (the largest part of the CSV import's peak memory, with 300,000 agreements).
    enum Before {
        case state(Portfolio)
        case takeBack(DataImporter.Undo)

        /// The state before the step, from the state right after it (what undoing goes back
        /// from: steps are undone last first).
        func state(after: Portfolio) -> Portfolio {
            switch self {
            case .state(let before):
                return before
            case .takeBack(let undo):
                var before = after
                undo.rollBack(&before)
                before.compactIfSparse()
                return before
            }
        }
    }

    /// Steps that can be undone are this many at most: each keeps an older version of what it
    /// changed alive, and a script of many large updates must not keep them all.
    static let undoLimit = 100

    private(set) var done: [Step] = []
    /// Undone steps, the last undone last, each with the state after it (what `redo` restores).
    private(set) var undone: [(step: Step, after: Portfolio)] = []

    var isEmpty: Bool { done.isEmpty && undone.isEmpty }
    var undoable: Int { done.reversed().prefix { $0.before != nil }.count }
    var redoable: Int { undone.count }

    /// A new changing statement: the redo steps are dropped.
    mutating func append(_ step: Step) {
        done.append(step)
        undone.removeAll()
        let old = done.count - Self.undoLimit - 1
        if old >= 0 {
            done[old].before = nil
            done[old].keys = nil
        }
    }

    /// Adds one definition to the run of definitions the last step is.
    mutating func extendDefinitions(logEnd: Int?) {
        guard !done.isEmpty else { return }
        done[done.count - 1].definitions += 1
        done[done.count - 1].changed += 1
        if let logEnd, let range = done[done.count - 1].logRange { done[done.count - 1].logRange = range.lowerBound..<logEnd }
    }

    var lastIsDefinitions: Bool { (done.last?.definitions ?? 0) > 0 && undone.isEmpty }

    /// The steps from `start` on become one (what a `load` did to the scenario it ran in).
    /// `changed`: counted by the caller where a log says which entities the steps touched, else
    /// the sum of the steps' counts.
    mutating func collapse(from start: Int, into statement: String, before: Portfolio, logRange: Range<Int>?, changed: Int?) {
        guard start < done.count else { return }
        let steps = done[start...]
        let keys: [EntityKey]? = steps.contains { $0.keys == nil } ? nil : steps.flatMap { $0.keys ?? [] }
        let changed = changed ?? steps.reduce(0) { $0 + $1.changed }
        done.removeSubrange(start...)
        append(Step(statement: statement, before: .state(before), changed: changed, logRange: logRange, keys: logRange == nil ? keys : nil))
    }

    /// Takes the last step back; the caller puts `step.before` in place. `after` is the state now.
    mutating func undo(after: Portfolio) -> Step {
        let step = done.removeLast()
        undone.append((step, after))
        return step
    }

    /// Takes the last undone step forward again; the caller puts `after` in place.
    mutating func redo(before: Portfolio) -> (step: Step, after: Portfolio) {
        var (step, after) = undone.removeLast()
        step.before = .state(before)
        done.append(step)
        return (step, after)
    }

    /// Rows `step, statement, changed` in order.
    var rows: [[Value]] {
        done.enumerated().map { index, step in
            let more = step.definitions - 1
            let statement = more > 0 ? "\(step.statement) (and \(more) more definition\(more == 1 ? "" : "s"))" : step.statement
            return [.number(Double(index + 1)), .string(statement), .number(Double(step.changed))]
        }
    }

    /// The statement's text on one line, as `log` shows it.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Keys of the entities that differ between two states, when no log says which: every id of
    /// both (O(n); only for steps made before anything was forked from the scenario).
    static func differingKeys(_ a: Portfolio, _ b: Portfolio) -> [EntityKey] {
        var keys: [EntityKey] = []
        for type in EntityType.allCases {
            var ids = Set(a.sortedIds(type))
            ids.formUnion(b.sortedIds(type))
            for id in ids {
                let key = EntityKey(type, id)
                if a.entity(key) != b.entity(key) { keys.append(key) }
            }
        }
        return keys
    }
}
