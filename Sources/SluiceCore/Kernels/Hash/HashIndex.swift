/// An open-addressing index from hashes to dense entry numbers whose keys live
/// elsewhere: the caller stores each entry's key (a row of a column, a range of an
/// arena, a (group, row) pair) and says how to compare, so the index itself never
/// copies a key. ``BytesHashMap`` and the transform's key encoders are built on it.
///
/// Entries are numbered 0, 1, 2… in order of first insertion. Slots hold the full
/// hash next to the entry (one cache line per probe; most unequal keys are told
/// apart without touching them). Linear probing, power-of-two capacity, load
/// factor at most 1/2, grows by doubling.
///
/// ```swift
/// let index = HashIndex()
/// let (entry, inserted) = index.findOrInsert(hash: KeyHash.hash(view[row])) { KeyHash.equal(view[rows[$0]], view[row]) }
/// if inserted { rows.append(row) }
/// ```
///
/// `@unchecked Sendable`: one owner writes while building; after that it is shared
/// read-only (no lock: nothing writes once it is shared).
public final class HashIndex: @unchecked Sendable {
    /// A slot: the hash and `entry + 1` (0 = empty).
    @usableFromInline struct Slot {
        @usableFromInline var hash: UInt64
        @usableFromInline var entry: Int
        @inlinable init(hash: UInt64, entry: Int) {
            self.hash = hash
            self.entry = entry
        }
    }

    @usableFromInline @exclusivity(unchecked) var slots: UnsafeMutablePointer<Slot>
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// Number of entries.
    @usableFromInline @exclusivity(unchecked) package private(set) var count = 0

    /// An index sized for about `expected` entries without growing.
    package init(expected: Int = 16) {
        let capacity = HashIndex.capacity(for: expected)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, entry: 0), count: capacity)
        mask = capacity - 1
    }

    deinit { slots.deallocate() }

    /// The power-of-two slot count (≥ 16) that holds `expected` entries at load ≤ 1/2.
    @inlinable package static func capacity(for expected: Int) -> Int {
        var capacity = 16
        while capacity < expected &* 2 { capacity <<= 1 }
        return capacity
    }

    /// The entry with `hash` for which `equal(entry)` holds, or `nil`.
    @inlinable @inline(__always)
    package func find(hash: UInt64, where equal: (Int) -> Bool) -> Int? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot.entry == 0 { return nil }
            if slot.hash == hash && equal(slot.entry &- 1) { return slot.entry &- 1 }
            i = (i &+ 1) & mask
        }
    }

    /// The entry with `hash` for which `equal(entry)` holds; when there is none, a new
    /// entry numbered ``count`` (before the call) is added, and the caller records its key.
    @inlinable @inline(__always)
    package func findOrInsert(hash: UInt64, where equal: (Int) -> Bool) -> (entry: Int, inserted: Bool) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot.entry == 0 {
                let entry = count
                slots[i] = Slot(hash: hash, entry: entry &+ 1)
                count = entry &+ 1
                if count &* 2 > mask { grow() }
                return (entry, true)
            }
            if slot.hash == hash && equal(slot.entry &- 1) { return (slot.entry &- 1, false) }
            i = (i &+ 1) & mask
        }
    }

    /// Removes every entry, keeping the slots allocated.
    package func removeAll() {
        slots.update(repeating: Slot(hash: 0, entry: 0), count: mask + 1)
        count = 0
    }

    @usableFromInline @inline(never) func grow() {
        let old = slots, oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, entry: 0), count: capacity)
        mask = capacity - 1
        for j in 0..<oldCapacity where old[j].entry != 0 {
            var i = Int(truncatingIfNeeded: old[j].hash) & mask
            while slots[i].entry != 0 { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}
