#if canImport(Glibc)
import Glibc
#endif

/// An open-addressing hash set of byte strings that owns copies of its members,
/// for distinct counts and membership tests over string columns.
///
/// `@unchecked Sendable`: shared only once built, never written afterwards.
final class BytesHashSet: @unchecked Sendable {
    /// Per slot: entry index + 1 (0 = empty).
    private var slots: [Int32]
    private var slotHashes: [UInt64]
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    private var mask: Int
    private(set) var count = 0

    init(expected: Int = 16) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        slotHashes = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always) private func equals(entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == bytes.count else { return false }
        if bytes.count == 0 { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0 }
    }

    /// Inserts a copy of `bytes`; returns whether it was new.
    @inline(__always) func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let before = count
        _ = entry(inserting: bytes)
        return count > before
    }

    /// The index of `bytes`' entry (0-based, in order of first insertion), inserting it if new.
    @inline(__always) func entry(inserting bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = hashBytes(bytes)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 {
                arena.append(contentsOf: bytes)
                starts.append(arena.count)
                count += 1
                slots[i] = Int32(count)
                slotHashes[i] = hash
                if count * 2 > slots.count { grow() }
                return count - 1
            }
            if slotHashes[i] == hash && equals(entry: slot - 1, bytes) { return slot - 1 }
            i = (i + 1) & mask
        }
    }

    /// Entry `index` as a string.
    /// The bytes of entry `index`.
    func bytes(at index: Int) -> [UInt8] { Array(arena[starts[index]..<starts[index + 1]]) }

    func string(at index: Int) -> String {
        String(decoding: arena[starts[index]..<starts[index + 1]], as: UTF8.self)
    }

    /// The entry index of `bytes`, or `nil` when it is not in the set.
    @inline(__always) func entry(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = hashBytes(bytes)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return nil }
            if slotHashes[i] == hash && equals(entry: slot - 1, bytes) { return slot - 1 }
            i = (i + 1) & mask
        }
    }

    /// Whether `bytes` is in the set.
    @inline(__always) func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let hash = hashBytes(bytes)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return false }
            if slotHashes[i] == hash && equals(entry: slot - 1, bytes) { return true }
            i = (i + 1) & mask
        }
    }

    @inline(never) private func grow() {
        let capacity = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: capacity)
        var newHashes = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for j in 0..<slots.count where slots[j] != 0 {
            var i = Int(truncatingIfNeeded: slotHashes[j]) & newMask
            while newSlots[i] != 0 { i = (i + 1) & newMask }
            newSlots[i] = slots[j]
            newHashes[i] = slotHashes[j]
        }
        slots = newSlots
        slotHashes = newHashes
        mask = newMask
    }
}

/// A 64-bit hash of bytes: 8 bytes at a time, mixed with multiply–xorshift steps.
@inline(__always) func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = bytes.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    guard let p = bytes.baseAddress, n > 0 else { return mix64(h) }
    var i = 0
    while i &+ 8 <= n {
        let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
        h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i &+= 8
    }
    var tail: UInt64 = 0, shift: UInt64 = 0
    while i < n {
        tail |= UInt64(p[i]) << shift
        shift &+= 8
        i &+= 1
    }
    return mix64(h ^ tail)
}

/// The finaliser of SplitMix64: spreads every input bit over every output bit.
@inline(__always) func mix64(_ value: UInt64) -> UInt64 {
    var z = value &* 0x94D0_49BB_1331_11EB
    z = (z ^ (z >> 29)) &* 0xBF58_476D_1CE4_E5B9
    return z ^ (z >> 32)
}
