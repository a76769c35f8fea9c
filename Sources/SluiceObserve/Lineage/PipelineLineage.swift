import SluiceCore
import SluiceFormats
import SluicePipeline
import SluiceQuality
import SluiceSQL
import SluiceTransform

/// The static lineage of a pipeline, derived from its spec without running it: every
/// dataset its tasks read and write (named by the OpenLineage naming spec), every task as
/// a job with its inputs and outputs, and column lineage both per task (one hop) and end
/// to end (each output column back to the source columns).
///
/// ```swift
/// let lineage = PipelineLineage(try Pipeline.load(path: "examples/user_analytics/pipeline.yaml"))
/// for column in lineage.dataset(lineage.outputs[0])!.shape.columns {
///     print(column.name, column.inputs.map(\.source))
/// }
/// ```
public struct PipelineLineage: Sendable {
    /// Where a dataset sits in the pipeline.
    public enum Role: String, Sendable { case source, destination, intermediate }

    /// A dataset with its columns as lineage knows them.
    public struct Dataset: Sendable {
        public var name: DatasetName
        public var role: Role
        /// The connection it is reached through, secrets masked (`postgres://app:***@db/app`).
        public var connection: String?
        /// Columns with their end-to-end lineage (back to source datasets).
        public var shape: TableShape
        /// Columns with one-hop lineage (back to the producing task's inputs).
        public var hopShape: TableShape
        /// The task that writes it (nil for a source).
        public var producer: String?
    }

    /// A task as an OpenLineage job.
    public struct Job: Sendable {
        public var task: String
        public var kind: String
        public var description: String?
        public var inputs: [DatasetName]
        public var outputs: [DatasetName]
        /// Extract queries and SQL statements, as written.
        public var sql: [String]
    }

    public var pipeline: String
    /// The job namespace (`lineage.namespace`, default `sluice`).
    public var namespace: String
    public var datasets: [Dataset] = []
    public var jobs: [Job] = []
    /// What lineage could not follow (a statement it cannot parse, a file it cannot open).
    public var notes: [String] = []

    /// Datasets read from outside the pipeline.
    public var inputs: [DatasetName] { datasets.filter { $0.role == .source }.map(\.name) }
    /// Datasets written outside the pipeline.
    public var outputs: [DatasetName] { datasets.filter { $0.role == .destination }.map(\.name) }

    public func dataset(_ name: DatasetName) -> Dataset? { datasets.first { $0.name == name } }
    public func job(_ task: String) -> Job? { jobs.first { $0.task == task } }

    /// Derives the lineage of `pipeline`.
    ///
    /// Files named without `{{ }}` are opened to read their columns; a query on a
    /// connection is read as SQL (see ``SQLLineage``).
    public init(_ pipeline: Pipeline) {
        self.pipeline = pipeline.name
        self.namespace = pipeline.lineage?.namespace ?? "sluice"
        var shapes: [String: TableShape] = [:]       // task → end-to-end shape of its table
        for task in pipeline.topologicalOrder() {
            let output = DatasetName.intermediate(pipeline: pipeline.name, task: task.name)
            var job = Job(task: task.name, kind: task.action.kind, description: task.description, inputs: [], outputs: [], sql: [])
            let upstreamName = (try? pipeline.inputTask(of: task)).flatMap { task.action.isReading ? $0 : nil }
            let upstream = upstreamName.map { DatasetName.intermediate(pipeline: pipeline.name, task: $0) }
            let upstreamShape = upstreamName.flatMap { shapes[$0] } ?? TableShape()
            if let upstream { job.inputs.append(upstream) }
            let identity = upstream.map { TableShape.identity(of: $0, like: upstreamShape) } ?? TableShape()
            switch task.action {
            case .extract(let action):
                switch action.source {
                case .query(let connection, let sql):
                    job.sql.append(sql)
                    let (shape, tables) = queryShape(sql, connection: connection, pipeline: pipeline, task: task.name)
                    for table in tables { addDataset(table, role: .source, connection: pipeline.connections[connection], shape: TableShape(), producer: nil); job.inputs.append(table) }
                    shapes[task.name] = shape
                    addDataset(output, role: .intermediate, connection: nil, shape: shape, hopShape: shape, producer: task.name)
                case .file(let path, let format, let schema):
                    let file = DatasetName.file(path, baseDirectory: pipeline.directory)
                    let shape = fileShape(file, path: pipeline.resolve(path), format: format, schema: schema)
                    addDataset(file, role: .source, connection: nil, shape: shape, producer: nil)
                    job.inputs.append(file)
                    shapes[task.name] = shape
                    addDataset(output, role: .intermediate, connection: nil, shape: shape, hopShape: shape, producer: task.name)
                }
                job.outputs.append(output)
            case .sql(let action):
                job.sql = action.statements
                for statement in action.statements {
                    let parsed = SQLLineage(sql: statement)
                    for table in parsed.inputTables {
                        guard let name = tableName(table, connection: action.connection, pipeline: pipeline) else { continue }
                        if dataset(name) == nil { addDataset(name, role: .source, connection: pipeline.connections[action.connection], shape: TableShape(), producer: nil) }
                        if !job.inputs.contains(name) { job.inputs.append(name) }
                    }
                    var shape = TableShape()
                    if parsed.outputTables.count == 1, parsed.columns != nil {
                        shape = queryShape(statement, connection: action.connection, pipeline: pipeline, task: task.name).0
                    }
                    for table in parsed.outputTables {
                        guard let name = tableName(table, connection: action.connection, pipeline: pipeline) else { continue }
                        addDataset(name, role: .destination, connection: pipeline.connections[action.connection], shape: shape, producer: task.name)
                        if !job.outputs.contains(name) { job.outputs.append(name) }
                    }
                }
            case .transform(let action):
                // Which file or task each join/union reads: the parsed steps name them.
                var shape = upstreamShape, hop = identity
                for step in action.transform.steps {
                    var other: (DatasetName, TableShape)?, otherHop: (DatasetName, TableShape)?
                    var reference: TableReference?
                    if case .join(let spec) = step { reference = spec.right.reference }
                    if case .union(let table) = step { reference = table.reference }
                    if let reference { (other, otherHop) = otherTable(reference.name, pipeline: pipeline, shapes: shapes, job: &job) }
                    shape = shape.applying(step, other: other)
                    hop = hop.applying(step, other: otherHop)
                }
                shapes[task.name] = shape
                addDataset(output, role: .intermediate, connection: nil, shape: shape, hopShape: hop, producer: task.name)
                job.outputs.append(output)
            case .check:
                shapes[task.name] = upstreamShape
                addDataset(output, role: .intermediate, connection: nil, shape: upstreamShape, hopShape: identity, producer: task.name)
                job.outputs.append(output)
            case .load(let action):
                let target: DatasetName?
                var connection: String?
                switch action.destination {
                case .table(let name, let table, _):
                    connection = pipeline.connections[name]
                    target = tableName(table, connection: name, pipeline: pipeline)
                case .file(let path, _):
                    target = .file(path, baseDirectory: pipeline.directory)
                }
                if let target {
                    addDataset(target, role: .destination, connection: connection, shape: upstreamShape, hopShape: identity, producer: task.name)
                    job.outputs.append(target)
                }
            case .shell, .swift:
                if task.producesTable {
                    shapes[task.name] = TableShape()
                    addDataset(output, role: .intermediate, connection: nil, shape: TableShape(), hopShape: TableShape(), producer: task.name)
                    job.outputs.append(output)
                }
            }
            jobs.append(job)
        }
    }

    // MARK: - Building

    mutating func addDataset(_ name: DatasetName, role: Role, connection: String?, shape: TableShape, hopShape: TableShape? = nil, producer: String?) {
        let masked = connection.flatMap { text in (try? ConnectionURL(text, environment: DatasetName.lenientEnvironment(for: text)))?.description }
        if let i = datasets.firstIndex(where: { $0.name == name }) {
            if role == .destination || datasets[i].shape.columns.isEmpty {
                datasets[i].role = role == .destination ? .destination : datasets[i].role
                datasets[i].shape = shape
                datasets[i].hopShape = hopShape ?? shape
                datasets[i].producer = producer ?? datasets[i].producer
            }
            return
        }
        datasets.append(Dataset(name: name, role: role, connection: masked, shape: shape, hopShape: hopShape ?? shape, producer: producer))
    }

    mutating func tableName(_ table: String, connection: String, pipeline: Pipeline) -> DatasetName? {
        guard let url = pipeline.connections[connection] else {
            notes.append("connection \"\(connection)\" is not declared")
            return nil
        }
        do { return try DatasetName.table(table, connection: url, baseDirectory: pipeline.directory) } catch {
            notes.append("connection \"\(connection)\": \(error)")
            return nil
        }
    }

    /// The shape of an extract query, and the tables it reads.
    mutating func queryShape(_ sql: String, connection: String, pipeline: Pipeline, task: String) -> (TableShape, [DatasetName]) {
        let parsed = SQLLineage(sql: sql)
        var tables: [String: DatasetName] = [:], order: [DatasetName] = []
        for table in parsed.inputTables {
            guard let name = tableName(table, connection: connection, pipeline: pipeline) else { continue }
            tables[table] = name
            if !order.contains(name) { order.append(name) }
        }
        guard let columns = parsed.columns else {
            notes.append("task \"\(task)\": column lineage not derived from its query (\(parsed.problem ?? "not understood"))")
            return (TableShape(openSource: order.count == 1 ? order[0] : nil), order)
        }
        var shape = TableShape()
        for column in columns {
            var inputs: [FieldDependency] = []
            for input in column.inputs {
                guard let dataset = tables[input.table] else { continue }
                inputs.add(FieldDependency(FieldRef(dataset, input.column), input.transformation))
            }
            shape.columns.append(LineageColumn(name: column.name, inputs: inputs))
        }
        for input in parsed.rowInputs {
            guard let dataset = tables[input.table] else { continue }
            shape.datasetInputs.add(FieldDependency(FieldRef(dataset, input.column), input.transformation))
        }
        if let star = parsed.starTables.first, let dataset = tables[star] { shape.openSource = dataset }
        return (shape, order)
    }

    /// A file's columns: the declared schema, else the file's own header when it can be opened now.
    mutating func fileShape(_ dataset: DatasetName, path: String, format: String?, schema: String?) -> TableShape {
        if let schema, let parsed = try? Schema(parsing: schema) {
            return .dataset(dataset, fields: parsed.fields.map { ($0.name, $0.type) })
        }
        guard !path.contains("{{") else { return TableShape(openSource: dataset) }
        do {
            let reader = try TableFile.openReader(path: path, format: try format.map { try FileFormat(name: $0) },
                                                  options: ReadOptions(inferenceRows: 1_000, batchSize: 1))
            return .dataset(dataset, fields: reader.schema.fields.map { ($0.name, $0.type) })
        } catch {
            return TableShape(openSource: dataset)
        }
    }

    /// The dataset a `join`/`union` reads: an upstream task's table or a file.
    mutating func otherTable(_ path: String, pipeline: Pipeline, shapes: [String: TableShape], job: inout Job) -> ((DatasetName, TableShape), (DatasetName, TableShape)) {
        if let shape = shapes[path] {
            let name = DatasetName.intermediate(pipeline: pipeline.name, task: path)
            if !job.inputs.contains(name) { job.inputs.append(name) }
            return ((name, shape), (name, .identity(of: name, like: shape)))
        }
        let name = DatasetName.file(path, baseDirectory: pipeline.directory)
        let shape = fileShape(name, path: pipeline.resolve(path), format: nil, schema: nil)
        addDataset(name, role: .source, connection: nil, shape: shape, producer: nil)
        if !job.inputs.contains(name) { job.inputs.append(name) }
        return ((name, shape), (name, shape))
    }
}

/// Paths a transform's join/union steps asked for, in step order.
extension TaskAction {
    /// Whether the task reads its upstream's table.
    var isReading: Bool {
        switch self {
        case .transform, .check, .load: true
        default: false
        }
    }
}
