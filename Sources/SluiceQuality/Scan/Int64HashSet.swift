import SluiceCore

/// An open-addressing hash set of 64-bit keys (linear probing, power-of-two
/// capacity), the typed key store behind distinct counts and membership tests.
///
/// Fixed-width values become keys without loss: integers, dates and timestamps as
/// themselves, booleans as 0/1, doubles as their bit pattern with `-0.0` folded
/// into `0.0` and every NaN into one NaN.
///
/// When the keys are known to lie in a narrow interval (a dense id column), the set
/// is a plain bitmap over that interval instead: no hashing, and a cache-friendly
/// footprint of one bit per possible key.
///
/// `@unchecked Sendable`: a set is only shared once it is built, after which it is
/// never written (no lock needed; building happens on one thread).
final class Int64HashSet: @unchecked Sendable {
    /// Dense mode: bit `key - denseBase` of `denseBits`; keys outside are never members.
    private let denseBase: Int64
    private let denseSpan: UInt64
    private let denseBits: UnsafeMutablePointer<UInt64>?
    private var slots: UnsafeMutablePointer<Int64>
    private var capacity: Int
    private var shift: UInt64
    /// `Int64.min` marks an empty slot; the key itself is tracked here.
    private var hasEmptyMarker = false
    private(set) var count = 0
    /// Whether the set is a bitmap over a narrow key interval.
    var isDense: Bool { denseBits != nil }
    private static let empty = Int64.min

    /// A set for keys in `range` when that range is at most 64 times `expected`
    /// (a bitmap of at most 8 bytes per expected key); otherwise a hash set.
    convenience init(expected: Int, keysIn range: ClosedRange<Int64>?) {
        if let range, range.upperBound.subtractingReportingOverflow(range.lowerBound).overflow == false,
           UInt64(range.upperBound - range.lowerBound) < UInt64(Swift.max(expected, 1024)) * 64 {
            self.init(denseFrom: range.lowerBound, span: UInt64(range.upperBound - range.lowerBound) + 1)
        } else {
            self.init(expected: expected)
        }
    }

    private init(denseFrom base: Int64, span: UInt64) {
        denseBase = base
        denseSpan = span
        let words = Int((span + 63) >> 6)
        denseBits = .allocate(capacity: words)
        denseBits!.initialize(repeating: 0, count: words)
        capacity = 16
        shift = 60
        slots = .allocate(capacity: 1)
    }

    init(expected: Int = 16) {
        denseBase = 0
        denseSpan = 0
        denseBits = nil
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        self.capacity = capacity
        self.shift = UInt64(64 - capacity.trailingZeroBitCount)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
    }

    deinit {
        slots.deallocate()
        denseBits?.deallocate()
    }

    @inline(__always) private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Inserts `key`; returns whether it was new.
    @inline(__always) func insert(_ key: Int64) -> Bool {
        if let denseBits {
            let offset = UInt64(bitPattern: key &- denseBase)
            precondition(offset < denseSpan, "key outside the dense range it was built for")
            let word = Int(offset >> 6), bit: UInt64 = 1 << (offset & 63)
            if denseBits[word] & bit != 0 { return false }
            denseBits[word] |= bit
            count &+= 1
            return true
        }
        if key == Self.empty {
            if hasEmptyMarker { return false }
            hasEmptyMarker = true
            count += 1
            return true
        }
        let mask = capacity &- 1
        var i = home(key)
        while true {
            let slot = slots[i]
            if slot == key { return false }
            if slot == Self.empty {
                slots[i] = key
                count += 1
                if count &* 2 > capacity { grow() }
                return true
            }
            i = (i &+ 1) & mask
        }
    }

    /// Whether `key` is in the set.
    @inline(__always) func contains(_ key: Int64) -> Bool {
        if let denseBits {
            let offset = UInt64(bitPattern: key &- denseBase)
            return offset < denseSpan && denseBits[Int(offset >> 6)] & (1 << (offset & 63)) != 0
        }
        if key == Self.empty { return hasEmptyMarker }
        let mask = capacity &- 1
        var i = home(key)
        while true {
            let slot = slots[i]
            if slot == key { return true }
            if slot == Self.empty { return false }
            i = (i &+ 1) & mask
        }
    }

    @inline(never) private func grow() {
        let old = slots, oldCapacity = capacity
        capacity <<= 1
        shift -= 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
        let mask = capacity &- 1
        for j in 0..<oldCapacity where old[j] != Self.empty {
            var i = home(old[j])
            while slots[i] != Self.empty { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}

/// The key of a double: `-0.0` and `0.0` are one key, all NaNs are one key.
@inline(__always) func doubleKey(_ value: Double) -> Int64 {
    if value == 0 { return 0 }
    if value.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
    return Int64(bitPattern: value.bitPattern)
}

/// The smallest and largest key among the valid rows of an integer-like column
/// (`nil` when every row is null or the column is float64/string).
func keyRange(of column: Column) -> ClosedRange<Int64>? {
    func scan<T: ScanElement>(_: T.Type) -> ClosedRange<Int64>? {
        var lo = Int64.max, hi = Int64.min
        column.withUnsafeValues(as: T.self) { values in
            if column.validity == nil {
                for v in values {
                    let k = v.integerValue
                    lo = Swift.min(lo, k)
                    hi = Swift.max(hi, k)
                }
            } else {
                column.validity!.words.withUnsafeBufferPointer { words in
                    forEachValidRow(0, values.count, words.baseAddress) { row in
                        let k = values[row].integerValue
                        lo = Swift.min(lo, k)
                        hi = Swift.max(hi, k)
                    }
                }
            }
        }
        return lo <= hi ? lo...hi : nil
    }
    switch column.type {
    case .int64, .timestamp: return scan(Int64.self)
    case .date: return scan(Int32.self)
    case .bool: return scan(UInt8.self)
    case .float64, .string, .binary, .decimal: return nil
    }
}
