/// A validity bitmap: bit `i` of word `i / 64` is 1 when row `i` holds a value.
///
/// Columns store `Bitmap?`, where `nil` means "no nulls" and costs nothing.
/// Bits past `count` in the last word are always 0, so whole-word operations
/// (popcount, AND) need no masking.
public struct Bitmap: Sendable, Hashable {
    /// The bits, 64 rows a word, lowest bit first.
    @inlinable public var words: [UInt64] { _words }
    /// Number of rows covered.
    @inlinable public var count: Int { _count }
    @usableFromInline var _words: [UInt64]
    @usableFromInline var _count: Int

    /// A bitmap of `count` rows, all valid (`true`) or all null (`false`).
    public init(count: Int, allValid: Bool) {
        self._count = count
        let wordCount = (count + 63) >> 6
        _words = [UInt64](repeating: allValid ? .max : 0, count: wordCount)
        if allValid { clearTail() }
    }

    /// A bitmap over existing words; bits past `count` are cleared.
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) >> 6, "bitmap of \(count) rows needs \((count + 63) >> 6) words, got \(words.count)")
        self._words = words
        self._count = count
        clearTail()
    }

    @usableFromInline mutating func clearTail() {
        let rest = count & 63
        if rest != 0 { _words[_words.count - 1] &= (1 << UInt64(rest)) &- 1 }
    }

    /// Whether row `index` holds a value.
    @inlinable public func isValid(_ index: Int) -> Bool {
        (words[index >> 6] >> UInt64(index & 63)) & 1 == 1
    }

    /// Sets row `index` valid or null.
    @inlinable public mutating func set(_ index: Int, valid: Bool) {
        let bit: UInt64 = 1 << UInt64(index & 63)
        if valid { _words[index >> 6] |= bit } else { _words[index >> 6] &= ~bit }
    }

    /// Number of valid rows.
    public var validCount: Int {
        var total = 0
        for word in words { total &+= word.nonzeroBitCount }
        return total
    }

    /// Number of null rows.
    public var nullCount: Int { count - validCount }

    /// The rows `range`, re-aligned so that the slice's row 0 is bit 0 of word 0.
    public func slice(_ range: Range<Int>) -> Bitmap {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "bitmap slice \(range) out of 0..<\(count)")
        let n = range.count
        let shift = range.lowerBound & 63
        let first = range.lowerBound >> 6
        var out = [UInt64](repeating: 0, count: (n + 63) >> 6)
        if shift == 0 {
            for i in 0..<out.count { out[i] = words[first + i] }
        } else {
            for i in 0..<out.count {
                let low = words[first + i] >> UInt64(shift)
                let highIndex = first + i + 1
                let high = highIndex < words.count ? words[highIndex] << UInt64(64 - shift) : 0
                out[i] = low | high
            }
        }
        return Bitmap(words: out, count: n)
    }

    /// Appends `other`'s bits after this bitmap's.
    public mutating func append(_ other: Bitmap) {
        for i in 0..<other.count { append(other.isValid(i)) }
    }

    /// Appends one bit.
    @inlinable public mutating func append(_ valid: Bool) {
        if _count & 63 == 0 { _words.append(0) }
        if valid { _words[_count >> 6] |= 1 << UInt64(_count & 63) }
        _count += 1
    }

    /// Appends `n` bits of the same value.
    public mutating func append(repeating valid: Bool, count n: Int) {
        guard n > 0 else { return }
        if !valid {
            _count += n
            let needed = (_count + 63) >> 6
            if _words.count < needed { _words.append(contentsOf: repeatElement(0, count: needed - _words.count)) }
            return
        }
        for _ in 0..<n { append(true) }
    }
}
