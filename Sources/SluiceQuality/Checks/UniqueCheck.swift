import SluiceCore

/// Passes when distinct non-null values / rows is at least `threshold` (the seed's
/// `check_uniqueness`: nulls count as rows but not as values, so they lower the
/// ratio). Over several columns, distinct combinations / rows, where nulls group
/// together as in SQL `GROUP BY`.
///
/// Failing rows are the repeats: every row whose value (combination) appeared in
/// an earlier row. Quarantining them leaves the column unique.
/// ```swift
/// let check = try UniqueCheck(columns: ["user_id"], threshold: 1.0)
/// ```
public struct UniqueCheck: Check {
    public var columns: [String]
    /// The smallest distinct/rows ratio that passes (default 0.99).
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "unique" }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` for no columns or a threshold outside 0...1.
    public init(columns: [String], threshold: Double = 0.99, severity: Severity = .error, name: String? = nil) throws {
        guard !columns.isEmpty else { throw QualityError(.invalidOption, message: "unique needs at least one column") }
        try validateFraction(threshold, "unique threshold")
        self.columns = columns
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "unique(\(columns.joined(separator: ", ")))"
    }

    var metric: Metric { columns.count == 1 ? .distinct(column: columns[0]) : .distinctRows(columns: columns) }

    public func metrics(for table: Table) throws -> [Metric] {
        for column in columns { _ = try table.qualityColumn(column) }
        return [metric]
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let rows = context.table.rowCount
        guard rows > 0 else {
            return .notEvaluated(name: name, kind: kind, columns: columns, severity: severity, threshold: threshold,
                                 comparison: .atLeast, message: "empty table: no rows to check")
        }
        let value = try context.value(of: metric)
        let ratio = Double(value.count) / Double(rows)
        let passed = ratio >= threshold
        let repeats = value.failing?.validCount ?? 0
        var message = "\(value.count) distinct of \(rows) rows (\(percent(ratio)) \(passed ? ">=" : "<") \(percent(threshold))); \(repeats) repeat\(repeats == 1 ? "" : "s")"
        if columns.count == 1 {
            let nulls = try context.column(columns[0]).nullCount
            if nulls > 0 { message += ", \(nulls) null\(nulls == 1 ? "" : "s")" }
        }
        return CheckResult(name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
                           observed: ratio, threshold: threshold, comparison: .atLeast, failingRows: repeats, rowCount: rows,
                           samples: context.samples(value.failing, columns: columns), message: message)
    }

    public func failingRows(in context: EvaluationContext) throws -> Bitmap? {
        try context.value(of: metric).failing
    }
}
