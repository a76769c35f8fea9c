import SluiceCore

/// Duplicate rows of a decimal column: the 16 bytes of each unscaled value go into a
/// byte hash set (one column has one scale, so equal bytes are equal numbers).
final class DecimalDistinctKernel: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<Int128>
    let set: BytesHashMap

    init(_ column: Column) {
        values = column.unsafeValuesAddress(as: Int128.self)
        set = BytesHashMap(expected: Swift.min(column.count, 1 << 16))
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, values = self.values
        markFailing(start, end, validity) { row in !set.insert(Self.bytes(values, row)).inserted }
    }

    override func finish() -> MetricValue {
        MetricValue(count: set.count, failing: Bitmap(words: failing, count: count))
    }

    /// The 16 bytes of the unscaled value in `row`.
    @inline(__always)
    static func bytes(_ values: UnsafePointer<Int128>, _ row: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(values + row).assumingMemoryBound(to: UInt8.self), count: 16)
    }
}

/// Decimal values outside `lo...hi` (unscaled at the column's scale): exact comparisons.
final class DecimalRangeKernel: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<Int128>
    let lo: Int128, hi: Int128

    init(_ column: Column, _ lo: Int128, _ hi: Int128) {
        values = column.unsafeValuesAddress(as: Int128.self)
        self.lo = lo
        self.hi = hi
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let values = self.values, lo = self.lo, hi = self.hi
        markFailing(start, end, validity) { row in values[row] < lo || values[row] > hi }
    }
}

/// Decimal values missing from a set of the same decimal type.
final class DecimalMembershipKernel: FailingRowsKernel, BlockKernel {
    let values: UnsafePointer<Int128>
    let set: BytesHashMap

    init(_ column: Column, _ set: BytesHashMap) {
        values = column.unsafeValuesAddress(as: Int128.self)
        self.set = set
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set, values = self.values
        markFailing(start, end, validity) { row in !set.contains(DecimalDistinctKernel.bytes(values, row)) }
    }
}
