import SluiceCore

/// A hash join of the input (left) with another table (right).
///
/// Null keys never match. `left` keeps unmatched left rows with nulls on the right;
/// `semi` keeps left rows that have a match, `anti` those that have none (neither
/// adds columns). The right key columns are left out (they equal the left keys);
/// other right columns whose names clash with left ones get `_right`.
/// Keys must have the same type on both sides (a clear error otherwise).
///
/// ```swift
/// let joined = try Step.join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left)).apply(to: users)
/// ```
public struct JoinSpec: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case inner, left, semi, anti }
    public var right: Table
    /// Key column pairs (left name, right name).
    public var on: [(String, String)]
    public var kind: Kind

    public init(right: Table, on: [(String, String)], kind: Kind = .inner) {
        self.right = right
        self.on = on
        self.kind = kind
    }

    func apply(to left: Table) throws -> Table {
        try apply(to: LazyTable(left)).materialized()
    }

    /// The join with its output left unmaterialized: each side's columns gather
    /// through one shared ``RowIndices``, composed with any gather they already had.
    func apply(to left: LazyTable) throws -> LazyTable {
        guard !on.isEmpty else { throw TransformError(.invalidStep, message: "join needs at least one key in `on`") }
        var keyColumns: [Column] = []
        for (leftName, rightName) in on {
            let l = try left.requireColumn(leftName).materialized()
            guard let r = right.column(named: rightName) else {
                let error = right.unknownColumn(rightName)
                throw TransformError(.unknownColumn, message: "join: \(error.message) on the right side", hint: error.hint)
            }
            guard l.type == r.type else {
                throw TransformError(.keyTypeMismatch, message: "join key \"\(leftName)\" is \(l.type) on the left, \"\(rightName)\" is \(r.type) on the right",
                                     hint: "cast one side first, e.g. - cast: { \(rightName): \(l.type) }")
            }
            let both = try Table.concatenating([try Table([("k", l)]), try Table([("k", r)])])
            keyColumns.append(both.columns[0])
        }
        let (outLeft, outRight) = matchingRows(KeyEncoder(keyColumns, nullsMatch: false), leftCount: left.rowCount)
        let leftIndices = RowIndices(outLeft)
        var composed: [ObjectIdentifier: RowIndices] = [:]
        var names = left.names
        var columns = left.columns.map { column -> LazyColumn in
            guard let rows = column.rows else { return LazyColumn(source: column.source, rows: leftIndices) }
            if let done = composed[ObjectIdentifier(rows)] { return LazyColumn(source: column.source, rows: done) }
            let done = rows.composed(with: outLeft)
            composed[ObjectIdentifier(rows)] = done
            return LazyColumn(source: column.source, rows: done)
        }
        if kind == .inner || kind == .left {
            let rightIndices = RowIndices(outRight)
            let rightKeys = Set(on.map(\.1))
            var taken = Set(names)
            for (name, column) in zip(right.schema.names, right.columns) where !rightKeys.contains(name) {
                var outName = name
                while taken.contains(outName) { outName += "_right" }
                taken.insert(outName)
                names.append(outName)
                columns.append(LazyColumn(source: column, rows: rightIndices))
            }
        }
        return try LazyTable(names: names, columns: columns, rowCount: outLeft.count)
    }

    /// The output's row pairs: left rows in order, each with its matching right rows
    /// in right order (`-1` when a left join found none; semi and anti joins leave
    /// `right` empty). `keys` encodes the left rows followed by the right rows.
    func matchingRows(_ keys: KeyEncoder, leftCount n: Int) -> (left: [Int], right: [Int]) {
        let m = keys.codes.count - n
        let cardinality = keys.cardinality
        var outLeft: [Int] = [], outRight: [Int] = []
        keys.codes.withUnsafeBufferPointer { codes in
            // Right rows grouped by code (CSR layout).
            var starts = [Int](repeating: 0, count: cardinality + 1)
            for j in 0..<m where codes[n + j] >= 0 { starts[codes[n + j] + 1] += 1 }
            for c in 0..<cardinality { starts[c + 1] += starts[c] }
            var fill = starts
            var rightRows = [Int](repeating: 0, count: starts[cardinality])
            for j in 0..<m where codes[n + j] >= 0 {
                let c = codes[n + j]
                rightRows[fill[c]] = j
                fill[c] += 1
            }
            outLeft.reserveCapacity(n)
            for i in 0..<n {
                let c = codes[i]
                let matches = c >= 0 ? starts[c + 1] - starts[c] : 0
                switch kind {
                case .semi: if matches > 0 { outLeft.append(i) }
                case .anti: if matches == 0 { outLeft.append(i) }
                case .inner, .left:
                    if matches == 0 {
                        if kind == .left { outLeft.append(i); outRight.append(-1) }
                    } else {
                        for k in starts[c]..<starts[c + 1] { outLeft.append(i); outRight.append(rightRows[k]) }
                    }
                }
            }
        }
        return (outLeft, outRight)
    }
}
