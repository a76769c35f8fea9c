import SluiceCore
import SluiceSpec

/// Passes when the newest value of a date or timestamp column is no older than
/// `maxAge` seconds before "now". Measured: the newest value's age in seconds (a
/// date counts from its midnight, UTC). An empty or all-null column is not evaluated.
///
/// ```swift
/// let check = try FreshnessCheck(column: "created_at", maxAge: 86_400)   // one day
/// ```
public struct FreshnessCheck: Check {
    public var column: String
    /// The oldest the newest row may be, in seconds.
    public var maxAge: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "freshness" }
    public var columns: [String] { [column] }

    /// - Throws: ``QualityError`` `.invalidOption` for a negative age.
    public init(column: String, maxAge: Double, severity: Severity = .error, name: String? = nil) throws {
        guard maxAge >= 0 else { throw QualityError(.invalidOption, message: "freshness max_age must not be negative") }
        self.column = column
        self.maxAge = maxAge
        self.severity = severity
        self.name = name ?? "freshness(\(column))"
    }

    var metric: Metric { .maximum(column: column) }

    public func metrics(for table: Table) throws -> [Metric] {
        let type = try table.qualityColumn(column).type
        guard type == .date || type == .timestamp else {
            throw QualityError(.incompatibleType, message: "a freshness check needs a date or timestamp column; \"\(column)\" is \(type)",
                               hint: "read the column as a timestamp with --schema \(column):timestamp")
        }
        return [metric]
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        _ = try metrics(for: context.table)
        let newest: Int64
        switch try context.value(of: metric).maximum {
        case .timestamp(let t)?: newest = t
        case .date(let d)?: newest = Int64(d) * 86_400_000_000
        default:
            return .notEvaluated(name: name, kind: kind, columns: columns, severity: severity, threshold: maxAge,
                                 message: context.table.rowCount == 0 ? "empty table: no rows to check" : "every value is null")
        }
        let age = Double(context.now - newest) / 1_000_000
        let passed = age <= maxAge
        let stamp = formatTimestamp(microsecondsSinceEpoch: newest)
        return CheckResult(name: name, kind: kind, columns: columns, outcome: passed ? .passed : .failed, severity: severity,
                           observed: age, threshold: maxAge, comparison: .atMost, rowCount: context.table.rowCount,
                           message: "newest \(stamp) is \(formatDuration(age)) old (\(passed ? "<=" : ">") \(formatDuration(maxAge)))")
    }
}

/// `3d 4h`, `25m`, `12s`: a duration for messages.
func formatDuration(_ seconds: Double) -> String {
    if seconds < 0 { return "-" + formatDuration(-seconds) }
    var rest = Int64(seconds.rounded())
    let days = rest / 86_400; rest %= 86_400
    let hours = rest / 3_600; rest %= 3_600
    let minutes = rest / 60; let secs = rest % 60
    var parts: [String] = []
    if days > 0 { parts.append("\(days)d") }
    if hours > 0 { parts.append("\(hours)h") }
    if minutes > 0 { parts.append("\(minutes)m") }
    if secs > 0 || parts.isEmpty { parts.append("\(secs)s") }
    return parts.prefix(2).joined(separator: " ")
}

/// Parses a duration in the one spec grammar (``SpecDuration``): `500ms`, `90s`, `15m`,
/// `24h`, `7d`, `2w`, or a plain number of seconds; finite and at most 10 years.
///
/// - Returns: seconds, or `nil` when the text is not a usable duration.
public func parseDuration(_ text: String) -> Double? {
    try? SpecDuration.seconds(text).get()
}
