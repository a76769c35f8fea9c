import SluiceCore

/// A number measured on every run and stored in the history, so that a ``ChangeCheck`` or an
/// ``AnomalyCheck`` can compare this run's value with earlier ones.
public enum ChangeMetric: Sendable, Hashable {
    /// Rows in the table (recorded for every run, whatever the suite).
    case rowCount
    /// The fraction of null rows in a column.
    case nullFraction(column: String)
    /// The sum of a numeric column's non-null values (NaN ignored).
    case sum(column: String)
    /// The mean of a numeric column's non-null values (NaN ignored).
    case mean(column: String)
    /// Distinct non-null values of a column.
    case distinctCount(column: String)
    /// Seconds from the newest value of a date or timestamp column to "now"; with no column,
    /// from the dataset file's modification time to "now" (a file given to `sluice check`, or a
    /// suite's `dataset:` path; not known for a pipeline task's input: not evaluated there).
    case freshnessLag(column: String?)
    /// The value another check of the suite measured in this run (its `observed`).
    case checkValue(check: String)

    /// The spec names of the metrics (`metric:`); ``checkValue(check:)`` is written `check: NAME`.
    public static let names = ["row_count", "null_fraction", "sum", "mean", "distinct_count", "freshness_lag"]

    /// The metric `name` (one of ``names``) on `column`.
    ///
    /// - Throws: ``QualityError`` `.invalidSuite` when a per-column metric has no column.
    public static func named(_ name: String, column: String?) throws -> ChangeMetric {
        func needColumn() throws -> String {
            guard let column else {
                throw QualityError(.invalidSuite, message: "metric \(name) needs `column`", hint: "write e.g. `metric: \(name), column: total`")
            }
            return column
        }
        switch name {
        case "row_count": return .rowCount
        case "null_fraction": return .nullFraction(column: try needColumn())
        case "sum": return .sum(column: try needColumn())
        case "mean": return .mean(column: try needColumn())
        case "distinct_count": return .distinctCount(column: try needColumn())
        case "freshness_lag": return .freshnessLag(column: column)
        default:
            throw QualityError(.invalidSuite, message: "unknown metric \"\(name)\"", hint: "metrics: \(names.joined(separator: ", "))")
        }
    }

    /// The name the history stores it under: `row_count`, `null_fraction(email)`, `sum(total)`,
    /// `freshness_lag(file)`, `check(email_present)`.
    public var key: String {
        switch self {
        case .rowCount: "row_count"
        case .nullFraction(let column): "null_fraction(\(column))"
        case .sum(let column): "sum(\(column))"
        case .mean(let column): "mean(\(column))"
        case .distinctCount(let column): "distinct_count(\(column))"
        case .freshnessLag(let column): "freshness_lag(\(column ?? "file"))"
        case .checkValue(let check): "check(\(check))"
        }
    }

    /// The column the metric reads, if any.
    public var column: String? {
        switch self {
        case .rowCount, .checkValue, .freshnessLag(nil): nil
        case .nullFraction(let c), .sum(let c), .mean(let c), .distinctCount(let c): c
        case .freshnessLag(let c?): c
        }
    }

    /// The check whose measured value this is, for ``checkValue(check:)``.
    public var check: String? {
        if case .checkValue(let name) = self { return name }
        return nil
    }

    /// What the suite computes in its shared column scans for this metric (and the column's type checked).
    ///
    /// - Throws: ``QualityError`` `.unknownColumn` or `.incompatibleType`.
    public func scanMetrics(for table: Table) throws -> [Metric] {
        guard let name = column else { return [] }
        let type = try table.qualityColumn(name).type
        switch self {
        case .sum, .mean:
            guard type == .int64 || type == .float64 else {
                throw QualityError(.incompatibleType, message: "\(key) needs a numeric column; \"\(name)\" is \(type)")
            }
            return []
        case .distinctCount: return [.distinct(column: name)]
        case .freshnessLag:
            guard type == .date || type == .timestamp else {
                throw QualityError(.incompatibleType, message: "\(key) needs a date or timestamp column; \"\(name)\" is \(type)",
                                   hint: "read the column as a timestamp with --schema \(name):timestamp, or leave out `column` for the file's age")
            }
            return [.maximum(column: name)]
        default: return []
        }
    }

    /// The value in this run; `nil` when there is nothing to measure (no rows, only nulls,
    /// no file time, a referenced check that was not evaluated).
    ///
    /// - Throws: ``QualityError`` `.unknownColumn` or `.incompatibleType`.
    public func value(in context: EvaluationContext) throws -> Double? {
        let table = context.table
        switch self {
        case .rowCount: return Double(table.rowCount)
        case .nullFraction(let name):
            let column = try table.qualityColumn(name)
            return column.count == 0 ? nil : Double(column.nullCount) / Double(column.count)
        case .sum(let name), .mean(let name):
            _ = try scanMetrics(for: table)
            let (sum, count) = Self.sumAndCount(try table.qualityColumn(name))
            if case .sum = self { return count == 0 ? nil : sum }
            return count == 0 ? nil : sum / Double(count)
        case .distinctCount(let name):
            _ = try scanMetrics(for: table)
            return table.rowCount == 0 ? nil : Double(try context.value(of: .distinct(column: name)).count)
        case .freshnessLag(let name?):
            _ = try scanMetrics(for: table)
            switch try context.value(of: .maximum(column: name)).maximum {
            case .timestamp(let t)?: return Double(context.now - t) / 1_000_000
            case .date(let d)?: return Double(context.now - Int64(d) * 86_400_000_000) / 1_000_000
            default: return nil
            }
        case .freshnessLag(nil):
            return context.datasetModifiedAt.map { Double(context.now - $0) / 1_000_000 }
        case .checkValue(let name):
            return context.results[name]?.observed.flatMap { $0.isFinite ? $0 : nil }
        }
    }

    /// Sum and count of the non-null (and, for floats, non-NaN) values; validity walked a word at a time.
    static func sumAndCount(_ column: Column) -> (Double, Int) {
        let n = column.count
        let words = column.validity?.words
        func walk<T>(_ values: UnsafeBufferPointer<T>, _ add: (T) -> Bool) {
            guard let words else {
                for i in 0..<n { _ = add(values[i]) }
                return
            }
            var row = 0
            for word in words where row < n {
                let end = Swift.min(row + 64, n)
                if word == .max {
                    for i in row..<end { _ = add(values[i]) }
                } else if word != 0 {
                    for i in row..<end where (word >> UInt64(i - row)) & 1 == 1 { _ = add(values[i]) }
                }
                row = end
            }
        }
        var count = 0
        switch column.type {
        case .int64:
            var exact: Int64 = 0, overflowed = false, approximate = 0.0
            column.withUnsafeValues(as: Int64.self) { values in
                walk(values) { v in
                    count += 1
                    approximate += Double(v)
                    if !overflowed {
                        let (r, o) = exact.addingReportingOverflow(v)
                        exact = r
                        overflowed = o
                    }
                    return true
                }
            }
            return (overflowed ? approximate : Double(exact), count)
        case .float64:
            var sum = 0.0, compensation = 0.0   // Neumaier summation
            column.withUnsafeValues(as: Double.self) { values in
                walk(values) { v in
                    guard !v.isNaN else { return false }
                    count += 1
                    let t = sum + v
                    compensation += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
                    sum = t
                    return true
                }
            }
            return (sum + compensation, count)
        default:
            return (0, 0)
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
    public var columns: [String] { metric.column.map { [$0] } ?? [] }

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
        default: self.name = name ?? "change(\(metric.key))"
        }
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        try attachingMetric(judge(in: context), in: context)
    }

    private func judge(in context: EvaluationContext) throws -> CheckResult {
        let threshold = maxPercent / 100
        let current: Double, past: [Double]
        switch try comparison(in: context, threshold: threshold) {
        case .notEvaluated(let result): return result
        case .values(let c, let p): (current, past) = (c, p)
        }
        guard !past.isEmpty else { return notEvaluated("no earlier run in the history to compare \(metric.key) with", threshold: threshold) }
        let mean = past.reduce(0, +) / Double(past.count)
        let runs = "the last \(past.count) run\(past.count == 1 ? "" : "s")"
        func shown(_ v: Double) -> String {
            if case .nullFraction = metric { return percent(v) }
            return formatDouble((v * 10).rounded() / 10).replacingSuffix(".0")
        }
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

extension ChangeMetric {
    /// Why there is no value this run, for a "not evaluated" message.
    func nothingToMeasure(_ context: EvaluationContext) -> String {
        switch self {
        case .freshnessLag(nil): "no file modification time for \(key) (the dataset is not a file here): give a `column`"
        case .checkValue(let name): "check \(name) measured nothing this run: no \(key) to compare"
        default: context.table.rowCount == 0 ? "empty table: no \(key) to compare" : "only nulls: no \(key) to compare"
        }
    }
}

extension String {
    /// Self without `suffix` at its end (`"3.0"` → `"3"`).
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
