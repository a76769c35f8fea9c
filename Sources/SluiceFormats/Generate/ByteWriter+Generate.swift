import SluiceCore

extension ByteWriter {
    /// Makes room for `n` more bytes, first writing out what is buffered once it
    /// passes 1 MiB, so generating a file of any size uses a fixed buffer.
    mutating func reserve(_ n: Int, drainingTo output: OutputFile) throws {
        if count >= 1 << 20 { try drain(to: output) }
        reserve(n)
    }

    /// Decimal digits of a non-negative value (room must have been reserved).
    @inline(__always) mutating func putDecimal(_ value: UInt64) {
        putDigits(value, minimumWidth: 1)
    }

    /// Decimal digits of a value, with a minus sign when negative (room must have been reserved).
    @inline(__always) mutating func putDecimal(_ value: Int) {
        if value < 0 { put(UInt8(ascii: "-")) }
        putDigits(UInt64(value.magnitude), minimumWidth: 1)
    }

    /// An amount in cents as `123.45`, `-0.07`, `0.00` (room must have been reserved).
    @inline(__always) mutating func putCents(_ cents: Int64) {
        let magnitude = cents.magnitude
        if cents < 0 { put(UInt8(ascii: "-")) }
        putDigits(magnitude / 100, minimumWidth: 1)
        put(UInt8(ascii: "."))
        putDigits(magnitude % 100, minimumWidth: 2)
    }

    /// Two decimal digits of `value` (0...99; room must have been reserved).
    @inline(__always) mutating func putTwoDigits(_ value: Int) {
        putDigits(UInt64(truncatingIfNeeded: value), minimumWidth: 2)
    }

    /// The bytes written since `start`, for rewriting them in place.
    @inline(__always) func pending(from start: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: base + start, count: count - start)
    }
}
