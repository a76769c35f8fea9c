import SluiceCore
import SluiceFormats
import SluiceQuality
import SluiceSQL
import SluiceTransform

extension Pipeline {
    /// A connection of the pipeline, `${VAR}` expanded, SQLite paths relative to the pipeline.
    func connectionURL(_ name: String) throws -> ConnectionURL {
        guard let text = connections[name] else {
            throw PipelineError(.missingReference, file: file, message: "no connection named \"\(name)\"")
        }
        let url = try ConnectionURL(text)
        if url.engine == .sqlite, !url.path.hasPrefix("/"), url.path != ":memory:", directory != "." {
            return try ConnectionURL("sqlite:" + resolve(url.path))
        }
        return url
    }
}

/// Executes one try of a built-in task kind.
enum TaskExecution {
    static let batchRows = 65_536

    static func execute(_ task: PipelineTask, _ context: TaskContext) async throws -> TaskOutput {
        let pipeline = context.pipeline
        let variables = context.variables
        switch task.action {
        case .swift(let body):
            return try await body(context)
        case .shell(let action):
            var environment = variables.environment
            for (k, v) in context.upstreamEnvironment { environment[k] = v }
            for (k, v) in action.environment { environment[k] = try ConnectionURL.expandVariables(in: v, environment: ConnectionURL.processEnvironment(), secret: true) }
            let env = environment
            let status = try await onThread(context) {
                try runShell(action.command, environment: env, directory: pipeline.directory, context: context)
            }
            if context.isCancelled { throw PipelineError(.cancelled, message: "command stopped (exit status \(status))") }
            guard status == 0 else {
                throw PipelineError(.taskFailed, message: "command exited with status \(status): \(action.command)",
                                    hint: "its output is in `sluice logs`")
            }
            return TaskOutput()
        case .extract(let action):
            return try await onThread(context) {
                switch action.source {
                case .query(let connection, let sql):
                    let url = try pipeline.connectionURL(connection)
                    let template = try SQLTemplate(sql)
                    let db = try SQLConnection(url: url, readOnly: true)
                    context.log("extract from \(url)")
                    // The fetched batches are the table's chunks: nothing is concatenated here.
                    let chunks = try db.extractChunks(template, parameters: try variables.parameters(for: template.parameterNames)) { _ in
                        try context.checkCancelled()
                    }
                    var output = TaskOutput(rowsOut: chunks.rowCount)
                    output.chunks = chunks
                    return output
                case .file(let path, let format, let schema):
                    let resolved = pipeline.resolve(try variables.renderPath(path))
                    var options = ReadOptions()
                    if let schema { options.schemaOverride = try Schema(parsing: schema) }
                    let condition = try action.filter.map { try variables.render($0) }
                    options.rowGroupFilter = condition.flatMap { RowGroupFilter(filter: $0) }
                    let (read, report) = try TableFile.read(path: resolved, format: try format.map { try FileFormat(name: $0) }, options: options)
                    for note in report.notes { context.log(note) }
                    let table = try condition.map { condition in
                        do { return try read.filtering(condition) } catch let error as ExpressionError {
                            throw PipelineError(.taskFailed, message: "extract filter: \(error.message)", hint: error.hint)
                        }
                    } ?? read
                    context.log("read \(table.rowCount) rows from \(resolved)")
                    return TaskOutput(table: table)
                }
            }
        case .sql(let action):
            return try await onThread(context) {
                let url = try pipeline.connectionURL(action.connection)
                let db = try SQLConnection(url: url)
                for statement in action.statements {
                    try context.checkCancelled()
                    let template = try SQLTemplate(statement)
                    try db.execute(template, parameters: try variables.parameters(for: template.parameterNames))
                }
                context.log("ran \(action.statements.count) statement\(action.statements.count == 1 ? "" : "s") on \(url)")
                return TaskOutput()
            }
        case .transform(let action):
            let input = try context.input()
            return try await onThread(context) {
                let transform = try action.prepared(task: task, context: context, input: input.schema)
                let table = try transform.apply(to: input) { _ in try context.checkCancelled() }
                return TaskOutput(table: table, rowsIn: input.rowCount)
            }
        case .check(let action):
            let inputName = try pipeline.inputTask(of: task)
            let input = try context.input()
            return try await onThread(context) {
                let spec = try action.suite.renderingPaths { try variables.renderPath($0) }
                let suite = try spec.makeSuite(references: try spec.readReferences())
                // Change and anomaly checks compare with earlier runs of the same dataset identity.
                let history = try context.checkHistory?(suite, action.dataset(pipeline: pipeline.name, task: task.name))
                let result = try suite.run(on: input, history: history)
                let summary = result.summary
                context.log("checks: \(summary.total) total, \(summary.passed) passed, \(summary.failed) failed, \(summary.notEvaluated) not evaluated")
                for r in result.results { context.log("  \(r.outcome.rawValue) [\(r.severity.rawValue)] \(r.name): \(r.message)") }
                var output = TaskOutput(table: input, rowsIn: input.rowCount, checks: result.results)
                output.passthroughOf = inputName
                if let quarantine = action.quarantine {
                    output.passthroughOf = nil
                    let split = Quarantine.split(input, by: result)
                    let path = pipeline.resolve(try variables.renderPath(quarantine))
                    if let slash = path.lastIndex(of: "/") { try makeDirectories(String(path[..<slash])) }
                    try TableFile.write(split.quarantined, to: path)
                    context.log("quarantined \(split.quarantined.rowCount) rows to \(path); \(split.passed.rowCount) passed")
                    output.table = split.passed
                    output.rowsOut = split.passed.rowCount
                }
                if result.failed(atOrAbove: action.failOn) {
                    throw QualityGateFailure(results: result.results, failOn: action.failOn, rowCount: input.rowCount)
                }
                return output
            }
        case .load(let action):
            let chunks = try context.inputChunks()
            return try await onThread(context) {
                switch action.destination {
                case .file(let path, _) where !action.partitionBy.isEmpty:
                    let input = try chunks.combined()
                    let resolved = pipeline.resolve(try variables.renderPath(path))
                    let written = try ParquetPartitionWriter.write(input, partitionedBy: action.partitionBy, under: resolved)
                    context.log("wrote \(input.rowCount) rows into \(written.count) partition\(written.count == 1 ? "" : "s") under \(resolved)")
                case .file(let path, let format):
                    let input = try chunks.combined()
                    let resolved = pipeline.resolve(try variables.renderPath(path))
                    if let slash = resolved.lastIndex(of: "/") { try makeDirectories(String(resolved[..<slash])) }
                    try TableFile.write(input, to: resolved, format: try format.map { try FileFormat(name: $0) })
                    context.log("wrote \(input.rowCount) rows to \(resolved)")
                case .table(let connection, let table, var options):
                    if let partition = action.partition {
                        let rendered = try variables.render(partition)
                        let eq = rendered.firstIndex(of: "=")!
                        options.partition = (String(rendered[..<eq]), String(rendered[rendered.index(after: eq)...]))
                    }
                    let url = try pipeline.connectionURL(connection)
                    let db = try SQLConnection(url: url)
                    // The input's chunks (a SQL extract's batches) sliced to batches: no concatenation.
                    var batches = chunks.batches(maxRows: batchRows).makeIterator()
                    let summary = try db.load(into: table, schema: chunks.schema, options: options) {
                        try context.checkCancelled()
                        return batches.next()
                    }
                    context.log("loaded \(summary.rows) rows into \(table) on \(url) (\(options.mode): \(summary.counts))")
                }
                var output = TaskOutput(rowsIn: chunks.rowCount, rowsOut: chunks.rowCount)
                output.outputSchema = chunks.schema
                return output
            }
        }
    }
}
