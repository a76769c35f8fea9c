import SluiceCore

extension Profiler {
    /// Decimal profile: min, max, quantiles and top values exact (as decimals); mean and
    /// standard deviation are float64 (approximate, like every profile mean).
    static func profileDecimals(_ column: Column, _ profile: inout ColumnProfile, _ topCount: Int) {
        guard case .decimal(_, let scale) = column.type else { return }
        var values: [Int128] = []
        values.reserveCapacity(column.count - column.nullCount)
        column.withUnsafeValues(as: Int128.self) { v in
            for i in 0..<v.count where !column.isNull(i) { values.append(v[i]) }
        }
        values.sort()
        guard let first = values.first, let last = values.last else { return }
        func value(_ u: Int128) -> Value { .decimal(Decimal128(unscaled: u, scale: scale)) }
        profile.min = value(first)
        profile.max = value(last)
        let doubles = values.map { Decimal128.toDouble($0, scale: scale) }
        let (mean, deviation) = moments(doubles) { $0 }
        profile.mean = mean
        profile.standardDeviation = deviation
        profile.quantiles = probabilities.map { ($0, value(values[nearestRank($0, values.count)])) }
        profile.histogram = histogram(sorted: doubles)
        let (top, distinct) = TopValues.counting(sorted: values, capacity: topCount)
        profile.distinct = distinct
        profile.topValues = top.entries.map { (value($0.key), $0.count) }
    }
}
