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

    /// Distinct string values counted exactly per column before the profile switches to
    /// a HyperLogLog estimate (and stops remembering new values).
    public static let exactDistinctLimit = 100_000

    /// Profiles every column; `topCount` most frequent values are kept per column.
    public static func profile(_ table: Table, topCount: Int = 5, exactDistinctLimit: Int = exactDistinctLimit) -> [ColumnProfile] {
        zip(table.schema.fields, table.columns).map { profile($0.1, name: $0.0.name, topCount: topCount, exactDistinctLimit: exactDistinctLimit) }
    }

    /// Profiles one column.
    public static func profile(_ column: Column, name: String, topCount: Int = 5, exactDistinctLimit: Int = exactDistinctLimit) -> ColumnProfile {
        precondition(exactDistinctLimit >= 1, "exactDistinctLimit must be at least 1")
        var profile = ColumnProfile(name: name, type: column.type, count: column.count, nulls: column.nullCount, distinct: 0,
                                    nanCount: 0, quantiles: [], topValues: [])
        switch column.type {
        case .string, .binary: profileStrings(column, &profile, topCount, exactDistinctLimit)
        case .decimal: profileDecimals(column, &profile, topCount)
        case .float64: profileDoubles(column, &profile, topCount)
        case .bool, .int64, .date, .timestamp: profileIntegers(column, &profile, topCount)
        }
        return profile
    }

    private static func profileStrings(_ column: Column, _ profile: inout ColumnProfile, _ topCount: Int, _ limit: Int) {
        let set = BytesHashMap(expected: Swift.min(column.count, limit, 1 << 16))
        var counts: [Int] = []
        var sketch: HyperLogLog?
        var minLength = Int.max, maxLength = 0, totalLength = 0
        let view = column.unsafeStrings()
        let isBinary = column.type == .binary
        var valid = 0
        withExtendedLifetime(column) {
            for i in 0..<column.count where !column.isNull(i) {
                let bytes = view[i]
                if sketch == nil {
                    if set.count < limit || set.contains(bytes) {
                        let entry = set.insert(bytes).entry
                        if entry == counts.count { counts.append(0) }
                        counts[entry] += 1
                    } else {
                        // One value past the limit: every value so far seeds the sketch, and the set stops growing.
                        var seeded = HyperLogLog()
                        for e in 0..<set.count {
                            set.withBytes(at: e) { seeded.add(hash: KeyHash.hash($0)) }
                        }
                        seeded.add(hash: KeyHash.hash(bytes))
                        sketch = seeded
                    }
                } else {
                    sketch!.add(hash: KeyHash.hash(bytes))
                    if let entry = set.entry(of: bytes) { counts[entry] += 1 }
                }
                var scalars = 0   // characters of a string, bytes of a binary value
                if isBinary { scalars = bytes.count } else { for byte in bytes where byte & 0xC0 != 0x80 { scalars += 1 } }
                minLength = Swift.min(minLength, scalars)
                maxLength = Swift.max(maxLength, scalars)
                totalLength += scalars
                valid += 1
            }
        }
        if let sketch {
            // The estimate, but never below what the exact set already holds.
            profile.distinct = Swift.max(sketch.estimate, set.count + 1)
            profile.distinctIsExact = false
            profile.topValuesAreExact = false
        } else {
            profile.distinct = set.count
        }
        if valid > 0 {
            profile.lengths = (minLength, maxLength, Double(totalLength) / Double(valid))
            let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            profile.topValues = order.prefix(topCount).map { (isBinary ? .binary(set.bytes(at: $0)) : .string(set.string(at: $0)), counts[$0]) }
            if let extremes = StringExtremes.of(column) {
                profile.min = column.unsafeValue(at: extremes.minRow)
                profile.max = column.unsafeValue(at: extremes.maxRow)
            }
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
            let (mean, deviation) = moments(keys) { Double($0) }
            profile.mean = mean
            profile.standardDeviation = deviation
        }
        if column.type != .bool {
            profile.quantiles = probabilities.map { ($0, value(keys[nearestRank($0, keys.count)])) }
            profile.histogram = histogram(sorted: keys.map(Double.init))
        }
        let (top, distinct) = TopValues.counting(sorted: keys, capacity: topCount)
        profile.distinct = distinct
        profile.topValues = top.entries.map { (value($0.key), $0.count) }
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
        let (mean, deviation) = moments(values) { $0 }
        if mean.isFinite {
            profile.mean = mean
            profile.standardDeviation = deviation
        }
        profile.quantiles = probabilities.map { ($0, .float64(values[nearestRank($0, values.count)])) }
        profile.histogram = histogram(sorted: values)
        let (top, distinct) = TopValues.counting(sorted: values, capacity: topCount)
        profile.distinct = distinct + (nans > 0 ? 1 : 0)
        profile.topValues = top.entries.map { (.float64($0.key), $0.count) }
    }

    /// The mean of `values` read as doubles (a compensated sum, so it does not drift with
    /// row order) and their population standard deviation.
    static func moments<C: Collection>(_ values: C, _ double: (C.Element) -> Double) -> (mean: Double, deviation: Double) {
        var sum = CompensatedSum()
        for v in values { sum.add(double(v)) }
        let mean = sum.value / Double(values.count)
        var squares = 0.0
        for v in values { let d = double(v) - mean; squares += d * d }
        return (mean, (squares / Double(values.count)).squareRoot())
    }

    /// The 0-based index of the nearest-rank quantile `p` among `n` sorted values.
    static func nearestRank(_ p: Double, _ n: Int) -> Int {
        Swift.min(n - 1, Swift.max(0, Int((p * Double(n)).rounded(.up)) - 1))
    }
}

/// The `capacity` most frequent keys of runs offered in ascending key order, most
/// frequent first (ties: the smaller key first), in O(capacity) memory.
struct TopValues<Key: Comparable> {
    let capacity: Int
    private(set) var entries: [(key: Key, count: Int)] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Offers a run; keys arrive in ascending order, so on a tie the earlier (smaller) key stays ahead.
    mutating func offer(_ key: Key, count: Int) {
        guard capacity > 0 else { return }
        if entries.count == capacity {
            guard count > entries[capacity - 1].count else { return }
            entries.removeLast()
        }
        var index = entries.count
        while index > 0 && entries[index - 1].count < count { index -= 1 }
        entries.insert((key, count), at: index)
    }

    /// The `capacity` most frequent of sorted `values` (runs of equal keys) and how many
    /// distinct keys they hold.
    static func counting(sorted values: [Key], capacity: Int) -> (top: TopValues, distinct: Int) {
        var top = TopValues(capacity: capacity)
        var start = 0, distinct = 0
        for i in values.indices.dropFirst() where values[i] != values[start] {
            top.offer(values[start], count: i - start)
            distinct += 1
            start = i
        }
        if !values.isEmpty {
            top.offer(values[start], count: values.count - start)
            distinct += 1
        }
        return (top, distinct)
    }
}
