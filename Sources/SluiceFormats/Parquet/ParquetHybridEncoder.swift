import SluiceCore

/// Encodes values in Parquet's RLE/bit-packed hybrid (levels and dictionary indices):
/// runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8.
/// Only the last bit-packed run is padded, as the spec requires.
enum ParquetHybridEncoder {
    /// Appends the encoding of `values[0..<count]` at `bitWidth` bits to `output`.
    static func encode(_ values: UnsafePointer<UInt32>, count: Int, bitWidth: Int, into output: RawBuffer) {
        var i = 0
        var literalStart = 0
        while i < count {
            let value = values[i]
            var j = i + 1
            while j < count && values[j] == value { j += 1 }
            let run = j - i
            if run >= 8 {
                let pending = i - literalStart
                if pending % 8 != 0 {
                    i += 8 - pending % 8   // complete the literal group with values of this run
                    continue
                }
                if pending > 0 { writePacked(values + literalStart, count: pending, bitWidth: bitWidth, into: output) }
                writeVarint(UInt64(run) << 1, into: output)
                let width = (bitWidth + 7) / 8
                for b in 0..<width { output.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))) }
                i = j
                literalStart = i
            } else {
                i = j
            }
        }
        if count > literalStart { writePacked(values + literalStart, count: count - literalStart, bitWidth: bitWidth, into: output) }
    }

    /// Appends a run of `count` copies of `value` (levels of a column without nulls).
    static func encodeRun(_ value: UInt32, count: Int, bitWidth: Int, into output: RawBuffer) {
        guard count > 0 else { return }
        writeVarint(UInt64(count) << 1, into: output)
        for b in 0..<(bitWidth + 7) / 8 { output.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))) }
    }

    static func writeVarint(_ value: UInt64, into output: RawBuffer) {
        var v = value
        while v >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        output.append(UInt8(v))
    }

    /// One bit-packed run of `count` values, padded with zeros to a multiple of 8.
    private static func writePacked(_ values: UnsafePointer<UInt32>, count: Int, bitWidth: Int, into output: RawBuffer) {
        let groups = (count + 7) / 8
        writeVarint(UInt64(groups) << 1 | 1, into: output)
        let byteCount = groups * bitWidth
        output.reserve(extra: byteCount + 8)
        let out = (output.mutablePointer + output.count).assumingMemoryBound(to: UInt8.self)
        var accumulator: UInt64 = 0
        var bits = 0
        var written = 0
        for k in 0..<groups * 8 {
            let v = k < count ? UInt64(values[k]) : 0
            accumulator |= v << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out[written] = UInt8(truncatingIfNeeded: accumulator)
                written += 1
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out[written] = UInt8(truncatingIfNeeded: accumulator); written += 1 }
        output.count += written
    }
}
