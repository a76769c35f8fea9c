import SluiceCore

/// Statistics of one column, from `sluice profile`.
///
/// Distinct counts of numeric, date, timestamp and bool columns are exact (runs in
/// the sorted copy that quantiles need anyway). String columns are counted exactly
/// up to ``Profiler/exactDistinctLimit`` distinct values in a hash set; beyond it the
/// set stops growing and a HyperLogLog sketch (16 KiB, ≈0.8% standard error)
/// estimates the count, so memory stays bounded: ``distinctIsExact`` says which.
/// Quantiles are exact (nearest rank over a sorted copy of the non-null values).
public struct ColumnProfile: Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var count: Int
    public var nulls: Int
    /// Number of distinct non-null values: exact when ``distinctIsExact``, else a
    /// HyperLogLog estimate.
    public var distinct: Int
    /// Whether ``distinct`` was counted exactly.
    public var distinctIsExact = true
    /// Whether ``topValues`` are the true most frequent values; `false` when a string
    /// column passed the exact limit: they are then the most frequent among the first
    /// ``Profiler/exactDistinctLimit`` distinct values seen (counts still exact).
    public var topValuesAreExact = true
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
    /// Equal-width bins from min to max (numeric, date and timestamp columns; dates
    /// and timestamps binned by their day or microsecond numbers), NaN excluded.
    public var histogram: [HistogramBin] = []

    /// Null rows as a fraction of rows; `nil` for an empty column.
    public var nullFraction: Double? { count == 0 ? nil : Double(nulls) / Double(count) }

    public static func == (lhs: ColumnProfile, rhs: ColumnProfile) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.count == rhs.count && lhs.nulls == rhs.nulls
            && lhs.distinct == rhs.distinct && lhs.distinctIsExact == rhs.distinctIsExact && lhs.min == rhs.min && lhs.max == rhs.max
            && lhs.quantiles.map(\.value) == rhs.quantiles.map(\.value) && lhs.topValues.map(\.value) == rhs.topValues.map(\.value)
            && lhs.topValues.map(\.count) == rhs.topValues.map(\.count)
    }
}

/// One bin of a histogram: values in `[lower, upper)` (the last bin includes `upper`).
public struct HistogramBin: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var count: Int
}

/// `bins` equal-width bins over sorted `values` (which must be finite and non-empty).
func histogram(sorted values: [Double], bins: Int = 10) -> [HistogramBin] {
    guard let lo = values.first, let hi = values.last, lo.isFinite, hi.isFinite else { return [] }
    if lo == hi { return [HistogramBin(lower: lo, upper: hi, count: values.count)] }
    let width = (hi - lo) / Double(bins)
    var result = (0..<bins).map { HistogramBin(lower: lo + Double($0) * width, upper: $0 == bins - 1 ? hi : lo + Double($0 + 1) * width, count: 0) }
    for v in values {
        let index = Swift.min(bins - 1, Int((v - lo) / width))
        result[index].count += 1
    }
    return result
}
