import SluiceCore

/// The standard facets Sluice writes, with the schema versions of OpenLineage commit
/// 8f02abf (2026-08-20; copies under Tests/SluiceObserveTests/Fixtures/openlineage).
extension Facet {
    static func url(_ version: String, _ type: String) -> String {
        "https://openlineage.io/spec/facets/\(version)/\(type).json#/$defs/\(type)"
    }

    // MARK: Run facets

    /// The logical date's data interval.
    public static func nominalTime(start: Int64, end: Int64?) -> Facet {
        var fields: [(String, JSONValue)] = [("nominalStartTime", .string(OpenLineageEvent.timestamp(start)))]
        if let end { fields.append(("nominalEndTime", .string(OpenLineageEvent.timestamp(end)))) }
        return Facet(name: "nominalTime", schemaURL: url("1-0-1", "NominalTimeRunFacet"), fields: fields)
    }

    /// The run this one belongs to (a task run's pipeline run), and the root of the tree.
    public static func parent(runID: String, job: OpenLineageEvent.JobName, root: (runID: String, job: OpenLineageEvent.JobName)? = nil) -> Facet {
        var fields: [(String, JSONValue)] = [
            ("run", .object([("runId", .string(runID))])),
            ("job", .object([("namespace", .string(job.namespace)), ("name", .string(job.name))])),
        ]
        let root = root ?? (runID, job)
        fields.append(("root", .object([("run", .object([("runId", .string(root.runID))])),
                                        ("job", .object([("namespace", .string(root.job.namespace)), ("name", .string(root.job.name))]))])))
        return Facet(name: "parent", schemaURL: url("1-2-0", "ParentRunFacet"), fields: fields)
    }

    /// Sluice and its version.
    public static func processingEngine(version: String) -> Facet {
        Facet(name: "processing_engine", schemaURL: url("1-1-1", "ProcessingEngineRunFacet"),
              fields: [("version", .string(version)), ("name", .string("sluice")), ("openlineageAdapterVersion", .string(version))])
    }

    /// Why the run failed.
    public static func errorMessage(_ message: String) -> Facet {
        Facet(name: "errorMessage", schemaURL: url("1-0-1", "ErrorMessageRunFacet"),
              fields: [("message", .string(message)), ("programmingLanguage", .string("swift"))])
    }

    // MARK: Job facets

    /// The query a task runs (template values stay `{{ }}`: they are bound, never pasted).
    public static func sql(_ query: String, dialect: String?) -> Facet {
        var fields: [(String, JSONValue)] = [("query", .string(query))]
        if let dialect { fields.append(("dialect", .string(dialect))) }
        return Facet(name: "sql", schemaURL: url("1-1-0", "SQLJobFacet"), fields: fields)
    }

    /// `BATCH`/`STREAMING`, integration `SLUICE`, and `PIPELINE`, `TASK` or `STREAM`.
    public static func jobType(processingType: String, jobType: String) -> Facet {
        Facet(name: "jobType", schemaURL: url("2-0-4", "JobTypeJobFacet"),
              fields: [("processingType", .string(processingType)), ("integration", .string("SLUICE")), ("jobType", .string(jobType))])
    }

    /// A job's description.
    public static func documentation(_ description: String) -> Facet {
        Facet(name: "documentation", schemaURL: url("1-1-0", "DocumentationJobFacet"),
              fields: [("description", .string(description)), ("contentType", .string("text/plain"))])
    }

    /// The spec that defines the job.
    public static func sourceCode(language: String, _ code: String) -> Facet {
        Facet(name: "sourceCode", schemaURL: url("1-0-1", "SourceCodeJobFacet"),
              fields: [("language", .string(language)), ("sourceCode", .string(code))])
    }

    // MARK: Dataset facets

    /// Columns and Sluice's types (`unknown` when lineage could not know it yet).
    public static func schema(_ columns: [(name: String, type: DataType?)]) -> Facet {
        Facet(name: "schema", schemaURL: url("1-2-0", "SchemaDatasetFacet"), fields: [
            ("fields", .array(columns.enumerated().map { i, column in
                .object([("name", .string(column.name)), ("type", .string(column.type?.description ?? "unknown")),
                         ("ordinal_position", .integer(Int64(i + 1)))])
            })),
        ])
    }

    /// The data source: the namespace, with a name.
    public static func dataSource(_ dataset: DatasetName) -> Facet {
        Facet(name: "dataSource", schemaURL: url("1-0-1", "DatasourceDatasetFacet"),
              fields: [("name", .string(dataset.namespace)), ("uri", .string(dataset.namespace == "file" ? "file://" + dataset.name : dataset.namespace))])
    }

    /// Rows and bytes written (an output facet).
    public static func outputStatistics(rows: Int?, bytes: Int?) -> Facet {
        var fields: [(String, JSONValue)] = []
        if let rows { fields.append(("rowCount", .integer(Int64(rows)))) }
        if let bytes { fields.append(("size", .integer(Int64(bytes)))) }
        return Facet(name: "outputStatistics", schemaURL: url("1-0-2", "OutputStatisticsOutputDatasetFacet"), fields: fields)
    }

    /// Rows and bytes read (an input facet).
    public static func inputStatistics(rows: Int?, bytes: Int?) -> Facet {
        var fields: [(String, JSONValue)] = []
        if let rows { fields.append(("rowCount", .integer(Int64(rows)))) }
        if let bytes { fields.append(("size", .integer(Int64(bytes)))) }
        return Facet(name: "inputStatistics", schemaURL: url("1-0-0", "InputStatisticsInputDatasetFacet"), fields: fields)
    }

    /// Per-column metrics measured by checks and the profile (an input facet).
    public struct ColumnMetrics: Sendable, Equatable {
        public var nullCount: Int?
        public var distinctCount: Int?
        public var min: Double?
        public var max: Double?
        public init(nullCount: Int? = nil, distinctCount: Int? = nil, min: Double? = nil, max: Double? = nil) {
            self.nullCount = nullCount
            self.distinctCount = distinctCount
            self.min = min
            self.max = max
        }
    }

    public static func dataQualityMetrics(rowCount: Int?, bytes: Int?, columns: [(String, ColumnMetrics)]) -> Facet {
        var fields: [(String, JSONValue)] = []
        if let rowCount { fields.append(("rowCount", .integer(Int64(rowCount)))) }
        if let bytes { fields.append(("bytes", .integer(Int64(bytes)))) }
        fields.append(("columnMetrics", .object(columns.map { name, m in
            var pairs: [(String, JSONValue)] = []
            if let n = m.nullCount { pairs.append(("nullCount", .integer(Int64(n)))) }
            if let n = m.distinctCount { pairs.append(("distinctCount", .integer(Int64(n)))) }
            if let v = m.min { pairs.append(("min", .number(v))) }
            if let v = m.max { pairs.append(("max", .number(v))) }
            return (name, .object(pairs))
        })))
        return Facet(name: "dataQualityMetrics", schemaURL: url("1-0-3", "DataQualityMetricsInputDatasetFacet"), fields: fields)
    }

    /// One check's outcome.
    public struct Assertion: Sendable, Equatable {
        public var assertion: String
        public var success: Bool
        public var column: String?
        public var severity: String?
        public var name: String?
        public var expected: String?
        public var actual: String?
        public init(assertion: String, success: Bool, column: String? = nil, severity: String? = nil, name: String? = nil,
                    expected: String? = nil, actual: String? = nil) {
            self.assertion = assertion
            self.success = success
            self.column = column
            self.severity = severity
            self.name = name
            self.expected = expected
            self.actual = actual
        }
    }

    public static func dataQualityAssertions(_ assertions: [Assertion]) -> Facet {
        Facet(name: "dataQualityAssertions", schemaURL: url("1-1-0", "DataQualityAssertionsDatasetFacet"), fields: [
            ("assertions", .array(assertions.map { a in
                var pairs: [(String, JSONValue)] = [("assertion", .string(a.assertion)), ("success", .bool(a.success))]
                if let v = a.column { pairs.append(("column", .string(v))) }
                if let v = a.severity { pairs.append(("severity", .string(v))) }
                if let v = a.name { pairs.append(("name", .string(v))) }
                if let v = a.expected { pairs.append(("expected", .string(v))) }
                if let v = a.actual { pairs.append(("actual", .string(v))) }
                return .object(pairs)
            })),
        ])
    }

    /// Column lineage of a dataset: each field's input fields, and the fields that decide its rows.
    public static func columnLineage(_ shape: TableShape) -> Facet {
        func inputFields(_ dependencies: [FieldDependency]) -> JSONValue {
            .array(dependencies.bySource.map { source, transformations in
                .object([("namespace", .string(source.dataset.namespace)), ("name", .string(source.dataset.name)),
                         ("field", .string(source.field)), ("transformations", .array(transformations.map(\.json)))])
            })
        }
        var fields: [(String, JSONValue)] = [
            ("fields", .object(shape.columns.map { ($0.name, .object([("inputFields", inputFields($0.inputs))])) })),
        ]
        if !shape.datasetInputs.isEmpty { fields.append(("dataset", inputFields(shape.datasetInputs))) }
        return Facet(name: "columnLineage", schemaURL: url("1-2-0", "ColumnLineageDatasetFacet"), fields: fields)
    }
}
