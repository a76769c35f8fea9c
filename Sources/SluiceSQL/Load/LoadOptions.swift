/// How rows are written into a destination table. Every mode runs in one
/// transaction: readers see the old table or the new one, never a half-load.
public enum LoadMode: String, Sendable, CaseIterable {
    /// Insert the rows.
    case append
    /// Build the new contents in a staging table and swap it in.
    case replace
    /// Insert, or update the row with the same key (`ON CONFLICT … DO UPDATE`).
    case upsert
    /// Delete the rows of one partition (e.g. `ds = '2024-01-02'`), then insert.
    case replacePartition = "replace_partition"
}

/// What to do when the data has columns the destination table lacks.
public enum SchemaChangePolicy: String, Sendable, CaseIterable {
    /// Add them as nullable columns.
    case add
    /// Stop with an error naming them.
    case fail
}

/// Options for ``SQLiteLoader``.
public struct LoadOptions: Sendable {
    public var mode: LoadMode
    /// Key columns for `upsert` (a unique index on them is created when missing).
    public var key: [String]
    /// The partition for `replace_partition`: a column and the value every row has.
    public var partition: (column: String, value: String)?
    public var onSchemaChange: SchemaChangePolicy

    public init(mode: LoadMode = .append, key: [String] = [], partition: (column: String, value: String)? = nil,
                onSchemaChange: SchemaChangePolicy = .add) {
        self.mode = mode
        self.key = key
        self.partition = partition
        self.onSchemaChange = onSchemaChange
    }
}

/// What a load did.
public struct LoadSummary: Sendable, Equatable {
    /// Rows written.
    public var rows = 0
    /// Whether the table was created.
    public var createdTable = false
    /// Columns added to an existing table.
    public var addedColumns: [String] = []
    /// Rows removed first (the partition's old rows, or the replaced table's).
    public var deletedRows = 0

    public init() {}
}
