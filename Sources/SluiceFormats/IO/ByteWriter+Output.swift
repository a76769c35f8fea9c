import SluiceCore

extension ByteWriter {
    /// Writes the buffered bytes to `output` and empties the buffer.
    package mutating func drain(to output: OutputFile) throws {
        guard count > 0 else { return }
        try output.write(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }
}
