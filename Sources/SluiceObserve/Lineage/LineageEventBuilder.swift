import SluiceCore
import SluicePipeline
import SluiceQuality
import SluiceSQL

/// Turns what a run knows — the pipeline's static lineage, times, row counts, check
/// results, errors — into OpenLineage RunEvents: one run for the pipeline, and one per
/// task try whose `parent` facet is the pipeline run.
///
/// ```swift
/// let builder = LineageEventBuilder(pipeline: pipeline, engineVersion: "0.1.0")
/// let start = builder.pipelineEvent(.start, time: now, runID: runID, interval: (start, end))
/// ```
public struct LineageEventBuilder: Sendable {
    public let pipeline: Pipeline
    public let lineage: PipelineLineage
    public let engineVersion: String
    /// The YAML of the pipeline file, for the `sourceCode` job facet (nil: not attached).
    public var sourceCode: String?

    public init(pipeline: Pipeline, engineVersion: String, sourceCode: String? = nil) {
        self.pipeline = pipeline
        self.lineage = PipelineLineage(pipeline)
        self.engineVersion = engineVersion
        self.sourceCode = sourceCode
    }

    public var pipelineJob: OpenLineageEvent.JobName { .init(namespace: lineage.namespace, name: pipeline.name) }
    public func taskJob(_ task: String) -> OpenLineageEvent.JobName { .init(namespace: lineage.namespace, name: pipeline.name + "." + task) }

    /// What a finished task try measured (all optional).
    public struct TaskMeasures: Sendable {
        public var rowsIn: Int?
        public var rowsOut: Int?
        public var bytesOut: Int?
        /// Check results of a check task.
        public var checks: [CheckResult]
        /// Columns measured for `dataQualityMetrics` (null and distinct counts).
        public var columnMetrics: [(String, Facet.ColumnMetrics)]
        /// The output table's actual columns (they replace what static lineage guessed).
        public var outputSchema: Schema?
        public init(rowsIn: Int? = nil, rowsOut: Int? = nil, bytesOut: Int? = nil, checks: [CheckResult] = [],
                    columnMetrics: [(String, Facet.ColumnMetrics)] = [], outputSchema: Schema? = nil) {
            self.outputSchema = outputSchema
            self.rowsIn = rowsIn
            self.rowsOut = rowsOut
            self.bytesOut = bytesOut
            self.checks = checks
            self.columnMetrics = columnMetrics
        }
    }

    // MARK: - Pipeline runs

    /// An event of the pipeline's own run: sources in, destinations out (with end-to-end column lineage).
    public func pipelineEvent(_ type: OpenLineageEvent.EventType, time: Int64, runID: String, interval: (Int64, Int64)?,
                              error: String? = nil, rowsWritten: [DatasetName: Int] = [:]) -> OpenLineageEvent {
        var event = OpenLineageEvent(type, time: time, runID: runID, job: pipelineJob)
        event.runFacets = runFacets(interval: interval, error: error)
        event.jobFacets.append(.jobType(processingType: "BATCH", jobType: "PIPELINE"))
        if let description = pipeline.description { event.jobFacets.append(.documentation(description)) }
        if let sourceCode { event.jobFacets.append(.sourceCode(language: "yaml", sourceCode)) }
        event.inputs = lineage.inputs.map { inputDataset($0) }
        event.outputs = lineage.outputs.map { name in
            var dataset = outputDataset(name, hop: false)
            if type == .complete, let rows = rowsWritten[name] { dataset.extraFacets.append(.outputStatistics(rows: rows, bytes: nil)) }
            return dataset
        }
        return event
    }

    // MARK: - Task runs

    /// An event of one task try, a child of the pipeline run `parentRunID`.
    public func taskEvent(_ type: OpenLineageEvent.EventType, task: String, time: Int64, runID: String, parentRunID: String,
                          interval: (Int64, Int64)?, error: String? = nil, measures: TaskMeasures? = nil) -> OpenLineageEvent {
        var event = OpenLineageEvent(type, time: time, runID: runID, job: taskJob(task))
        event.runFacets = runFacets(interval: interval, error: error)
        event.runFacets.append(.parent(runID: parentRunID, job: pipelineJob))
        event.jobFacets.append(.jobType(processingType: "BATCH", jobType: "TASK"))
        let spec = pipeline.task(named: task)
        if let description = spec?.description { event.jobFacets.append(.documentation(description)) }
        if let job = lineage.job(task) {
            if let sql = job.sql.first {
                event.jobFacets.append(.sql(job.sql.count == 1 ? sql : job.sql.joined(separator: ";\n"), dialect: dialect(of: spec)))
            }
            event.inputs = job.inputs.map { name in
                var dataset = inputDataset(name)
                if let measures {
                    if let rows = measures.rowsIn, lineage.dataset(name)?.role == .intermediate { dataset.extraFacets.append(.inputStatistics(rows: rows, bytes: nil)) }
                    if !measures.checks.isEmpty {
                        dataset.extraFacets.append(.dataQualityMetrics(rowCount: measures.checks.first?.rowCount ?? measures.rowsIn, bytes: nil,
                                                                       columns: measures.columnMetrics))
                        dataset.extraFacets.append(.dataQualityAssertions(measures.checks.map(Self.assertion)))
                    }
                }
                return dataset
            }
            event.outputs = job.outputs.map { name in
                var dataset = outputDataset(name, hop: true)
                if let schema = measures?.outputSchema, let i = dataset.facets.firstIndex(where: { $0.name == "schema" }) {
                    dataset.facets[i] = .schema(schema.fields.map { ($0.name, $0.type) })
                }
                if let measures, type == .complete, measures.rowsOut != nil || measures.bytesOut != nil {
                    dataset.extraFacets.append(.outputStatistics(rows: measures.rowsOut, bytes: measures.bytesOut))
                }
                return dataset
            }
        }
        return event
    }

    /// A check result as an assertion: kind, first column, success, severity, threshold and observed value.
    static func assertion(_ result: CheckResult) -> Facet.Assertion {
        Facet.Assertion(assertion: result.kind, success: result.outcome != .failed, column: result.columns.first,
                        severity: result.severity.rawValue, name: result.name,
                        expected: result.threshold.map(formatDouble), actual: result.observed.map(formatDouble))
    }

    // MARK: - Parts

    func runFacets(interval: (Int64, Int64)?, error: String?) -> [Facet] {
        var facets: [Facet] = []
        if let interval { facets.append(.nominalTime(start: interval.0, end: interval.1)) }
        facets.append(.processingEngine(version: engineVersion))
        if let error { facets.append(.errorMessage(error)) }
        return facets
    }

    func dialect(of task: PipelineTask?) -> String? {
        guard let name = task?.connectionNames.first, let url = pipeline.connections[name] else { return nil }
        return url.hasPrefix("sqlite:") ? "sqlite" : url.hasPrefix("postgres") ? "postgresql" : nil
    }

    func inputDataset(_ name: DatasetName) -> OpenLineageEvent.Dataset {
        var facets: [Facet] = [.dataSource(name)]
        if let shape = lineage.dataset(name)?.shape, !shape.columns.isEmpty { facets.append(.schema(shape.columns.map { ($0.name, $0.type) })) }
        return OpenLineageEvent.Dataset(name, facets: facets)
    }

    func outputDataset(_ name: DatasetName, hop: Bool) -> OpenLineageEvent.Dataset {
        var facets: [Facet] = [.dataSource(name)]
        if let dataset = lineage.dataset(name) {
            let shape = hop ? dataset.hopShape : dataset.shape
            if !shape.columns.isEmpty {
                facets.append(.schema(shape.columns.map { ($0.name, $0.type) }))
                facets.append(.columnLineage(shape))
            }
        }
        return OpenLineageEvent.Dataset(name, facets: facets)
    }
}
