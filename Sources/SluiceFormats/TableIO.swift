import SluiceCore

/// Reads a table in batches, so memory stays bounded whatever the input's size.
///
/// The schema is known before the first batch (inferred from a sample or given).
/// ```swift
/// var reader = try CSVReader(source: FileByteSource(path: "orders.csv"))
/// while let batch = try reader.next() { total += batch.rowCount }
/// ```
public protocol TableReader {
    /// The columns every batch has.
    var schema: Schema { get }
    /// What was skipped or repaired so far.
    var report: ReadReport { get }
    /// The next batch of at most the configured batch size; `nil` at the end.
    ///
    /// - Throws: ``FormatError`` naming file, line and column.
    mutating func next() throws -> Table?
}

/// Writes batches of a table; the output appears only when ``finish()`` succeeds.
public protocol TableWriter {
    /// Appends a batch. Every batch must have the schema of the first.
    mutating func write(_ table: Table) throws
    /// Flushes and commits the output (renames it into place).
    mutating func finish() throws
}
