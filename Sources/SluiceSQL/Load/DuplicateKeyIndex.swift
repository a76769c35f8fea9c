import SluiceCore

/// The keys a keyed load has seen, each with the 1-based input row where it first
/// appeared, so that a row repeating an earlier row's key is found as the batches
/// stream by (memory: one entry per distinct key, not per row).
///
/// A single integer-like key column (int64, date, timestamp, bool) is kept as 64-bit
/// integers in an ``Int64HashMap``; other keys are encoded to bytes per row
/// (`Column.appendKeyBytes`) in a ``BytesHashMap``.
/// A key with a null part is never a duplicate, as in SQL (`NULL <> NULL`); the
/// destination's own NOT NULL constraint judges it.
final class DuplicateKeyIndex {
    /// One repeated key: the key as `col=value` text and the rows it is on.
    struct Example: Equatable {
        var key: String
        var firstRow: Int
        var repeatRow: Int
    }

    let keyColumns: [Int]
    let keyNames: [String]
    /// Rows whose key repeats an earlier row's.
    private(set) var duplicateRows = 0
    /// The first few repeats, in input order.
    private(set) var examples: [Example] = []
    static let exampleLimit = 5

    /// Input rows an earlier row of the same key supersedes under `last` (1-based, ascending
    /// per key): every occurrence of a key but its last.
    private(set) var supersededRows: [Int] = []

    // Entries of the shared hash maps (SluiceCore/Kernels/Hash) index these arrays.
    @exclusivity(unchecked) private var firstRows: [Int] = []
    @exclusivity(unchecked) private var lastRows: [Int] = []
    private let integers: Int64HashMap?
    private let encoded: BytesHashMap?
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    init(keyColumns: [Int], schema: Schema) {
        self.keyColumns = keyColumns
        keyNames = keyColumns.map { schema.fields[$0].name }
        let isInteger = keyColumns.count == 1 && [.int64, .date, .timestamp, .bool].contains(schema.fields[keyColumns[0]].type)
        integers = isInteger ? Int64HashMap(expected: 1 << 15) : nil
        encoded = isInteger ? nil : BytesHashMap(expected: 1 << 15)
    }

    /// Records the keys of `batch`, whose first row is input row `rowsBefore + 1`.
    /// - Returns: The batch rows (0-based) whose key appeared on an earlier row, in order.
    func record(_ batch: Table, rowsBefore: Int) -> [Int] {
        var repeats: [Int] = []
        let columns = keyColumns.map { batch.columns[$0] }
        if let integers {
            let column = columns[0]
            func each<T: BitwiseCopyable>(_: T.Type, _ key: (T) -> Int64) {
                let values = column.unsafeValuesAddress(as: T.self)
                let noNulls = column.nullCount == 0
                for row in 0..<column.count where noNulls || !column.isNull(row) {
                    if let first = insert(integers.insert(key(values[row])), row: rowsBefore + row + 1) {
                        noteRepeat(row, first: first, rowsBefore: rowsBefore, columns: columns, into: &repeats)
                    }
                }
            }
            switch column.type {
            case .date: each(Int32.self) { Int64($0) }
            case .bool: each(UInt8.self) { Int64($0) }
            default: each(Int64.self) { $0 }
            }
            return repeats
        }
        rows: for row in 0..<batch.rowCount {
            scratch.removeAll(keepingCapacity: true)
            for column in columns {
                if column.isNull(row) { continue rows }
                column.appendKeyBytes(row: row, to: &scratch)
            }
            if let first = insert(scratch.withUnsafeBufferPointer { encoded!.insert($0) }, row: rowsBefore + row + 1) {
                noteRepeat(row, first: first, rowsBefore: rowsBefore, columns: columns, into: &repeats)
            }
        }
        return repeats
    }

    private func noteRepeat(_ row: Int, first: Int, rowsBefore: Int, columns: [Column], into repeats: inout [Int]) {
        repeats.append(row)
        duplicateRows += 1
        guard examples.count < Self.exampleLimit else { return }
        let key = zip(keyNames, columns).map { name, column in "\(name)=\(column.unsafeValue(at: row))" }.joined(separator: ", ")
        examples.append(Example(key: key, firstRow: first, repeatRow: rowsBefore + row + 1))
    }

    /// Notes `row` under its key's entry; returns the first row of an earlier equal key.
    @inline(__always) private func insert(_ key: (entry: Int, inserted: Bool), row: Int) -> Int? {
        if key.inserted {
            firstRows.append(row)
            lastRows.append(row)
            return nil
        }
        // A repeat: the entry's previous last row is superseded (under `last`).
        supersededRows.append(lastRows[key.entry])
        lastRows[key.entry] = row
        return firstRows[key.entry]
    }
}
