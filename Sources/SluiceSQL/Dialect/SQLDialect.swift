import SluiceCore

/// How one SQL engine spells identifiers, parameters, types and statements.
///
/// Identifiers are always quoted: `"order"`, `"Name With Space"`, and a `"`
/// inside a name is doubled, so `x"; DROP TABLE y; --` stays one column name.
///
/// ```swift
/// SQLDialect.postgres.quote("x\"; DROP TABLE y; --")   // "x""; DROP TABLE y; --"
/// ```
///
/// ## Type mapping
///
/// | Sluice `DataType` | SQLite column (stored as) | PostgreSQL column |
/// |---|---|---|
/// | `bool` | `BOOLEAN` (integer 0/1) | `boolean` |
/// | `int64` | `BIGINT` (integer) | `bigint` |
/// | `float64` | `DOUBLE PRECISION` (real) | `double precision` |
/// | `string` | `TEXT` | `text` |
/// | `date` | `DATE` (text `2024-01-02`) | `date` |
/// | `timestamp` | `TIMESTAMP` (text `2024-01-02T03:04:05.5Z`, UTC) | `timestamp` (without time zone, UTC) |
///
/// Reading back, declared types map as follows (SQLite by its affinity rules,
/// PostgreSQL by type): `bool`/`boolean` → bool; any integer type → int64;
/// `real`, `double`, `float`, `numeric`, `decimal` → float64; `date` → date;
/// `timestamp`, `timestamptz`, `datetime` → timestamp (a `timestamptz` is read in
/// UTC); text, varchar, char and everything else (json, uuid, …) → string.
/// A PostgreSQL `numeric` is read as float64: digits beyond float64's 15–17
/// significant digits are rounded, and a value beyond ±1.8e308 is an error
/// naming the column; cast it to `text` in the query to keep it exact.
/// SQLite result columns without a declared type (expressions such as
/// `SUM(x)`) take the widest storage class seen in the first batch.
public struct SQLDialect: Sendable, Equatable {
    /// Which engine.
    public let engine: ConnectionURL.Engine

    /// SQLite's dialect.
    public static let sqlite = SQLDialect(engine: .sqlite)
    /// PostgreSQL's dialect.
    public static let postgres = SQLDialect(engine: .postgres)

    /// `name` as a quoted identifier; embedded `"` are doubled.
    public func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// A table name with each part quoted: `"users"`, `"analytics"."users"`.
    public func quote(_ table: TableName) -> String {
        (table.schema.map { quote($0) + "." } ?? "") + quote(table.name)
    }

    /// The `n`th (1-based) bound parameter: `?1` or `$1`.
    public func placeholder(_ n: Int) -> String {
        engine == .sqlite ? "?\(n)" : "$\(n)"
    }

    /// The column type created for `type`.
    public func columnType(for type: DataType) -> String {
        switch (engine, type) {
        case (_, .bool): "BOOLEAN"
        // SQLite: INTEGER, so a one-column integer key is the rowid itself (no second index).
        case (.sqlite, .int64): "INTEGER"
        case (_, .int64): "BIGINT"
        case (_, .float64): "DOUBLE PRECISION"
        case (_, .string): "TEXT"
        case (_, .date): "DATE"
        case (_, .timestamp): "TIMESTAMP"
        // PostgreSQL: exact numeric. SQLite has no exact decimal (NUMERIC affinity turns
        // text into REAL): the exact text, with TEXT affinity.
        case (.sqlite, .decimal): "TEXT"
        case (_, .decimal(let p, let s)): "NUMERIC(\(p),\(s))"
        case (.sqlite, .binary): "BLOB"
        case (_, .binary): "BYTEA"
        }
    }

    /// The Sluice type of a declared column type, or nil when it says nothing (SQLite `BLOB`, no type).
    public func dataType(declared: String) -> DataType? {
        let name = declared.uppercased()
        if name == "BYTEA" { return .binary }
        if name.isEmpty || name.contains("BLOB") { return nil }
        // PostgreSQL's numeric(p,s) is exact: a decimal (SQLite's NUMERIC holds REALs).
        if engine == .postgres, name.hasPrefix("NUMERIC(") || name.hasPrefix("DECIMAL("),
           let type = try? DataType(parsing: declared), type.isDecimal { return type }
        if name.hasPrefix("BOOL") { return .bool }
        if name.hasPrefix("INTERVAL") || name.hasPrefix("POINT") { return .string }
        if name.contains("INT") { return .int64 }
        if name.hasPrefix("TIMESTAMP") || name.contains("DATETIME") { return .timestamp }
        if name == "DATE" { return .date }
        if name.contains("CHAR") || name.contains("CLOB") || name.contains("TEXT") { return .string }
        if name.contains("REAL") || name.contains("FLOA") || name.contains("DOUB") || name.hasPrefix("NUMERIC") || name.hasPrefix("DECIMAL") {
            return .float64
        }
        return .string
    }

    /// Whether data of type `data` loads into a table column read as `column` without
    /// losing anything the column could keep: the same type, an int into a float, or a
    /// decimal into any decimal, float (PostgreSQL numeric) or, on SQLite, its TEXT.
    public func accepts(_ data: DataType, intoColumnOf column: DataType) -> Bool {
        if column == data || (column == .float64 && data == .int64) { return true }
        if column.isDecimal && data == .int64 { return true }
        guard data.isDecimal else { return false }
        return column.isDecimal || column == .float64 || (engine == .sqlite && column == .string)
    }

    /// Starts a write transaction (SQLite takes the write lock at once).
    var beginSQL: String { engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN" }

    /// A query listing `(name, declared type)` of table `?1`/`$1` (in schema `?2`/`$2` when
    /// `qualified`); no rows when the table is missing.
    func tableColumnsSQL(qualified: Bool) -> String {
        switch engine {
        case .sqlite: qualified ? "SELECT name, type FROM pragma_table_info(?1, ?2)" : "SELECT name, type FROM pragma_table_info(?1)"
        case .postgres:
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                + "WHERE a.attrelid = to_regclass(" + (qualified ? "quote_ident($2) || '.' || " : "") + "quote_ident($1)) "
                + "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        }
    }

    /// `CREATE TABLE` for `schema`, with a primary key on `key` when not empty.
    func createTableSQL(_ table: TableName, schema: Schema, key: [String], temporary: Bool = false) -> String {
        var parts = schema.fields.map { quote($0.name) + " " + columnType(for: $0.type) + (key.contains($0.name) ? " NOT NULL" : "") }
        if !key.isEmpty { parts.append("PRIMARY KEY (" + key.map(quote).joined(separator: ", ") + ")") }
        return "CREATE " + (temporary ? "TEMPORARY " : "") + "TABLE " + quote(table) + " (" + parts.joined(separator: ", ") + ")"
    }
}
