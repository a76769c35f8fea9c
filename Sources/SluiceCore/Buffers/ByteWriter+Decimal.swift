extension ByteWriter {
    /// Appends a decimal's exact text (`-12.30`), reserving room.
    @inlinable @inline(__always) package mutating func put(decimal unscaled: Int128, scale: Int) {
        reserve(Decimal128.maxTextLength)
        count &+= Decimal128.write(unscaled, scale: scale, to: base + count)
    }

    /// Appends bytes as `\x` and lowercase hex, reserving room.
    @inlinable package mutating func put(hex value: UnsafeBufferPointer<UInt8>) {
        reserve(BinaryText.hexLength(value.count))
        count &+= BinaryText.writeHex(value, to: base + count)
    }

    /// Appends the padded base64 of `value`, reserving room.
    @inlinable package mutating func put(base64 value: UnsafeBufferPointer<UInt8>) {
        reserve(BinaryText.base64Length(value.count))
        count &+= BinaryText.writeBase64(value, to: base + count)
    }
}
