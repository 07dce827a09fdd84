/// Stages over the portfolio's relations: `partners`, `agreements` and `stakeholders` after
/// `|` (the related entities), an agreement's `parties` and their `balance`, and the partner
/// network's `centrality`.
extension PipelineCompiler {
    /// Many rows in: followed by positions, so that later stages can read columns.
    func compileRelation(to target: EntityType, stage: Stage, after input: CompiledPipeline) throws -> CompiledPipeline {
        let runtime = self.runtime
        let scan = { () throws -> CompiledPipeline.Scan in
            let entities = try Self.entities(of: try input.scanOrRun().relation(runtime))
            switch try Analytics.followRelation(entities, to: target, runtime: runtime) {
            case .positions(let positions): return .positions(target, .some(positions))
            case .ids(let ids): return .rows(.entities(target, ids.compactMap { runtime.portfolio.entity(EntityKey(target, $0)) }))
            }
        }
        return CompiledPipeline(shape: .entities(target), scan: scan) { try scan().relation(runtime) }
    }

    /// `parties`: one row per party of each agreement, streamed to a consumer that wants them so.
    func compileParties(after input: CompiledPipeline) throws -> CompiledPipeline {
        let stream: RowStream = { emit in try Analytics.parties(try Self.entities(of: try input.run()), emit) }
        return CompiledPipeline(shape: .table(columns: Analytics.partyColumns, types: Analytics.partyTypes, base: nil), stream: stream) {
            .table(Analytics.parties(try Self.entities(of: try input.run())))
        }
    }

    /// `balance`: each party's decision share against its contribution share.
    func compileBalance(after input: CompiledPipeline) throws -> CompiledPipeline {
        let stream: RowStream = { emit in try Analytics.balance(try Self.entities(of: try input.run()), emit) }
        return CompiledPipeline(shape: .table(columns: Analytics.balanceColumns, types: Analytics.balanceTypes, base: nil), stream: stream) {
            .table(Analytics.balance(try Self.entities(of: try input.run())))
        }
    }

    /// `centrality [exact | sample N [seed S]]`
    func compileCentrality(_ method: CentralityMethod, after input: CompiledPipeline) throws -> CompiledPipeline {
        let runtime = self.runtime
        return CompiledPipeline(shape: .table(columns: Analytics.centralityColumns, types: Analytics.centralityTypes, base: nil)) {
            let partners = try Self.entities(of: try input.run())
            return .table(try Analytics.centrality(partners, method: method, runtime: runtime))
        }
    }
}
