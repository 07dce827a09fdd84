/// `agreements | kpis` and `agreements | milestones`: one row per item of an agreement's list,
/// by agreement in input order, then in list order. Each row keeps its agreement as the row's
/// entity, so later stages still see the agreement's fields (`where overdue and status ==
/// active`) and can follow it (`| parties`, `| partners`).
extension PipelineCompiler {
    static let kpiColumns = ["agreement", "name", "target", "actual", "higher_is_better", "ratio"]
    static let kpiTypes: [StaticType] = [.reference(.agreement), .string, .number, .number, .bool, .number]
    static let milestoneColumns = ["agreement", "name", "due", "done", "overdue"]
    static let milestoneTypes: [StaticType] = [.reference(.agreement), .string, .date, .bool, .bool]

    /// `kpis` (`isKPIs`) or `milestones`.
    func compileAgreementItems(kpis isKPIs: Bool, after input: CompiledPipeline) throws -> CompiledPipeline {
        let runtime = self.runtime
        let columns = isKPIs ? Self.kpiColumns : Self.milestoneColumns
        let types = isKPIs ? Self.kpiTypes : Self.milestoneTypes
        return CompiledPipeline(shape: .table(columns: columns, types: types, base: .agreement)) {
            let agreements = try Self.entities(of: try input.run())
            var rows: [[Value]] = []
            var base: [Entity] = []
            for entity in agreements {
                try runtime.checkCancelled()
                guard case .agreement(let agreement) = entity else { continue }
                let items = isKPIs ? Self.kpiRows(agreement) : Self.milestoneRows(agreement, today: runtime.today)
                rows += items
                base += repeatElement(entity, count: items.count)
            }
            return .table(Table(columns: columns, rows: rows, baseType: .agreement, base: base))
        }
    }

    /// `ratio` is the one `attainment` averages: actual/target (target/actual when lower is
    /// better) clamped to [0, 1], 0 for a zero denominator, null without an actual.
    static func kpiRows(_ agreement: Agreement) -> [[Value]] {
        agreement.kpis.map { kpi in
            let ratio = FieldCatalog.attainmentRatio(kpi).map(Value.number) ?? .null
            return [.reference(.agreement, agreement.id), .string(kpi.name), .number(kpi.target),
                    kpi.actual.map(Value.number) ?? .null, .bool(kpi.higherIsBetter), ratio]
        }
    }

    /// `overdue` = not done and due before today.
    static func milestoneRows(_ agreement: Agreement, today: Day) -> [[Value]] {
        agreement.milestones.map { milestone in
            [.reference(.agreement, agreement.id), .string(milestone.name), .date(milestone.due), .bool(milestone.done),
             .bool(!milestone.done && milestone.due < today)]
        }
    }
}
