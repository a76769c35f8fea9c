#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Distinct combinations of several columns, column-at-a-time: each column folds
/// its values into one 64-bit hash per row, rows are partitioned by hash, and within
/// each partition grouped by hash and confirmed equal column by column. Nulls group together (as `GROUP BY` does).
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
        var hashes = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: count)
        for column in columns { fold(column, into: &hashes) }
        // Rows are partitioned by the top bits of their hash (a stable scatter, so each
        // partition keeps row order), then each partition is deduplicated with an open-
        // addressing table small enough to stay in cache: one random access per row
        // into a cache-sized table instead of two into tables of the whole column.
        var bits = 0
        while bits < 12 && count >> bits > partitionRows { bits += 1 }
        let partitions = 1 << bits
        let shift = UInt64(64 - bits)
        @inline(__always) func partition(_ hash: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: hash >> shift) }
        var offsets = [Int](repeating: 0, count: partitions + 1)
        for hash in hashes { offsets[partition(hash) + 1] += 1 }
        for p in 0..<partitions { offsets[p + 1] += offsets[p] }
        var partHashes = [UInt64](repeating: 0, count: count)
        var partRows = [Int32](repeating: 0, count: count)
        var cursor = offsets
        hashes.withUnsafeBufferPointer { h in
            partHashes.withUnsafeMutableBufferPointer { ph in
                partRows.withUnsafeMutableBufferPointer { pr in
                    for row in 0..<count {
                        let p = partition(h[row])
                        let k = cursor[p]
                        ph[k] = h[row]
                        pr[k] = Int32(truncatingIfNeeded: row)
                        cursor[p] = k &+ 1
                    }
                }
            }
        }
        hashes = []
        var largest = 0
        for p in 0..<partitions { largest = Swift.max(largest, offsets[p + 1] - offsets[p]) }
        var capacity = 16
        while capacity < largest * 2 { capacity <<= 1 }
        // Slot = index within the partition + 1; 0 = empty.
        var slots = [Int32](repeating: 0, count: capacity)
        var failing = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var distinct = 0, repeats = 0
        partHashes.withUnsafeBufferPointer { ph in
            partRows.withUnsafeBufferPointer { pr in
                slots.withUnsafeMutableBufferPointer { table in
                    for p in 0..<partitions {
                        let base = offsets[p], size = offsets[p + 1] - base
                        guard size > 0 else { continue }
                        var local = 16
                        while local < size * 2 { local <<= 1 }
                        let mask = local - 1
                        for i in 0..<local { table[i] = 0 }
                        for k in 0..<size {
                            let hash = ph[base + k], row = Int(pr[base + k])
                            var i = Int(truncatingIfNeeded: hash) & mask
                            while true {
                                let slot = Int(table[i])
                                if slot == 0 {
                                    table[i] = Int32(truncatingIfNeeded: k + 1)
                                    distinct += 1
                                    break
                                }
                                let other = base + slot - 1
                                if ph[other] == hash && rowsEqual(columns, row, Int(pr[other])) {
                                    failing[row >> 6] |= 1 << UInt64(row & 63)
                                    repeats += 1
                                    break
                                }
                                i = (i + 1) & mask
                            }
                        }
                    }
                }
            }
        }
        return MetricValue(count: distinct, failing: Bitmap(words: failing, count: count))
    }

    /// Rows per partition aimed for: a table of twice as many 4-byte slots stays in L2.
    static let partitionRows = 16_384

    private static func fold(_ column: Column, into hashes: inout [UInt64]) {
        let nullHash: UInt64 = 0x9E37_79B9_7F4A_7C15
        hashes.withUnsafeMutableBufferPointer { h in
            if column.type == .string {
                let view = column.unsafeStrings()
                for i in 0..<column.count {
                    let v = column.isNull(i) ? nullHash : hashBytes(view[i])
                    h[i] = mix64(h[i] &* 31 ^ v)
                }
            } else {
                func walk<T: ScanElement>(_: T.Type) {
                    let values = column.unsafeValuesAddress(as: T.self)
                    for i in 0..<column.count {
                        let v = column.isNull(i) ? nullHash : UInt64(bitPattern: values[i].scanKey)
                        h[i] = mix64(h[i] &* 31 ^ v)
                    }
                }
                switch column.type {
                case .bool: walk(UInt8.self)
                case .int64, .timestamp: walk(Int64.self)
                case .date: walk(Int32.self)
                case .float64: walk(Double.self)
                case .string: break
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
            case .string:
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
