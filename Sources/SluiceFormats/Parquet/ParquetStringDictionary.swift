import SluiceCore

/// The distinct strings of a column chunk and each row's index among them, for
/// dictionary encoding; `nil` from the initializer when the distinct values take
/// more bytes than the limit (the writer then falls back to PLAIN).
struct ParquetStringDictionary {
    /// Distinct values in first-seen order (entry = dictionary index).
    private let values: BytesHashMap
    /// The dictionary index of every row (0 for nulls).
    private var indices: [UInt32]
    var count: Int { values.count }

    init?(_ column: Column, limit: Int) {
        var rowIndices = [UInt32](repeating: 0, count: column.count)
        let values = BytesHashMap(expected: 512)
        let validity = column.validity
        let strings = column.unsafeStrings()
        var overflow = false
        withExtendedLifetime(column) {
            rowIndices.withUnsafeMutableBufferPointer { indices in
                for i in 0..<strings.count where validity?.isValid(i) ?? true {
                    let (entry, inserted) = values.insert(strings[i])
                    indices[i] = UInt32(truncatingIfNeeded: entry)
                    if inserted && values.byteCount + 4 * (values.count + 1) > limit { overflow = true; return }
                }
            }
        }
        if overflow { return nil }
        indices = rowIndices
        self.values = values
    }

    /// The dictionary page body: every distinct value in PLAIN encoding.
    func writePlain(into output: RawBuffer) {
        for index in 0..<count {
            values.withBytes(at: index) { value in
                output.append(UInt32(value.count).littleEndian)
                if let base = value.baseAddress, value.count > 0 { output.append(UnsafeRawPointer(base), byteCount: value.count) }
            }
        }
    }

    /// The indices of the non-null rows of `slice` (rows `from…` of the chunk): bit width, then RLE/bit-packed.
    func writeIndices(_ slice: Column, from: Int, into output: RawBuffer, scratch: RawBuffer) {
        let width = Swift.max(1, UInt32(Swift.max(count - 1, 0)).bitWidth - UInt32(Swift.max(count - 1, 0)).leadingZeroBitCount)
        output.append(UInt8(width))
        scratch.removeAll()
        scratch.reserve(slice.count * 4)
        let dense = scratch.mutablePointer.assumingMemoryBound(to: UInt32.self)
        var n = 0
        let validity = slice.validity
        indices.withUnsafeBufferPointer { indices in
            for i in 0..<slice.count where validity?.isValid(i) ?? true {
                dense[n] = indices[from + i]
                n += 1
            }
        }
        ParquetHybridEncoder.encode(dense, count: n, bitWidth: width, into: output)
    }
}
