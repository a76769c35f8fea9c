import SluiceCore

/// How Sluice types are stored in SQLite, and which declared types accept them.
///
/// | Sluice      | declared type | stored as                                   |
/// |-------------|---------------|---------------------------------------------|
/// | `bool`      | `BOOLEAN`     | INTEGER 0 / 1                               |
/// | `int64`     | `INTEGER`     | INTEGER                                     |
/// | `float64`   | `REAL`        | REAL                                        |
/// | `string`    | `TEXT`        | TEXT                                        |
/// | `date`      | `DATE`        | TEXT `YYYY-MM-DD`                           |
/// | `timestamp` | `TIMESTAMP`   | TEXT `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (UTC)  |
///
/// Dates and timestamps are ISO text so they sort and compare correctly in SQL and
/// read back unchanged.
public enum SQLiteTypes {
    /// The declared type a created column gets.
    public static func declaredType(for type: DataType) -> String {
        switch type {
        case .bool: "BOOLEAN"
        case .int64: "INTEGER"
        case .float64: "REAL"
        case .string: "TEXT"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        }
    }

    /// The Sluice type of a declared column type (SQLite's affinity rules, with
    /// BOOLEAN, DATE and TIMESTAMP recognised); `nil` for no declared type.
    public static func dataType(forDeclared declared: String) -> DataType? {
        let d = declared.uppercased()
        if d.isEmpty { return nil }
        if d.contains("BOOL") { return .bool }
        if d.contains("TIMESTAMP") || d.contains("DATETIME") { return .timestamp }
        if d == "DATE" { return .date }
        if d.contains("INT") { return .int64 }
        if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") { return .string }
        if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") || d.contains("NUMERIC") || d.contains("DECIMAL") { return .float64 }
        return .string
    }

    /// Whether a column declared `declared` can hold values of `type` without loss.
    public static func accepts(_ declared: String, _ type: DataType) -> Bool {
        let d = declared.uppercased()
        if d.isEmpty { return true }   // no declared type: any value
        let isInteger = d.contains("INT")
        let isReal = d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") || d.contains("NUMERIC") || d.contains("DECIMAL")
        let isText = d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT")
        switch type {
        case .bool: return d.contains("BOOL") || isInteger
        case .int64: return isInteger || isReal
        case .float64: return isReal
        case .string: return isText
        case .date: return d.contains("DATE") || isText
        case .timestamp: return d.contains("TIMESTAMP") || d.contains("DATETIME") || isText
        }
    }
}

/// SQL identifiers quoted for SQLite: `"name"`, inner quotes doubled, so any column
/// name — `order`, `Name With Space`, `x"; DROP TABLE y; --` — is just a name.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacing("\"", with: "\"\"") + "\""
}
