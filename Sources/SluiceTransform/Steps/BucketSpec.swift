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
        let labelBytes = names.map { Array($0.utf8) }
        var builder = ColumnBuilder(type: .string, capacity: table.rowCount)
        values.withUnsafeValues(as: Double.self) { v in
            for i in 0..<table.rowCount {
                let x = v[i]
                guard !values.isNull(i), !x.isNaN else { builder.appendNull(); continue }
                // First edge index with x ≤ edge (right-closed) or x < edge (left-closed).
                var lo = 0, hi = edges.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if right ? edges[mid] < x : edges[mid] <= x { lo = mid + 1 } else { hi = mid }
                }
                var bin = right ? lo - 1 : lo - 1
                if right {
                    if lo == 0 { bin = includeLowest && x == edges[0] ? 0 : -1 }
                    if lo == edges.count { bin = -1 }
                } else {
                    if lo == edges.count { bin = includeLowest && x == edges[edges.count - 1] ? edges.count - 2 : -1 }
                    if lo == 0 { bin = -1 }
                }
                if bin < 0 || bin >= labelBytes.count { builder.appendNull(); continue }
                labelBytes[bin].withUnsafeBytes { builder.append(utf8: $0) }
            }
        }
        return table.setting(into, builder.finish())
    }
}
