import SluiceCore

/// A number measured on every run and stored in the history, so that a
/// ``ChangeCheck`` can compare this run's value with earlier ones.
public enum ChangeMetric: Sendable, Hashable {
    /// Rows in the table (recorded for every run, whatever the suite).
    case rowCount
    /// The fraction of null rows in a column.
    case nullFraction(column: String)

    /// The name the history stores it under: `row_count`, `null_fraction(email)`.
    public var key: String {
        switch self {
        case .rowCount: "row_count"
        case .nullFraction(let column): "null_fraction(\(column))"
        }
    }

    /// The value on `table`; `nil` when there is nothing to measure (a null fraction of no rows).
    ///
    /// - Throws: ``QualityError`` `.unknownColumn`.
    public func value(on table: Table) throws -> Double? {
        switch self {
        case .rowCount: return Double(table.rowCount)
        case .nullFraction(let name):
            let column = try table.qualityColumn(name)
            return column.count == 0 ? nil : Double(column.nullCount) / Double(column.count)
        }
    }
}

/// Change versus history: passes when this run's ``ChangeMetric`` is within
/// `maxPercent` of the mean of the last `overLast` recorded runs of the same
/// dataset (`|now − mean| / |mean| × 100 ≤ maxPercent`; the result's `observed` and
/// `threshold` are that change and `maxPercent` as fractions, 0.2 for 20%). Not evaluated when the
/// suite runs without a history or the history holds no earlier run; a mean of 0
/// passes only a current value of 0.
///
/// ```swift
/// let check = try ChangeCheck(metric: .rowCount, maxPercent: 20, overLast: 5)
/// let result = try Suite(checks: [check]).run(on: orders, history: try store.history(for: suite, dataset: "orders"))
/// ```
public struct ChangeCheck: Check {
    public var metric: ChangeMetric
    /// The largest change, in percent of the mean of earlier runs, that passes.
    public var maxPercent: Double
    /// How many of the most recent earlier runs the mean covers.
    public var overLast: Int
    public var severity: Severity
    public var name: String
    public var kind: String { "change" }
    public var columns: [String] {
        if case .nullFraction(let column) = metric { return [column] }
        return []
    }

    /// - Throws: ``QualityError`` `.invalidOption` for a negative `maxPercent` or `overLast` below 1.
    public init(metric: ChangeMetric, maxPercent: Double, overLast: Int = 5, severity: Severity = .error, name: String? = nil) throws {
        guard maxPercent >= 0, maxPercent.isFinite else {
            throw QualityError(.invalidOption, message: "max_pct must be 0 or more, found \(formatDouble(maxPercent))")
        }
        guard overLast >= 1 else { throw QualityError(.invalidOption, message: "over_last must be 1 or more, found \(overLast)") }
        self.metric = metric
        self.maxPercent = maxPercent
        self.overLast = overLast
        self.severity = severity
        switch metric {
        case .rowCount: self.name = name ?? "row_count_change"
        case .nullFraction(let column): self.name = name ?? "null_fraction_change(\(column))"
        }
    }

    public func metrics(for table: Table) throws -> [Metric] {
        _ = try metric.value(on: table)   // unknown columns are found while planning
        return []
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        var result = try judge(in: context)
        result.metric = metric.key
        result.metricValue = try metric.value(on: context.table)
        return result
    }

    private func judge(in context: EvaluationContext) throws -> CheckResult {
        let threshold = maxPercent / 100
        func notEvaluated(_ why: String) -> CheckResult {
            .notEvaluated(name: name, kind: kind, columns: columns, severity: severity, threshold: threshold, message: why)
        }
        guard let current = try metric.value(on: context.table) else { return notEvaluated("empty table: no \(metric.key) to compare") }
        guard let history = context.history else {
            return notEvaluated("no history to compare \(metric.key) with (run with --history FILE.db)")
        }
        let past = Array((history.values[metric.key] ?? []).prefix(overLast))
        guard !past.isEmpty else { return notEvaluated("no earlier run in the history to compare \(metric.key) with") }
        let mean = past.reduce(0, +) / Double(past.count)
        let runs = "the last \(past.count) run\(past.count == 1 ? "" : "s")"
        func shown(_ v: Double) -> String { metric == .rowCount ? formatDouble((v * 10).rounded() / 10).replacingSuffix(".0") : percent(v) }
        guard mean != 0 else {
            // No relative change from 0: only 0 itself passes.
            let passed = current == 0
            return CheckResult(name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
                               observed: passed ? 0 : nil, threshold: threshold, rowCount: context.table.rowCount,
                               message: "\(metric.key) \(shown(current)) vs mean 0 of \(runs)" + (passed ? "" : ": any change from 0 fails"))
        }
        let change = (current - mean) / abs(mean)
        let passed = abs(change) <= threshold
        return CheckResult(
            name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
            observed: abs(change), threshold: threshold, comparison: .atMost, rowCount: context.table.rowCount,
            message: "\(metric.key) \(shown(current)) vs mean \(shown(mean)) of \(runs): \(change >= 0 ? "+" : "-")\(percent(abs(change))) (\(passed ? "<=" : ">") \(percent(threshold)))")
    }
}

extension String {
    /// Self without `suffix` at its end (`"3.0"` → `"3"`).
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
