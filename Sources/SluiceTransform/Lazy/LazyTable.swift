import SluiceCore

/// Row indices through which lazy columns take their values: row `i` is row
/// `rows[i]` of the source column, or null where `rows[i]` is negative.
///
/// One instance is shared by every column a join took from the same side, so a
/// later step can see that those columns move together (an aggregate whose keys all
/// come from the left side groups the left table's rows, not the joined rows).
final class RowIndices: Sendable {
    let rows: [Int]
    /// Whether some index is negative (the right side of a left join).
    let hasNulls: Bool

    init(_ rows: [Int]) {
        self.rows = rows
        hasNulls = rows.contains { $0 < 0 }
    }

    /// Row `i` of the result is row `rows[outer[i]]` (null where either index is negative).
    func composed(with outer: [Int]) -> RowIndices {
        let rows = self.rows
        var composed = [Int](repeating: -1, count: outer.count)
        composed.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { inner in
                for i in 0..<out.count {
                    let r = outer[i]
                    out[i] = r >= 0 ? inner[r] : -1
                }
            }
        }
        return RowIndices(composed)
    }
}

/// A column that is either built (`rows == nil`) or still to be gathered from
/// `source` through shared row indices.
struct LazyColumn: Sendable {
    var source: Column
    var rows: RowIndices?

    init(_ column: Column) {
        source = column
        rows = nil
    }

    init(source: Column, rows: RowIndices?) {
        self.source = source
        self.rows = rows
    }

    var type: DataType { source.type }

    /// The values as a column, gathering them if they are not built yet.
    func materialized() -> Column {
        guard let rows else { return source }
        return source.gathering(rows.rows)
    }

    /// Row `i` of the result is row `outer[i]` of this column (null where negative),
    /// without gathering: gathers compose.
    func gathering(_ outer: [Int]) -> Column {
        guard let rows else { return source.gathering(outer) }
        return source.gathering(rows.composed(with: outer).rows)
    }
}

/// A table between steps whose columns may still be unmaterialized gathers
/// (late materialization): a join hands on index vectors instead of copying every
/// column of both sides, and the next step gathers only what it reads —
/// an aggregate its keys (at one row per group) and measures, `select` nothing.
/// Steps that need built columns call ``materialized()``.
struct LazyTable: Sendable {
    var names: [String]
    var columns: [LazyColumn]
    var rowCount: Int

    init(_ table: Table) {
        names = table.schema.names
        columns = table.columns.map(LazyColumn.init)
        rowCount = table.rowCount
    }

    /// - Throws: ``CoreError`` `.duplicateColumn` when a name repeats (like `Table`).
    init(names: [String], columns: [LazyColumn], rowCount: Int) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw CoreError(.duplicateColumn, message: "column \"\(name)\" appears twice")
        }
        self.names = names
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The column called `name`, or `nil`.
    func column(named name: String) -> LazyColumn? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// The column called `name`, or a ``TransformError`` with "did you mean".
    func requireColumn(_ name: String) throws -> LazyColumn {
        guard let column = column(named: name) else {
            let error = Table(emptyWith: Schema(zip(names, columns).map { Field($0.0, $0.1.type) })).unknownColumn(name)
            throw TransformError(.unknownColumn, message: error.message, hint: error.hint)
        }
        return column
    }

    /// Every column built. Large gathers run in parallel: each reads immutable
    /// buffers and writes its own new column.
    func materialized() -> Table {
        let pending = columns.indices.filter { columns[$0].rows != nil }
        var built = columns.map(\.source)
        if pending.count >= 2 && rowCount >= 1 << 16 {
            let columns = self.columns
            let gathered = concurrentMap(pending.count) { k in columns[pending[k]].materialized() }
            for (k, index) in pending.enumerated() { built[index] = gathered[k] }
        } else {
            for index in pending { built[index] = columns[index].materialized() }
        }
        return try! Table(Array(zip(names, built)))
    }
}
