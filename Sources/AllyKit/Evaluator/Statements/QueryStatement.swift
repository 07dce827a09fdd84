/// A pipeline run for its result.
extension Session {
    func executeQuery(_ pipeline: Pipeline, file: SourceFile, sink: OutputSink) throws {
        let runtime = makeRuntime()
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        runtime.warnings.forEach(sink.report)
        sink.emit(result(of: try compiled.run(), runtime: runtime))
    }

    func result(of relation: Relation, runtime: Runtime) -> QueryResult {
        switch relation {
        case .scalar(let value): return .scalar(value)
        case .entities, .table:
            let table = PipelineCompiler.table(of: relation, runtime: runtime)
            return .table(ResultTable(columns: table.columns, rows: table.rows))
        case .picture(let kind, let data): return .picture(kind, data, today: runtime.today)
        }
    }
}
