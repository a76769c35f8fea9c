import CSQLite
import SluiceCore

extension SQLConnection {
    /// The columns a query returns, found without reading any row: SQLite prepares the
    /// statement (names, and types where a column is declared); PostgreSQL plans it under
    /// `LIMIT 0` in a read-only transaction (names and types).
    ///
    /// ```swift
    /// let columns = try source.resultColumns(of: SQLTemplate("SELECT id, total FROM orders"))
    /// ```
    /// - Returns: each column's name and type; a nil type is decided by the values (a
    ///   SQLite expression column).
    /// - Throws: ``SQLError`` as the database judges the statement (a missing table or column, a syntax error).
    public func resultColumns(of template: SQLTemplate, parameters: [String: Value] = [:]) throws -> [(name: String, type: DataType?)] {
        try engine.describe(template.sql(for: dialect), parameters: template.arguments(parameters))
    }
}

extension SQLiteEngine {
    func describe(_ sql: String, parameters: [Value]) throws -> [(name: String, type: DataType?)] {
        let statement = try database.prepare(sql)
        let handle = statement.handle
        return (0..<sqlite3_column_count(handle)).map { i in
            (name: String(cString: sqlite3_column_name(handle, i)),
             type: sqlite3_column_decltype(handle, i).flatMap { dialect.dataType(declared: String(cString: $0)) })
        }
    }
}

extension PostgresEngine {
    func describe(_ sql: String, parameters: [Value]) throws -> [(name: String, type: DataType?)] {
        var body = Substring(sql)
        while let last = body.last, last == ";" || last.isWhitespace { body.removeLast() }
        let schema = try query("SELECT * FROM (\(body)) AS sluice_probe LIMIT 0", parameters: parameters, batchSize: 1) { _ in }
        return schema.fields.map { (name: $0.name, type: Optional($0.type)) }
    }
}
