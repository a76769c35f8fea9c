import SluiceCore
import SluiceSQL

/// Earlier runs' values of change metrics, newest first, by ``ChangeMetric/key``.
public struct RunHistory: Sendable, Equatable {
    public var values: [String: [Double]]

    public init(values: [String: [Double]] = [:]) {
        self.values = values
    }
}

/// Which run of which dataset a set of check results belongs to.
///
/// The `dataset` is an identity, not a path: runs of one dataset compare with each
/// other in change and anomaly checks whatever file each read (`data/2024-06-01.csv`,
/// then `data/2024-06-02.csv`). A suite's `name:` is the identity; without one, a
/// pipeline's check task is `pipeline/task` and `sluice check` uses the suite file.
public struct CheckRun: Sendable, Equatable {
    /// The dataset identity.
    public var dataset: String
    /// The run: a pipeline run's id, or `check__<time>` for `sluice check`.
    public var runID: String
    /// The pipeline and task that ran the checks (nil for `sluice check`).
    public var pipeline: String?
    public var task: String?
    /// The task's try (1 for `sluice check`).
    public var tryNumber: Int
    /// The suite file, when there is one.
    public var suite: String?

    public init(dataset: String, runID: String, pipeline: String? = nil, task: String? = nil, tryNumber: Int = 1, suite: String? = nil) {
        self.dataset = dataset
        self.runID = runID
        self.pipeline = pipeline
        self.task = task
        self.tryNumber = tryNumber
        self.suite = suite
    }
}

/// Stored check results — of `sluice check --history` and of pipelines' check tasks
/// alike — in one SQL table, read back for change and anomaly checks.
///
/// The table `sluice_check_results` (SQLite — a file, nothing to start — or PostgreSQL;
/// a pipeline's state store holds it too) has one row per check per run:
///
/// | column | meaning |
/// |---|---|
/// | `dataset` | the dataset identity (a suite's `name:`, `pipeline/task`, or the suite file) |
/// | `run_id` | the run: a pipeline run's id, or `check__<time>` |
/// | `pipeline`, `task`, `try_number` | where it ran (`NULL`, `NULL`, 1 for `sluice check`) |
/// | `position`, `suite` | the check's place in its suite, and the suite file |
/// | `check_name`, `kind`, `columns` | which check |
/// | `outcome`, `severity` | `passed` / `failed` / `not_evaluated`; `warning` / `error` / `critical` |
/// | `observed`, `threshold` | the measured value and what it was compared with |
/// | `failing_rows`, `row_count`, `dataset_rows` | rows the check failed, it saw, the dataset had |
/// | `metric`, `metric_value` | a change or anomaly check's metric (`row_count`, `null_fraction(email)`) and its value this run |
/// | `message` | for people (secrets masked) |
/// | `recorded_at` | when, microseconds since the epoch (UTC) |
///
/// A run's rows are written in one transaction: stored whole or not at all.
///
/// ```swift
/// let store = try QualityHistory(location: "quality.db")
/// let history = try store.history(for: suite, dataset: "orders")
/// let result = try suite.run(on: orders, history: history)
/// try store.record(result.results, run: CheckRun(dataset: "orders", runID: "check__1"), datasetRows: orders.rowCount)
/// ```
public final class QualityHistory {
    /// The table results are stored in.
    public static let tableName = "sluice_check_results"
    let connection: SQLConnection

    /// Opens (or creates) the store: a path is a SQLite file; `sqlite:…` and
    /// `postgres://…` URLs are used as they are.
    ///
    /// - Throws: ``SQLError`` when the database cannot be opened.
    public convenience init(location: String) throws {
        let url = location.hasPrefix("sqlite:") || location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
            ? location : "sqlite:" + location
        try self.init(connection: try SQLConnection(url: try ConnectionURL(url)))
    }

    /// The store in `connection`'s database (a pipeline's state store shares its connection);
    /// creates the table, and moves results of earlier versions' tables into it.
    public init(connection: SQLConnection) throws {
        self.connection = connection
        try migrate()
    }

    static let createSQL = """
    CREATE TABLE IF NOT EXISTS sluice_check_results (
        dataset TEXT NOT NULL, run_id TEXT NOT NULL, pipeline TEXT, task TEXT, try_number INTEGER NOT NULL,
        position INTEGER NOT NULL, suite TEXT, check_name TEXT NOT NULL, kind TEXT NOT NULL, columns TEXT NOT NULL,
        outcome TEXT NOT NULL, severity TEXT NOT NULL, observed DOUBLE PRECISION, threshold DOUBLE PRECISION,
        failing_rows BIGINT NOT NULL, row_count BIGINT NOT NULL, dataset_rows BIGINT NOT NULL,
        metric TEXT, metric_value DOUBLE PRECISION, message TEXT NOT NULL, recorded_at BIGINT NOT NULL);
    CREATE INDEX IF NOT EXISTS sluice_check_results_dataset ON sluice_check_results (dataset, recorded_at);
    CREATE INDEX IF NOT EXISTS sluice_check_results_run ON sluice_check_results (pipeline, run_id)
    """

    static let columnList = "dataset, run_id, pipeline, task, try_number, position, suite, check_name, kind, columns, outcome, severity, "
        + "observed, threshold, failing_rows, row_count, dataset_rows, metric, metric_value, message, recorded_at"

    /// Earlier versions kept pipeline results in `sluice_check_results` without a dataset,
    /// and `--history` results in `sluice_quality_results` with numbered runs: both move here
    /// (the old runs keep their order, before any new one).
    private func migrate() throws {
        let old = try connection.columns(ofTable: Self.tableName)
        let oldStatements: [String]
        if let old, !old.contains(where: { $0.name == "dataset" }) {
            try connection.execute(SQLTemplate("ALTER TABLE sluice_check_results RENAME TO sluice_check_results_v1"))
            oldStatements = ["""
                INSERT INTO sluice_check_results (\(Self.columnList))
                SELECT pipeline || '/' || task, run_id, pipeline, task, try_number, position, NULL, name, kind, '', outcome, severity,
                       observed, threshold, failing_rows, row_count, row_count, NULL, NULL, message, 0 FROM sluice_check_results_v1
                """, "DROP TABLE sluice_check_results_v1"]
        } else {
            oldStatements = []
        }
        try connection.execute(SQLTemplate(Self.createSQL))
        var statements = oldStatements
        if try connection.columns(ofTable: "sluice_quality_results") != nil {
            statements += ["""
                INSERT INTO sluice_check_results (\(Self.columnList))
                SELECT dataset, 'check__' || CAST(run_id AS TEXT), NULL, NULL, 1, 0, suite, check_name, kind, columns, outcome, severity,
                       observed, threshold, failing_rows, row_count, dataset_rows, metric, metric_value, message, run_id FROM sluice_quality_results
                """, "DROP TABLE sluice_quality_results"]
        }
        for statement in statements { try connection.execute(SQLTemplate(statement)) }
    }

    /// The values that `suite`'s change and anomaly checks compare with: for each metric,
    /// the most recent earlier runs of `dataset` (as many as the checks look back), newest
    /// first (by the time recorded, then by run id: dated run ids order a backfill's ties); `excluding` a run (the one being checked: a retry or rerun does not compare with itself).
    ///
    /// - Throws: ``SQLError`` when the table cannot be read.
    public func history(for suite: Suite, dataset: String, excluding run: (pipeline: String?, runID: String)? = nil) throws -> RunHistory {
        var wanted: [ChangeMetric: Int] = [:]
        for case let check as any HistoryMetricCheck in suite.checks { wanted[check.metric] = max(wanted[check.metric] ?? 0, check.overLast) }
        var history = RunHistory()
        for (metric, limit) in wanted {
            // Per run (its newest try): the metric's value. Every run records its row count, whatever its checks.
            let value = metric == .rowCount ? "MAX(dataset_rows)" : "MAX(metric_value)"
            let filter = metric == .rowCount ? "" : " AND metric = {{ metric }} AND metric_value IS NOT NULL"
            let query = try SQLTemplate("""
                SELECT pipeline, run_id, \(value) FROM sluice_check_results WHERE dataset = {{ dataset }}\(filter)
                GROUP BY pipeline, run_id ORDER BY MAX(recorded_at) DESC, run_id DESC LIMIT {{ limit }}
                """)
            let rows = try connection.extract(query, parameters: ["dataset": .string(dataset), "metric": .string(metric.key),
                                                                  "limit": .int64(Int64(limit + 1))])
            var values: [Double] = []
            for row in 0..<rows.rowCount where values.count < limit {
                if let run, case .string(let id) = rows.columns[1].unsafeValue(at: row), id == run.runID,
                   rows.columns[0].unsafeValue(at: row) == (run.pipeline.map(Value.string) ?? .null) { continue }
                switch rows.columns[2].unsafeValue(at: row) {
                case .int64(let v): values.append(Double(v))
                case .float64(let v): values.append(v)
                default: break
                }
            }
            history.values[metric.key] = values
        }
        return history
    }

    /// Stores one run's results: a row per check, with change and anomaly checks' metric values.
    ///
    /// - Parameters:
    ///   - results: What the suite's run returned.
    ///   - run: The dataset identity and the run.
    ///   - datasetRows: Rows the checked table had.
    ///   - now: The run's time, microseconds since the epoch.
    /// - Throws: ``SQLError``; nothing of the run is stored then.
    public func record(_ results: [CheckResult], run: CheckRun, datasetRows: Int, now: Int64 = currentMicroseconds()) throws {
        let n = results.count
        guard n > 0 else { return }
        func repeated(_ text: String?) -> Column { Column(string: Array(repeating: text, count: n)) }
        let rows = try Table([
            ("dataset", repeated(run.dataset)),
            ("run_id", repeated(run.runID)),
            ("pipeline", repeated(run.pipeline)),
            ("task", repeated(run.task)),
            ("try_number", Column(int64: Array(repeating: Int64(run.tryNumber), count: n))),
            ("position", Column(int64: (0..<n).map { Int64($0) })),
            ("suite", repeated(run.suite)),
            ("check_name", Column(string: results.map(\.name))),
            ("kind", Column(string: results.map(\.kind))),
            ("columns", Column(string: results.map { $0.columns.joined(separator: ", ") })),
            ("outcome", Column(string: results.map(\.outcome.rawValue))),
            ("severity", Column(string: results.map(\.severity.rawValue))),
            ("observed", Column(float64: results.map { $0.observed.flatMap { $0.isFinite ? $0 : nil } })),
            ("threshold", Column(float64: results.map(\.threshold))),
            ("failing_rows", Column(int64: results.map { Int64($0.failingRows) })),
            ("row_count", Column(int64: results.map { Int64($0.rowCount) })),
            ("dataset_rows", Column(int64: Array(repeating: Int64(datasetRows), count: n))),
            ("metric", Column(string: results.map(\.metric))),
            ("metric_value", Column(float64: results.map { $0.metricValue.flatMap { $0.isFinite ? $0 : nil } })),
            ("message", Column(string: results.map { Secrets.mask($0.message) })),
            ("recorded_at", Column(int64: Array(repeating: now, count: n))),
        ])
        try connection.load(rows, into: Self.tableName, options: LoadOptions(mode: .append, onSchemaChange: .fail))
    }

    /// Stores one `suite.run(on:)` result; see ``record(_:run:datasetRows:now:)``.
    public func record(_ result: SuiteResult, run: CheckRun, now: Int64 = currentMicroseconds()) throws {
        try record(result.results, run: run, datasetRows: result.rowCount, now: now)
    }

    /// The stored results of one run (all tries, in order), as the table holds them.
    public func results(pipeline: String?, runID: String) throws -> [StoredCheckResult] {
        let filter = pipeline == nil ? "pipeline IS NULL" : "pipeline = {{ p }}"
        let rows = try connection.extract(SQLTemplate("""
            SELECT \(Self.columnList) FROM sluice_check_results WHERE \(filter) AND run_id = {{ r }}
            ORDER BY task, try_number, position
            """), parameters: ["p": .string(pipeline ?? ""), "r": .string(runID)])
        return (0..<rows.rowCount).map { StoredCheckResult(row: rows.row($0)) }
    }

    /// A run id for `sluice check`: `check__` and the time (`check__2024-06-01T02:00:00.000001Z`).
    public static func checkRunID(now: Int64) -> String {
        "check__" + formatTimestamp(microsecondsSinceEpoch: now)
    }
}

/// One stored check result (a row of `sluice_check_results`).
public struct StoredCheckResult: Sendable, Equatable {
    public var dataset: String
    public var runID: String
    public var pipeline: String?
    public var task: String
    public var tryNumber: Int
    public var suite: String?
    public var name: String
    public var kind: String
    public var severity: String
    public var outcome: String
    public var observed: Double?
    public var threshold: Double?
    public var failingRows: Int
    public var rowCount: Int
    public var datasetRows: Int
    public var metric: String?
    public var metricValue: Double?
    public var message: String
    /// Microseconds since the epoch.
    public var recordedAt: Int64

    init(row: [Value]) {
        func text(_ v: Value) -> String? { if case .string(let s) = v { return s } else { return nil } }
        func int(_ v: Value) -> Int64 {
            switch v { case .int64(let x): x; case .float64(let x): Int64(x); default: 0 }
        }
        func double(_ v: Value) -> Double? {
            switch v { case .float64(let x): x; case .int64(let x): Double(x); default: nil }
        }
        dataset = text(row[0]) ?? ""; runID = text(row[1]) ?? ""; pipeline = text(row[2]); task = text(row[3]) ?? ""
        tryNumber = Int(int(row[4])); suite = text(row[6]); name = text(row[7]) ?? ""; kind = text(row[8]) ?? ""
        outcome = text(row[10]) ?? ""; severity = text(row[11]) ?? ""; observed = double(row[12]); threshold = double(row[13])
        failingRows = Int(int(row[14])); rowCount = Int(int(row[15])); datasetRows = Int(int(row[16]))
        metric = text(row[17]); metricValue = double(row[18]); message = text(row[19]) ?? ""; recordedAt = int(row[20])
    }
}
