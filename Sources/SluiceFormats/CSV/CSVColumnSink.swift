import SluiceCore

/// One column being filled by the CSV parser: raw pointers into the column's
/// buffers, cached so the hot loop stores values with no ARC traffic and no
/// capacity checks (the parser reserves room for a whole window of rows first).
///
/// Nulls are recorded as set bits in `nullWords` — valid rows cost nothing —
/// and inverted into a validity ``Bitmap`` when the column is finished.
struct CSVColumnSink {
    let type: DataType
    /// Whether the type came from inference (a misfit then widens the column).
    let isInferred: Bool
    let valuesBuffer: RawBuffer
    let bytesBuffer: RawBuffer?
    var values: UnsafeMutableRawPointer
    var bytes: UnsafeMutableRawPointer
    /// Rows appended.
    var count = 0
    /// String bytes appended.
    var byteCount = 0
    var nullWords: [UInt64] = []
    var nullCount = 0
    let width: Int

    init(type: DataType, isInferred: Bool) {
        self.type = type
        self.isInferred = isInferred
        width = type.byteWidth
        valuesBuffer = RawBuffer(capacity: 1024)
        values = valuesBuffer.mutablePointer
        if type == .string {
            let bytesBuffer = RawBuffer(capacity: 1024)
            self.bytesBuffer = bytesBuffer
            bytes = bytesBuffer.mutablePointer
            values.storeBytes(of: Int64(0), as: Int64.self)   // offsets[0]
        } else {
            bytesBuffer = nil
            bytes = valuesBuffer.mutablePointer
        }
    }

    /// Guarantees room for `rows` more values and `stringBytes` more bytes.
    mutating func reserve(rows: Int, stringBytes: Int) {
        let slots = type == .string ? count + rows + 1 : count + rows
        valuesBuffer.reserve(slots * width)
        values = valuesBuffer.mutablePointer
        if let bytesBuffer {
            bytesBuffer.reserve(byteCount + stringBytes + 8)
            bytes = bytesBuffer.mutablePointer
        }
    }

    @inline(__always) mutating func append(int64 value: Int64) {
        values.storeBytes(of: value, toByteOffset: count &* 8, as: Int64.self)
        count &+= 1
    }

    @inline(__always) mutating func append(float64 value: Double) {
        values.storeBytes(of: value, toByteOffset: count &* 8, as: Double.self)
        count &+= 1
    }

    @inline(__always) mutating func append(date value: Int32) {
        values.storeBytes(of: value, toByteOffset: count &* 4, as: Int32.self)
        count &+= 1
    }

    @inline(__always) mutating func append(bool value: Bool) {
        values.storeBytes(of: value ? 1 : 0, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always) mutating func append(string source: UnsafePointer<UInt8>, count n: Int) {
        (bytes + byteCount).copyMemory(from: source, byteCount: n)
        byteCount &+= n
        count &+= 1
        values.storeBytes(of: Int64(byteCount), toByteOffset: count &* 8, as: Int64.self)
    }

    /// Appends a null: a zero value (or an empty string) and a set null bit.
    mutating func appendNull() {
        let word = count >> 6
        while nullWords.count <= word { nullWords.append(0) }
        nullWords[word] |= 1 << UInt64(count & 63)
        nullCount += 1
        switch type {
        case .string:
            count &+= 1
            values.storeBytes(of: Int64(byteCount), toByteOffset: count &* 8, as: Int64.self)
        case .bool: append(bool: false)
        case .date: append(date: 0)
        case .int64, .timestamp: append(int64: 0)
        case .float64: append(float64: 0)
        }
    }

    /// Forgets rows from `rows` on (a row being retried or skipped).
    mutating func truncate(toRows rows: Int) {
        guard rows < count else { return }
        for row in rows..<count where row >> 6 < nullWords.count {
            let bit: UInt64 = 1 << UInt64(row & 63)
            if nullWords[row >> 6] & bit != 0 {
                nullWords[row >> 6] &= ~bit
                nullCount -= 1
            }
        }
        count = rows
        if type == .string {
            byteCount = Int(values.load(fromByteOffset: rows * 8, as: Int64.self))
        }
    }

    /// The finished column. The sink must not be used afterwards.
    func finish() -> Column {
        var validity: Bitmap?
        if nullCount > 0 {
            var words = [UInt64](repeating: .max, count: (count + 63) >> 6)
            for (i, nulls) in nullWords.enumerated() where i < words.count { words[i] = ~nulls }
            validity = Bitmap(words: words, count: count)
        }
        if let bytesBuffer {
            valuesBuffer.count = (count + 1) * 8
            bytesBuffer.count = byteCount
            return Column(offsets: valuesBuffer, bytes: bytesBuffer, count: count, validity: validity)
        }
        valuesBuffer.count = count * width
        return Column(type: type, values: valuesBuffer, count: count, validity: validity)
    }
}

extension CSVColumnSink {
    /// Appends the rows of `other` (same type), growing this sink's buffers in place.
    mutating func append(contentsOf other: CSVColumnSink) {
        precondition(other.type == type, "merging a \(other.type) sink into a \(type) sink")
        let base = count
        reserve(rows: other.count, stringBytes: other.byteCount)
        if type == .string {
            (bytes + byteCount).copyMemory(from: other.bytes, byteCount: other.byteCount)
            let shift = Int64(byteCount)
            let source = other.values.assumingMemoryBound(to: Int64.self)
            let target = values.assumingMemoryBound(to: Int64.self)
            var i = 1
            while i <= other.count {
                target[base &+ i] = source[i] &+ shift
                i &+= 1
            }
            byteCount += other.byteCount
        } else {
            (values + base * width).copyMemory(from: other.values, byteCount: other.count * width)
        }
        count += other.count
        if other.nullCount > 0 {
            for (w, word) in other.nullWords.enumerated() where word != 0 {
                var bits = word
                while bits != 0 {
                    let row = base + w * 64 + bits.trailingZeroBitCount
                    let target = row >> 6
                    while nullWords.count <= target { nullWords.append(0) }
                    nullWords[target] |= 1 << UInt64(row & 63)
                    bits &= bits - 1
                }
            }
            nullCount += other.nullCount
        }
    }
}
