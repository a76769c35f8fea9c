import SluiceCore

/// Dense integer codes for the key tuples of a set of columns: equal keys get equal
/// codes, first-seen order. Each column is encoded with a typed hash table (no
/// per-row `Value`), then multi-column codes are combined pairwise and re-densified.
struct KeyEncoder {
    /// The code of each row; `-1` for a row with a null key when `nullsMatch` is false.
    var codes: [Int]
    /// Number of distinct codes.
    var cardinality: Int

    /// Encodes the rows of `columns` (all of the same length).
    /// - Parameter nullsMatch: whether null is a key value of its own (group by,
    ///   dedupe) or never matches anything (join).
    init(_ columns: [Column], nullsMatch: Bool) {
        let count = columns.first?.count ?? 0
        var codes = [Int](repeating: 0, count: count)
        var cardinality = 1
        for column in columns {
            let (columnCodes, columnCardinality) = KeyEncoder.encode(column, nullsMatch: nullsMatch)
            if cardinality == 1 {
                codes = columnCodes
                cardinality = columnCardinality
                continue
            }
            // Combine, then re-densify so codes stay small.
            var map = Int64KeyTable(capacity: Swift.min(count, cardinality &* columnCardinality))
            var next = 0
            var previousCombined = -1, previousCode = -1
            codes.withUnsafeMutableBufferPointer { codes in
                columnCodes.withUnsafeBufferPointer { columnCodes in
                    for i in 0..<count {
                        if codes[i] < 0 || columnCodes[i] < 0 { codes[i] = -1; continue }
                        let combined = codes[i] &* columnCardinality &+ columnCodes[i]
                        if combined == previousCombined { codes[i] = previousCode; continue }
                        codes[i] = map.code(Int64(combined), next: &next)
                        previousCombined = combined
                        previousCode = codes[i]
                    }
                }
            }
            cardinality = next
        }
        if columns.isEmpty { cardinality = count > 0 ? 1 : 0 }
        self.codes = codes
        self.cardinality = cardinality
    }

    static func encode(_ column: Column, nullsMatch: Bool) -> ([Int], Int) {
        let count = column.count
        var codes = [Int](repeating: 0, count: count)
        var next = 0
        // Null rows get their own code (allocated when first seen) or -1.
        var nullCode = -1
        let validity = column.validity
        codes.withUnsafeMutableBufferPointer { out in
            @inline(__always) func isNull(_ i: Int) -> Bool {
                guard let validity else { return false }
                return !validity.isValid(i)
            }
            switch column.type {
            case .string:
                var table = StringKeyTable(capacity: count)
                let view = column.unsafeStrings()
                withExtendedLifetime(column) {
                    // Rows often repeat the previous row's key (joined or sorted data): compare
                    // with it before hashing.
                    var previous = -1
                    for i in 0..<count {
                        if isNull(i) {
                            if nullsMatch && nullCode < 0 { nullCode = next; next += 1 }
                            out[i] = nullsMatch ? nullCode : -1
                            continue
                        }
                        if previous >= 0 && bytesEqual(view[previous], view[i]) { out[i] = out[previous]; continue }
                        out[i] = table.code(view, i, next: &next)
                        previous = i
                    }
                }
            default:
                withExtendedLifetime(column) {
                    switch column.type {
                    case .bool: next = encodeFixed(column.unsafeValuesAddress(as: UInt8.self), validity, nullsMatch, out) { Int64($0) }
                    case .date: next = encodeFixed(column.unsafeValuesAddress(as: Int32.self), validity, nullsMatch, out) { Int64($0) }
                    case .float64:
                        next = encodeFixed(column.unsafeValuesAddress(as: Double.self), validity, nullsMatch, out) { v in
                            Int64(bitPattern: v == 0 ? 0 : v.isNaN ? Double.nan.bitPattern : v.bitPattern)
                        }
                    default: next = encodeFixed(column.unsafeValuesAddress(as: Int64.self), validity, nullsMatch, out) { $0 }
                    }
                }
            }
        }
        return (codes, next)
    }

    /// Codes for a fixed-width column whose values map to 64-bit keys; returns the cardinality.
    static func encodeFixed<T>(_ p: UnsafePointer<T>, _ validity: Bitmap?, _ nullsMatch: Bool,
                               _ out: UnsafeMutableBufferPointer<Int>, _ key: (T) -> Int64) -> Int {
        var map = Int64KeyTable(capacity: out.count)
        var next = 0, nullCode = -1
        var hasPrevious = false
        var previousKey: Int64 = 0, previousCode = 0
        for i in 0..<out.count {
            if let validity, !validity.isValid(i) {
                if nullsMatch && nullCode < 0 { nullCode = next; next += 1 }
                out[i] = nullsMatch ? nullCode : -1
                continue
            }
            let k = key(p[i])
            if hasPrevious && k == previousKey { out[i] = previousCode; continue }
            previousCode = map.code(k, next: &next)
            out[i] = previousCode
            previousKey = k
            hasPrevious = true
        }
        return next
    }
}

/// Open-addressing hash table from 64-bit keys to dense codes (linear probing,
/// load factor ≤ 1/2, grows by doubling).
struct Int64KeyTable {
    var keys: [Int64]
    var slotCodes: [Int]     // -1 = empty
    var mask: Int
    var used = 0

    init(capacity: Int) {
        var size = 16
        while size < Swift.min(capacity, 1 << 16) * 2 { size <<= 1 }   // grows by doubling as keys arrive
        keys = [Int64](repeating: 0, count: size)
        slotCodes = [Int](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always) static func slot(_ key: Int64, _ mask: Int) -> Int {
        var z = UInt64(bitPattern: key) &* 0x9e37_79b9_7f4a_7c15
        z ^= z >> 32
        return Int(truncatingIfNeeded: z) & mask
    }

    mutating func code(_ key: Int64, next: inout Int) -> Int {
        var slot = Self.slot(key, mask)
        while true {
            let c = slotCodes[slot]
            if c < 0 {
                keys[slot] = key
                slotCodes[slot] = next
                next += 1
                used += 1
                if used * 2 > keys.count { grow() }
                return next - 1
            }
            if keys[slot] == key { return c }
            slot = (slot + 1) & mask
        }
    }

    mutating func grow() {
        let oldKeys = keys, oldCodes = slotCodes
        keys = [Int64](repeating: 0, count: oldKeys.count * 2)
        slotCodes = [Int](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        for i in 0..<oldKeys.count where oldCodes[i] >= 0 {
            var slot = Self.slot(oldKeys[i], mask)
            while slotCodes[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[i]
            slotCodes[slot] = oldCodes[i]
        }
    }
}

/// Open-addressing hash table from string bytes to codes, storing only row indices
/// (and the hash, to skip most byte comparisons); grows by doubling.
struct StringKeyTable {
    var slots: [Int]      // row index + 1, 0 = empty
    var slotCodes: [Int]
    var hashes: [UInt64]
    var mask: Int
    var used = 0

    init(capacity: Int) {
        var size = 16
        while size < Swift.min(capacity, 1 << 16) * 2 { size <<= 1 }
        slots = [Int](repeating: 0, count: size)
        slotCodes = [Int](repeating: 0, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    mutating func code(_ view: StringsView, _ row: Int, next: inout Int) -> Int {
        let bytes = view[row]
        let h = hashBytes(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let occupant = slots[slot]
            if occupant == 0 {
                slots[slot] = row + 1
                slotCodes[slot] = next
                hashes[slot] = h
                next += 1
                used += 1
                if used * 2 > slots.count { grow() }
                return next - 1
            }
            if hashes[slot] == h && bytesEqual(view[occupant - 1], bytes) { return slotCodes[slot] }
            slot = (slot + 1) & mask
        }
    }

    mutating func grow() {
        let oldSlots = slots, oldCodes = slotCodes, oldHashes = hashes
        let size = oldSlots.count * 2
        slots = [Int](repeating: 0, count: size)
        slotCodes = [Int](repeating: 0, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for i in 0..<oldSlots.count where oldSlots[i] != 0 {
            var slot = Int(truncatingIfNeeded: oldHashes[i]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = oldSlots[i]
            slotCodes[slot] = oldCodes[i]
            hashes[slot] = oldHashes[i]
        }
    }
}

/// Whether two byte strings are equal.
@inline(__always) func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}

/// A fast 64-bit hash of bytes, 8 at a time (for hash tables in memory; not stable across releases).
@inline(__always) func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
    guard let base = bytes.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    var i = 0
    let n = bytes.count
    while i + 8 <= n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 29
        i += 8
    }
    if i < n {
        var tail: UInt64 = 0
        for k in i..<n { tail |= UInt64(base[k]) << UInt64((k - i) * 8) }
        h = (h ^ tail) &* 0x94d0_49bb_1331_11eb
    }
    h ^= h >> 32
    h = h &* 0xd6e8_feb8_6659_fd93
    return h ^ (h >> 32)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
