import SluiceCore

/// The values of a column as byte keys for a ``BytesHashMap``: strings and binary values
/// as their bytes, decimals as the 16 bytes of the unscaled value (one column has one
/// scale, so equal bytes are equal numbers).
enum ByteKeys {
    case strings(StringsView)
    case decimals(UnsafePointer<Int128>)

    init(_ column: Column) {
        if case .decimal = column.type {
            self = .decimals(column.unsafeValuesAddress(as: Int128.self))
        } else {
            self = .strings(column.unsafeStrings())
        }
    }

    /// The 16 bytes of the unscaled decimal in `row`.
    @inline(__always)
    static func bytes(_ values: UnsafePointer<Int128>, _ row: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(values + row).assumingMemoryBound(to: UInt8.self), count: 16)
    }
}

/// Distinct strings, binary values or decimals through a byte hash set; repeats are the
/// failing rows.
final class BytesDistinctKernel: FailingRowsKernel, BlockKernel {
    let keys: ByteKeys
    let set: BytesHashMap

    init(_ column: Column) {
        keys = ByteKeys(column)
        set = BytesHashMap(expected: Swift.min(column.count, 1 << 16))
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set
        switch keys {
        case .strings(let strings): markFailing(start, end, validity) { row in !set.insert(strings[row]).inserted }
        case .decimals(let values): markFailing(start, end, validity) { row in !set.insert(ByteKeys.bytes(values, row)).inserted }
        }
    }

    override func finish() -> MetricValue {
        MetricValue(count: set.count, failing: Bitmap(words: failing, count: count))
    }
}

/// Strings, binary values or decimals missing from a set of the same type.
final class BytesMembershipKernel: FailingRowsKernel, BlockKernel {
    let keys: ByteKeys
    let set: BytesHashMap

    init(_ column: Column, _ set: BytesHashMap) {
        keys = ByteKeys(column)
        self.set = set
        super.init(count: column.count)
    }

    func consume(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?) {
        let set = self.set
        switch keys {
        case .strings(let strings): markFailing(start, end, validity) { row in !set.contains(strings[row]) }
        case .decimals(let values): markFailing(start, end, validity) { row in !set.contains(ByteKeys.bytes(values, row)) }
        }
    }
}
