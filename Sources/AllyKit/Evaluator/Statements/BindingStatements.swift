/// `let`, `metric` and `trigger`: names for results, for pipelines re-run where they are used,
/// and for conditions watched in every scenario.
extension Session {
    /// A `let`, `metric` or `param` name: not a field or enum case (BindingRegistry), not a
    /// declared parameter's (Reports/Parameters.swift).
    func checkBindingName(_ name: Name, file: SourceFile) throws {
        try refuseParameterRebinding(name, file: file)
        try BindingRegistry.checkBindingName(name, file: file)
    }

    func executeLet(_ name: Name, _ pipeline: Pipeline, file: SourceFile) throws {
        try checkBindingName(name, file: file)
        let runtime = makeRuntime()
        runtime.evaluating.insert(name.text)
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        let relation = try compiled.run()
        switch relation {
        case .entities(let type, let entities): bindings[name.text] = .entities(type, entities.map(\.id))
        case .table(let table): bindings[name.text] = .table(table, compiled.shape)
        case .scalar(let value): bindings[name.text] = .scalar(value)
        case .picture(_, let data):
            bindings[name.text] = .table(Table(columns: data.columns, rows: data.rows),
                                         .table(columns: data.columns, types: [], base: nil))
        }
        bindings.metricOrder.removeAll { $0 == name.text }
    }

    func executeMetric(_ name: Name, _ pipeline: Pipeline, file: SourceFile) throws {
        try checkBindingName(name, file: file)
        let runtime = makeRuntime()
        runtime.evaluating.insert(name.text)
        let compiled = try PipelineCompiler(runtime: runtime, file: file).compile(pipeline)
        if compiled.shape != .scalar, case .table(let columns, _, _) = compiled.shape, columns.count != 1 {
            throw Diagnostic(.notScalar, "a metric must give a single value", at: pipeline.range, in: file,
                             help: "end it with `count` or `summarize` one aggregate")
        }
        if case .entities = compiled.shape {
            throw Diagnostic(.notScalar, "a metric must give a single value, not \(compiled.shape.description)",
                             at: pipeline.range, in: file, help: "end it with `count` or `summarize sum(value)`")
        }
        bindings[name.text] = .metric(pipeline, file)
        if !bindings.metricOrder.contains(name.text) { bindings.metricOrder.append(name.text) }
    }

    func executeTrigger(_ name: Name, type: EntityType, condition: Expr, file: SourceFile) throws {
        let runtime = makeRuntime()
        _ = try ExpressionCompiler(runtime: runtime, file: file, scope: Scope(entityType: type)).compile(condition)
        runtime.portfolio.triggers[name.text] = TriggerDefinition(name: name.text, type: type, condition: condition,
                                                                   file: file, conditionText: file.text(condition.range))
        commit(runtime)
    }
}
