import SluiceCore

/// Dense integer codes for the key tuples of a set of columns: equal keys get equal
/// codes, numbered in order of first appearance. No per-row `Value`, no key bytes.
///
/// The first column is encoded on its own: integer-like values (int64, timestamp,
/// date, bool) spanning a narrow interval — ids — index a plain array; other
/// fixed-width values go through an ``Int64KeyTable``, strings through a
/// ``StringKeyTable``. Every further column then *refines* the codes so far: each row
/// is compared, typed and in place, with the first row of its group, and only rows
/// that differ from it are hashed, on (group, value), into new codes. A column that
/// is constant within the groups so far — a user's email and name next to the user
/// id — costs one comparison per repeated row and no hashing. When a sample shows
/// that the column splits most groups (a few groups so far, many values), the
/// column is instead encoded on its own and the pairs of codes combined through an
/// ``Int64KeyTable``, which is cheaper then. Codes end up renumbered in
/// first-appearance order either way.
///
/// ```swift
/// let keys = KeyEncoder([Column(int64: [7, 7, 9, 7]), Column(string: ["a", "b", "a", "a"])], nullsMatch: true)
/// keys.codes        // [0, 1, 2, 0]
/// keys.cardinality  // 3
/// ```
struct KeyEncoder {
    /// The code of each row; `-1` for a row with a null key when `nullsMatch` is false.
    var codes: [Int]
    /// Number of distinct codes.
    var cardinality: Int

    /// Encodes the rows of `columns` (all of the same length).
    /// - Parameter nullsMatch: whether null is a key value of its own (group by,
    ///   dedupe) or never matches anything (join).
    init(_ columns: [Column], nullsMatch: Bool) {
        guard let first = columns.first else {
            codes = []
            cardinality = 0
            return
        }
        var (codes, cardinality) = KeyEncoder.encode(first, nullsMatch: nullsMatch)
        var firstRows: [Int]?
        var renumber = false
        for (index, column) in columns.enumerated().dropFirst() {
            precondition(column.count == codes.count, "key column \(index) has \(column.count) rows, column 0 has \(codes.count)")
            if firstRows == nil { firstRows = KeyEncoder.firstRows(codes, cardinality) }
            switch KeyEncoder.refine(&codes, &cardinality, &firstRows!, by: column, nullsMatch: nullsMatch) {
            case .unchanged: break
            case .changed: renumber = true
            case .splitsMostGroups:
                KeyEncoder.combine(&codes, &cardinality, with: column, nullsMatch: nullsMatch)
                firstRows = nil     // the combined codes are renumbered: first rows change
                renumber = false
            }
        }
        if renumber { KeyEncoder.renumber(&codes, &cardinality) }
        self.codes = codes
        self.cardinality = cardinality
    }

    // MARK: First column

    /// Dense first-seen codes for one column, and their number.
    static func encode(_ column: Column, nullsMatch: Bool) -> ([Int], Int) {
        if column.type.isDecimal { return encode(decimalKeys(column), nullsMatch: nullsMatch) }
        let count = column.count
        var codes = [Int](repeating: 0, count: count)
        var next = 0
        let validity = column.validity
        codes.withUnsafeMutableBufferPointer { out in
            withExtendedLifetime(column) {
                switch column.type {
                case .decimal: preconditionFailure("handled above")
                case .string, .binary:
                    next = encodeStrings(column.unsafeStrings(), validity, nullsMatch, out)
                case .bool: next = encodeIntegers(column.unsafeValuesAddress(as: UInt8.self), validity, nullsMatch, out)
                case .date: next = encodeIntegers(column.unsafeValuesAddress(as: Int32.self), validity, nullsMatch, out)
                case .int64, .timestamp: next = encodeIntegers(column.unsafeValuesAddress(as: Int64.self), validity, nullsMatch, out)
                case .float64:
                    next = encodeFixed(column.unsafeValuesAddress(as: Double.self), validity, nullsMatch, out, key: normalizedKey)
                }
            }
        }
        return (codes, next)
    }

    /// A decimal column's values as keys of equal equality (one column has one scale):
    /// an int64 column when every unscaled value fits 64 bits, else a binary column of
    /// the 16 bytes of each.
    static func decimalKeys(_ column: Column) -> Column {
        column.withUnsafeValues(as: Int128.self) { v in
            if v.allSatisfy({ Int64(exactly: $0) != nil }) {
                let values = RawBuffer(capacity: Swift.max(v.count, 1) * 8)
                let out = values.mutablePointer.assumingMemoryBound(to: Int64.self)
                for i in 0..<v.count { out[i] = Int64(truncatingIfNeeded: v[i]) }
                values.count = v.count * 8
                return Column(type: .int64, values: values, count: v.count, validity: column.validity)
            }
            var builder = ColumnBuilder(type: .binary, capacity: v.count)
            for i in 0..<v.count {
                if column.isNull(i) { builder.appendNull(); continue }
                withUnsafeBytes(of: v[i]) { builder.append(bytes: $0) }
            }
            return builder.finish()
        }
    }

    /// The 64-bit key of a double: `-0.0` equals `0.0`, all NaNs are one key.
    @inline(__always) static func normalizedKey(_ v: Double) -> Int64 {
        Int64(bitPattern: v == 0 ? 0 : v.isNaN ? Double.nan.bitPattern : v.bitPattern)
    }

    static func encodeStrings(_ view: StringsView, _ validity: Bitmap?, _ nullsMatch: Bool, _ out: UnsafeMutableBufferPointer<Int>) -> Int {
        var table = StringKeyTable(capacity: out.count)
        var next = 0, nullCode = -1
        // Rows often repeat the previous row's key (joined or sorted data): compare with it before hashing.
        var previous = -1
        for i in 0..<out.count {
            if let validity, !validity.isValid(i) {
                if nullsMatch && nullCode < 0 { nullCode = next; next += 1 }
                out[i] = nullsMatch ? nullCode : -1
                continue
            }
            if previous >= 0 && bytesEqual(view[previous], view[i]) { out[i] = out[previous]; continue }
            out[i] = table.code(view, i, next: &next)
            previous = i
        }
        return next
    }

    /// Codes for an integer-like column. Values spanning an interval of at most about
    /// twice the row count (ids, dates, bools) index a plain array — no hashing, and
    /// sequential memory access when the values are roughly sorted; others are hashed.
    static func encodeIntegers<T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ validity: Bitmap?, _ nullsMatch: Bool,
                                                     _ out: UnsafeMutableBufferPointer<Int>) -> Int {
        let n = out.count
        guard n > 0 else { return 0 }
        // Null slots hold zero, so they may widen the interval but never break it.
        var lo = Int64(truncatingIfNeeded: p[0]), hi = lo
        for i in 1..<n {
            let v = Int64(truncatingIfNeeded: p[i])
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span <= 2 * Int64(n) + 64 else {
            return encodeFixed(p, validity, nullsMatch, out) { Int64(truncatingIfNeeded: $0) }
        }
        var slots = [Int](repeating: -1, count: Int(span) + 1)
        var next = 0, nullCode = -1
        slots.withUnsafeMutableBufferPointer { slots in
            for i in 0..<n {
                if let validity, !validity.isValid(i) {
                    if nullsMatch && nullCode < 0 { nullCode = next; next += 1 }
                    out[i] = nullsMatch ? nullCode : -1
                    continue
                }
                let slot = Int(truncatingIfNeeded: Int64(truncatingIfNeeded: p[i]) &- lo)
                var code = slots[slot]
                if code < 0 {
                    code = next
                    slots[slot] = code
                    next += 1
                }
                out[i] = code
            }
        }
        return next
    }

    /// Codes for a fixed-width column whose values map to 64-bit keys, through a hash
    /// table; returns the cardinality.
    static func encodeFixed<T>(_ p: UnsafePointer<T>, _ validity: Bitmap?, _ nullsMatch: Bool,
                               _ out: UnsafeMutableBufferPointer<Int>, key: (T) -> Int64) -> Int {
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

    // MARK: Further columns

    /// The first row of each code (`codes` are dense, first-seen; `-1` rows have none).
    static func firstRows(_ codes: [Int], _ cardinality: Int) -> [Int] {
        var first: [Int] = []
        first.reserveCapacity(cardinality)
        // Codes are first-seen: code c first appears after codes 0..<c have.
        for (i, code) in codes.enumerated() where code == first.count { first.append(i) }
        return first
    }

    /// What a refinement did.
    enum Refinement {
        case unchanged, changed
        /// Nothing was done: a sample of rows showed that the column splits most groups.
        case splitsMostGroups
    }

    /// Splits the groups of `codes` by `column`'s values. `firstRows[g]` is the first
    /// row of group `g` (kept up to date for new groups).
    static func refine(_ codes: inout [Int], _ cardinality: inout Int, _ firstRows: inout [Int],
                       by column: Column, nullsMatch: Bool) -> Refinement {
        if column.type.isDecimal { return refine(&codes, &cardinality, &firstRows, by: decimalKeys(column), nullsMatch: nullsMatch) }
        let validity = column.validity
        return codes.withUnsafeMutableBufferPointer { codes in
            withExtendedLifetime(column) {
                switch column.type {
                case .decimal: preconditionFailure("handled above")
                case .string, .binary:
                    return refine(StringKeyRows(view: column.unsafeStrings(), validity: validity), codes, &cardinality, &firstRows, nullsMatch)
                case .bool:
                    return refine(IntegerKeyRows(values: column.unsafeValuesAddress(as: UInt8.self), validity: validity), codes, &cardinality, &firstRows, nullsMatch)
                case .date:
                    return refine(IntegerKeyRows(values: column.unsafeValuesAddress(as: Int32.self), validity: validity), codes, &cardinality, &firstRows, nullsMatch)
                case .int64, .timestamp:
                    return refine(IntegerKeyRows(values: column.unsafeValuesAddress(as: Int64.self), validity: validity), codes, &cardinality, &firstRows, nullsMatch)
                case .float64:
                    return refine(DoubleKeyRows(values: column.unsafeValuesAddress(as: Double.self), validity: validity), codes, &cardinality, &firstRows, nullsMatch)
                }
            }
        }
    }

    static func refine<K: KeyRows>(_ keys: K, _ codes: UnsafeMutableBufferPointer<Int>, _ cardinality: inout Int,
                                   _ firstRows: inout [Int], _ nullsMatch: Bool) -> Refinement {
        let hasNulls = keys.hasNulls
        // Rows whose value differs from their group's first row go through a hash table;
        // when a sample spread over the rows finds most of them differing, pairwise
        // combination is cheaper.
        let n = codes.count, samples = Swift.min(n, 1024)
        var compared = 0, differing = 0
        for k in 0..<samples {
            let i = k &* (n / samples)
            let group = codes[i]
            guard group >= 0, firstRows[group] != i else { continue }
            compared &+= 1
            if !keys.same(i, firstRows[group]) { differing &+= 1 }
        }
        if differing > 64 && differing * 2 > compared { return .splitsMostGroups }
        var changed = false
        var splits = GroupSplitTable()
        for i in 0..<n {
            let group = codes[i]
            if group < 0 { continue }
            let isNull = hasNulls && keys.isNull(i)
            if isNull && !nullsMatch {
                codes[i] = -1
                changed = true
                continue
            }
            let first = firstRows[group]
            if first == i { continue }
            let firstIsNull = hasNulls && keys.isNull(first)
            if isNull == firstIsNull && (isNull || keys.equal(i, first)) { continue }
            // Row i differs from its group's first row: (group, value) gets a code of its own.
            let hash = (isNull ? 0x51_7cc1_b727_220a : keys.hash(i)) ^ (UInt64(truncatingIfNeeded: group) &* 0x9e37_79b9_7f4a_7c15)
            codes[i] = splits.code(row: i, group: group, hash: hash, keys: keys, next: &cardinality)
            if codes[i] == firstRows.count { firstRows.append(i) }
            changed = true
        }
        return changed ? .changed : .unchanged
    }

    /// Replaces `codes` by codes of the pairs (code, `column`'s own code), dense in
    /// first-seen order.
    static func combine(_ codes: inout [Int], _ cardinality: inout Int, with column: Column, nullsMatch: Bool) {
        let (columnCodes, columnCardinality) = encode(column, nullsMatch: nullsMatch)
        let count = codes.count
        precondition(cardinality.multipliedReportingOverflow(by: Swift.max(columnCardinality, 1)).overflow == false)
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

    /// Renumbers `codes` densely in order of first appearance.
    static func renumber(_ codes: inout [Int], _ cardinality: inout Int) {
        var remap = [Int](repeating: -1, count: cardinality)
        var next = 0
        codes.withUnsafeMutableBufferPointer { codes in
            remap.withUnsafeMutableBufferPointer { remap in
                for i in 0..<codes.count {
                    let old = codes[i]
                    if old < 0 { continue }
                    var code = remap[old]
                    if code < 0 {
                        code = next
                        remap[old] = code
                        next += 1
                    }
                    codes[i] = code
                }
            }
        }
        cardinality = next
    }
}

// MARK: - Typed row access for refinement

/// Unchecked, typed access to the rows of one key column.
protocol KeyRows {
    /// Whether the column has any null.
    var hasNulls: Bool { get }
    /// Whether row `i` is null.
    func isNull(_ i: Int) -> Bool
    /// Whether the non-null rows `a` and `b` hold the same key.
    func equal(_ a: Int, _ b: Int) -> Bool
    /// A hash of non-null row `i`'s key, equal for equal keys.
    func hash(_ i: Int) -> UInt64
}

extension KeyRows {
    /// Whether rows `a` and `b` hold the same key, null equal to null.
    @inline(__always) func same(_ a: Int, _ b: Int) -> Bool {
        guard hasNulls else { return equal(a, b) }
        let aNull = isNull(a), bNull = isNull(b)
        return aNull == bNull && (aNull || equal(a, b))
    }
}

@inline(__always) func mixKey(_ key: Int64) -> UInt64 {
    var z = UInt64(bitPattern: key) &* 0xbf58_476d_1ce4_e5b9
    z ^= z >> 31
    z = z &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 29)
}

struct IntegerKeyRows<T: FixedWidthInteger>: KeyRows {
    let values: UnsafePointer<T>
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { values[a] == values[b] }
    @inline(__always) func hash(_ i: Int) -> UInt64 { mixKey(Int64(truncatingIfNeeded: values[i])) }
}

struct DoubleKeyRows: KeyRows {
    let values: UnsafePointer<Double>
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { KeyEncoder.normalizedKey(values[a]) == KeyEncoder.normalizedKey(values[b]) }
    @inline(__always) func hash(_ i: Int) -> UInt64 { mixKey(KeyEncoder.normalizedKey(values[i])) }
}

struct StringKeyRows: KeyRows {
    let view: StringsView
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { bytesEqual(view[a], view[b]) }
    @inline(__always) func hash(_ i: Int) -> UInt64 { hashBytes(view[i]) }
}

/// Open-addressing table from (group, value) to new codes, for the rows that a
/// refinement splits off their group. A slot holds the hash, a row with that key,
/// its old group and its code side by side (one cache line per probe); keys are
/// compared through ``KeyRows``. Load factor ≤ 1/2, grows by doubling.
struct GroupSplitTable {
    struct Slot {
        var hash: UInt64
        var row: Int        // row + 1, 0 = empty
        var group: Int
        var code: Int
    }
    var slots: [Slot] = []
    var used = 0

    mutating func code<K: KeyRows>(row: Int, group: Int, hash: UInt64, keys: K, next: inout Int) -> Int {
        if used * 2 >= slots.count { grow() }
        let code = slots.withUnsafeMutableBufferPointer { slots -> Int in
            let mask = slots.count &- 1
            var i = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while true {
                let slot = slots[i]
                if slot.row == 0 {
                    slots[i] = Slot(hash: hash, row: row &+ 1, group: group, code: next)
                    return -1
                }
                if slot.hash == hash && slot.group == group && keys.same(slot.row &- 1, row) { return slot.code }
                i = (i &+ 1) & mask
            }
        }
        if code >= 0 { return code }
        used += 1
        next += 1
        return next - 1
    }

    mutating func grow() {
        let old = slots
        let size = Swift.max(16, old.count * 2)
        slots = [Slot](repeating: Slot(hash: 0, row: 0, group: 0, code: 0), count: size)
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = size - 1
            for slot in old where slot.row != 0 {
                var i = Int(truncatingIfNeeded: slot.hash ^ (slot.hash >> 29)) & mask
                while slots[i].row != 0 { i = (i &+ 1) & mask }
                slots[i] = slot
            }
        }
    }
}

// MARK: - Single-column tables

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
