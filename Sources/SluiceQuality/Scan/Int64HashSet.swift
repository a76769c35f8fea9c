/// An open-addressing hash set of 64-bit keys (linear probing, power-of-two
/// capacity), the typed key store behind distinct counts and membership tests.
///
/// Fixed-width values become keys without loss: integers, dates and timestamps as
/// themselves, booleans as 0/1, doubles as their bit pattern with `-0.0` folded
/// into `0.0` and every NaN into one NaN.
///
/// `@unchecked Sendable`: a set is only shared once it is built, after which it is
/// never written (no lock needed; building happens on one thread).
final class Int64HashSet: @unchecked Sendable {
    private var slots: UnsafeMutablePointer<Int64>
    private var capacity: Int
    private var shift: UInt64
    /// `Int64.min` marks an empty slot; the key itself is tracked here.
    private var hasEmptyMarker = false
    private(set) var count = 0
    private static let empty = Int64.min

    init(expected: Int = 16) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        self.capacity = capacity
        self.shift = UInt64(64 - capacity.trailingZeroBitCount)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
    }

    deinit { slots.deallocate() }

    @inline(__always) private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Inserts `key`; returns whether it was new.
    @inline(__always) func insert(_ key: Int64) -> Bool {
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
