/// The portfolio measures that are more than an expression: relations, parties and balance,
/// renewals, introduction paths, centrality, and the data behind the pictures.
enum Analytics {
    // MARK: Relations

    /// Follows a relation from a set of entities: deduplicated, in id order.
    /// The related entities of a relation stage, as ids or as positions in `allEntities`.
    enum Followed {
        /// Sorted, distinct.
        case ids([String])
        /// Ascending.
        case positions([Int32])
    }

    /// From this many related ids on, they are placed by the type's ids in order (their
    /// positions, `Portfolio.positions(ofSorted:_:)`), and later stages can read columns.
    static let positionThreshold = 1024

    static func followRelation(_ entities: [Entity], to: EntityType, runtime: Runtime) throws -> Followed {
        let portfolio = runtime.portfolio
        // One partner's agreements or stakeholders are already a sorted list of distinct ids.
        if entities.count == 1, case .partner(let partner) = entities[0], to != .partner {
            return .ids(to == .agreement ? portfolio.agreementIds(ofPartner: partner.id) : portfolio.stakeholderIds(ofPartner: partner.id))
        }
        var ids = Set<String>()
        try forEachRelatedId(of: entities, to: to, runtime: runtime) { ids.insert($0) }
        let sorted = SmallKey.sorted(Array(ids))
        guard sorted.count >= positionThreshold else { return .ids(sorted) }
        return .positions(portfolio.positions(ofSorted: sorted, to))
    }

    /// Calls `body` with the id of every entity of type `to` related to one of `entities`
    /// (with repeats): a partner's agreements, stakeholders and network neighbours; an
    /// agreement's parties and their stakeholders; a stakeholder's org, its agreements and the
    /// people the stakeholder knows.
    static func forEachRelatedId(of entities: [Entity], to: EntityType, runtime: Runtime, _ body: (String) -> Void) throws {
        let portfolio = runtime.portfolio
        for entity in entities {
            try runtime.checkCancelled()
            switch entity {
            case .partner(let partner):
                switch to {
                case .agreement: portfolio.agreementIds(ofPartner: partner.id).forEach(body)
                case .stakeholder: portfolio.stakeholderIds(ofPartner: partner.id).forEach(body)
                case .partner: networkNeighbours(of: partner.id, in: portfolio).keys.forEach(body)
                }
            case .agreement(let agreement):
                switch to {
                case .partner: for party in agreement.parties { body(party.partner) }
                case .stakeholder:
                    for party in agreement.parties { portfolio.stakeholderIds(ofPartner: party.partner).forEach(body) }
                case .agreement: break
                }
            case .stakeholder(let stakeholder):
                switch to {
                case .partner: body(stakeholder.org)
                case .agreement: portfolio.agreementIds(ofPartner: stakeholder.org).forEach(body)
                case .stakeholder: stakeholder.knows.forEach(body)
                }
            }
        }
    }

    /// Partners linked to `id` in the partner network, each with the smallest id of the live
    /// agreements they share.
    static func networkNeighbours(of id: String, in portfolio: Portfolio) -> [String: String] {
        var neighbours: [String: String] = [:]
        for agreementId in portfolio.agreementIds(ofPartner: id) {
            guard let agreement = portfolio.agreements[agreementId], agreement.isLive else { continue }
            for party in agreement.parties where party.partner != id {
                if let existing = neighbours[party.partner], Value.compareText(existing, agreementId) <= 0 { continue }
                neighbours[party.partner] = agreementId
            }
        }
        return neighbours
    }

    // MARK: Parties and balance

    static let partyColumns = ["agreement", "partner", "role", "contributes", "equity", "votes"]
    static let balanceColumns = ["agreement", "partner", "contribution_share", "decision_share", "imbalance"]
    static let partyTypes: [StaticType] = [.reference(.agreement), .reference(.partner), .enumeration(.role), .number, .number, .number]
    static let balanceTypes: [StaticType] = [.reference(.agreement), .reference(.partner), .number, .number, .number]

    static func parties(_ agreements: [Entity]) -> Table {
        var rows: [[Value]] = []
        parties(agreements) { rows.append($0) }
        return Table(columns: partyColumns, rows: rows)
    }

    /// The same rows one at a time (an export writes them as they come).
    static func parties(_ agreements: [Entity], _ row: ([Value]) throws -> Void) rethrows {
        for case .agreement(let agreement) in agreements {
            for party in agreement.parties {
                try row([.reference(.agreement, agreement.id), .reference(.partner, party.partner), .enumeration(party.role),
                         .number(party.contributes), party.equity.map(Value.number) ?? .null, .number(party.votes)])
            }
        }
    }

    /// contribution_share = contributes / total; decision_share = votes / total votes;
    /// imbalance = decision_share − contribution_share (positive: decides more than it gives).
    static func balance(_ agreements: [Entity]) -> Table {
        var rows: [[Value]] = []
        balance(agreements) { rows.append($0) }
        return Table(columns: balanceColumns, rows: rows)
    }

    /// The same rows one at a time.
    static func balance(_ agreements: [Entity], _ row: ([Value]) throws -> Void) rethrows {
        for case .agreement(let agreement) in agreements {
            let total = agreement.parties.reduce(0) { $0 + $1.contributes }
            let votes = agreement.parties.reduce(0) { $0 + $1.votes }
            for party in agreement.parties {
                let contribution: Double? = total == 0 ? nil : party.contributes / total
                let decision: Double? = votes == 0 ? nil : party.votes / votes
                let imbalance: Value = {
                    guard let contribution, let decision else { return .null }
                    return .number(decision - contribution)
                }()
                try row([.reference(.agreement, agreement.id), .reference(.partner, party.partner),
                         contribution.map(Value.number) ?? .null, decision.map(Value.number) ?? .null, imbalance])
            }
        }
    }

    // MARK: Renewals

    static let renewalColumns = ["id", "title", "ends", "notice_by", "days_left", "auto_renew"]
    static let renewalTypes: [StaticType] = [.string, .string, .date, .date, .number, .bool]

    /// Active or under-review agreements ending by today + horizon, soonest first.
    static func renewals(in runtime: Runtime, within horizon: Duration) -> Table {
        let limit = runtime.today.adding(horizon)
        var found: [Agreement] = []
        for id in runtime.portfolio.sortedIds(.agreement) {
            guard let agreement = runtime.portfolio.agreements[id], let ends = agreement.ends, ends <= limit,
                  agreement.status.name == "active" || agreement.status.name == "under_review" else { continue }
            found.append(agreement)
        }
        let sorted = found.enumerated().sorted { a, b in
            a.element.ends! != b.element.ends! ? a.element.ends! < b.element.ends! : a.offset < b.offset
        }.map(\.element)
        let rows: [[Value]] = sorted.map { a in
            [.string(a.id), .string(a.title), .date(a.ends!), .date(a.ends!.adding(a.notice, times: -1)),
             .number(Double(a.ends!.daysSinceEpoch - runtime.today.daysSinceEpoch)), .bool(a.autoRenew)]
        }
        return Table(columns: renewalColumns, rows: rows, baseType: .agreement, base: sorted.map(Entity.agreement))
    }

    // MARK: Introduction paths

    /// A node of the introduction graph.
    struct Node: Hashable {
        var type: EntityType
        var id: String
        /// Lexicographic key order: id, then partner before stakeholder.
        static func precedes(_ a: Node, _ b: Node) -> Bool {
            let order = Value.compareText(a.id, b.id)
            return order != 0 ? order < 0 : a.type < b.type
        }
    }

    static func neighbours(of node: Node, in portfolio: Portfolio) -> [(Node, String)] {
        switch node.type {
        case .partner:
            var result = portfolio.stakeholderIds(ofPartner: node.id).map { (Node(type: .stakeholder, id: $0), "org") }
            for (partner, via) in networkNeighbours(of: node.id, in: portfolio) {
                result.append((Node(type: .partner, id: partner), via))
            }
            return result
        case .stakeholder:
            guard let stakeholder = portfolio.stakeholders[node.id] else { return [] }
            var result = [(Node(type: .partner, id: stakeholder.org), "org")]
            result += stakeholder.knows.map { (Node(type: .stakeholder, id: $0), "knows") }
            return result
        case .agreement:
            return []
        }
    }

    static func lookupNode(_ name: Name, in portfolio: Portfolio, file: SourceFile) throws -> Node {
        if portfolio.partners[name.text] != nil { return Node(type: .partner, id: name.text) }
        if portfolio.stakeholders[name.text] != nil { return Node(type: .stakeholder, id: name.text) }
        let candidates = portfolio.sortedIds(.partner) + portfolio.sortedIds(.stakeholder)
        throw Diagnostic(.unknownEntity, "no partner or stakeholder `\(name.text)`", at: name.range, in: file,
                         help: Suggestions.help(for: name.text, in: candidates))
    }

    /// The shortest path from A to B; among several, the lexicographically smallest sequence
    /// of node keys. Breadth-first from B gives every node's distance to B; walking from A,
    /// each step then takes the smallest neighbour one step closer.
    static func path(from: Name, to: Name, runtime: Runtime, file: SourceFile) throws -> Table {
        let portfolio = runtime.portfolio
        let start = try lookupNode(from, in: portfolio, file: file)
        let goal = try lookupNode(to, in: portfolio, file: file)
        let columns = ["step", "from", "to", "via"]
        guard start != goal else { return Table(columns: columns, rows: []) }
        var distance: [Node: Int] = [goal: 0]
        var frontier = [goal]
        var found = false
        while !frontier.isEmpty, !found {
            var next: [Node] = []
            for node in frontier {
                try runtime.checkCancelled()
                let d = distance[node]!
                for (neighbour, _) in neighbours(of: node, in: portfolio) where distance[neighbour] == nil {
                    distance[neighbour] = d + 1
                    if neighbour == start { found = true }
                    next.append(neighbour)
                }
            }
            frontier = next
        }
        guard let total = distance[start] else { return Table(columns: columns, rows: []) }
        var rows: [[Value]] = []
        var node = start
        for step in 1...total {
            try runtime.checkCancelled()
            let candidates = neighbours(of: node, in: portfolio).filter { distance[$0.0] == total - step }
            guard let best = candidates.min(by: { Node.precedes($0.0, $1.0) }) else { break }
            rows.append([.number(Double(step)), .reference(node.type, node.id), .reference(best.0.type, best.0.id), .string(best.1)])
            node = best.0
        }
        return Table(columns: columns, rows: rows)
    }

    // MARK: Picture data

    /// Rows `quadrant, count, names`, in the order manage_closely, keep_satisfied, keep_informed, monitor.
    static func grid(_ stakeholders: [Entity]) -> ResultTable {
        var names: [String: [Value]] = [:]
        for case .stakeholder(let s) in stakeholders { names[s.quadrant.name, default: []].append(.string(s.name)) }
        let rows: [[Value]] = EnumType.quadrant.cases.map { quadrant in
            let list = names[quadrant] ?? []
            return [.enumeration(EnumType.quadrant.value(quadrant)), .number(Double(list.count)), .list(list)]
        }
        return ResultTable(columns: ["quadrant", "count", "names"], rows: rows)
    }

    /// Rows `id, title, status, starts, ends, notice_by` for agreements with a term.
    static func timeline(_ agreements: [Entity], runtime: Runtime) -> ResultTable {
        var rows: [[Value]] = []
        for case .agreement(let a) in agreements {
            rows.append([.string(a.id), .string(a.title), .enumeration(a.status), a.starts.map(Value.date) ?? .null,
                         a.ends.map(Value.date) ?? .null, a.ends.map { .date($0.adding(a.notice, times: -1)) } ?? .null])
        }
        return ResultTable(columns: ["id", "title", "status", "starts", "ends", "notice_by"], rows: rows)
    }
}
