import SluiceCore

/// Passes when the fraction of rows whose value is absent from a reference column
/// (another table's key) is at most `threshold` (default 0.01, the seed's
/// `check_referential_integrity`). As with SQL foreign keys, a null refers to
/// nothing and is not counted absent; `not_null` judges nulls. Severity defaults
/// to `critical`, as in the seed.
///
/// ```swift
/// let check = try ReferentialCheck(column: "user_id", reference: try users.column("id"), referenceName: "users.id")
/// ```
public struct ReferentialCheck: RowFractionCheck {
    public var column: String
    /// The reference column's values.
    public var reference: ValueSet
    /// How reports name the reference (`users.csv:id`).
    public var referenceName: String
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "referential" }
    public var columns: [String] { [column] }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` when `threshold` is not in 0...1.
    public init(column: String, reference: Column, referenceName: String, threshold: Double = 0.01,
                severity: Severity = .critical, name: String? = nil) throws {
        try validateFraction(threshold, "referential threshold")
        self.column = column
        // A fresh key: two references with one name but different columns never share a metric.
        self.reference = ValueSet(column: reference)
        self.referenceName = referenceName
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "referential(\(column) -> \(referenceName))"
    }

    var metric: Metric { .notIn(column: column, set: reference) }

    public var failureDescription: String { "missing in \(referenceName)" }

    public func metric(for table: Table) throws -> Metric {
        let type = try table.qualityColumn(column).type
        let fits = type == reference.type || (type.isNumeric && reference.type.isNumeric)
        guard fits else {
            throw QualityError(.incompatibleType,
                               message: "column \"\(column)\" is \(type) but its reference \(referenceName) is \(reference.type)",
                               hint: "declare matching types with --schema or in the dataset's schema")
        }
        return metric
    }
}
