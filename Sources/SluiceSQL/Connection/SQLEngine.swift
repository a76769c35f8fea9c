import SluiceCore

/// One engine's driver behind ``SQLConnection``; no C type crosses this line.
protocol SQLEngine: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement with positional parameters (`?1`/`$1`), discarding rows.
    /// Returns how many rows the (last) statement inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, parameters: [Value]) throws -> Int
    /// Runs a query and hands its rows to `body` in tables of at most `batchSize` rows
    /// (at least one call, possibly with zero rows). Returns the result schema.
    @discardableResult
    func query(_ sql: String, parameters: [Value], batchSize: Int, _ body: (Table) throws -> Void) throws -> Schema
    /// The columns `sql` returns, without reading rows (see ``SQLConnection/resultColumns(of:parameters:)``).
    func describe(_ sql: String, parameters: [Value]) throws -> [(name: String, type: DataType?)]
    /// Starts a bulk insert of rows with `schema` into `table` (inside the caller's transaction).
    /// `exactTypes`: the table's columns have exactly `dialect.columnType(for:)` of the schema's
    /// types (it was created from `schema`), so an engine may use a typed binary format.
    /// `onConflict`: a conflict clause for each insert (SQLite's direct upsert); `copyFormat`:
    /// PostgreSQL's COPY format (other engines ignore it).
    func makeInserter(table: TableName, schema: Schema, exactTypes: Bool, onConflict: String?, copyFormat: CopyFormat) throws -> any BulkInserter
}

/// Writes batches of rows into one table as fast as the engine allows.
protocol BulkInserter: AnyObject {
    /// Appends every row of `batch` (its schema equals the one the inserter was made for).
    func insert(_ batch: Table) throws
    /// Flushes and checks the engine accepted everything.
    func finish() throws
}
