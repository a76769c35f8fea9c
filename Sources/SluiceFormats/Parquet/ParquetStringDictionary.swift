import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct strings of a column chunk and each row's index among them, for
/// dictionary encoding; `nil` from the initializer when the distinct values take
/// more bytes than the limit (the writer then falls back to PLAIN).
struct ParquetStringDictionary {
    /// Distinct values in first-seen order: offsets into `bytes`.
    private var offsets: [Int] = [0]
    private let bytes = RawBuffer()
    /// The dictionary index of every row (0 for nulls).
    private var indices: [UInt32]
    var count: Int { offsets.count - 1 }

    init?(_ column: Column, limit: Int) {
        var rowIndices = [UInt32](repeating: 0, count: column.count)
        var offsets: [Int] = [0]
        let bytes = self.bytes
        var table = [Int32](repeating: -1, count: 1024)
        var mask = table.count - 1
        let validity = column.validity
        let strings = column.unsafeStrings()
        var overflow = false
        withExtendedLifetime(column) {
            rowIndices.withUnsafeMutableBufferPointer { indices in
                for i in 0..<strings.count where validity?.isValid(i) ?? true {
                    let value = strings[i]
                    let hash = Int(truncatingIfNeeded: XXHash64.hash(base: UnsafeRawPointer(value.baseAddress ?? strings.bytes), count: value.count))
                    var slot = hash & mask
                    while true {
                        let entry = Int(table[slot])
                        if entry < 0 {
                            let index = offsets.count - 1
                            table[slot] = Int32(index)
                            if let base = value.baseAddress, value.count > 0 { bytes.append(UnsafeRawPointer(base), byteCount: value.count) }
                            offsets.append(bytes.count)
                            indices[i] = UInt32(index)
                            if bytes.count + 4 * offsets.count > limit { overflow = true; return }
                            if offsets.count * 2 > table.count { Self.rehash(&table, &mask, offsets: offsets, bytes: bytes) }
                            break
                        }
                        let lower = offsets[entry], upper = offsets[entry + 1]
                        if upper - lower == value.count && (value.count == 0 || memcmp(bytes.pointer + lower, value.baseAddress!, value.count) == 0) {
                            indices[i] = UInt32(entry)
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        if overflow { return nil }
        indices = rowIndices
        self.offsets = offsets
    }

    private static func rehash(_ table: inout [Int32], _ mask: inout Int, offsets: [Int], bytes: RawBuffer) {
        let count = offsets.count - 1
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for index in 0..<count {
            let hash = Int(truncatingIfNeeded: XXHash64.hash(base: bytes.pointer + offsets[index], count: offsets[index + 1] - offsets[index]))
            var slot = hash & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// The dictionary page body: every distinct value in PLAIN encoding.
    func writePlain(into output: RawBuffer) {
        for index in 0..<count {
            let length = offsets[index + 1] - offsets[index]
            output.append(UInt32(length).littleEndian)
            if length > 0 { output.append(bytes.pointer + offsets[index], byteCount: length) }
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
