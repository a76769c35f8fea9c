/// A set of 64-bit keys for distinct counts and membership tests: open addressing
/// over one contiguous buffer of keys (linear probing, power-of-two capacity,
/// load ≤ 1/2, hashed by ``KeyHash``).
///
/// Keys are mapped to set members as in ``Int64HashMap`` (doubles through
/// ``KeyHash/key(_:)``). When the keys are known to lie in a narrow interval (a dense
/// id column), the set is a plain bitmap over that interval instead: no hashing, and
/// one bit per possible key.
///
/// ```swift
/// let seen = Int64HashSet(expected: 1000, keysIn: 1...1000)   // a bitmap
/// seen.insert(7)        // true
/// seen.insert(7)        // false
/// seen.count            // 1
/// ```
///
/// `@unchecked Sendable`: one owner writes while building; afterwards it is shared
/// read-only (no lock: nothing writes once it is shared).
public final class Int64HashSet: @unchecked Sendable {
    /// Dense mode: bit `key - denseBase` of `denseBits`; keys outside are never members.
    @usableFromInline let denseBase: Int64
    @usableFromInline let denseSpan: UInt64
    @usableFromInline let denseBits: UnsafeMutablePointer<UInt64>?
    @usableFromInline @exclusivity(unchecked) var slots: UnsafeMutablePointer<Int64>
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// `Int64.min` marks an empty slot; whether that key itself is a member is kept here.
    @usableFromInline @exclusivity(unchecked) var hasEmptyMarker = false
    /// Number of members.
    @usableFromInline @exclusivity(unchecked) package private(set) var count = 0
    /// Whether the set is a bitmap over a narrow key interval.
    package var isDense: Bool { denseBits != nil }
    @usableFromInline static let empty = Int64.min

    /// A bitmap for keys in `range` when that range spans at most 64 times
    /// `max(expected, 1024)` keys (at most 8 bytes per expected key); otherwise a hash set.
    /// Inserting a key outside `range` into a bitmap is a precondition failure.
    package convenience init(expected: Int, keysIn range: ClosedRange<Int64>?) {
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
        mask = 0
        slots = .allocate(capacity: 1)
    }

    /// A hash set sized for about `expected` keys without growing.
    package init(expected: Int = 16) {
        denseBase = 0
        denseSpan = 0
        denseBits = nil
        let capacity = HashIndex.capacity(for: expected)
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
    }

    deinit {
        slots.deallocate()
        denseBits?.deallocate()
    }

    /// Inserts `key`; returns whether it was new.
    @inlinable @inline(__always) @discardableResult
    package func insert(_ key: Int64) -> Bool {
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
            count &+= 1
            return true
        }
        var i = Int(truncatingIfNeeded: KeyHash.hash(key)) & mask
        while true {
            let slot = slots[i]
            if slot == key { return false }
            if slot == Self.empty {
                slots[i] = key
                count &+= 1
                if count &* 2 > mask { grow() }
                return true
            }
            i = (i &+ 1) & mask
        }
    }

    /// Whether `key` is in the set.
    @inlinable @inline(__always)
    package func contains(_ key: Int64) -> Bool {
        if let denseBits {
            let offset = UInt64(bitPattern: key &- denseBase)
            return offset < denseSpan && denseBits[Int(offset >> 6)] & (1 << (offset & 63)) != 0
        }
        if key == Self.empty { return hasEmptyMarker }
        var i = Int(truncatingIfNeeded: KeyHash.hash(key)) & mask
        while true {
            let slot = slots[i]
            if slot == key { return true }
            if slot == Self.empty { return false }
            i = (i &+ 1) & mask
        }
    }

    @usableFromInline @inline(never) func grow() {
        let old = slots, oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Self.empty, count: capacity)
        mask = capacity - 1
        for j in 0..<oldCapacity where old[j] != Self.empty {
            var i = Int(truncatingIfNeeded: KeyHash.hash(old[j])) & mask
            while slots[i] != Self.empty { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}
