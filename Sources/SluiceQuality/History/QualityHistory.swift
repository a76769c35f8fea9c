import SluiceCore
import SluiceSQL

/// Earlier runs' values of change metrics, newest first, by ``ChangeMetric/key``.
public struct RunHistory: Sendable, Equatable {
    public var values: [String: [Double]]

    public init(values: [String: [Double]] = [:]) {
        self.values = values
    }
}

/// Stored results of suite runs, one row per check per run, in a SQL table
/// (SQLite by default — a file, nothing to start — or PostgreSQL), read back for
/// change-versus-history checks.
///
/// The table `sluice_quality_results` is created by the first run. Each row holds
/// the run (`run_id`, `run_at`, `suite`, `dataset`, `dataset_rows`), the check's
/// result (`check_name`, `kind`, `columns`, `outcome`, `severity`, `observed`,
/// `threshold`, `failing_rows`, `row_count`, `message`) and, for change checks, the
/// value of their metric (`metric`, `metric_value`). A run's rows are written in one
/// transaction: a run is stored whole or not at all.
///
/// ```swift
/// let store = try QualityHistory(location: "quality.db")
/// let history = try store.history(for: suite, dataset: "orders.csv")
/// let result = try suite.run(on: orders, history: history)
/// try store.record(result, of: suite, on: orders, dataset: "orders.csv", suiteName: "checks.yaml")
/// ```
public final class QualityHistory {
    /// The table runs are stored in.
    public static let tableName = "sluice_quality_results"
    let connection: SQLConnection

    /// Opens (or creates) the store: a path is a SQLite file; `sqlite:…` and
    /// `postgres://…` URLs are used as they are.
    ///
    /// - Throws: ``SQLError`` when the database cannot be opened.
    public init(location: String) throws {
        let url = location.hasPrefix("sqlite:") || location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
            ? location : "sqlite:" + location
        connection = try SQLConnection(url: try ConnectionURL(url))
    }

    /// The values that `suite`'s change checks compare with: for each metric, the
    /// most recent earlier runs of `dataset` (as many as the checks look back), newest first.
    ///
    /// - Throws: ``SQLError`` when the table cannot be read.
    public func history(for suite: Suite, dataset: String) throws -> RunHistory {
        var wanted: [ChangeMetric: Int] = [:]
        for case let check as any HistoryMetricCheck in suite.checks { wanted[check.metric] = max(wanted[check.metric] ?? 0, check.overLast) }
        var history = RunHistory()
        guard !wanted.isEmpty, try connection.columns(ofTable: Self.tableName) != nil else { return history }
        let table = connection.dialect.quote(Self.tableName)
        for (metric, limit) in wanted {
            let query: SQLTemplate
            var parameters: [String: Value] = ["dataset": .string(dataset), "limit": .int64(Int64(limit))]
            switch metric {
            case .rowCount:
                // Every run records its row count, whatever its checks.
                query = try SQLTemplate("SELECT run_id, MAX(dataset_rows) FROM \(table) WHERE dataset = {{ dataset }} GROUP BY run_id ORDER BY run_id DESC LIMIT {{ limit }}")
            default:
                query = try SQLTemplate("SELECT run_id, metric_value FROM \(table) WHERE dataset = {{ dataset }} AND metric = {{ metric }} AND metric_value IS NOT NULL ORDER BY run_id DESC LIMIT {{ limit }}")
                parameters["metric"] = .string(metric.key)
            }
            let rows = try connection.extract(query, parameters: parameters)
            var values: [Double] = []
            for row in 0..<rows.rowCount {
                switch rows.columns[1].unsafeValue(at: row) {
                case .int64(let v): values.append(Double(v))
                case .float64(let v): values.append(v)
                default: break
                }
            }
            history.values[metric.key] = values
        }
        return history
    }

    /// Stores one run: a row per check, with change checks' current metric values.
    ///
    /// - Parameters:
    ///   - result: what `suite.run(on: table)` returned.
    ///   - dataset: the name runs of the same data share (its path or SQL source).
    ///   - suiteName: the suite file, for people reading the table.
    ///   - now: the run's time, microseconds since the epoch.
    /// - Returns: The run's id (1 for the first run in the store).
    /// - Throws: ``SQLError``; nothing of the run is stored then.
    @discardableResult
    public func record(_ result: SuiteResult, of suite: Suite, on table: Table, dataset: String, suiteName: String?,
                       now: Int64 = currentMicroseconds()) throws -> Int64 {
        var runID: Int64 = 1
        if try connection.columns(ofTable: Self.tableName) != nil {
            let last = try connection.extract(SQLTemplate("SELECT MAX(run_id) FROM \(connection.dialect.quote(Self.tableName))"))
            if last.rowCount == 1, case .int64(let id) = last.columns[0].unsafeValue(at: 0) { runID = id + 1 }
        }
        let metrics = result.historyValues
        let n = result.results.count
        let rows = try Table([
            ("run_id", Column(int64: Array(repeating: runID, count: n))),
            ("run_at", Column(timestamp: Array(repeating: now, count: n))),
            ("suite", Column(string: Array(repeating: suiteName, count: n))),
            ("dataset", Column(string: Array(repeating: dataset, count: n))),
            ("dataset_rows", Column(int64: Array(repeating: Int64(result.rowCount), count: n))),
            ("check_name", Column(string: result.results.map(\.name))),
            ("kind", Column(string: result.results.map(\.kind))),
            ("columns", Column(string: result.results.map { $0.columns.joined(separator: ", ") })),
            ("outcome", Column(string: result.results.map(\.outcome.rawValue))),
            ("severity", Column(string: result.results.map(\.severity.rawValue))),
            ("observed", Column(float64: result.results.map { $0.observed.flatMap { $0.isFinite ? $0 : nil } })),
            ("threshold", Column(float64: result.results.map(\.threshold))),
            ("failing_rows", Column(int64: result.results.map { Int64($0.failingRows) })),
            ("row_count", Column(int64: result.results.map { Int64($0.rowCount) })),
            ("metric", Column(string: result.results.map { metrics[$0.name]?.key })),
            ("metric_value", Column(float64: result.results.map { metrics[$0.name]?.value })),
            ("message", Column(string: result.results.map(\.message))),
        ])
        var pending: Table? = rows
        try connection.load(into: Self.tableName, schema: rows.schema, options: LoadOptions(mode: .append)) {
            defer { pending = nil }
            return pending
        }
        return runID
    }
}
