import SluiceCore

/// A check whose metric is stored per run in the history (``ChangeCheck``, ``AnomalyCheck``):
/// the history loads and records `metric` for it, `overLast` runs deep.
public protocol HistoryMetricCheck: Check {
    var metric: ChangeMetric { get }
    var overLast: Int { get }
}

extension ChangeCheck: HistoryMetricCheck {}

/// Where a history comparison starts: this run's value and the earlier ones, or the
/// "not evaluated" result that says why there is nothing to compare.
enum HistoryComparison {
    case values(current: Double, past: [Double])
    case notEvaluated(CheckResult)
}

extension HistoryMetricCheck {
    /// The metrics the scan computes for ``metric``.
    public func metrics(for table: Table) throws -> [Metric] {
        try metric.scanMetrics(for: table)   // unknown columns and wrong types are found while planning
    }

    /// `result` with this run's value of ``metric`` attached (the history stores it).
    func attachingMetric(_ result: CheckResult, in context: EvaluationContext) throws -> CheckResult {
        var result = result
        result.metric = metric.key
        result.metricValue = try metric.value(in: context)
        return result
    }

    /// A "not evaluated" result of this check saying `why`.
    func notEvaluated(_ why: String, threshold: Double) -> CheckResult {
        .notEvaluated(name: name, kind: kind, columns: columns, severity: severity, threshold: threshold, message: why)
    }

    /// This run's value of ``metric`` and up to `overLast` earlier values (newest first),
    /// or "not evaluated" when the run measured nothing or there is no history.
    func comparison(in context: EvaluationContext, threshold: Double) throws -> HistoryComparison {
        guard let current = try metric.value(in: context) else {
            return .notEvaluated(notEvaluated(metric.nothingToMeasure(context), threshold: threshold))
        }
        guard let history = context.history else {
            return .notEvaluated(notEvaluated("no history to compare \(metric.key) with (run with --history FILE.db)", threshold: threshold))
        }
        return .values(current: current, past: Array((history.values[metric.key] ?? []).prefix(overLast)))
    }
}

/// Anomaly versus history: this run's ``ChangeMetric`` against the last `overLast` runs.
///
/// - `zscore`: fails when `|now − mean| / stddev > k` (sample standard deviation; with a
///   constant history, any other value fails). `observed` is the z-score, `threshold` is `k`.
/// - `pct_change`: fails when the change from the previous run exceeds `maxPercent`
///   (`observed`/`threshold` as fractions).
///
/// "Not evaluated" — never a pass — until the history holds `minHistory` earlier runs, and the
/// message says how many it has.
///
/// ```yaml
/// - anomaly: { metric: row_count, method: zscore, k: 3, over_last: 14, min_history: 5 }
/// ```
public struct AnomalyCheck: HistoryMetricCheck {
    public enum Method: String, Sendable {
        case zscore
        case pctChange = "pct_change"
    }
    public var metric: ChangeMetric
    public var method: Method
    /// zscore: the largest |z| that passes.
    public var k: Double
    /// pct_change: the largest change from the previous run, in percent.
    public var maxPercent: Double
    public var overLast: Int
    public var minHistory: Int
    public var severity: Severity
    public var name: String
    public var kind: String { "anomaly" }
    public var columns: [String] { metric.column.map { [$0] } ?? [] }

    /// - Throws: ``QualityError`` `.invalidOption` for `k` or `maxPercent` below 0, or `minHistory` outside 1…`overLast`.
    public init(metric: ChangeMetric, method: Method, k: Double = 3, maxPercent: Double = 50, overLast: Int = 14, minHistory: Int = 5,
                severity: Severity = .error, name: String? = nil) throws {
        guard k >= 0, k.isFinite else { throw QualityError(.invalidOption, message: "k must be 0 or more, found \(formatDouble(k))") }
        guard maxPercent >= 0, maxPercent.isFinite else { throw QualityError(.invalidOption, message: "max_pct must be 0 or more, found \(formatDouble(maxPercent))") }
        guard overLast >= 1 else { throw QualityError(.invalidOption, message: "over_last must be 1 or more, found \(overLast)") }
        guard (1...overLast).contains(minHistory) else {
            throw QualityError(.invalidOption, message: "min_history must be in 1…over_last (\(overLast)), found \(minHistory)")
        }
        if method == .zscore && minHistory < 2 {
            throw QualityError(.invalidOption, message: "zscore needs min_history of 2 or more (a standard deviation), found \(minHistory)")
        }
        self.metric = metric
        self.method = method
        self.k = k
        self.maxPercent = maxPercent
        self.overLast = overLast
        self.minHistory = minHistory
        self.severity = severity
        self.name = name ?? "anomaly(\(metric.key), \(method.rawValue))"
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        try attachingMetric(judge(in: context), in: context)
    }

    private func judge(in context: EvaluationContext) throws -> CheckResult {
        let threshold = method == .zscore ? k : maxPercent / 100
        let current: Double, past: [Double]
        switch try comparison(in: context, threshold: threshold) {
        case .notEvaluated(let result): return result
        case .values(let c, let p): (current, past) = (c, p)
        }
        guard past.count >= minHistory else {
            return notEvaluated("not evaluated: the history has \(past.count) earlier run\(past.count == 1 ? "" : "s") of \(metric.key), min_history is \(minHistory)",
                                threshold: threshold)
        }
        func result(_ passed: Bool, observed: Double?, _ message: String) -> CheckResult {
            CheckResult(name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
                        observed: observed, threshold: threshold, comparison: .atMost, rowCount: context.table.rowCount, message: message)
        }
        switch method {
        case .zscore:
            let mean = past.reduce(0, +) / Double(past.count)
            let variance = past.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(past.count - 1)
            let sd = variance.squareRoot()
            guard sd > 0 else {
                let passed = current == mean
                return result(passed, observed: passed ? 0 : nil,
                              "\(metric.key) \(formatDouble(current)) vs a constant \(formatDouble(mean)) over \(past.count) runs" + (passed ? "" : ": any change fails"))
            }
            let z = abs(current - mean) / sd
            return result(z <= k, observed: z,
                          "\(metric.key) \(formatDouble(current)) vs mean \(formatDouble(mean)) ± \(formatDouble(sd)) over \(past.count) runs: z = \(formatDouble((z * 100).rounded() / 100)) (\(z <= k ? "<=" : ">") \(formatDouble(k)))")
        case .pctChange:
            let previous = past[0]
            guard previous != 0 else {
                let passed = current == 0
                return result(passed, observed: passed ? 0 : nil, "\(metric.key) \(formatDouble(current)) vs 0 in the previous run" + (passed ? "" : ": any change from 0 fails"))
            }
            let change = abs(current - previous) / abs(previous)
            return result(change <= threshold, observed: change,
                          "\(metric.key) \(formatDouble(current)) vs \(formatDouble(previous)) in the previous run: \(formatDouble((change * 10_000).rounded() / 100))% (\(change <= threshold ? "<=" : ">") \(formatDouble(maxPercent))%)")
        }
    }
}
