#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps object keys, as UTF-8 bytes, to column indices without creating a
/// `String` per lookup: FNV-1a hashing into an open-addressing table, plus a
/// guess that a line's keys come in the order of the previous line's.
package struct JSONKeyTable {
    /// Key names in column order.
    package private(set) var names: [String] = []
    private var keyBytes: [[UInt8]] = []
    private var slots: [Int32] = [Int32](repeating: -1, count: 16)

    package var count: Int { names.count }

    /// The UTF-8 bytes of key `index`.
    func bytes(of index: Int) -> [UInt8] { keyBytes[index] }

    @inline(__always)
    private static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
        return h
    }

    @inline(__always)
    func matches(_ index: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        keyBytes[index].withUnsafeBufferPointer { key in
            key.count == n && (n == 0 || memcmp(key.baseAddress!, p, n) == 0)
        }
    }

    /// The column of the key `p[0..<n]`, trying `guess` first.
    @inline(__always)
    package func index(of p: UnsafePointer<UInt8>, _ n: Int, guess: Int) -> Int? {
        if guess < keyBytes.count && matches(guess, p, n) { return guess }
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: JSONKeyTable.hash(p, n)) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if matches(Int(entry), p, n) { return Int(entry) }
            slot = (slot &+ 1) & mask
        }
    }

    /// Adds a key that is not yet present; returns its column.
    package mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let index = keyBytes.count
        keyBytes.append(Array(UnsafeBufferPointer(start: p, count: n)))
        names.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        if keyBytes.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for k in 0..<keyBytes.count { place(k) }
        } else {
            place(index)
        }
        return index
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count &- 1
        var slot = keyBytes[index].withUnsafeBufferPointer { key in
            Int(truncatingIfNeeded: JSONKeyTable.hash(key.baseAddress ?? UnsafePointer(bitPattern: 1)!, key.count)) & mask
        }
        while slots[slot] >= 0 { slot = (slot &+ 1) & mask }
        slots[slot] = Int32(index)
    }
}
