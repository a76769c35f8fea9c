import SluiceCore

/// A data-quality check: declares the ``Metric``s it needs, then turns them into a
/// ``CheckResult``. Write your own by conforming; a ``Suite`` runs built-in and
/// custom checks alike and computes shared metrics once.
///
/// ```swift
/// struct NoEmptyNames: Check {
///     var name = "no_empty_names"
///     var kind = "custom"
///     var columns = ["name"]
///     var severity = Severity.warning
///     func evaluate(in context: EvaluationContext) throws -> CheckResult {
///         let names = try context.column("name")
///         // … measure, then return a CheckResult
///     }
/// }
/// ```
public protocol Check: Sendable {
    /// Unique within a suite; names the check in reports and in `_failed_checks`.
    var name: String { get }
    /// The kind (`not_null`, `range`, …, or your own).
    var kind: String { get }
    /// The columns the check reads.
    var columns: [String] { get }
    var severity: Severity { get }
    /// Whether failures belong to rows (so that rows can be quarantined).
    var isRowLevel: Bool { get }
    /// The metrics to compute before ``evaluate(in:)``; the default is none.
    ///
    /// - Throws: ``QualityError`` when the table lacks a column or its type does not fit.
    func metrics(for table: Table) throws -> [Metric]
    /// The result, reading metrics from `context`.
    func evaluate(in context: EvaluationContext) throws -> CheckResult
    /// The rows that failed, for quarantine; `nil` for table-level checks.
    func failingRows(in context: EvaluationContext) throws -> Bitmap?
}

extension Check {
    public var isRowLevel: Bool { false }
    public func metrics(for table: Table) throws -> [Metric] { [] }
    public func failingRows(in context: EvaluationContext) throws -> Bitmap? { nil }
}

/// What a check sees: the table, the metrics the suite computed, the clock and the
/// sample limit. Metrics the suite did not precompute are computed on demand, so a
/// check can also be evaluated on its own.
public struct EvaluationContext: Sendable {
    public let table: Table
    /// Failing rows kept per result.
    public var sampleLimit: Int
    /// "Now", microseconds since the epoch (UTC), for freshness.
    public var now: Int64
    /// Earlier runs' values of change metrics; `nil` when the suite runs without a history.
    public var history: RunHistory?
    /// When the dataset file was last modified (microseconds since the epoch), for
    /// `freshness_lag` without a column; `nil` when the data is not a file.
    public var datasetModifiedAt: Int64?
    /// Results of the suite's checks evaluated so far, by name (for `check:` metrics).
    public var results: [String: CheckResult] = [:]
    var metrics: [Metric: MetricValue]

    public init(table: Table, sampleLimit: Int = 5, now: Int64 = currentMicroseconds(), history: RunHistory? = nil,
                datasetModifiedAt: Int64? = nil, metrics: [Metric: MetricValue] = [:]) {
        self.datasetModifiedAt = datasetModifiedAt
        self.table = table
        self.sampleLimit = sampleLimit
        self.now = now
        self.history = history
        self.metrics = metrics
    }

    /// The column called `name`.
    ///
    /// - Throws: ``QualityError`` `.unknownColumn` with "did you mean".
    public func column(_ name: String) throws -> Column {
        try table.qualityColumn(name)
    }

    /// The value of `metric`: precomputed by the suite, or computed now.
    public func value(of metric: Metric) throws -> MetricValue {
        if let value = metrics[metric] { return value }
        switch metric {
        case .distinctRows(let names): return DistinctRows.compute(try names.map { try column($0) })
        case .predicate(let predicate): return try predicate.evaluate(on: table)
        default: break
        }
        let name = metric.column!
        return try ColumnScan.run(try column(name), name: name, metrics: [metric])[metric]!
    }

    /// Up to ``sampleLimit`` failing rows with the values of `columns`.
    public func samples(_ failing: Bitmap?, columns: [String]) -> [SampleRow] {
        guard let failing, sampleLimit > 0 else { return [] }
        let cols = columns.compactMap { table.column(named: $0) }
        var rows: [SampleRow] = []
        for (w, word) in failing.words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let row = w * 64 + bits.trailingZeroBitCount
                rows.append(SampleRow(row: row + 1, values: cols.map { $0.unsafeValue(at: row).description }))
                if rows.count == sampleLimit { return rows }
                bits &= bits - 1
            }
        }
        return rows
    }
}

extension Table {
    /// The column called `name`, or a quality error that suggests the nearest name.
    func qualityColumn(_ name: String) throws -> Column {
        guard let column = column(named: name) else {
            throw QualityError(.unknownColumn,
                               message: "no column \"\(name)\" in the table (columns: \(schema.names.joined(separator: ", ")))",
                               hint: suggestion(for: name, among: schema.names).map { "did you mean `\($0)`?" })
        }
        return column
    }
}
