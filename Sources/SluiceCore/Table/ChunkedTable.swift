/// A table held as the batches it arrived in: chunks of equal schema, one after another,
/// never copied into one buffer until something needs contiguous columns.
///
/// A SQL extract produces one (each fetched batch is a chunk); a consumer that walks
/// batches — a load, a table file writer — reads the chunks as they are, and
/// ``combined()`` concatenates them only for a consumer that needs a ``Table``.
///
/// ```swift
/// var chunks = ChunkedTable(schema: batch.schema)
/// try chunks.append(batch)
/// for chunk in chunks.chunks { try writer.write(chunk) }
/// let whole = try chunks.combined()
/// ```
public struct ChunkedTable: Sendable {
    public let schema: Schema
    /// The chunks, in order; none is empty.
    public private(set) var chunks: [Table] = []
    public private(set) var rowCount = 0

    public init(schema: Schema) {
        self.schema = schema
    }

    /// One chunk: the whole of `table`.
    public init(_ table: Table) {
        schema = table.schema
        if table.rowCount > 0 { chunks = [table] }
        rowCount = table.rowCount
    }

    /// Appends `chunk` (an empty one is dropped).
    ///
    /// - Throws: ``CoreError`` `.schemaMismatch` when its schema differs.
    public mutating func append(_ chunk: Table) throws {
        guard chunk.schema == schema else {
            throw CoreError(.schemaMismatch, message: "chunk \(chunks.count) has schema (\(chunk.schema)), the table has (\(schema))")
        }
        guard chunk.rowCount > 0 else { return }
        chunks.append(chunk)
        rowCount += chunk.rowCount
    }

    /// The rows as one table: the only chunk as it is, else the chunks concatenated.
    public func combined() throws -> Table {
        switch chunks.count {
        case 0: return Table(emptyWith: schema)
        case 1: return chunks[0]
        default: return try Table.concatenating(chunks)
        }
    }

    /// The rows in batches of at most `maxRows` (chunks sliced, never copied).
    public func batches(maxRows: Int) -> [Table] {
        precondition(maxRows > 0, "maxRows must be positive")
        var out: [Table] = []
        for chunk in chunks {
            var start = 0
            while start < chunk.rowCount {
                let end = Swift.min(start + maxRows, chunk.rowCount)
                out.append(start == 0 && end == chunk.rowCount ? chunk : chunk.slice(start..<end))
                start = end
            }
        }
        return out
    }
}
