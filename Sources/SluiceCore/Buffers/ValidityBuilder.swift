/// Builds a validity ``Bitmap`` row by row, allocating nothing until the first null.
public struct ValidityBuilder: Sendable {
    @usableFromInline var words: [UInt64] = []
    @usableFromInline var hasNulls = false
    /// Rows appended so far.
    @inlinable public var count: Int { _count }
    /// Nulls appended so far.
    @inlinable public var nullCount: Int { _nullCount }
    @usableFromInline var _count = 0
    @usableFromInline var _nullCount = 0

    public init() {}

    /// Records that the next row holds a value.
    @inlinable public mutating func appendValid() {
        if hasNulls {
            if count & 63 == 0 { words.append(0) }
            words[count >> 6] |= 1 << UInt64(count & 63)
        }
        _count += 1
    }

    /// Records that the next row is null.
    @inlinable public mutating func appendNull() {
        if !hasNulls { materialize() }
        if count & 63 == 0 { words.append(0) }
        _count += 1
        _nullCount += 1
    }

    /// Records `n` rows that all hold values.
    public mutating func appendValid(count n: Int) {
        if !hasNulls { _count += n; return }
        for _ in 0..<n { appendValid() }
    }

    @usableFromInline mutating func materialize() {
        hasNulls = true
        words = [UInt64](repeating: .max, count: (count + 63) >> 6)
        if count & 63 != 0 { words[words.count - 1] = (1 << UInt64(count & 63)) &- 1 }
    }

    /// The bitmap, or `nil` when no row was null.
    public func finish() -> Bitmap? {
        hasNulls ? Bitmap(words: words, count: count) : nil
    }

    /// Forgets all rows, keeping capacity.
    public mutating func removeAll() {
        words.removeAll(keepingCapacity: true)
        hasNulls = false
        _count = 0
        _nullCount = 0
    }
}
