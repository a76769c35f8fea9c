import SluiceCore

/// How a load writes into its destination table; every mode runs in one transaction.
public enum LoadMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Insert the rows after the existing ones (not idempotent: a rerun adds them again).
    case append
    /// The table's contents become exactly the rows: a staging table is loaded and swapped in.
    case replace
    /// Insert, or update the row with the same key (`ON CONFLICT (key) DO UPDATE`);
    /// a key repeated within the data: the last row wins.
    case upsert
    /// Delete the partition's rows (`WHERE column = value`), then insert: a rerun converges.
    case replacePartition = "replace_partition"

    public var description: String { rawValue }
}

/// What to do when the data has columns the existing table lacks.
public enum SchemaChangePolicy: String, Sendable, CaseIterable {
    /// Add them as nullable columns.
    case add
    /// Stop with an error naming them.
    case fail
}

/// The format PostgreSQL's `COPY … FROM STDIN` receives (SQLite ignores it).
public enum CopyFormat: String, Sendable, CaseIterable {
    /// Binary into tables created from the data's schema (and staging tables), text into
    /// existing tables, whose column types the server then converts.
    case automatic = "auto"
    /// Tab-separated text, `\N` for null, backslash escapes.
    case text
    /// CSV (RFC 4180): quoted fields, `""` for an empty string, an empty field for null.
    case csv
}

/// Options for ``SQLConnection/load(into:schema:options:batches:)``.
///
/// ```swift
/// var options = LoadOptions(mode: .replacePartition)
/// options.partition = ("ds", "2024-01-02")
/// ```
public struct LoadOptions: Sendable {
    /// The strategy.
    public var mode: LoadMode
    /// Key columns; required for `upsert` (and the primary key when the table is created).
    public var key: [String]
    /// `replace_partition`'s column and value (the text is parsed as the column's type).
    public var partition: (column: String, value: String)?
    /// New columns in the data: add or fail.
    public var onSchemaChange: SchemaChangePolicy
    /// PostgreSQL only: the `COPY` format (automatic by default).
    public var copyFormat: CopyFormat = .automatic

    /// Creates options.
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
    /// Rows written from the data.
    public var rows: Int
    /// Whether the table was created.
    public var createdTable: Bool
    /// Columns added by schema evolution.
    public var addedColumns: [String]
}
