import SluiceCore
import SluiceFormats
import SluiceQuality
import SluiceSQL
import SluiceSpec
import SluiceTransform
import Yams

/// What binding a pipeline's column references found: each task's output schema where it
/// could be known without running, and the tasks whose columns were not checked, with why.
public struct ColumnBinding: Sendable {
    /// Output columns by task (tasks that produce a table and whose schema was known).
    public var schemas: [String: Schema] = [:]
    /// Tasks whose column references were not checked, in DAG order, with the reason
    /// (`its input comes from a shell task`, `the path uses {{ ds }}, known when it runs`).
    public var skipped: [(task: String, reason: String)] = []
}

/// The columns flowing out of a task, as far as they can be known before it runs.
private enum Flow {
    /// `typesKnown` is false when a column's type is decided by the data (a SQLite
    /// expression column): then only names are checked, not types.
    case known(Schema, typesKnown: Bool)
    case unknown(String)
}

/// A `join`/`union` table that is neither a file nor an upstream task (the step parser
/// reports it at the `file:` value).
private struct MissingTable: Error, CustomStringConvertible { var description: String }

/// A binding problem that is not the spec's fault: the check is skipped, with this reason.
private struct Unknowable: Error { var reason: String }

extension Pipeline {
    /// Binds every column reference — transform steps and expressions, check columns,
    /// expressions and references, load keys and partitions, `join`/`union` files — against
    /// the schema that flows from upstream, reading no data rows: a file's header (and the
    /// types of its first rows), a SQL extract's result columns (the statement is prepared
    /// on its source, opened read-only), each step's output computed from its input.
    ///
    /// Where a schema cannot be known before running (a shell or Swift task's output, a
    /// path that uses `{{ ds }}` when no run is given, a source a `sql:` task upstream may
    /// create), binding is skipped for that task and said so in ``ColumnBinding/skipped``.
    ///
    /// - Parameter variables: the run's values (`sluice run`); nil for `sluice validate`,
    ///   where paths that use run-only values (`ds`, `run_id`, …) are not read.
    /// - Throws: ``PipelineError`` located `file:line:column` at each problem (all of them
    ///   together), with "did you mean".
    public func bindColumns(variables: RunVariables? = nil) throws -> ColumnBinding {
        var flows: [String: Flow] = [:]
        var result = ColumnBinding()
        var problems: [SpecDiagnostic] = []
        var firstCategory: ErrorCategory?
        func problem(_ where: ErrorLocation, _ message: String, hint: String?) {
            problems.append(SpecDiagnostic(.invalidValue, file: `where`.file ?? file ?? "<pipeline>", line: `where`.line, column: `where`.column,
                                           message: message, hint: hint))
        }
        for task in topologicalOrder() {
            do {
                let flow = try bind(task, flows: flows, variables: variables, problem: problem)
                flows[task.name] = flow
                switch flow {
                case .known(let schema, _): if task.producesTable { result.schemas[task.name] = schema }
                case .unknown(let reason): if task.producesTable || task.needsInput { result.skipped.append((task.name, reason)) }
                }
            } catch let unknowable as Unknowable {
                flows[task.name] = .unknown(unknowable.reason)
                result.skipped.append((task.name, unknowable.reason))
            } catch let error as any SluiceError {
                flows[task.name] = .unknown("it has a problem (reported)")
                firstCategory = firstCategory ?? error.category
                let location = error.location.flatMap { $0.line > 0 ? $0 : nil } ?? ErrorLocation(file: file, line: task.line, column: task.column)
                problem(location, error.message.hasPrefix("task \"") ? error.message : "task \"\(task.name)\": \(error.message)", hint: error.hint)
            }
        }
        guard let first = problems.first else { return result }
        var error = PipelineError(.missingReference, file: first.file, line: first.line, column: first.column,
                                  message: first.message, hint: first.hint, category: problems.count == 1 ? firstCategory ?? .usage : .usage)
        if problems.count > 1 { error.diagnostics = problems.sorted(by: SpecDiagnostic.byLocation) }
        throw error
    }

    /// A path as the run will read it; nil when it uses run-only values and no run is given.
    private func path(_ template: String, _ variables: RunVariables?, resolving: Bool = true) throws -> String? {
        if variables == nil, try RunVariables.names(in: template).contains(where: RunVariables.runOnlyNames.contains) { return nil }
        let rendered = try (variables ?? .placeholder(params: params)).renderPath(template)
        return resolving ? resolve(rendered) : rendered
    }

    /// The schema of a file, from its header and first rows.
    /// A missing file is an error at run time (`atRun`); at validate, and when a task that
    /// runs before may write it, binding is skipped and said so.
    private func fileSchema(_ path: String, format: String?, schema: String?, task: PipelineTask, atRun: Bool) throws -> Schema {
        guard fileExists(path) else {
            if !ancestors(of: task).isEmpty { throw Unknowable(reason: "\(path) does not exist yet (a task it runs after may write it)") }
            if !atRun { throw Unknowable(reason: "\(path) does not exist yet (it is read when the run starts)") }
            throw PipelineError(.missingReference, message: "\(path) does not exist",
                                hint: "check the path; a relative path resolves against the pipeline's directory")
        }
        var options = ReadOptions()
        if let schema { options.schemaOverride = try Schema(parsing: schema) }
        return try TableFile.openReader(path: path, format: try format.map { try FileFormat(name: $0) }, options: options).schema
    }

    /// The columns a query on a connection returns, without running it for rows.
    private func queryColumns(_ connection: String, _ sql: String, task: PipelineTask, variables: RunVariables?) throws -> Flow {
        let template = try SQLTemplate(sql)
        let values = try (variables ?? .placeholder(params: params)).parameters(for: template.parameterNames)
        let url: ConnectionURL
        do { url = try connectionURL(connection) } catch {
            throw Unknowable(reason: "connection \(connection) is not usable here (\((error as? any SluiceError)?.message ?? "\(error)"))")
        }
        if variables == nil, url.engine == .sqlite, url.path != ":memory:", !fileExists(url.path) {
            throw Unknowable(reason: "the SQLite database \(url.path) does not exist yet (it is opened when the run starts)")
        }
        do {
            let columns = try SQLConnection(url: url, readOnly: true).resultColumns(of: template, parameters: values)
            // A column typed by its values (a SQLite expression) is taken as a number, the usual
            // case (count, sum, coalesce); a step it does not fit is then not checked, not failed.
            return .known(Schema(columns.map { Field($0.name, $0.type ?? .float64) }), typesKnown: columns.allSatisfy { $0.type != nil })
        } catch let error as SQLError {
            // A task that runs first may create the database or table; an unreachable server is not the spec's fault.
            let writers = ancestors(of: task).compactMap { self.task(named: $0) }.filter { if case .sql = $0.action { true } else if case .shell = $0.action { true } else { false } }
            if !writers.isEmpty || error.category == .transientIO {
                throw Unknowable(reason: "its query could not be prepared before \(writers.isEmpty ? "the source is reachable" : writers.map(\.name).joined(separator: ", ")) runs: \(error.message)")
            }
            throw error
        }
    }

    private func bind(_ task: PipelineTask, flows: [String: Flow], variables: RunVariables?,
                      problem: (ErrorLocation, String, String?) -> Void) throws -> Flow {
        var input: (schema: Schema, typesKnown: Bool)?
        if task.needsInput {
            let name = try inputTask(of: task)
            switch flows[name] {
            case .known(let schema, let typesKnown)?: input = (schema, typesKnown)
            case .unknown?: return .unknown("its input \(name) is not known before it runs")
            case nil: return .unknown("its input \(name) is not known")
            }
        }
        switch task.action {
        case .swift:
            return .unknown("a Swift task's output is known only when it runs")
        case .shell:
            return .unknown("a shell task produces no table")
        case .sql:
            return .unknown("a sql task produces no table")
        case .extract(let action):
            switch action.source {
            case .file(let template, let format, let schema):
                guard let path = try path(template, variables) else {
                    return .unknown("its path \"\(template)\" uses run values (ds, …): it is read when the run exists")
                }
                return .known(try fileSchema(path, format: format, schema: schema, task: task, atRun: variables != nil), typesKnown: true)
            case .query(let connection, let sql):
                return try queryColumns(connection, sql, task: task, variables: variables)
            }
        case .transform(let action):
            return try bindTransform(action, task: task, input: input!, flows: flows, variables: variables)
        case .check(let action):
            try bindChecks(action, task: task, input: input!, variables: variables, problem: problem)
            return .known(input!.schema, typesKnown: input!.typesKnown)
        case .load(let action):
            if case .table(_, _, let options) = action.destination {
                var named = options.key.map { ("key", $0) }
                if let partition = action.partition, let eq = partition.firstIndex(of: "=") {
                    named.append(("partition", String(partition[..<eq]).trimmingASCIIWhitespace()))
                }
                for (what, column) in named where input!.schema.index(of: column) == nil {
                    let names = input!.schema.names
                    let written = action.columnLocations[what == "key" ? "key:" + column : what].flatMap { $0.line > 0 ? $0 : nil }
                    problem(written ?? ErrorLocation(file: file, line: task.line, column: task.column),
                            "task \"\(task.name)\": load \(what) column \"\(column)\" is not a column of its input (columns: \(names.joined(separator: ", ")))",
                            suggestion(for: column, among: names).map { "did you mean `\($0)`?" })
                }
            }
            return .known(input!.schema, typesKnown: input!.typesKnown)
        }
    }

    private func bindTransform(_ action: TransformAction, task: PipelineTask, input: (schema: Schema, typesKnown: Bool),
                               flows: [String: Flow], variables: RunVariables?) throws -> Flow {
        let ancestors = ancestors(of: task)
        var typesKnown = input.typesKnown
        var skipReason: String?
        let transform: Transform
        do {
            transform = try action.transform.resolvingTables { reference in
                let name = reference.name
                if ancestors.contains(name) {
                    switch flows[name] {
                    case .known(let schema, let known)?:
                        typesKnown = typesKnown && known
                        return Table(emptyWith: schema)
                    case .unknown?: skipReason = "the table of \(name) is not known before it runs"
                    case nil: skipReason = "the table of \(name) is not known"
                    }
                    throw Unknowable(reason: skipReason!)
                }
                guard let path = try path(name, variables) else {
                    skipReason = "the file \"\(name)\" uses run values (ds, …): it is read when the run exists"
                    throw Unknowable(reason: skipReason!)
                }
                guard fileExists(path) else {
                    let near = suggestion(for: name, among: Array(ancestors)).map { " (did you mean the task \"\($0)\"?)" } ?? ""
                    throw MissingTable(description: "no file \(path), and no task \"\(name)\" that \(task.name) runs after\(near)")
                }
                return Table(emptyWith: try fileSchema(path, format: nil, schema: nil, task: task, atRun: variables != nil))
            }
        } catch let error as TransformError {
            if let skipReason { return .unknown(skipReason) }
            let location = error.specLocation
            throw PipelineError(.missingReference, file: location?.file ?? file, line: location?.line ?? task.line,
                                column: location?.column ?? task.column, message: error.message, hint: error.hint)
        }
        let placeholder = variables ?? .placeholder(params: params)
        var table = Table(emptyWith: input.schema)
        for (index, step) in transform.steps.enumerated() {
            let mark = index < transform.locations.count ? transform.locations[index].step : nil
            do {
                table = try step.mappingExpressions(placeholder.bindExpression).apply(to: table)
            } catch let error as any SluiceError {
                let expression = (error as? ExpressionError) ?? ((error as? TransformError)?.underlying as? ExpressionError)
                let unknownColumn = expression?.code == .unknownColumn || (error as? TransformError)?.code == .unknownColumn
                guard typesKnown || unknownColumn else {
                    return .unknown("step \(index + 1) (\(step.name)) could not be checked: a column's type is decided by the data")
                }
                let detail = (expression?.detail ?? error.detail).map { "\n  " + $0.replacing("\n", with: "\n  ") } ?? ""
                throw PipelineError(.missingReference, file: mark?.file ?? file, line: mark?.line ?? task.line, column: mark?.column ?? task.column,
                                    message: "step \(index + 1) (\(step.name)): \(expression?.message ?? error.message)\(detail)", hint: expression?.hint ?? error.hint)
            }
        }
        return .known(table.schema, typesKnown: typesKnown)
    }

    private func bindChecks(_ action: CheckAction, task: PipelineTask, input: (schema: Schema, typesKnown: Bool),
                            variables: RunVariables?, problem: (ErrorLocation, String, String?) -> Void) throws {
        var references: [String: Table] = [:]
        for (name, dataset) in action.suite.references {
            var dataset = dataset
            if dataset.connection == nil {
                guard let rendered = try path(dataset.path, variables, resolving: false) else {
                    throw Unknowable(reason: "reference \(name) \"\(dataset.path)\" uses run values (ds, …): it is read when the run exists")
                }
                guard fileExists(rendered) else {
                    throw PipelineError(.missingReference, message: "reference \"\(name)\": \(rendered) does not exist",
                                        hint: "check the path; it resolves against the file the checks are written in")
                }
                dataset.path = rendered
            }
            do { references[name] = Table(emptyWith: try dataset.schemaWithoutRows().schema) } catch let error as SQLError where error.category == .transientIO {
                throw Unknowable(reason: "reference \(name) is not reachable: \(error.message)")
            }
        }
        let table = Table(emptyWith: input.schema)
        for spec in action.suite.checks {
            do {
                _ = try spec.makeCheck(references: references, file: action.suite.file).metrics(for: table)
            } catch let error as QualityError {
                guard input.typesKnown || error.code == .unknownColumn else { continue }
                problem(error.line > 0 ? ErrorLocation(file: error.file, line: error.line, column: error.column)
                                       : ErrorLocation(file: action.suite.file, line: spec.line, column: spec.column),
                        "task \"\(task.name)\": check \(spec.label): \(error.message)", error.hint)
            }
        }
    }
}

extension TransformAction {
    /// The tables its `join`/`union` steps name (a path, or an upstream task), as written.
    var tableNames: [String] { transform.tableReferences.map(\.name) }

    /// The expression texts of its steps, as written (templates included).
    var expressionTexts: [String] { transform.steps.flatMap(\.expressions) }
}
