/// Column sums: the one sum kernel.
///
/// Rules: null rows are skipped (an all-null column sums to zero); integer and decimal
/// sums are exact and return `nil` when the total leaves the type (the caller checks a
/// decimal total against its precision); float sums are compensated (Neumaier) so the
/// total does not drift with row order, and NaN propagates as IEEE arithmetic says.
public enum Sums {
    /// The exact sum of an integer-backed column read as `T` (`Int64`, or `Int128` for
    /// decimals); `nil` on overflow.
    @inlinable
    @_specialize(where T == Int64)
    @_specialize(where T == Int128)
    package static func exact<T: FixedWidthInteger & BitwiseCopyable>(_ column: Column, as _: T.Type) -> T? {
        column.withUnsafeValidityWords { validity in
            column.withUnsafeValues(as: T.self) { values in
                var total: T = 0, overflow = false
                forEachValidRow(0, column.count, validity) { row in
                    let (s, o) = total.addingReportingOverflow(values[row])
                    total = s
                    overflow = overflow || o
                }
                return overflow ? nil : total
            }
        }
    }

    /// The compensated sum of a float64 column's valid values.
    @inlinable
    package static func compensated(_ column: Column) -> Double {
        column.withUnsafeValidityWords { validity in
            column.withUnsafeValues(as: Double.self) { values in
                var sum = CompensatedSum()
                forEachValidRow(0, column.count, validity) { sum.add(values[$0]) }
                return sum.value
            }
        }
    }
}

/// Neumaier's compensated summation: the running total plus the low-order bits each
/// addition lost, so that a sum of decimal-looking doubles stays exact far longer
/// than a plain `+` and does not depend on the order of the values.
public struct CompensatedSum {
    @usableFromInline var sum = 0.0
    @usableFromInline var compensation = 0.0

    @inlinable package init() {}

    @inlinable package mutating func add(_ x: Double) {
        let t = sum + x
        compensation += sum.magnitude >= x.magnitude ? (sum - t) + x : (x - t) + sum
        sum = t
    }

    /// The total so far.
    @inlinable package var value: Double { sum + compensation }
}
