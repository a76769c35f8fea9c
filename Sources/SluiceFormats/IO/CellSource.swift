import SluiceCore

/// One column's values seen through raw pointers, for writers that emit rows:
/// the type is dispatched once per column, and each cell is a load and a format.
/// Valid while the column it came from is alive.
package enum CellSource {
    case bool(UnsafePointer<UInt8>)
    case int64(UnsafePointer<Int64>)
    case float64(UnsafePointer<Double>)
    case date(UnsafePointer<Int32>)
    case timestamp(UnsafePointer<Int64>)
    case string(StringsView)
    /// Unscaled values and the scale.
    case decimal(UnsafePointer<Int128>, scale: Int)
    case binary(StringsView)

    package init(_ column: Column) {
        switch column.type {
        case .bool: self = .bool(column.unsafeValuesAddress(as: UInt8.self))
        case .int64: self = .int64(column.unsafeValuesAddress(as: Int64.self))
        case .float64: self = .float64(column.unsafeValuesAddress(as: Double.self))
        case .date: self = .date(column.unsafeValuesAddress(as: Int32.self))
        case .timestamp: self = .timestamp(column.unsafeValuesAddress(as: Int64.self))
        case .string: self = .string(column.unsafeStrings())
        case .decimal(_, let scale): self = .decimal(column.unsafeValuesAddress(as: Int128.self), scale: scale)
        case .binary: self = .binary(column.unsafeStrings())
        }
    }
}
