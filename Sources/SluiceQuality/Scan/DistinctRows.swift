#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Distinct combinations of several columns, column-at-a-time: each column folds
/// its values into one 64-bit hash per row, rows are partitioned in place by hash,
/// and within each partition grouped by hash and confirmed equal column by column. Nulls group together (as `GROUP BY` does).
enum DistinctRows {
    static func compute(_ columns: [Column]) -> MetricValue {
        let count = columns.first?.count ?? 0
        // A combination that contains a key is a key: when one integer column with
        // dense values has no nulls and no repeats, every row is distinct (one cheap
        // bitmap pass instead of hashing every row).
        for column in columns where column.nullCount == 0 && column.type != .float64 && column.type != .string {
            let set = Int64HashSet(expected: count, keysIn: keyRange(of: column))
            guard set.isDense else { continue }
            var unique = true
            forEachKey(of: column) { _, key in if unique && !set.insert(key) { unique = false } }
            if unique { return MetricValue(count: count, failing: Bitmap(count: count, allValid: false)) }
        }
        precondition(count <= Int(UInt32.max), "more rows than a 32-bit row index holds")
        var entries = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: count)
        for column in columns { fold(column, into: &entries) }
        // Each row becomes one 64-bit entry: the top half of its hash, then its row
        // number. Entries are partitioned in place by the hash's top bits (American flag
        // sort: no second array of fresh memory), and each partition is deduplicated with
        // an open-addressing table small enough to stay in cache. The sort is not stable,
        // so a repeat is decided by row number: of equal rows, all but the first fail.
        var bits = 0
        while bits < 12 && count >> bits > partitionRows { bits += 1 }
        let partitions = 1 << bits
        let shift = UInt64(64 - bits)
        @inline(__always) func partition(_ entry: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: entry >> shift) }
        var offsets = [Int](repeating: 0, count: partitions + 1)
        entries.withUnsafeMutableBufferPointer { e in
            for row in 0..<count {
                e[row] = (e[row] & 0xFFFF_FFFF_0000_0000) | UInt64(row)
                offsets[partition(e[row]) + 1] += 1
            }
            for p in 0..<partitions { offsets[p + 1] += offsets[p] }
            if bits > 0 {
                var next = Array(offsets.dropLast())   // next unplaced slot of each partition
                for p in 0..<partitions {
                    while next[p] < offsets[p + 1] {
                        var entry = e[next[p]]
                        var target = partition(entry)
                        while target != p {           // carry the entry to its partition, displacing another
                            let k = next[target]
                            next[target] = k + 1
                            swap(&entry, &e[k])
                            target = partition(entry)
                        }
                        e[next[p]] = entry
                        next[p] += 1
                    }
                }
            }
        }
        var largest = 0
        for p in 0..<partitions { largest = Swift.max(largest, offsets[p + 1] - offsets[p]) }
        // One shared hash index, emptied per partition; entry e's representative row
        // (the earliest of its equal rows so far) is firstRows[e].
        let index = HashIndex(expected: largest)
        var firstRows: [Int] = []
        firstRows.reserveCapacity(largest)
        var failing = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var distinct = 0
        entries.withUnsafeMutableBufferPointer { e in
            for p in 0..<partitions {
                let base = offsets[p], size = offsets[p + 1] - base
                guard size > 0 else { continue }
                index.removeAll()
                firstRows.removeAll(keepingCapacity: true)
                for k in 0..<size {
                    let entry = e[base + k]
                    let row = Int(entry & 0xFFFF_FFFF)
                    let (found, inserted) = index.findOrInsert(hash: KeyHash.mix(entry >> 32)) { rowsEqual(columns, row, firstRows[$0]) }
                    if inserted {
                        firstRows.append(row)
                        distinct += 1
                        continue
                    }
                    // The later row is the repeat; the entry keeps the earlier one.
                    let other = firstRows[found]
                    let repeatRow = Swift.max(row, other)
                    failing[repeatRow >> 6] |= 1 << UInt64(repeatRow & 63)
                    if row < other { firstRows[found] = row }
                }
            }
        }
        return MetricValue(count: distinct, failing: Bitmap(words: failing, count: count))
    }

    /// Rows per partition aimed for: a hash index of twice as many slots stays in L2.
    static let partitionRows = 16_384

    private static func fold(_ column: Column, into hashes: inout [UInt64]) {
        let nullHash: UInt64 = 0x9E37_79B9_7F4A_7C15
        hashes.withUnsafeMutableBufferPointer { h in
            if column.type.isDecimal {
                let values = column.unsafeValuesAddress(as: Int128.self)
                for i in 0..<column.count {
                    let v = column.isNull(i) ? nullHash : withUnsafeBytes(of: values[i]) { KeyHash.hash($0.bindMemory(to: UInt8.self)) }
                    h[i] = KeyHash.combine(h[i], v)
                }
            } else if column.type.isVariableWidth {
                let view = column.unsafeStrings()
                for i in 0..<column.count {
                    let v = column.isNull(i) ? nullHash : KeyHash.hash(view[i])
                    h[i] = KeyHash.combine(h[i], v)
                }
            } else {
                func walk<T: ScanElement>(_: T.Type) {
                    let values = column.unsafeValuesAddress(as: T.self)
                    for i in 0..<column.count {
                        let v = column.isNull(i) ? nullHash : UInt64(bitPattern: values[i].scanKey)
                        h[i] = KeyHash.combine(h[i], v)
                    }
                }
                switch column.type {
                case .bool: walk(UInt8.self)
                case .int64, .timestamp: walk(Int64.self)
                case .date: walk(Int32.self)
                case .float64: walk(Double.self)
                case .string, .binary, .decimal: break
                }
            }
        }
    }

    private static func rowsEqual(_ columns: [Column], _ a: Int, _ b: Int) -> Bool {
        for column in columns {
            let nullA = column.isNull(a), nullB = column.isNull(b)
            if nullA != nullB { return false }
            if nullA { continue }
            switch column.type {
            case .decimal: if column.unsafeValuesAddress(as: Int128.self)[a] != column.unsafeValuesAddress(as: Int128.self)[b] { return false }
            case .string, .binary:
                let view = column.unsafeStrings()
                let x = view[a], y = view[b]
                if x.count != y.count { return false }
                if x.count > 0 && memcmp(x.baseAddress!, y.baseAddress!, x.count) != 0 { return false }
            case .bool: if column.unsafeValuesAddress(as: UInt8.self)[a] != column.unsafeValuesAddress(as: UInt8.self)[b] { return false }
            case .int64, .timestamp: if column.unsafeValuesAddress(as: Int64.self)[a] != column.unsafeValuesAddress(as: Int64.self)[b] { return false }
            case .date: if column.unsafeValuesAddress(as: Int32.self)[a] != column.unsafeValuesAddress(as: Int32.self)[b] { return false }
            case .float64:
                let p = column.unsafeValuesAddress(as: Double.self)
                if p[a].scanKey != p[b].scanKey { return false }
            }
        }
        return true
    }
}
