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
