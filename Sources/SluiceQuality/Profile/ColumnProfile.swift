import SluiceCore

/// Statistics of one column, from `sluice profile`.
///
/// Distinct counts are exact (a hash set or a sorted copy; memory grows with the
/// number of distinct values). Quantiles are exact too (nearest rank over a sorted
/// copy of the non-null values).
public struct ColumnProfile: Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var count: Int
    public var nulls: Int
    /// Exact number of distinct non-null values.
    public var distinct: Int
    public var min: Value?
    public var max: Value?
    /// Mean and population standard deviation (numeric columns; NaN values excluded).
    public var mean: Double?
    public var standardDeviation: Double?
    /// NaN values (float64 columns), counted apart from nulls.
    public var nanCount: Int
    /// Quantiles by probability: 0.05, 0.25, 0.5, 0.75, 0.95 (numeric, date and timestamp columns).
    public var quantiles: [(probability: Double, value: Value)]
    /// The most frequent values, most frequent first (ties: smaller or earlier first).
    public var topValues: [(value: Value, count: Int)]
    /// String length in Unicode scalars: min, max and mean (string columns).
    public var lengths: (min: Int, max: Int, mean: Double)?

    /// Null rows as a fraction of rows; `nil` for an empty column.
    public var nullFraction: Double? { count == 0 ? nil : Double(nulls) / Double(count) }

    public static func == (lhs: ColumnProfile, rhs: ColumnProfile) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.count == rhs.count && lhs.nulls == rhs.nulls
            && lhs.distinct == rhs.distinct && lhs.min == rhs.min && lhs.max == rhs.max
            && lhs.quantiles.map(\.value) == rhs.quantiles.map(\.value) && lhs.topValues.map(\.value) == rhs.topValues.map(\.value)
            && lhs.topValues.map(\.count) == rhs.topValues.map(\.count)
    }
}
