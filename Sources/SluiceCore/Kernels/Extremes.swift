/// A value the min/max kernels can order.
package protocol OrderedElement: Comparable, BitwiseCopyable {
    /// The greatest and least values of the type: the starting points of a min and a max.
    static var orderGreatest: Self { get }
    static var orderLeast: Self { get }
    /// `false` for a value with no place in the order (NaN), which the kernels skip.
    var isOrdered: Bool { get }
}

/// Integers order over their whole range and always have a place in it.
extension OrderedElement where Self: FixedWidthInteger {
    @inlinable package static var orderGreatest: Self { .max }
    @inlinable package static var orderLeast: Self { .min }
    @inlinable package var isOrdered: Bool { true }
}
extension Int64: OrderedElement {}
extension Int32: OrderedElement {}
extension UInt8: OrderedElement {}
extension Int128: OrderedElement {}
extension Double: OrderedElement {
    @inlinable package static var orderGreatest: Double { .infinity }
    @inlinable package static var orderLeast: Double { -.infinity }
    @inlinable package var isOrdered: Bool { !isNaN }
}

/// The least and greatest value of a column: the one min/max kernel.
///
/// Rules, stated once for every caller (scan checks, profiles, `sluice scan`, Parquet
/// statistics):
/// - null rows are skipped; a column with no valid value has no extremes (`nil`);
/// - NaN is skipped (it has no place in the order), so a float column of only NaN and
///   nulls has no extremes; infinities take part;
/// - `-0.0` and `+0.0` are equal: which one is reported is unspecified (Parquet widens it);
/// - dates, timestamps and decimals order by their stored integers (one decimal column
///   has one scale); bools as 0 < 1;
/// - strings and binary values order byte-wise, unsigned (code point order for UTF-8).
package struct Extremes<T: OrderedElement> {
    package var min: T
    package var max: T

    @inlinable package init(min: T, max: T) {
        self.min = min
        self.max = max
    }

    /// The extremes of rows `start..<end` (`start` a multiple of 64) merged with `current`.
    @inlinable
    // Pre-specialized too: a caller in another module (then the CLI's `scan`, whose statistics are now
    // `ColumnSummary`) was measured calling the generic body (3× slower) although it is @inlinable.
    @_specialize(where T == Int64)
    @_specialize(where T == Int32)
    @_specialize(where T == UInt8)
    @_specialize(where T == Double)
    @_specialize(where T == Int128)
    package static func of(_ values: UnsafePointer<T>, _ start: Int, _ end: Int, validity: UnsafePointer<UInt64>?,
                           merging current: Extremes<T>? = nil) -> Extremes<T>? {
        var low = current?.min ?? T.orderGreatest, high = current?.max ?? T.orderLeast
        var found = current != nil
        forEachValidRow(start, end, validity) { row in
            let v = values[row]
            if v.isOrdered {
                low = Swift.min(low, v)
                high = Swift.max(high, v)
                found = true
            }
        }
        return found ? Extremes(min: low, max: high) : nil
    }

    /// The extremes of a fixed-width column read as `T` (see ``Column/withUnsafeValues(as:_:)``).
    @inlinable
    @_specialize(where T == Int64)
    @_specialize(where T == Int32)
    @_specialize(where T == UInt8)
    @_specialize(where T == Double)
    @_specialize(where T == Int128)
    package static func of(_ column: Column) -> Extremes<T>? {
        column.withUnsafeValidityWords { validity in
            column.withUnsafeValues(as: T.self) { values in
                guard let base = values.baseAddress else { return nil }
                return of(base, 0, column.count, validity: validity)
            }
        }
    }
}

/// The rows holding the byte-wise least and greatest value of a string or binary column.
package struct StringExtremes {
    package var minRow: Int
    package var maxRow: Int

    /// `nil` when every row is null (the rules of ``Extremes``).
    package static func of(_ column: Column) -> StringExtremes? {
        column.withUnsafeValidityWords { validity in
            column.withUnsafeStrings { view in
                var low = -1, high = -1
                forEachValidRow(0, column.count, validity) { row in
                    let bytes = view[row]
                    if low < 0 {
                        low = row
                        high = row
                    } else if compareBytes(bytes, view[low]) < 0 {
                        low = row
                    } else if compareBytes(bytes, view[high]) > 0 {
                        high = row
                    }
                }
                return low < 0 ? nil : StringExtremes(minRow: low, maxRow: high)
            }
        }
    }
}
