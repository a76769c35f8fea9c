import SluiceCore

/// Dense integer codes for the key tuples of a set of columns: equal keys get equal
/// codes, numbered in order of first appearance. No per-row `Value`, no key bytes.
///
/// The first column is encoded on its own: integer-like values (int64, timestamp,
/// date, bool) spanning a narrow interval — ids — index a plain array; other
/// fixed-width values go through an ``Int64HashMap``, strings through a
/// ``HashIndex`` over their rows. Every further column then *refines* the codes so far: each row
/// is compared, typed and in place, with the first row of its group, and only rows
/// that differ from it are hashed, on (group, value), into new codes. A column that
/// is constant within the groups so far — a user's email and name next to the user
/// id — costs one comparison per repeated row and no hashing. When a sample shows
/// that the column splits most groups (a few groups so far, many values), the
/// column is instead encoded on its own and the pairs of codes combined through an
/// ``Int64HashMap``, which is cheaper then. Codes end up renumbered in
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
                    next = encodeFixed(column.unsafeValuesAddress(as: Double.self), validity, nullsMatch, out, key: KeyHash.key)
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

    static func encodeStrings(_ view: StringsView, _ validity: Bitmap?, _ nullsMatch: Bool, _ out: UnsafeMutableBufferPointer<Int>) -> Int {
        // Keys stay in the column: entry e of the index is the string at row rows[e].
        let index = HashIndex(expected: Swift.min(out.count, 1 << 16))
        var rows: [Int] = []
        var next = 0, nullCode = -1, nullBoundary = Int.max
        // Rows often repeat the previous row's key (joined or sorted data): compare with it before hashing.
        var previous = -1
        for i in 0..<out.count {
            if let validity, !validity.isValid(i) {
                if nullsMatch && nullCode < 0 { nullCode = next; next += 1; nullBoundary = index.count }
                out[i] = nullsMatch ? nullCode : -1
                continue
            }
            let bytes = view[i]
            if previous >= 0 && KeyHash.equal(view[previous], bytes) { out[i] = out[previous]; continue }
            let (entry, inserted) = rows.withUnsafeBufferPointer { rows in
                index.findOrInsert(hash: KeyHash.hash(bytes)) { KeyHash.equal(view[rows[$0]], bytes) }
            }
            if inserted { rows.append(i); next += 1 }
            out[i] = entry &+ (entry >= nullBoundary ? 1 : 0)   // the null code sits between entries
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
                out[i] = firstSeenCode(&slots[slot], next: &next)
            }
        }
        return next
    }

    /// Codes for a fixed-width column whose values map to 64-bit keys, through a hash
    /// table; returns the cardinality.
    static func encodeFixed<T>(_ p: UnsafePointer<T>, _ validity: Bitmap?, _ nullsMatch: Bool,
                               _ out: UnsafeMutableBufferPointer<Int>, key: (T) -> Int64) -> Int {
        let map = Int64HashMap(expected: Swift.min(out.count, 1 << 16))
        var next = 0, nullCode = -1, nullBoundary = Int.max
        var hasPrevious = false
        var previousKey: Int64 = 0, previousCode = 0
        for i in 0..<out.count {
            if let validity, !validity.isValid(i) {
                if nullsMatch && nullCode < 0 { nullCode = next; next += 1; nullBoundary = map.count }
                out[i] = nullsMatch ? nullCode : -1
                continue
            }
            let k = key(p[i])
            if hasPrevious && k == previousKey { out[i] = previousCode; continue }
            let (entry, inserted) = map.insert(k)
            if inserted { next += 1 }
            previousCode = entry &+ (entry >= nullBoundary ? 1 : 0)   // the null code sits between entries
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
        // (group, value) pairs split off so far: entry e is the pair of row splitRows[e]
        // in group splitGroups[e], and has code `firstSplitCode + e`.
        let splits = HashIndex()
        var splitRows: [Int] = [], splitGroups: [Int] = []
        let firstSplitCode = cardinality
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
            let hash = KeyHash.combine(UInt64(truncatingIfNeeded: group), isNull ? 0x51_7cc1_b727_220a : keys.hash(i))
            let (entry, inserted) = splits.findOrInsert(hash: hash) { splitGroups[$0] == group && keys.same(splitRows[$0], i) }
            if inserted {
                splitRows.append(i)
                splitGroups.append(group)
                cardinality += 1
            }
            codes[i] = firstSplitCode &+ entry
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
        let map = Int64HashMap(expected: Swift.min(count, cardinality &* columnCardinality, 1 << 16))
        var previousCombined = -1, previousCode = -1
        codes.withUnsafeMutableBufferPointer { codes in
            columnCodes.withUnsafeBufferPointer { columnCodes in
                for i in 0..<count {
                    if codes[i] < 0 || columnCodes[i] < 0 { codes[i] = -1; continue }
                    let combined = codes[i] &* columnCardinality &+ columnCodes[i]
                    if combined == previousCombined { codes[i] = previousCode; continue }
                    codes[i] = map.insert(Int64(combined)).entry
                    previousCombined = combined
                    previousCode = codes[i]
                }
            }
        }
        cardinality = map.count
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
                    codes[i] = firstSeenCode(&remap[old], next: &next)
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

struct IntegerKeyRows<T: FixedWidthInteger>: KeyRows {
    let values: UnsafePointer<T>
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { values[a] == values[b] }
    @inline(__always) func hash(_ i: Int) -> UInt64 { KeyHash.hash(Int64(truncatingIfNeeded: values[i])) }
}

struct DoubleKeyRows: KeyRows {
    let values: UnsafePointer<Double>
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { KeyHash.key(values[a]) == KeyHash.key(values[b]) }
    @inline(__always) func hash(_ i: Int) -> UInt64 { KeyHash.hash(KeyHash.key(values[i])) }
}

struct StringKeyRows: KeyRows {
    let view: StringsView
    let validity: Bitmap?
    var hasNulls: Bool { validity != nil }
    @inline(__always) func isNull(_ i: Int) -> Bool { !validity.unsafelyUnwrapped.isValid(i) }
    @inline(__always) func equal(_ a: Int, _ b: Int) -> Bool { KeyHash.equal(view[a], view[b]) }
    @inline(__always) func hash(_ i: Int) -> UInt64 { KeyHash.hash(view[i]) }
}

/// The dense code of a key whose code slot is `slot`: the slot's code, or, for a key not
/// seen yet (`-1`), `next`, stored in the slot, with `next` advanced. Codes thus number
/// keys in the order they are first met.
@inline(__always)
func firstSeenCode(_ slot: inout Int, next: inout Int) -> Int {
    if slot < 0 {
        slot = next
        next &+= 1
    }
    return slot
}
