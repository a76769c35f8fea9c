/// What `sluice scan` reports of a column: its null count, and its sum and extremes as
/// text (decimals exact at their scale, floats compensated, dates and timestamps in ISO
/// form), each computed with one pass of the shared kernels (``Sums``, ``Extremes``).
///
/// ```swift
/// let summary = ColumnSummary(field: table.schema.fields[0], column: table.columns[0])
/// print(summary.min ?? "-", summary.max ?? "-")
/// ```
public struct ColumnSummary: Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var nulls: Int
    /// The total of a numeric column (`nil` for other types, or a decimal total past 38 digits).
    public var sum: String?
    /// The least and greatest value (`nil` without a valid one, and for strings, bools, binary).
    public var min: String?
    public var max: String?

    public init(field: Field, column: Column) {
        name = field.name
        type = field.type
        nulls = column.nullCount
        // Sums and extremes by the one set of kernels (SluiceCore `Sums`, `Extremes`).
        switch column.type {
        case .decimal(_, let scale):
            // Exact: an Int128 total, printed with the column's scale (none past 38 digits).
            let total = Sums.exact(column, as: Int128.self)
            let fits = total.map { $0.magnitude <= UInt128(Decimal128.maxUnscaled(precision: DataType.maxDecimalPrecision)) } ?? false
            sum = fits ? total.map { Decimal128.format($0, scale: scale) } : nil
            if let e = Extremes<Int128>.of(column) { min = Decimal128.format(e.min, scale: scale); max = Decimal128.format(e.max, scale: scale) }
        case .int64:
            sum = Sums.exact(column, as: Int64.self).map { String($0) }
            if let e = Extremes<Int64>.of(column) { min = String(e.min); max = String(e.max) }
        case .float64:
            // Compensated: the printed total does not drift with row order.
            sum = formatDouble(Sums.compensated(column))
            if let e = Extremes<Double>.of(column) { min = formatDouble(e.min); max = formatDouble(e.max) }
        case .date:
            if let e = Extremes<Int32>.of(column) { min = formatDate(daysSinceEpoch: e.min); max = formatDate(daysSinceEpoch: e.max) }
        case .timestamp:
            if let e = Extremes<Int64>.of(column) { min = formatTimestamp(microsecondsSinceEpoch: e.min); max = formatTimestamp(microsecondsSinceEpoch: e.max) }
        case .string, .bool, .binary:
            break
        }
    }
}
