import SluiceCore

/// The buffers one Parquet column is decoded into, page after page: values (or
/// string offsets) and UTF-8 bytes in ``RawBuffer``s, validity as 64-bit words.
///
/// A page's non-null values are first appended densely after the committed rows,
/// then ``commit(levels:rows:present:maxLevel:)`` spreads them out in place to their
/// rows (walking backwards, so nothing is overwritten before it moved) and records
/// validity. Null slots hold zero, or an empty string.
final class ParquetColumnBuffer {
    let type: DataType
    let width: Int
    /// Fixed-width values, or `count + 1` `Int64` string offsets.
    private(set) var values: RawBuffer
    /// UTF-8 bytes of a string column.
    private(set) var bytes: RawBuffer
    /// Committed rows.
    private(set) var count = 0
    /// Dense values appended since the last commit.
    private(set) var pending = 0
    private var validity: [UInt64]?

    init(type: DataType, capacity: Int) {
        self.type = type
        width = type.byteWidth
        values = RawBuffer(capacity: (Swift.max(capacity, 1) + 1) * width)
        bytes = RawBuffer(capacity: type.isVariableWidth ? Swift.max(capacity, 1) * 8 : 0)
        if type.isVariableWidth { values.append(Int64(0)) }
    }

    /// Forgets every row, keeping the memory when nothing else holds it.
    func reset(capacity: Int) {
        values = RawBuffer(capacity: (Swift.max(capacity, 1) + 1) * width)
        bytes = RawBuffer(capacity: type.isVariableWidth ? Swift.max(capacity, 1) * 8 : 0)
        if type.isVariableWidth { values.append(Int64(0)) }
        count = 0
        pending = 0
        validity = nil
    }

    // MARK: dense appends (fixed width)

    /// Room for `n` more dense values; returns where the next one goes.
    func reserveDense<T: BitwiseCopyable>(_ n: Int, as _: T.Type) -> UnsafeMutablePointer<T> {
        let used = (count + pending) * width + (type.isVariableWidth ? 8 : 0)
        values.reserve(used + n * width)
        return (values.mutablePointer + used).assumingMemoryBound(to: T.self)
    }

    /// Marks `n` dense values written after ``reserveDense(_:as:)``.
    func didAppendDense(_ n: Int) {
        pending += n
        values.count = (count + pending) * width + (type.isVariableWidth ? 8 : 0)
    }

    // MARK: dense appends (strings)

    /// The last string offset (where the next string's bytes start).
    var lastOffset: Int64 {
        values.load(at: count + pending, as: Int64.self)
    }

    /// Appends one string's bytes (the caller validates UTF-8).
    @inline(__always)
    func appendString(_ source: UnsafeRawPointer, count n: Int) {
        if n > 0 { bytes.append(source, byteCount: n) }
        values.append(Int64(bytes.count))
        pending += 1
    }

    /// The bytes buffer, for bulk writers that append and then call ``appendOffsets``.
    var byteBuffer: RawBuffer { bytes }

    // MARK: commit

    /// Spreads the `present` dense values over `rows` rows by `levels` (a row holds a
    /// value where its level equals `maxLevel`); `levels == nil` means all present.
    func commit(levels: UnsafePointer<UInt8>?, rows: Int, present: Int, maxLevel: UInt8) {
        precondition(present == pending, "dense values \(pending) do not match the \(present) levels say")
        defer { count += rows; pending = 0 }
        guard let levels, present < rows else {
            if validity != nil { appendValidity(levels: nil, rows: rows, maxLevel: maxLevel) }
            return
        }
        appendValidity(levels: levels, rows: rows, maxLevel: maxLevel)
        if type.isVariableWidth {
            values.reserve((count + rows + 1) * 8)
            let offsets = values.mutablePointer.assumingMemoryBound(to: Int64.self) + count
            // offsets[1...present] hold the dense ends; offsets[0] the start.
            var dense = present
            var row = rows
            while row > 0 && dense < row {
                if levels[row - 1] == maxLevel {
                    offsets[row] = offsets[dense]
                    dense -= 1
                } else {
                    offsets[row] = offsets[dense]
                }
                row -= 1
            }
            values.count = (count + rows + 1) * 8
            return
        }
        values.reserve((count + rows) * width)
        switch width {
        case 1: spread(UInt8.self, levels: levels, rows: rows, present: present, maxLevel: maxLevel)
        case 4: spread(Int32.self, levels: levels, rows: rows, present: present, maxLevel: maxLevel)
        case 16: spread(Int128.self, levels: levels, rows: rows, present: present, maxLevel: maxLevel)
        default: spread(Int64.self, levels: levels, rows: rows, present: present, maxLevel: maxLevel)
        }
        values.count = (count + rows) * width
    }

    /// Marks the `rows` values appended since the last commit (one per row, nulls
    /// included as zero or empty) as committed; `validity[i] == 1` where row `i` holds a value.
    func markRows(_ rows: Int, validity: [UInt8], present: Int) {
        precondition(rows == pending, "\(pending) values appended for \(rows) rows")
        if present < rows || self.validity != nil {
            validity.withUnsafeBufferPointer { appendValidity(levels: $0.baseAddress, rows: rows, maxLevel: 1) }
        }
        count += rows
        pending = 0
    }

    private func spread<T: FixedWidthInteger>(_: T.Type, levels: UnsafePointer<UInt8>, rows: Int, present: Int, maxLevel: UInt8) {
        let base = values.mutablePointer.assumingMemoryBound(to: T.self) + count
        var dense = present - 1
        var row = rows - 1
        while row >= 0 && dense < row {
            if levels[row] == maxLevel {
                base[row] = base[dense]
                dense -= 1
            } else {
                base[row] = 0
            }
            row -= 1
        }
    }

    private func appendValidity(levels: UnsafePointer<UInt8>?, rows: Int, maxLevel: UInt8) {
        if validity == nil {
            var words = [UInt64](repeating: .max, count: (count + 63) >> 6)
            if count & 63 != 0 { words[words.count - 1] = (1 << UInt64(count & 63)) &- 1 }
            validity = words
        }
        let total = count + rows
        let needed = (total + 63) >> 6
        if validity!.count < needed { validity!.append(contentsOf: repeatElement(0, count: needed - validity!.count)) }
        validity!.withUnsafeMutableBufferPointer { words in
            var row = count
            for i in 0..<rows {
                if levels == nil || levels![i] == maxLevel { words[row >> 6] |= 1 << UInt64(row & 63) }
                row += 1
            }
        }
    }

    /// The committed rows as a column (the buffer must not be used afterwards).
    func finish() -> Column {
        let bitmap = validity.map { Bitmap(words: Array($0.prefix((count + 63) >> 6)), count: count) }
        if type.isVariableWidth {
            return Column(offsets: values, bytes: bytes, count: count, validity: bitmap, type: type)
        }
        return Column(type: type, values: values, count: count, validity: bitmap)
    }
}
