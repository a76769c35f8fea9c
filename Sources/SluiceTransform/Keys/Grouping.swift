import SluiceCore

/// The group of every row of a table by key columns (SQL `GROUP BY`): dense codes
/// numbered in order of first appearance, null a key value of its own.
///
/// When every key column gathers through the same ``RowIndices`` — keys that all
/// come from one side of a join — the keys are encoded on the source rows (often
/// a third of the joined rows, with none of their string bytes copied) and each
/// row takes the code of the source row it points at.
struct Grouping {
    /// The group of each row.
    var codes: [Int]
    /// Number of groups.
    var count: Int

    /// Every row in one group (no keys); one group even for no rows.
    init(singleGroupOf rowCount: Int) {
        codes = [Int](repeating: 0, count: rowCount)
        count = 1
    }

    init(_ keys: [LazyColumn], rowCount: Int) {
        guard let shared = keys.first?.rows, keys.allSatisfy({ $0.rows === shared }),
              keys[0].source.count <= rowCount else {
            let encoder = KeyEncoder(keys.map { $0.materialized() }, nullsMatch: true)
            codes = encoder.codes
            count = encoder.cardinality
            return
        }
        let sources = keys.map(\.source)
        let encoder = KeyEncoder(sources, nullsMatch: true)
        // A negative index is a row whose keys are all null: it joins the group of a
        // source row whose keys are all null, or a group of its own.
        let nullCode = shared.hasNulls ? (Grouping.allNullRow(sources).map { encoder.codes[$0] } ?? encoder.cardinality) : -1
        var codes = [Int](repeating: 0, count: rowCount)
        // Rows that walk the source in order, each source row once or repeated (a left
        // join's left side), keep the source's first-seen numbering.
        var inOrder = true, nextSource = 0
        codes.withUnsafeMutableBufferPointer { out in
            shared.rows.withUnsafeBufferPointer { rows in
                encoder.codes.withUnsafeBufferPointer { sourceCodes in
                    for i in 0..<out.count {
                        let r = rows[i]
                        out[i] = r >= 0 ? sourceCodes[r] : nullCode
                        if r == nextSource { nextSource &+= 1 } else if r != nextSource &- 1 || r < 0 { inOrder = false }
                    }
                }
            }
        }
        var cardinality = encoder.cardinality
        if !inOrder || nextSource != sources[0].count {
            // Source rows appear in another order, or not at all.
            cardinality += 1
            KeyEncoder.renumber(&codes, &cardinality)
        }
        self.codes = codes
        count = cardinality
    }

    /// The first row where every column is null.
    static func allNullRow(_ columns: [Column]) -> Int? {
        guard let first = columns.first, columns.allSatisfy({ $0.nullCount > 0 }) else { return nil }
        return (0..<first.count).first { row in columns.allSatisfy { $0.isNull(row) } }
    }
}
