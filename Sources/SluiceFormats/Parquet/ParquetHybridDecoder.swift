/// Decodes the RLE/bit-packed hybrid encoding of Parquet (levels, booleans and
/// dictionary indices): runs of one repeated value, or groups of 8 bit-packed values,
/// each introduced by a varint header.
///
/// Every run is checked against the bytes that remain; a run that claims more is a
/// ``ThriftError``, never a read past the end.
struct ParquetHybridDecoder {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0
    let bitWidth: Int
    /// The current run: values left, and either the repeated value or the packed bits' start.
    private var runLeft = 0
    private var isRepeat = false
    private var repeatValue: UInt32 = 0
    private var packedStart = 0
    private var packedIndex = 0

    /// A decoder over `bytes` (which must outlive it) for values of `bitWidth` bits (0...32).
    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw ThriftError("bit width \(bitWidth) is out of range 0...32") }
        base = (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: UInt8.self)
        end = bytes.count
        self.bitWidth = bitWidth
    }

    private mutating func nextRun() throws {
        var header: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < end else { throw ThriftError("levels or indices end early: more values were expected") }
            let byte = base[position]
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 35 else { throw ThriftError("run header varint too long") }
        }
        if header & 1 == 0 {
            let count = Int(header >> 1)
            guard count > 0 else { throw ThriftError("empty RLE run") }
            let width = (bitWidth + 7) / 8
            guard end - position >= width else { throw ThriftError("an RLE run's value runs past the end") }
            var value: UInt32 = 0
            for i in 0..<width { value |= UInt32(base[position + i]) << (8 * UInt32(i)) }
            position += width
            if bitWidth < 32 && value >> UInt32(bitWidth) != 0 { throw ThriftError("RLE value \(value) wider than \(bitWidth) bits") }
            isRepeat = true
            repeatValue = value
            runLeft = count
        } else {
            let groups = Int(header >> 1)
            guard groups > 0 else { throw ThriftError("empty bit-packed run") }
            let bytes = groups * bitWidth
            // The last run may be cut short after the last value actually present.
            let available = end - position
            let usable = Swift.min(bytes, available)
            guard bitWidth == 0 || usable > 0 else { throw ThriftError("a bit-packed run runs past the end") }
            isRepeat = false
            packedStart = position
            packedIndex = 0
            runLeft = bitWidth == 0 ? groups * 8 : Swift.min(groups * 8, usable * 8 / bitWidth)
            position += usable
        }
    }

    /// The current run as the run loop hands it out.
    private enum Run {
        case repeated(UInt32)
        case packed(PackedRun)
    }

    /// The one run loop: hands `body` each stretch of the next `count` values that lies in
    /// one run — its offset in the output, its length, the run, and (packed runs) the
    /// index of its first value in the run — reading run headers as it goes.
    @inline(__always)
    private mutating func forEachStretch(count: Int, _ body: (_ offset: Int, _ length: Int, _ run: Run, _ from: Int) -> Void) throws {
        var done = 0
        while done < count {
            if runLeft == 0 { try nextRun() }
            let n = Swift.min(runLeft, count - done)
            if isRepeat {
                body(done, n, .repeated(repeatValue), 0)
            } else {
                body(done, n, .packed(PackedRun(bytes: base + packedStart, count: position - packedStart, bitWidth: bitWidth)), packedIndex)
                packedIndex += n
            }
            runLeft -= n
            done += n
        }
    }

    /// Decodes exactly `count` values into `output`.
    mutating func decode(into output: UnsafeMutablePointer<UInt32>, count: Int) throws {
        try forEachStretch(count: count) { offset, n, run, from in
            switch run {
            case .repeated(let value): (output + offset).update(repeating: value, count: n)
            case .packed(let packed): packed.unpack(into: output + offset, from: from, count: n)
            }
        }
    }

    /// Decodes exactly `count` values of at most 8 bits, one byte each (definition
    /// levels of flat columns, booleans).
    mutating func decode(bytes output: UnsafeMutablePointer<UInt8>, count: Int) throws {
        try forEachStretch(count: count) { offset, n, run, from in
            switch run {
            case .repeated(let value):
                (output + offset).update(repeating: UInt8(truncatingIfNeeded: value), count: n)
            case .packed(let packed) where packed.bitWidth == 1:
                for i in 0..<n {
                    let bit = from + i
                    output[offset + i] = (packed.bytes[bit >> 3] >> UInt8(bit & 7)) & 1
                }
            case .packed(let packed):
                for i in 0..<n { output[offset + i] = UInt8(truncatingIfNeeded: packed.value(at: from + i)) }
            }
        }
    }
}

/// The bytes of one bit-packed run: values of `bitWidth` bits, little-endian bit order.
private struct PackedRun {
    let bytes: UnsafePointer<UInt8>
    /// The run's bytes present (the last run may be cut short).
    let count: Int
    let bitWidth: Int

    /// Values `from..<from+count` of the run.
    func unpack(into output: UnsafeMutablePointer<UInt32>, from: Int, count: Int) {
        let width = bitWidth
        guard width > 0 else { output.update(repeating: 0, count: count); return }
        let packed = UnsafeRawPointer(bytes)
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var i = 0
        // Fast path: an 8-byte window stays inside the run's bytes.
        while i < count {
            let bit = (from + i) &* width
            let byte = bit >> 3
            if byte &+ 8 > self.count { break }
            let word = UInt64(littleEndian: packed.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            output[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            i &+= 1
        }
        while i < count {
            output[i] = value(at: from + i)
            i += 1
        }
    }

    /// Value `index` of the run (bits past the bytes present read as 0).
    func value(at index: Int) -> UInt32 {
        let width = bitWidth
        let bit = index * width
        var value: UInt64 = 0
        let first = bit >> 3
        let last = Swift.min((bit + width + 7) >> 3, count)
        for b in first..<last { value |= UInt64(bytes[b]) << UInt64((b - first) * 8) }
        return UInt32(truncatingIfNeeded: (value >> UInt64(bit & 7)) & ((1 << UInt64(width)) - 1))
    }
}
