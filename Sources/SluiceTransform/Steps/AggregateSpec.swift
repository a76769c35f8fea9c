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
        try apply(to: LazyTable(table))
    }

    /// Aggregates a table whose columns may still be gathers (after a join): keys are
    /// gathered at one row per group, measures read their values through the row
    /// indices without building the joined column.
    func apply(to table: LazyTable) throws -> Table {
        let keys = try by.map { try table.requireColumn($0) }
        let grouping = by.isEmpty ? Grouping(singleGroupOf: table.rowCount) : Grouping(keys, rowCount: table.rowCount)
        let groups = grouping.count, codes = grouping.codes
        var firstRow = [Int](repeating: -1, count: groups)
        var rowCounts = [Int64](repeating: 0, count: groups)
        codes.withUnsafeBufferPointer { codes in
            firstRow.withUnsafeMutableBufferPointer { firstRow in
                rowCounts.withUnsafeMutableBufferPointer { rowCounts in
                    for i in 0..<codes.count {
                        let g = codes[i]
                        if firstRow[g] < 0 { firstRow[g] = i }
                        rowCounts[g] &+= 1
                    }
                }
            }
        }
        var pairs: [(String, Column)] = zip(by, keys).map { ($0.0, $0.1.gathering(firstRow)) }
        for measure in measures {
            let result: Column
            if measure.function == .count && measure.column == nil {
                result = int64Column(rowCounts)
            } else {
                let column = try table.requireColumn(measure.column!)
                result = try aggregate(measure, column, codes: codes, groups: groups)
            }
            pairs.append((measure.name, result))
        }
        do { return try Table(pairs) } catch let error as CoreError {
            throw TransformError(.invalidStep, message: "aggregate: \(error.message)")
        }
    }

    /// One measure over `column`, whose row `i` belongs to group `codes[i]`.
    func aggregate(_ measure: Measure, _ column: LazyColumn, codes: [Int], groups: Int) throws -> Column {
        if measure.function == .countDistinct {
            let values = column.materialized()
            let pair = KeyEncoder([int64Column(codes.map { Int64($0) }), values], nullsMatch: false)
            var seen = [Bool](repeating: false, count: pair.cardinality)
            var counts = [Int64](repeating: 0, count: groups)
            for i in 0..<values.count where pair.codes[i] >= 0 && !seen[pair.codes[i]] {
                seen[pair.codes[i]] = true
                counts[codes[i]] += 1
            }
            return int64Column(counts)
        }
        let source = column.source
        return try codes.withUnsafeBufferPointer { codes in
            try withExtendedLifetime(source) {
                guard let indices = column.rows else {
                    return try aggregate(measure, source, DirectRows(validity: source.validity), codes, groups)
                }
                return try indices.rows.withUnsafeBufferPointer { rows in
                    try aggregate(measure, source, GatheredRows(rows: rows, validity: source.validity), codes, groups)
                }
            }
        }
    }

    /// One measure, reading row `i`'s value at source row `rows(i)` of `source`.
    func aggregate<Rows: SourceRows>(_ measure: Measure, _ source: Column, _ rows: Rows,
                                     _ codes: UnsafeBufferPointer<Int>, _ groups: Int) throws -> Column {
        let n = codes.count
        switch measure.function {
        case .count, .countDistinct:
            var counts = [Int64](repeating: 0, count: groups)
            counts.withUnsafeMutableBufferPointer { counts in
                for i in 0..<n where rows(i) >= 0 { counts[codes[i]] &+= 1 }
            }
            return int64Column(counts)
        case .first, .last:
            // First/last non-null value of the group (as a source row).
            var chosen = [Int](repeating: -1, count: groups)
            let last = measure.function == .last
            chosen.withUnsafeMutableBufferPointer { chosen in
                for i in 0..<n {
                    let r = rows(i)
                    if r >= 0 && (last || chosen[codes[i]] < 0) { chosen[codes[i]] = r }
                }
            }
            return source.gathering(chosen)
        case .min, .max:
            // The min/max rules of `Extremes` per group: nulls and NaN skipped, the first of equals.
            let least = measure.function == .min
            let chosen: [Int]
            switch source.type {
            case .decimal: chosen = Extremes<Int128>.rows(source.unsafeValuesAddress(as: Int128.self), least: least, codes: codes, groups: groups, row: rows)
            case .string, .binary: chosen = StringExtremes.rows(source.unsafeStrings(), least: least, codes: codes, groups: groups, row: rows)
            case .float64: chosen = Extremes<Double>.rows(source.unsafeValuesAddress(as: Double.self), least: least, codes: codes, groups: groups, row: rows)
            case .date: chosen = Extremes<Int32>.rows(source.unsafeValuesAddress(as: Int32.self), least: least, codes: codes, groups: groups, row: rows)
            case .bool: chosen = Extremes<UInt8>.rows(source.unsafeValuesAddress(as: UInt8.self), least: least, codes: codes, groups: groups, row: rows)
            case .int64, .timestamp: chosen = Extremes<Int64>.rows(source.unsafeValuesAddress(as: Int64.self), least: least, codes: codes, groups: groups, row: rows)
            }
            return source.gathering(chosen)
        case .sum, .avg:
            var counts = [Int64](repeating: 0, count: groups)
            counts.withUnsafeMutableBufferPointer { counts in
                for i in 0..<n where rows(i) >= 0 { counts[codes[i]] &+= 1 }
            }
            let isSum = measure.function == .sum
            switch source.type {
            case .int64:
                guard let sums = Sums.exact(source.unsafeValuesAddress(as: Int64.self), codes: codes, groups: groups, row: rows) else {
                    throw TransformError(.overflow, message: "sum(\(measure.column!)) overflows int64 in \"\(measure.name)\"", hint: "cast the column to float64 first")
                }
                if isSum { return int64Column(sums, present: counts) }
                return float64Column((0..<groups).map { Double(sums[$0]) / Double(Swift.max(counts[$0], 1)) }, present: counts)
            case .float64:
                let sums = Sums.decimalExact(source.unsafeValuesAddress(as: Double.self), codes: codes, groups: groups, row: rows)
                if isSum { return float64Column(sums, present: counts) }
                return float64Column((0..<groups).map { sums[$0] / Double(Swift.max(counts[$0], 1)) }, present: counts)
            case .decimal(_, let scale):
                return try decimalSumOrMean(measure, source.unsafeValuesAddress(as: Int128.self), scale: scale, rows, codes, groups, counts: counts)
            default:
                throw TransformError(.invalidStep, message: "\(measure.function.rawValue)(\(measure.column!)) needs a number, \"\(measure.column!)\" is \(source.type)",
                                     hint: "cast it first, e.g. - cast: { \(measure.column!): float64 }")
            }
        }
    }

    /// Exact decimal `sum` (as `decimal(38,s)`) or `avg` (as `decimal(38, s+6)`, at most
    /// scale 38, rounded half away from zero). A sum beyond 38 digits is an error, never
    /// a silent wrap or a float.
    private func decimalSumOrMean<Rows: SourceRows>(_ measure: Measure, _ v: UnsafePointer<Int128>, scale: Int, _ rows: Rows,
                                                    _ codes: UnsafeBufferPointer<Int>, _ groups: Int, counts: [Int64]) throws -> Column {
        let limit = UInt128(Decimal128.maxUnscaled(precision: DataType.maxDecimalPrecision))
        let exact = Sums.exact(v, codes: codes, groups: groups, row: rows)
        guard let sums = exact, !sums.contains(where: { $0.magnitude > limit }) else {
            throw TransformError(.overflow, message: "\(measure.function.rawValue)(\(measure.column!)) in \"\(measure.name)\" exceeds 38 digits (decimal(38,\(scale)))",
                                 hint: "cast the column to a smaller scale, or to float64 for an approximate sum")
        }
        var builder: ColumnBuilder
        if measure.function == .sum {
            builder = ColumnBuilder(type: .decimal(precision: DataType.maxDecimalPrecision, scale: scale), capacity: groups)
            for g in 0..<groups { if counts[g] == 0 { builder.appendNull() } else { builder.append(decimal: sums[g]) } }
        } else {
            let outScale = Swift.min(scale + 6, DataType.maxDecimalPrecision)
            builder = ColumnBuilder(type: .decimal(precision: DataType.maxDecimalPrecision, scale: outScale), capacity: groups)
            for g in 0..<groups {
                if counts[g] == 0 { builder.appendNull(); continue }
                guard let scaled = Decimal128.upscale(sums[g], from: scale, to: outScale) else {
                    throw TransformError(.overflow, message: "avg(\(measure.column!)) in \"\(measure.name)\": the sum \(Decimal128.format(sums[g], scale: scale)) has no room for \(outScale - scale) more digits",
                                         hint: "cast the column to float64 for an approximate mean")
                }
                let n = Int128(counts[g])
                let (q, r) = scaled.quotientAndRemainder(dividingBy: n)
                builder.append(decimal: r.magnitude * 2 >= n.magnitude ? (scaled < 0 ? q - 1 : q + 1) : q)
            }
        }
        return builder.finish()
    }
}

/// An int64 column of `values`, null where `present` (when given) is zero.
func int64Column(_ values: [Int64], present: [Int64]? = nil) -> Column {
    fixedColumn(.int64, values, present: present)
}

/// A float64 column of `values`, null where `present` (when given) is zero.
func float64Column(_ values: [Double], present: [Int64]? = nil) -> Column {
    fixedColumn(.float64, values, present: present)
}

private func fixedColumn<T: BitwiseCopyable & Numeric>(_ type: DataType, _ values: [T], present: [Int64]?) -> Column {
    let n = values.count
    let buffer = RawBuffer(heapCapacity: Swift.max(n, 1) * MemoryLayout<T>.stride)
    let out = buffer.mutablePointer.assumingMemoryBound(to: T.self)
    values.withUnsafeBufferPointer { if let base = $0.baseAddress { out.update(from: base, count: n) } }
    buffer.count = n * MemoryLayout<T>.stride
    var validity: Bitmap?
    if let present, present.contains(0) {
        var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
        for i in 0..<n {
            if present[i] != 0 { words[i >> 6] |= 1 << UInt64(i & 63) } else { out[i] = 0 }
        }
        validity = Bitmap(words: words, count: n)
    }
    return Column(type: type, values: buffer, count: n, validity: validity)
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
