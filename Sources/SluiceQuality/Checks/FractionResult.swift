import SluiceCore

/// The result of a check whose measure is "fraction of rows that fail", passing
/// when that fraction is at most `threshold`. An empty table is not evaluated.
func failureFractionResult(name: String, kind: String, columns: [String], severity: Severity,
                           failing: Int, rows: Int, threshold: Double, samples: [SampleRow],
                           what: String) -> CheckResult {
    guard rows > 0 else {
        return .notEvaluated(name: name, kind: kind, columns: columns, severity: severity, threshold: threshold,
                             message: "empty table: no rows to check")
    }
    let fraction = Double(failing) / Double(rows)
    let passed = fraction <= threshold
    return CheckResult(
        name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
        observed: fraction, threshold: threshold, comparison: .atMost, failingRows: failing, rowCount: rows,
        samples: passed && failing == 0 ? [] : samples,
        message: "\(what): \(failing) of \(rows) rows (\(percent(fraction)) \(passed ? "<=" : ">") \(percent(threshold)))")
}

/// Checks that a threshold is a fraction.
func validateFraction(_ value: Double, _ what: String) throws {
    guard value >= 0 && value <= 1 else {
        throw QualityError(.invalidOption, message: "\(what) must be between 0 and 1, found \(formatDouble(value))")
    }
}

/// A row-level check measured by one metric whose failing rows are the check's own:
/// the fraction of rows that fail must be at most `threshold`. `accepted_values`,
/// `range`, `pattern` and `referential` are this shape; they give the metric and
/// what a failing row is, and share the evaluation.
public protocol RowFractionCheck: Check {
    var threshold: Double { get }
    /// What failing rows are, for the message (`outside [0, 100]`).
    var failureDescription: String { get }
    /// The metric on `table`.
    ///
    /// - Throws: ``QualityError`` when the column is missing or its type does not fit.
    func metric(for table: Table) throws -> Metric
}

extension RowFractionCheck {
    public func metrics(for table: Table) throws -> [Metric] { [try metric(for: table)] }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let value = try context.value(of: try metric(for: context.table))
        return failureFractionResult(
            name: name, kind: kind, columns: columns, severity: severity, failing: value.count,
            rows: context.table.rowCount, threshold: threshold,
            samples: context.samples(value.failing, columns: columns), what: failureDescription)
    }

    public func failingRows(in context: EvaluationContext) throws -> Bitmap? {
        try context.value(of: try metric(for: context.table)).failing
    }
}
