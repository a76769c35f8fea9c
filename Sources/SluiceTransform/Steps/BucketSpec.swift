import SluiceCore

/// Labels numeric values by the interval they fall in, like pandas' `pd.cut`.
///
/// With edges `[0, 100, 1000, inf]` and `right: true` (the default) the intervals
/// are `(0, 100]`, `(100, 1000]`, `(1000, inf]`: 100 is in the first, 0 is in none
/// (null) unless `includeLowest`, which closes the first interval on the left.
/// Values outside every interval, nulls and NaN give null. Without labels the
/// interval text (`(0, 100]`) is the label.
public struct BucketSpec: Sendable, Equatable {
    public var column: String
    /// The output column (default: replace `column`).
    public var into: String
    public var edges: [Double]
    public var labels: [String]?
    public var right: Bool
    public var includeLowest: Bool

    public init(column: String, into: String? = nil, edges: [Double], labels: [String]? = nil, right: Bool = true, includeLowest: Bool = false) {
        self.column = column
        self.into = into ?? column
        self.edges = edges
        self.labels = labels
        self.right = right
        self.includeLowest = includeLowest
    }

    func apply(to table: Table) throws -> Table {
        let edges = self.edges, right = self.right, includeLowest = self.includeLowest
        guard edges.count >= 2 else { throw TransformError(.invalidStep, message: "bucket needs at least 2 edges, found \(edges.count)") }
        for i in 1..<edges.count where !(edges[i - 1] < edges[i]) {
            throw TransformError(.invalidStep, message: "bucket edges must increase: \(formatDouble(edges[i - 1])) then \(formatDouble(edges[i]))")
        }
        let names = labels ?? (1..<edges.count).map { i in
            right ? "(\(formatDouble(edges[i - 1])), \(formatDouble(edges[i]))]" : "[\(formatDouble(edges[i - 1])), \(formatDouble(edges[i])))"
        }
        guard names.count == edges.count - 1 else {
            throw TransformError(.invalidStep, message: "bucket has \(edges.count) edges, so it needs \(edges.count - 1) labels, found \(names.count)")
        }
        let source = try table.requireColumn(column)
        let values: Column
        switch source.type {
        case .float64: values = source
        case .int64: values = try expressionStep { try BoundExpression("cast(\(quoted(column)) as float64)", schema: table.schema).evaluate(on: table) }
        default: throw TransformError(.invalidStep, message: "bucket needs a numeric column, \"\(column)\" is \(source.type)")
        }
        let n = table.rowCount
        // The bin of each row (-1: null), then the labels' bytes straight into the column.
        var bins = [Int32](repeating: -1, count: n)
        let validity = values.validity
        let validWords = validity?.words ?? []
        edges.withUnsafeBufferPointer { edges in
            validWords.withUnsafeBufferPointer { valid in
                values.withUnsafeValues(as: Double.self) { v in
                    bins.withUnsafeMutableBufferPointer { bins in
                        for i in 0..<n {
                            let x = v[i]
                            if validity != nil && (valid[i >> 6] >> UInt64(i & 63)) & 1 == 0 { continue }
                            if x.isNaN { continue }
                            // First edge index with x ≤ edge (right-closed) or x < edge (left-closed).
                            var lo = 0, hi = edges.count
                            while lo < hi {
                                let mid = (lo + hi) / 2
                                if right ? edges[mid] < x : edges[mid] <= x { lo = mid + 1 } else { hi = mid }
                            }
                            var bin = lo - 1
                            if right {
                                if lo == 0 { bin = includeLowest && x == edges[0] ? 0 : -1 }
                                if lo == edges.count { bin = -1 }
                            } else {
                                if lo == edges.count { bin = includeLowest && x == edges[edges.count - 1] ? edges.count - 2 : -1 }
                                if lo == 0 { bin = -1 }
                            }
                            if bin >= 0 && bin < names.count { bins[i] = Int32(bin) }
                        }
                    }
                }
            }
        }
        let labelBytes = names.flatMap { Array($0.utf8) }
        var labelStarts = [0]
        for name in names { labelStarts.append(labelStarts.last! + name.utf8.count) }
        var total = 0, nulls = 0
        for bin in bins { if bin >= 0 { total += labelStarts[Int(bin) + 1] - labelStarts[Int(bin)] } else { nulls += 1 } }
        let offsets = RawBuffer(heapCapacity: (n + 1) * 8), bytes = RawBuffer(heapCapacity: Swift.max(total, 1))
        var words = [UInt64](repeating: 0, count: nulls > 0 ? (n + 63) >> 6 : 0)
        let o = offsets.mutablePointer.assumingMemoryBound(to: Int64.self), b = bytes.mutablePointer.assumingMemoryBound(to: UInt8.self)
        labelBytes.withUnsafeBufferPointer { labels in
            labelStarts.withUnsafeBufferPointer { starts in
                words.withUnsafeMutableBufferPointer { words in
                    var position = 0
                    o[0] = 0
                    for i in 0..<n {
                        let bin = Int(bins[i])
                        if bin >= 0 {
                            let start = starts[bin], length = starts[bin + 1] - start
                            if length > 0 { (b + position).update(from: labels.baseAddress! + start, count: length) }
                            position += length
                            if nulls > 0 { words[i >> 6] |= 1 << UInt64(i & 63) }
                        }
                        o[i + 1] = Int64(position)
                    }
                }
            }
        }
        offsets.count = (n + 1) * 8
        bytes.count = total
        let labelled = Column(offsets: offsets, bytes: bytes, count: n, validity: nulls > 0 ? Bitmap(words: words, count: n) : nil)
        return table.setting(into, labelled)
    }
}
