import SluiceCore

/// A number a check needs from the data. Checks declare their metrics; a ``Suite``
/// collects them, groups them by column and computes every metric of a column in
/// one pass over its buffers, so ten checks on one column read it once.
public enum Metric: Hashable, Sendable {
    /// Distinct non-null values of a column; failing rows are repeats of an earlier value.
    case distinct(column: String)
    /// Non-null rows outside closed bounds (NaN is outside every range).
    case outOfRange(column: String, bounds: RangeBounds)
    /// Non-null rows whose value is not in a set.
    case notIn(column: String, set: ValueSet)
    /// Non-null rows of a string column that the pattern does not match.
    case notMatching(column: String, pattern: RegexPattern)
    /// The greatest non-null value of a column (NaN ignored).
    case maximum(column: String)
    /// Distinct combinations over several columns (nulls group together, as in
    /// `GROUP BY`); failing rows are repeats of an earlier combination. Computed in
    /// its own pass over those columns.
    case distinctRows(columns: [String])
    /// Rows for which a boolean expression over any columns is not true (or, with
    /// `nullsPass`, is false). Evaluated in its own job, a whole column per node.
    case predicate(RowPredicate)

    /// The single column this metric reads, if it reads one.
    public var column: String? {
        switch self {
        case .distinct(let c), .outOfRange(let c, _), .notIn(let c, _), .notMatching(let c, _), .maximum(let c): c
        case .distinctRows, .predicate: nil
        }
    }
}

/// Closed bounds in a column's own representation: integers for int64, date (days)
/// and timestamp (microseconds) columns, doubles for float64 columns.
public enum RangeBounds: Hashable, Sendable {
    case integers(Int64, Int64)
    case reals(Double, Double)
    /// Unscaled bounds at the column's scale (inclusive; already rounded inwards).
    case decimals(Int128, Int128)
}

/// What the scan measured for one ``Metric``.
public struct MetricValue: Sendable, Equatable {
    /// Distinct values for `.distinct`/`.distinctRows`; otherwise the failing-row count.
    public var count: Int
    /// Rows the metric holds against the data (`nil` for `.maximum`).
    public var failing: Bitmap?
    /// The greatest value, for `.maximum` (`nil` when every row is null).
    public var maximum: Value?

    public init(count: Int, failing: Bitmap? = nil, maximum: Value? = nil) {
        self.count = count
        self.failing = failing
        self.maximum = maximum
    }
}
