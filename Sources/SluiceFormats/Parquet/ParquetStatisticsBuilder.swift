import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Min, max and null count of a column chunk, in the PLAIN bytes Parquet stores.
/// NaN is left out of float ranges, ±0 widens to -0.0…+0.0 as the spec asks, and
/// strings longer than 1 KiB leave min/max out (readers then do not skip on them).
enum ParquetStatisticsBuilder {
    static func statistics(of column: Column) -> ParquetStatistics {
        var stats = ParquetStatistics(nullCount: Int64(column.nullCount))
        let validity = column.validity
        func valid(_ i: Int) -> Bool { validity?.isValid(i) ?? true }
        func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        switch column.type {
        case .bool:
            var low: UInt8 = 1, high: UInt8 = 0, any = false
            column.withUnsafeValues(as: UInt8.self) { v in for i in 0..<v.count where valid(i) { low = min(low, v[i]); high = max(high, v[i]); any = true } }
            if any { stats.min = [low]; stats.max = [high] }
        case .int64, .timestamp:
            var low = Int64.max, high = Int64.min, any = false
            column.withUnsafeValues(as: Int64.self) { v in
                if validity == nil { for x in v { low = min(low, x); high = max(high, x) }; any = v.count > 0 }
                else { for i in 0..<v.count where valid(i) { low = min(low, v[i]); high = max(high, v[i]); any = true } }
            }
            if any { stats.min = bytes(low.littleEndian); stats.max = bytes(high.littleEndian) }
        case .date:
            var low = Int32.max, high = Int32.min, any = false
            column.withUnsafeValues(as: Int32.self) { v in for i in 0..<v.count where valid(i) { low = min(low, v[i]); high = max(high, v[i]); any = true } }
            if any { stats.min = bytes(low.littleEndian); stats.max = bytes(high.littleEndian) }
        case .float64:
            var low = Double.infinity, high = -Double.infinity, any = false
            column.withUnsafeValues(as: Double.self) { v in
                for i in 0..<v.count where valid(i) && !v[i].isNaN { low = min(low, v[i]); high = max(high, v[i]); any = true }
            }
            if any {
                if low == 0 { low = -0.0 }
                if high == 0 { high = 0.0 }
                stats.min = bytes(low.bitPattern.littleEndian)
                stats.max = bytes(high.bitPattern.littleEndian)
            }
        case .decimal(let precision, _):
            // Signed order, in the physical form the writer uses (INT64 or big-endian bytes).
            var low = Int128.max, high = Int128.min, any = false
            column.withUnsafeValues(as: Int128.self) { v in for i in 0..<v.count where valid(i) { low = min(low, v[i]); high = max(high, v[i]); any = true } }
            if any {
                if precision <= 18 {
                    stats.min = bytes(Int64(truncatingIfNeeded: low).littleEndian)
                    stats.max = bytes(Int64(truncatingIfNeeded: high).littleEndian)
                } else {
                    let width = decimalByteWidth(precision: precision)
                    stats.min = Array(withUnsafeBytes(of: low.bigEndian) { $0[(16 - width)...] })
                    stats.max = Array(withUnsafeBytes(of: high.bigEndian) { $0[(16 - width)...] })
                }
            }
        case .string, .binary:
            column.withUnsafeStrings { strings in
                var low: UnsafeBufferPointer<UInt8>?, high: UnsafeBufferPointer<UInt8>?
                for i in 0..<strings.count where valid(i) {
                    let value = strings[i]
                    if low == nil || compare(value, low!) < 0 { low = value }
                    if high == nil || compare(value, high!) > 0 { high = value }
                }
                if let low, let high, low.count <= 1024, high.count <= 1024 {
                    stats.min = Array(low)
                    stats.max = Array(high)
                }
            }
        }
        return stats
    }

    /// Unsigned byte-wise comparison (Parquet's order for UTF-8 strings).
    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}
