import SluiceCore

/// Computes a ``ColumnProfile`` for every column of a table.
///
/// ```swift
/// let profiles = Profiler.profile(orders)
/// print(profiles[0].distinct)
/// ```
public enum Profiler {
    /// Probabilities of the reported quantiles.
    public static let probabilities = [0.05, 0.25, 0.5, 0.75, 0.95]

    /// Profiles every column; `topCount` most frequent values are kept per column.
    public static func profile(_ table: Table, topCount: Int = 5) -> [ColumnProfile] {
        zip(table.schema.fields, table.columns).map { profile($0.1, name: $0.0.name, topCount: topCount) }
    }

    /// Profiles one column.
    public static func profile(_ column: Column, name: String, topCount: Int = 5) -> ColumnProfile {
        var profile = ColumnProfile(name: name, type: column.type, count: column.count, nulls: column.nullCount, distinct: 0,
                                    nanCount: 0, quantiles: [], topValues: [])
        switch column.type {
        case .string: profileStrings(column, &profile, topCount)
        case .float64: profileDoubles(column, &profile, topCount)
        case .bool, .int64, .date, .timestamp: profileIntegers(column, &profile, topCount)
        }
        return profile
    }

    private static func profileStrings(_ column: Column, _ profile: inout ColumnProfile, _ topCount: Int) {
        let set = BytesHashSet(expected: Swift.min(column.count, 1 << 16))
        var counts: [Int] = []
        var minLength = Int.max, maxLength = 0, totalLength = 0
        let view = column.unsafeStrings()
        var valid = 0
        for i in 0..<column.count where !column.isNull(i) {
            let bytes = view[i]
            let entry = set.entry(inserting: bytes)
            if entry == counts.count { counts.append(0) }
            counts[entry] += 1
            var scalars = 0
            for byte in bytes where byte & 0xC0 != 0x80 { scalars += 1 }
            minLength = Swift.min(minLength, scalars)
            maxLength = Swift.max(maxLength, scalars)
            totalLength += scalars
            valid += 1
        }
        profile.distinct = set.count
        if valid > 0 {
            profile.lengths = (minLength, maxLength, Double(totalLength) / Double(valid))
            let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            profile.topValues = order.prefix(topCount).map { (.string(set.string(at: $0)), counts[$0]) }
            // Lexicographic min/max by bytes.
            var lo = 0, hi = 0
            let strings = (0..<set.count).map { Array(set.string(at: $0).utf8) }
            for i in strings.indices {
                if strings[i].lexicographicallyPrecedes(strings[lo]) { lo = i }
                if strings[hi].lexicographicallyPrecedes(strings[i]) { hi = i }
            }
            profile.min = .string(set.string(at: lo))
            profile.max = .string(set.string(at: hi))
        }
    }

    private static func profileIntegers(_ column: Column, _ profile: inout ColumnProfile, _ topCount: Int) {
        var keys: [Int64] = []
        keys.reserveCapacity(column.count - column.nullCount)
        forEachKey(of: column) { _, key in keys.append(key) }
        keys.sort()
        func value(_ key: Int64) -> Value {
            switch column.type {
            case .bool: .bool(key != 0)
            case .date: .date(Int32(key))
            case .timestamp: .timestamp(key)
            default: .int64(key)
            }
        }
        guard let first = keys.first, let last = keys.last else { return }
        profile.min = value(first)
        profile.max = value(last)
        if column.type == .int64 {
            var sum = 0.0, sumSquares = 0.0
            for key in keys { sum += Double(key) }
            let mean = sum / Double(keys.count)
            for key in keys { let d = Double(key) - mean; sumSquares += d * d }
            profile.mean = mean
            profile.standardDeviation = (sumSquares / Double(keys.count)).squareRoot()
        }
        if column.type != .bool {
            profile.quantiles = probabilities.map { ($0, value(keys[nearestRank($0, keys.count)])) }
            profile.histogram = histogram(sorted: keys.map(Double.init))
        }
        var runs: [(key: Int64, count: Int)] = []
        var start = 0
        for i in 1...keys.count where i == keys.count || keys[i] != keys[start] {
            runs.append((keys[start], i - start))
            start = i
        }
        profile.distinct = runs.count
        profile.topValues = runs.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
            .prefix(topCount).map { (value($0.key), $0.count) }
    }

    private static func profileDoubles(_ column: Column, _ profile: inout ColumnProfile, _ topCount: Int) {
        var values: [Double] = []
        values.reserveCapacity(column.count - column.nullCount)
        var nans = 0
        column.withUnsafeValues(as: Double.self) { buffer in
            for i in 0..<buffer.count where !column.isNull(i) {
                if buffer[i].isNaN { nans += 1 } else { values.append(buffer[i] == 0 ? 0 : buffer[i]) }
            }
        }
        profile.nanCount = nans
        values.sort()
        guard let first = values.first, let last = values.last else {
            profile.distinct = nans > 0 ? 1 : 0
            return
        }
        profile.min = .float64(first)
        profile.max = .float64(last)
        // Neumaier-compensated sum so the mean does not drift with row order.
        var sum = 0.0, compensation = 0.0
        for v in values {
            let t = sum + v
            compensation += sum.magnitude >= v.magnitude ? (sum - t) + v : (v - t) + sum
            sum = t
        }
        let mean = (sum + compensation) / Double(values.count)
        var squares = 0.0
        for v in values { let d = v - mean; squares += d * d }
        if mean.isFinite {
            profile.mean = mean
            profile.standardDeviation = (squares / Double(values.count)).squareRoot()
        }
        profile.quantiles = probabilities.map { ($0, .float64(values[nearestRank($0, values.count)])) }
        profile.histogram = histogram(sorted: values)
        var runs: [(value: Double, count: Int)] = []
        var start = 0
        for i in 1...values.count where i == values.count || values[i] != values[start] {
            runs.append((values[start], i - start))
            start = i
        }
        profile.distinct = runs.count + (nans > 0 ? 1 : 0)
        profile.topValues = runs.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            .prefix(topCount).map { (.float64($0.value), $0.count) }
    }

    /// The 0-based index of the nearest-rank quantile `p` among `n` sorted values.
    static func nearestRank(_ p: Double, _ n: Int) -> Int {
        Swift.min(n - 1, Swift.max(0, Int((p * Double(n)).rounded(.up)) - 1))
    }
}
