import SluiceCore

/// Groups rows by key columns and computes aggregates per group. A null key is a
/// group of its own (SQL `GROUP BY`); groups appear in order of first appearance.
/// With no keys the whole table is one group (one row, even when empty).
///
/// Float sums (and averages) are exact for money: when every value has at most 6
/// decimals they are summed as integers in units of the largest decimal scale
/// present (60.10 + 39.90 is exactly 100.0), otherwise with Neumaier's compensated
/// summation.
public struct AggregateSpec: Sendable, Equatable {
    /// One output column.
    public struct Measure: Sendable, Equatable {
        public enum Function: String, Sendable, CaseIterable {
            case count, countDistinct = "count_distinct", sum, min, max, avg, first, last
        }
        public var name: String
        public var function: Function
        /// The input column; `nil` only for `count` (count rows).
        public var column: String?

        public init(_ name: String, _ function: Function, _ column: String? = nil) {
            self.name = name
            self.function = function
            self.column = column
        }

        /// Parses `count`, `count(*)`, `count(col)`, `sum(total)` …
        public init(name: String, parsing text: String) throws {
            let trimmed = text.trimmingCharacters(in: " \t")
            var functionName = trimmed, argument: String?
            if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
                functionName = String(trimmed[..<open]).trimmingCharacters(in: " \t")
                let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingCharacters(in: " \t\"")
                argument = inner.isEmpty || inner == "*" ? nil : inner
            }
            guard let function = Function(rawValue: functionName.lowercased()) else {
                let names = Function.allCases.map(\.rawValue)
                throw TransformError(.invalidStep, message: "unknown aggregate \(functionName)() for \"\(name)\"",
                                     hint: suggestion(for: functionName, among: names).map { "did you mean \($0)()?" } ?? "aggregates: \(names.joined(separator: ", "))")
            }
            guard argument != nil || function == .count else {
                throw TransformError(.invalidStep, message: "\(function.rawValue)() for \"\(name)\" needs a column, e.g. \(function.rawValue)(total)")
            }
            self.init(name, function, argument)
        }
    }

    public var by: [String]
    public var measures: [Measure]

    public init(by: [String], measures: [Measure]) {
        self.by = by
        self.measures = measures
    }

    func apply(to table: Table) throws -> Table {
        let keys = try by.map { try table.requireColumn($0) }
        let encoder = KeyEncoder(keys, nullsMatch: true)
        let groups = by.isEmpty ? 1 : encoder.cardinality
        let codes = by.isEmpty ? [Int](repeating: 0, count: table.rowCount) : encoder.codes
        var firstRow = [Int](repeating: -1, count: groups), lastRow = [Int](repeating: -1, count: groups)
        var rowCounts = [Int64](repeating: 0, count: groups)
        for i in 0..<table.rowCount {
            let g = codes[i]
            if firstRow[g] < 0 { firstRow[g] = i }
            lastRow[g] = i
            rowCounts[g] += 1
        }
        var pairs: [(String, Column)] = zip(by, keys).map { ($0.0, $0.1.gathering(firstRow)) }
        for measure in measures {
            let result: Column
            if measure.function == .count && measure.column == nil {
                result = Column(int64: rowCounts.map { $0 })
            } else {
                let column = try table.requireColumn(measure.column!)
                result = try aggregate(measure, column, codes: codes, groups: groups, firstRow: firstRow, lastRow: lastRow)
            }
            pairs.append((measure.name, result))
        }
        do { return try Table(pairs) } catch let error as CoreError {
            throw TransformError(.invalidStep, message: "aggregate: \(error.message)")
        }
    }

    func aggregate(_ measure: Measure, _ column: Column, codes: [Int], groups: Int, firstRow: [Int], lastRow: [Int]) throws -> Column {
        let n = column.count
        switch measure.function {
        case .count:
            var counts = [Int64](repeating: 0, count: groups)
            for i in 0..<n where !column.isNull(i) { counts[codes[i]] += 1 }
            return Column(int64: counts.map { $0 })
        case .countDistinct:
            let pair = KeyEncoder([Column(int64: codes.map { Int64($0) }), column], nullsMatch: false)
            var seen = [Bool](repeating: false, count: pair.cardinality)
            var counts = [Int64](repeating: 0, count: groups)
            for i in 0..<n where pair.codes[i] >= 0 && !seen[pair.codes[i]] {
                seen[pair.codes[i]] = true
                counts[codes[i]] += 1
            }
            return Column(int64: counts.map { $0 })
        case .first, .last:
            // First/last non-null value of the group.
            var chosen = [Int](repeating: -1, count: groups)
            for i in 0..<n where !column.isNull(i) && (measure.function == .last || chosen[codes[i]] < 0) { chosen[codes[i]] = i }
            return column.gathering(chosen)
        case .min, .max:
            var chosen = [Int](repeating: -1, count: groups)
            let wantLess = measure.function == .min
            let better: (Int, Int) -> Bool
            switch column.type {
            case .string:
                let view = column.unsafeStrings()
                better = { a, b in let c = compareBytesOrder(view[a], view[b]); return wantLess ? c < 0 : c > 0 }
            case .float64:
                let p = column.unsafeValuesAddress(as: Double.self)
                better = { a, b in wantLess ? p[a] < p[b] : p[a] > p[b] }
            case .date:
                let p = column.unsafeValuesAddress(as: Int32.self)
                better = { a, b in wantLess ? p[a] < p[b] : p[a] > p[b] }
            case .bool:
                let p = column.unsafeValuesAddress(as: UInt8.self)
                better = { a, b in wantLess ? p[a] < p[b] : p[a] > p[b] }
            case .int64, .timestamp:
                let p = column.unsafeValuesAddress(as: Int64.self)
                better = { a, b in wantLess ? p[a] < p[b] : p[a] > p[b] }
            }
            withExtendedLifetime(column) {
                for i in 0..<n where !column.isNull(i) {
                    let g = codes[i]
                    if chosen[g] < 0 || better(i, chosen[g]) { chosen[g] = i }
                }
            }
            return column.gathering(chosen)
        case .sum, .avg:
            var counts = [Int64](repeating: 0, count: groups)
            for i in 0..<n where !column.isNull(i) { counts[codes[i]] += 1 }
            switch column.type {
            case .int64:
                var sums = [Int64](repeating: 0, count: groups)
                try column.withUnsafeValues(as: Int64.self) { v in
                    for i in 0..<n where !column.isNull(i) {
                        let (s, o) = sums[codes[i]].addingReportingOverflow(v[i])
                        if o { throw TransformError(.overflow, message: "sum(\(measure.column!)) overflows int64 in \"\(measure.name)\"", hint: "cast the column to float64 first") }
                        sums[codes[i]] = s
                    }
                }
                if measure.function == .sum {
                    return Column(int64: (0..<groups).map { counts[$0] > 0 ? sums[$0] : nil })
                }
                return Column(float64: (0..<groups).map { counts[$0] > 0 ? Double(sums[$0]) / Double(counts[$0]) : nil })
            case .float64:
                let sums = column.withUnsafeValues(as: Double.self) { exactSums($0, column, codes: codes, groups: groups) }
                if measure.function == .sum {
                    return Column(float64: (0..<groups).map { counts[$0] > 0 ? sums[$0] : nil })
                }
                return Column(float64: (0..<groups).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : nil })
            default:
                throw TransformError(.invalidStep, message: "\(measure.function.rawValue)(\(measure.column!)) needs a number, \"\(measure.column!)\" is \(column.type)",
                                     hint: "cast it first, e.g. - cast: { \(measure.column!): float64 }")
            }
        }
    }
}

/// Per-group sums of float64 values that are exact for decimal data: when every
/// value has at most 6 decimals (and the scaled values fit comfortably in an
/// Int64), sums integers in units of 10^-scale; otherwise Neumaier-compensated sums.
func exactSums(_ v: UnsafeBufferPointer<Double>, _ column: Column, codes: [Int], groups: Int) -> [Double] {
    let n = v.count
    // The decimal scale: the smallest s ≤ 6 such that every value is an integer number of 10^-s.
    var scale = 0
    var scaleFactor = 1.0
    var exact = true
    for i in 0..<n where !column.isNull(i) {
        let x = v[i]
        guard x.isFinite, Swift.abs(x) < 1e12 else { exact = false; break }
        while scale <= 6 {
            let scaled = x * scaleFactor
            if (scaled.rounded() / scaleFactor) == x { break }
            scale += 1
            scaleFactor *= 10
        }
        if scale > 6 { exact = false; break }
    }
    if exact {
        var sums = [Int64](repeating: 0, count: groups)
        var overflow = false
        for i in 0..<n where !column.isNull(i) {
            let (s, o) = sums[codes[i]].addingReportingOverflow(Int64((v[i] * scaleFactor).rounded()))
            sums[codes[i]] = s
            overflow = overflow || o
        }
        if !overflow { return sums.map { Double($0) / scaleFactor } }
    }
    var sums = [Double](repeating: 0, count: groups), compensation = [Double](repeating: 0, count: groups)
    for i in 0..<n where !column.isNull(i) {
        let g = codes[i], x = v[i], s = sums[g], t = s + x
        compensation[g] += Swift.abs(s) >= Swift.abs(x) ? (s - t) + x : (x - t) + s
        sums[g] = t
    }
    return (0..<groups).map { sums[$0] + compensation[$0] }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
