import SluiceCore

/// How a load writes into its destination table; every mode runs in one transaction.
public enum LoadMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Insert the rows after the existing ones (not idempotent: a rerun adds them again).
    case append
    /// The table's contents become exactly the rows: a staging table is loaded and swapped in.
    case replace
    /// Insert, or update the row with the same key (`ON CONFLICT (key) DO UPDATE`); a key
    /// repeated within the data is handled by ``LoadOptions/onDuplicate``.
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

/// What a keyed load does when a key appears on more than one row of the data.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Stop the load (nothing is written) naming the first repeated keys and their rows.
    case error
    /// The last row of each key is loaded; the earlier ones are dropped and counted.
    case last
    /// The first row of each key is loaded; the later ones are dropped and counted.
    case first
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
    /// With any mode, rows repeating a key are handled by ``onDuplicate``.
    public var key: [String]
    /// A key on several rows of the data: an error (default), or the last or first row wins.
    public var onDuplicate: DuplicatePolicy = .error
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
///
/// `inserted + updated + unchanged + duplicates == rows`. Rows of an `upsert` are
/// counted exactly against the table: `inserted` for keys it lacked, `updated` for
/// keys whose row now has other values, `unchanged` for keys whose row already held
/// exactly these values (and was left alone). Other modes insert every kept row.
public struct LoadSummary: Sendable, Equatable {
    /// Rows read from the data.
    public var rows: Int
    /// Rows added to the table.
    public var inserted = 0
    /// Existing rows (same key) whose values changed (upsert).
    public var updated = 0
    /// Existing rows (same key) that already held exactly these values (upsert).
    public var unchanged = 0
    /// Rows dropped because an earlier (`first`) or later (`last`) row had their key.
    public var duplicates = 0
    /// Float NaN values written as NULL: SQLite has no NaN (it stores NULL), so a load says
    /// how many it changed rather than losing them silently.
    public var nanStoredAsNull = 0
    /// Whether the table was created.
    public var createdTable: Bool
    /// Columns added by schema evolution.
    public var addedColumns: [String]
}

extension LoadSummary {
    /// `99943 inserted, 0 updated, 0 unchanged, 57 duplicate rows dropped`, for people
    /// (and `, 3 NaN values stored as NULL (SQLite has no NaN)` when it changed any).
    public var counts: String {
        var parts = ["\(inserted) inserted"]
        if updated > 0 || unchanged > 0 || inserted != rows - duplicates { parts += ["\(updated) updated", "\(unchanged) unchanged"] }
        if duplicates > 0 { parts.append("\(duplicates) duplicate row\(duplicates == 1 ? "" : "s") dropped") }
        if nanStoredAsNull > 0 { parts.append("\(nanStoredAsNull) NaN value\(nanStoredAsNull == 1 ? "" : "s") stored as NULL (SQLite has no NaN)") }
        return parts.joined(separator: ", ")
    }
}

extension Table {
    /// Float NaN values in this table, which SQLite stores as NULL.
    func nanCount() -> Int { nanRows().reduce(0) { $0 + $1.count } }

    /// The rows holding float NaN values (0-based, ascending), with how many each holds.
    func nanRows() -> [(row: Int, count: Int)] {
        var perRow: [Int: Int] = [:]
        for column in columns where column.type == .float64 {
            column.withUnsafeValues(as: Double.self) { values in
                for row in 0..<values.count where values[row].isNaN && !column.isNull(row) { perRow[row, default: 0] += 1 }
            }
        }
        return perRow.sorted { $0.key < $1.key }.map { (row: $0.key, count: $0.value) }
    }
}
