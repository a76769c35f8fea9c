/// An open-addressing hash map from 64-bit keys to dense entry numbers (0, 1, 2… in
/// order of first insertion): the code table behind group-by and join keys and the
/// key index of keyed loads. Callers keep per-entry values in their own arrays
/// indexed by entry, so the map never stores anything but keys.
///
/// Every `Int64` is a valid key (no reserved marker). Fixed-width values become keys
/// without loss: integers, dates and timestamps as themselves, booleans as 0/1,
/// doubles through ``KeyHash/key(_:)``. A slot holds the key next to its entry (one
/// cache line per probe). Linear probing, power-of-two capacity, load ≤ 1/2.
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
package final class Int64HashMap: @unchecked Sendable {
    @usableFromInline struct Slot {
        @usableFromInline var key: Int64
        /// `entry + 1`; 0 = empty.
        @usableFromInline var entry: Int
        @inlinable init(key: Int64, entry: Int) {
            self.key = key
            self.entry = entry
        }
    }

    @usableFromInline @exclusivity(unchecked) var slots: UnsafeMutablePointer<Slot>
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// The key of each entry, in entry order.
    @usableFromInline @exclusivity(unchecked) var keys: UnsafeMutablePointer<Int64>
    @usableFromInline @exclusivity(unchecked) var keyCapacity: Int
    /// Number of entries (distinct keys).
    @usableFromInline @exclusivity(unchecked) package private(set) var count = 0

    /// A map sized for about `expected` keys without growing.
    package init(expected: Int = 16) {
        let capacity = HashIndex.capacity(for: expected)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, entry: 0), count: capacity)
        mask = capacity - 1
        keyCapacity = capacity / 2 + 1
        keys = .allocate(capacity: keyCapacity)
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
            let slot = slots[i]
            if slot.entry == 0 {
                let entry = count
                slots[i] = Slot(key: key, entry: entry &+ 1)
                keys[entry] = key
                count = entry &+ 1
                if count &* 2 > mask { grow() }
                return (entry, true)
            }
            if slot.key == key { return (slot.entry &- 1, false) }
            i = (i &+ 1) & mask
        }
    }

    /// The entry of `key`, or `nil` when it is not in the map.
    @inlinable @inline(__always)
    package func entry(of key: Int64) -> Int? {
        var i = Int(truncatingIfNeeded: KeyHash.hash(key)) & mask
        while true {
            let slot = slots[i]
            if slot.entry == 0 { return nil }
            if slot.key == key { return slot.entry &- 1 }
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
        let old = slots, oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, entry: 0), count: capacity)
        mask = capacity - 1
        for j in 0..<oldCapacity where old[j].entry != 0 {
            var i = Int(truncatingIfNeeded: KeyHash.hash(old[j].key)) & mask
            while slots[i].entry != 0 { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
        let newKeys = UnsafeMutablePointer<Int64>.allocate(capacity: capacity / 2 + 1)
        newKeys.moveInitialize(from: keys, count: count)
        keys.deallocate()
        keys = newKeys
        keyCapacity = capacity / 2 + 1
    }
}
