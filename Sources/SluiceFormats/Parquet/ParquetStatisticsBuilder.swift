import SluiceCore

/// Min, max and null count of a column chunk, in the PLAIN bytes Parquet stores.
/// NaN is left out of float ranges, ±0 widens to -0.0…+0.0 as the spec asks, and
/// strings longer than 1 KiB leave min/max out (readers then do not skip on them).
enum ParquetStatisticsBuilder {
    static func statistics(of column: Column) -> ParquetStatistics {
        var stats = ParquetStatistics(nullCount: Int64(column.nullCount))
        func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        // Min and max by the one kernel (SluiceCore `Extremes`: nulls and NaN skipped).
        switch column.type {
        case .bool:
            if let e = Extremes<UInt8>.of(column) { stats.min = [e.min]; stats.max = [e.max] }
        case .int64, .timestamp:
            if let e = Extremes<Int64>.of(column) { stats.min = bytes(e.min.littleEndian); stats.max = bytes(e.max.littleEndian) }
        case .date:
            if let e = Extremes<Int32>.of(column) { stats.min = bytes(e.min.littleEndian); stats.max = bytes(e.max.littleEndian) }
        case .float64:
            if let e = Extremes<Double>.of(column) {
                // ±0 widens to -0.0…+0.0 (the spec asks it: a reader may not know which zero was seen).
                let low = e.min == 0 ? -0.0 : e.min, high = e.max == 0 ? 0.0 : e.max
                stats.min = bytes(low.bitPattern.littleEndian)
                stats.max = bytes(high.bitPattern.littleEndian)
            }
        case .decimal(let precision, _):
            // Signed order, in the physical form the writer uses (INT64 or big-endian bytes).
            if let e = Extremes<Int128>.of(column) {
                if precision <= 18 {
                    stats.min = bytes(Int64(truncatingIfNeeded: e.min).littleEndian)
                    stats.max = bytes(Int64(truncatingIfNeeded: e.max).littleEndian)
                } else {
                    let width = decimalByteWidth(precision: precision)
                    stats.min = Array(withUnsafeBytes(of: e.min.bigEndian) { $0[(16 - width)...] })
                    stats.max = Array(withUnsafeBytes(of: e.max.bigEndian) { $0[(16 - width)...] })
                }
            }
        case .string, .binary:
            if let e = StringExtremes.of(column) {
                column.withUnsafeStrings { strings in
                    let low = strings[e.minRow], high = strings[e.maxRow]
                    if low.count <= 1024, high.count <= 1024 {
                        stats.min = Array(low)
                        stats.max = Array(high)
                    }
                }
            }
        }
        return stats
    }
}
