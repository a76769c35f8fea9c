/// An open-addressing hash map from 64-bit keys to dense entry numbers (0, 1, 2… in
/// order of first insertion): the code table behind group-by and join keys and the
/// key index of keyed loads. Callers keep per-entry values in their own arrays
/// indexed by entry, so the map never stores anything but keys.
///
/// Every `Int64` is a valid key (no reserved marker). Fixed-width values become keys
/// without loss: integers, dates and timestamps as themselves, booleans as 0/1,
/// doubles through ``KeyHash/key(_:)``. A slot holds only `entry + 1` (4 bytes) and the
/// keys lie in entry order: half the memory of key-and-entry slots, and keys that
/// arrive roughly in order (ids) are compared in memory that was just written, so a
/// probe costs about one cache miss in a small array. Linear probing, power-of-two
/// capacity, load ≤ 1/2, at most `Int32.max` keys.
///
/// ```swift
/// let codes = Int64HashMap()
/// let (code, isNew) = codes.insert(42)      // (0, true)
/// codes.insert(42).entry                    // 0
/// codes.entry(of: 7)                        // nil
/// ```
///
/// `@unchecked Sendable`: one owner writes while building; afterwards it is shared
/// read-only (no lock: nothing writes once it is shared).
public final class Int64HashMap: @unchecked Sendable {
    /// Per slot: `entry + 1`; 0 = empty.
    @usableFromInline @exclusivity(unchecked) var slots: UnsafeMutablePointer<Int32>
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// The key of each entry, in entry order.
    @usableFromInline @exclusivity(unchecked) var keys: UnsafeMutablePointer<Int64>
    /// Number of entries (distinct keys).
    @usableFromInline @exclusivity(unchecked) package private(set) var count = 0

    /// A map sized for about `expected` keys without growing.
    package init(expected: Int = 16) {
        let capacity = HashIndex.capacity(for: expected)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
        keys = .allocate(capacity: capacity / 2 + 1)
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
    }

    /// The entry of `key`, adding it (as entry ``count``) when it is new.
    @inlinable @inline(__always) @discardableResult
    package func insert(_ key: Int64) -> (entry: Int, inserted: Bool) {
        var i = Int(truncatingIfNeeded: KeyHash.hash(key)) & mask
        while true {
            let slot = Int(truncatingIfNeeded: slots[i])
            if slot == 0 {
                let entry = count
                precondition(entry < Int(Int32.max), "more than Int32.max keys in one Int64HashMap")
                slots[i] = Int32(truncatingIfNeeded: entry &+ 1)
                keys[entry] = key
                count = entry &+ 1
                if count &* 2 > mask { grow() }
                return (entry, true)
            }
            if keys[slot &- 1] == key { return (slot &- 1, false) }
            i = (i &+ 1) & mask
        }
    }

    /// The entry of `key`, or `nil` when it is not in the map.
    @inlinable @inline(__always)
    package func entry(of key: Int64) -> Int? {
        var i = Int(truncatingIfNeeded: KeyHash.hash(key)) & mask
        while true {
            let slot = Int(truncatingIfNeeded: slots[i])
            if slot == 0 { return nil }
            if keys[slot &- 1] == key { return slot &- 1 }
            i = (i &+ 1) & mask
        }
    }

    /// Whether `key` is in the map.
    @inlinable @inline(__always)
    package func contains(_ key: Int64) -> Bool { entry(of: key) != nil }

    /// The key of `entry` (`0..<count`).
    @inlinable package func key(at entry: Int) -> Int64 {
        precondition(entry >= 0 && entry < count, "entry \(entry) out of 0..<\(count)")
        return keys[entry]
    }

    @usableFromInline @inline(never) func grow() {
        let capacity = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
        // Re-placing the keys in entry order needs no old slots.
        for entry in 0..<count {
            var i = Int(truncatingIfNeeded: KeyHash.hash(keys[entry])) & mask
            while slots[i] != 0 { i = (i &+ 1) & mask }
            slots[i] = Int32(truncatingIfNeeded: entry &+ 1)
        }
        let newKeys = UnsafeMutablePointer<Int64>.allocate(capacity: capacity / 2 + 1)
        newKeys.moveInitialize(from: keys, count: count)
        keys.deallocate()
        keys = newKeys
    }
}
