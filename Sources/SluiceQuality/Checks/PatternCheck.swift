import SluiceCore

/// Passes when the fraction of non-null rows that `pattern` does not match is at
/// most `threshold` (default 0). Nulls are not judged. The pattern is a POSIX
/// extended regular expression that searches (anchor with `^…$`).
///
/// ```swift
/// let check = try PatternCheck(column: "email", pattern: "^[^@ ]+@[^@ ]+$", threshold: 0.05)
/// ```
public struct PatternCheck: RowFractionCheck {
    public var column: String
    public var pattern: RegexPattern
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "pattern" }
    public var columns: [String] { [column] }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` for a pattern that does not compile or a threshold outside 0...1.
    public init(column: String, pattern: String, threshold: Double = 0, severity: Severity = .error, name: String? = nil) throws {
        try validateFraction(threshold, "pattern threshold")
        self.column = column
        self.pattern = try RegexPattern(pattern)
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "pattern(\(column))"
    }

    var metric: Metric { .notMatching(column: column, pattern: pattern) }

    public var failureDescription: String { "not matching /\(pattern.source)/" }

    public func metric(for table: Table) throws -> Metric {
        let type = try table.qualityColumn(column).type
        guard type == .string else {
            throw QualityError(.incompatibleType, message: "a pattern check cannot apply to column \"\(column)\" of type \(type)",
                               hint: "patterns match text; use range for \(type) columns")
        }
        return metric
    }
}
