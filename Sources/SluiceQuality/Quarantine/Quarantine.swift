import SluiceCore

/// Splits a table by a suite's row-level results: rows that failed any row-level
/// check (whatever that check's overall outcome) go to the quarantine table with a
/// `_failed_checks` column naming the checks, separated by `;`; every other row
/// goes to the passed table unchanged. No row is dropped: the two tables together
/// hold every input row exactly once.
///
/// ```swift
/// let split = Quarantine.split(orders, by: result)
/// try TableFile.write(split.quarantined, to: "bad.csv")
/// ```
public enum Quarantine {
    /// The name of the column that lists a quarantined row's failed checks.
    public static let failedChecksColumn = "_failed_checks"

    public struct Split: Sendable {
        /// Failing rows, in input order, plus ``Quarantine/failedChecksColumn``.
        public var quarantined: Table
        /// The other rows, in input order.
        public var passed: Table
    }

    /// Splits `table` (the table `result` was computed on).
    public static func split(_ table: Table, by result: SuiteResult) -> Split {
        let rows = table.rowCount
        let words = (rows + 63) >> 6
        var any = [UInt64](repeating: 0, count: words)
        let failing = zip(result.results, result.failingRows).compactMap { check, bits in bits.map { (check.name, $0.words) } }
        for (_, bits) in failing {
            for w in 0..<words { any[w] |= bits[w] }
        }
        var quarantinedRows: [Int] = []
        for (w, word) in any.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                quarantinedRows.append(w * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        // Quarantined rows: copied one by one (there are few), with the check names.
        var quarantineBuilders = table.schema.fields.map { ColumnBuilder(type: $0.type, capacity: quarantinedRows.count) }
        var names = ColumnBuilder(type: .string, capacity: quarantinedRows.count)
        for row in quarantinedRows {
            for (c, column) in table.columns.enumerated() { quarantineBuilders[c].append(from: column, at: row) }
            let failed = failing.filter { ($0.1[row >> 6] >> UInt64(row & 63)) & 1 == 1 }.map(\.0)
            names.append(string: failed.joined(separator: ";"))
        }
        var fields = table.schema.fields
        var columnName = failedChecksColumn
        while fields.contains(where: { $0.name == columnName }) { columnName = "_" + columnName }
        fields.append(Field(columnName, .string))
        let quarantined = try! Table(schema: Schema(fields), columns: quarantineBuilders.map { $0.finish() } + [names.finish()])
        // Passed rows: copied in runs between quarantined rows.
        var passedBuilders = table.schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows - quarantinedRows.count) }
        var start = 0
        for row in quarantinedRows + [rows] {
            if row > start {
                for (c, column) in table.columns.enumerated() { passedBuilders[c].append(contentsOf: column.slice(start..<row)) }
            }
            start = row + 1
        }
        let passed = try! Table(schema: table.schema, columns: passedBuilders.map { $0.finish() })
        return Split(quarantined: quarantined, passed: passed)
    }
}
