import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// The buffers were reserved up front and are shared with another sink writing
    /// elsewhere in them: `reserve` must never grow (and so move) them.
    private(set) var hasFixedCapacity = false
    /// A column the read skips: nothing is ever appended, nothing reserved.
    let isSkipped: Bool

    init(type: DataType, isInferred: Bool, isSkipped: Bool = false) {
        self.type = type
        self.isInferred = isInferred
        self.isSkipped = isSkipped
        width = type.byteWidth
        valuesBuffer = RawBuffer(capacity: 1024)
        values = valuesBuffer.mutablePointer
        if type.isVariableWidth {
            let bytesBuffer = RawBuffer(capacity: 1024)
            self.bytesBuffer = bytesBuffer
            bytes = bytesBuffer.mutablePointer
            values.storeBytes(of: Int64(0), as: Int64.self)   // offsets[0]
        } else {
            bytesBuffer = nil
            bytes = valuesBuffer.mutablePointer
        }
    }

    /// A sink that writes into `other`'s buffers, starting at row slot `rowOffset`
    /// and string byte `byteOffset`; both sinks' buffers must already be reserved
    /// for everything either will write (see ``reserveFixed(rows:stringBytes:)``).
    /// Its offsets count from its own first byte; ``append(contentsOf:)`` rebases them.
    init(sharing other: CSVColumnSink, rowOffset: Int, byteOffset: Int) {
        precondition(other.hasFixedCapacity, "share only buffers reserved with reserveFixed")
        type = other.type
        isInferred = other.isInferred
        isSkipped = other.isSkipped
        width = other.width
        valuesBuffer = other.valuesBuffer
        bytesBuffer = other.bytesBuffer
        values = valuesBuffer.mutablePointer + rowOffset * width
        bytes = bytesBuffer.map { $0.mutablePointer + byteOffset } ?? values
        hasFixedCapacity = true
        if type.isVariableWidth && !isSkipped { values.storeBytes(of: Int64(0), as: Int64.self) }
    }

    /// Reserves room for `rows` values and `stringBytes` bytes in all, once, and
    /// from then on never grows (so other sinks may share the buffers).
    mutating func reserveFixed(rows: Int, stringBytes: Int) {
        reserve(rows: rows - count, stringBytes: stringBytes - byteCount)
        hasFixedCapacity = true
    }

    /// Guarantees room for `rows` more values and `stringBytes` more bytes.
    mutating func reserve(rows: Int, stringBytes: Int) {
        if hasFixedCapacity || isSkipped { return }   // reserved up front for everything this sink writes, or never written
        let slots = type.isVariableWidth ? count + rows + 1 : count + rows
        valuesBuffer.reserve(slots * width)
        values = valuesBuffer.mutablePointer
        if let bytesBuffer {
            bytesBuffer.reserve(byteCount + stringBytes + 8)
            bytes = bytesBuffer.mutablePointer
        }
    }

    @inline(__always) mutating func append(int64 value: Int64) { appendFixed(value) }
    @inline(__always) mutating func append(float64 value: Double) { appendFixed(value) }
    @inline(__always) mutating func append(date value: Int32) { appendFixed(value) }
    /// Appends a decimal's unscaled value.
    @inline(__always) mutating func append(decimal value: Int128) { appendFixed(value) }
    @inline(__always) mutating func append(bool value: Bool) { appendFixed(UInt8(value ? 1 : 0)) }

    /// Stores a fixed-width value in the next slot (the column's width is `T`'s stride).
    @inline(__always) private mutating func appendFixed<T: BitwiseCopyable>(_ value: T) {
        values.storeBytes(of: value, toByteOffset: count &* MemoryLayout<T>.stride, as: T.self)
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
        if isSkipped { return }   // padding a short row
        let word = count >> 6
        while nullWords.count <= word { nullWords.append(0) }
        nullWords[word] |= 1 << UInt64(count & 63)
        nullCount += 1
        switch type {
        case .string, .binary:
            count &+= 1
            values.storeBytes(of: Int64(byteCount), toByteOffset: count &* 8, as: Int64.self)
        case .bool: append(bool: false)
        case .date: append(date: 0)
        case .int64, .timestamp: append(int64: 0)
        case .float64: append(float64: 0)
        case .decimal: append(decimal: 0)
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
        if type.isVariableWidth {
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
            return Column(offsets: valuesBuffer, bytes: bytesBuffer, count: count, validity: validity, type: type)
        }
        valuesBuffer.count = count * width
        return Column(type: type, values: valuesBuffer, count: count, validity: validity)
    }
}

extension CSVColumnSink {
    /// Appends the rows of `other` (same type), growing this sink's buffers in place.
    /// `other` may live further on in this sink's own buffers (a sharing sink): the
    /// rows then move down (memmove) and the pages they leave are given back.
    mutating func append(contentsOf other: CSVColumnSink) {
        precondition(other.type == type, "merging a \(other.type) sink into a \(type) sink")
        if isSkipped { return }
        let base = count
        reserve(rows: other.count, stringBytes: other.byteCount)
        if type.isVariableWidth {
            memmove(bytes + byteCount, other.bytes, other.byteCount)   // regions may overlap
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
            memmove(values + base * width, other.values, other.count * width)   // regions may overlap
        }
        if other.valuesBuffer === valuesBuffer {
            // The sharing sink's old place, past the merged rows, is now unused.
            let slots = type.isVariableWidth ? base + other.count + 1 : base + other.count
            valuesBuffer.releasePages(from: slots * width)
            bytesBuffer?.releasePages(from: byteCount)
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

/// A sink moves between threads only with the parse it belongs to (handed over by
/// thread creation and join); sinks that share buffers write disjoint ranges of them.
extension CSVColumnSink: @unchecked Sendable {}
