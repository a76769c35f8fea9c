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
            for i in 0..<count {
                if codes[i] < 0 || columnCodes[i] < 0 { codes[i] = -1; continue }
                codes[i] = map.code(Int64(codes[i] &* columnCardinality &+ columnCodes[i]), next: &next)
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
        var nullCode = -1
        var next = 0
        func nullRow(_ i: Int) {
            if !nullsMatch { codes[i] = -1; return }
            if nullCode < 0 { nullCode = next; next += 1 }
            codes[i] = nullCode
        }
        switch column.type {
        case .string:
            var table = StringKeyTable(capacity: count)
            let view = column.unsafeStrings()
            withExtendedLifetime(column) {
                for i in 0..<count {
                    if column.isNull(i) { nullRow(i); continue }
                    codes[i] = table.code(view, i, next: &next)
                }
            }
        default:
            var map = Int64KeyTable(capacity: count)
            let load: (Int) -> Int64
            switch column.type {
            case .bool: let p = column.unsafeValuesAddress(as: UInt8.self); load = { Int64(p[$0]) }
            case .date: let p = column.unsafeValuesAddress(as: Int32.self); load = { Int64(p[$0]) }
            case .float64:
                let p = column.unsafeValuesAddress(as: Double.self)
                load = { let v = p[$0]; return Int64(bitPattern: v == 0 ? 0 : v.isNaN ? Double.nan.bitPattern : v.bitPattern) }
            default: let p = column.unsafeValuesAddress(as: Int64.self); load = { p[$0] }
            }
            withExtendedLifetime(column) {
                for i in 0..<count {
                    if column.isNull(i) { nullRow(i); continue }
                    codes[i] = map.code(load(i), next: &next)
                }
            }
        }
        return (codes, next)
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
        while size < Swift.min(capacity, 1 << 26) * 2 { size <<= 1 }
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

/// Open-addressing hash table from string bytes to codes, storing only row indices.
struct StringKeyTable {
    var slots: [Int]      // row index + 1, 0 = empty
    var slotCodes: [Int]
    var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int](repeating: 0, count: size)
        slotCodes = [Int](repeating: 0, count: size)
        mask = size - 1
    }

    mutating func code(_ view: StringsView, _ row: Int, next: inout Int) -> Int {
        let bytes = view[row]
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let occupant = slots[slot]
            if occupant == 0 {
                slots[slot] = row + 1
                slotCodes[slot] = next
                next += 1
                return next - 1
            }
            let other = view[occupant - 1]
            if other.count == bytes.count && (bytes.isEmpty || memcmp(other.baseAddress!, bytes.baseAddress!, bytes.count) == 0) {
                return slotCodes[slot]
            }
            slot = (slot + 1) & mask
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
