import SluiceCore

/// Passes when the row count lies in `[min, max]` (either bound may be open). The
/// one check that is evaluated on an empty table: zero rows is a count.
///
/// ```swift
/// let check = try RowCountCheck(min: 1, severity: .critical)
/// ```
public struct RowCountCheck: Check {
    public var min: Int?
    public var max: Int?
    public var severity: Severity
    public var name: String
    public var kind: String { "row_count" }
    public var columns: [String] { [] }

    /// - Throws: ``QualityError`` `.invalidOption` without bounds, or with `min > max`.
    public init(min: Int? = nil, max: Int? = nil, severity: Severity = .error, name: String? = nil) throws {
        guard min != nil || max != nil else { throw QualityError(.invalidOption, message: "row_count needs min, max or both") }
        if let min, let max, min > max { throw QualityError(.invalidOption, message: "row_count min \(min) is above max \(max)") }
        self.min = min
        self.max = max
        self.severity = severity
        self.name = name ?? "row_count"
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let rows = context.table.rowCount
        var broken: Int?
        if let min, rows < min { broken = min }
        if let max, rows > max { broken = max }
        let bounds = "[\(min.map(String.init) ?? "0"), \(max.map(String.init) ?? "inf")]"
        return CheckResult(name: name, kind: kind, columns: [], outcome: broken == nil ? .passed : .failed, severity: severity,
                           observed: Double(rows), threshold: Double(broken ?? min ?? max ?? 0), comparison: .between,
                           rowCount: rows, message: "\(rows) rows \(broken == nil ? "in" : "not in") \(bounds)")
    }
}
