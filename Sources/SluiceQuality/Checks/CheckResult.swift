import SluiceCore

/// How bad a failed check is. Ordered: `warning < error < critical`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case warning
    case error
    case critical

    private var rank: Int {
        switch self {
        case .warning: 0
        case .error: 1
        case .critical: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What became of a check.
public enum Outcome: String, Sendable, Hashable, Codable {
    /// The measured value is on the right side of the threshold.
    case passed
    /// The measured value is on the wrong side of the threshold.
    case failed
    /// There was nothing to measure (an empty table, a column of nulls for
    /// freshness): neither passed nor failed, and never a division by zero.
    case notEvaluated = "not_evaluated"
}

/// Which side of the threshold passes.
public enum Comparison: String, Sendable, Hashable, Codable {
    /// Passes when `observed <= threshold` (a failure fraction, an age).
    case atMost = "at_most"
    /// Passes when `observed >= threshold` (a uniqueness ratio).
    case atLeast = "at_least"
    /// Passes when `observed` lies in the closed interval given by the check
    /// (`row_count` with both bounds); `threshold` is the bound that was broken, if any.
    case between

    /// `≤`, `≥` or `in`.
    public var symbol: String {
        switch self {
        case .atMost: "<="
        case .atLeast: ">="
        case .between: "in"
        }
    }
}

/// A failing row kept as an example: its 1-based row number (the first data row
/// is 1) and the checked columns' values as text (`null` for null).
public struct SampleRow: Sendable, Hashable, Codable {
    /// 1-based data row number (the header is not counted).
    public var row: Int
    /// The checked column values, in the check's column order.
    public var values: [String]

    public init(row: Int, values: [String]) {
        self.row = row
        self.values = values
    }
}

/// The result of one check: data, not a printout.
///
/// ```swift
/// let result = try NotNullCheck(column: "email").evaluate(in: EvaluationContext(table: users))
/// if result.outcome == .failed { print(result.message) }   // "null fraction 0.52% > 0.00%"
/// ```
public struct CheckResult: Sendable, Hashable, Codable {
    /// The check's name, unique within a suite (`not_null(email)` by default).
    public var name: String
    /// The check kind (`not_null`, `unique`, `range`, …).
    public var kind: String
    /// The columns the check reads (empty for table-level checks).
    public var columns: [String]
    public var outcome: Outcome
    public var severity: Severity
    /// The measured value (a fraction, a ratio, a count, an age in seconds); `nil`
    /// when not evaluated.
    public var observed: Double?
    /// The threshold `observed` is compared against.
    public var threshold: Double?
    /// Which side of `threshold` passes.
    public var comparison: Comparison
    /// Rows the check holds against the data (0 for table-level checks).
    public var failingRows: Int
    /// Rows in the table.
    public var rowCount: Int
    /// Up to the suite's sample limit of failing rows, in row order.
    public var samples: [SampleRow]
    /// What was measured against what, for people.
    public var message: String
    /// A history check's metric (`row_count`, `null_fraction(email)`), stored per run so
    /// later runs compare with it; `nil` for other checks.
    public var metric: String?
    /// The metric's value on this run's table (also when the check was not evaluated).
    public var metricValue: Double?

    public init(name: String, kind: String, columns: [String], outcome: Outcome, severity: Severity,
                observed: Double? = nil, threshold: Double? = nil, comparison: Comparison = .atMost,
                failingRows: Int = 0, rowCount: Int = 0, samples: [SampleRow] = [], message: String) {
        self.name = name
        self.kind = kind
        self.columns = columns
        self.outcome = outcome
        self.severity = severity
        self.observed = observed
        self.threshold = threshold
        self.comparison = comparison
        self.failingRows = failingRows
        self.rowCount = rowCount
        self.samples = samples
        self.message = message
    }

    /// A result that could not be evaluated (nothing to measure).
    public static func notEvaluated(name: String, kind: String, columns: [String], severity: Severity,
                                    threshold: Double?, comparison: Comparison = .atMost, message: String) -> CheckResult {
        CheckResult(name: name, kind: kind, columns: columns, outcome: .notEvaluated, severity: severity,
                    threshold: threshold, comparison: comparison, message: message)
    }

    /// Whether this result failed at or above `bar`.
    public func fails(atOrAbove bar: Severity) -> Bool { outcome == .failed && severity >= bar }
}

/// `0.52%` — a fraction as a percentage with two decimals.
func percent(_ fraction: Double) -> String {
    let scaled = (fraction * 10_000).rounded() / 100
    var text = String(scaled)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < 2 { text += String(repeating: "0", count: 2 - decimals) }
    } else {
        text += ".00"
    }
    return text + "%"
}
