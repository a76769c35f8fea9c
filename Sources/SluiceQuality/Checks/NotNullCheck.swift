import SluiceCore

/// Passes when the fraction of null rows is at most `threshold` (the seed's
/// `check_nulls`). NaN is a value, not a null.
///
/// Severity defaults to `critical` when the threshold is below 0.01, else `error`.
/// ```swift
/// let check = NotNullCheck(column: "user_id", threshold: 0)   // critical
/// ```
public struct NotNullCheck: Check {
    public var column: String
    /// The largest null fraction that passes (default 0.01).
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "not_null" }
    public var columns: [String] { [column] }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` when `threshold` is not in 0...1.
    public init(column: String, threshold: Double = 0.01, severity: Severity? = nil, name: String? = nil) throws {
        try validateFraction(threshold, "not_null threshold")
        self.column = column
        self.threshold = threshold
        self.severity = severity ?? (threshold < 0.01 ? .critical : .error)
        self.name = name ?? "not_null(\(column))"
    }

    public func metrics(for table: Table) throws -> [Metric] {
        _ = try table.qualityColumn(column)
        return []
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let values = try context.column(column)
        return failureFractionResult(
            name: name, kind: kind, columns: columns, severity: severity, failing: values.nullCount,
            rows: values.count, threshold: threshold,
            samples: context.samples(try failingRows(in: context), columns: columns), what: "nulls")
    }

    public func failingRows(in context: EvaluationContext) throws -> Bitmap? {
        let values = try context.column(column)
        guard let validity = values.validity else { return Bitmap(count: values.count, allValid: false) }
        return Bitmap(words: validity.words.map { ~$0 }, count: values.count)
    }
}
