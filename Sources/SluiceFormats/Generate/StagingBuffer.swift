/// A fixed-size byte area that generators format rows into directly, then hand to
/// an ``OutputFile`` in large pieces.
///
/// Appends are unchecked: a writer calls ``reserve(_:flushingTo:)`` once per row
/// with an upper bound of the row's size, and then appends without bounds checks.
/// Debug builds check the bound after each append.
struct StagingBuffer: ~Copyable {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for at least `bytes` more, writing out what is pending if needed.
    @inline(__always)
    mutating func reserve(_ bytes: Int, flushingTo file: OutputFile) throws {
        precondition(bytes <= capacity, "row larger than the staging buffer")
        if count + bytes > capacity { try flush(to: file) }
    }

    /// Writes out the pending bytes.
    mutating func flush(to file: OutputFile) throws {
        guard count > 0 else { return }
        try file.write(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    /// The pending bytes from `start` on, for in-place edits (such as changing case).
    @inline(__always)
    func pending(from start: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: base + start, count: count - start)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        assert(count < capacity)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        assert(count + bytes.count <= capacity)
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A non-negative integer in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        // Count digits first, then fill from the right: no temporary storage.
        var length = 1
        var probe = value
        while probe >= 10 { probe /= 10; length &+= 1 }
        assert(count + length <= capacity)
        var rest = value
        var index = count &+ length &- 1
        while index >= count {
            base[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
            rest /= 10
            index &-= 1
        }
        count &+= length
    }

    /// A signed integer in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(-value))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// An amount in cents as `123.45`, `-0.07`, `0.00`.
    @inline(__always)
    mutating func appendCents(_ cents: Int64) {
        let magnitude = cents.magnitude
        if cents < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(magnitude / 100)
        append(UInt8(ascii: "."))
        let fraction = UInt8(truncatingIfNeeded: magnitude % 100)
        append(fraction / 10 &+ 0x30)
        append(fraction % 10 &+ 0x30)
    }

    /// Two decimal digits of `value` (0...99).
    @inline(__always)
    mutating func appendTwoDigits(_ value: Int) {
        let v = UInt8(truncatingIfNeeded: value)
        append(v / 10 &+ 0x30)
        append(v % 10 &+ 0x30)
    }
}
