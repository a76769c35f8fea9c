import SluiceCore
import SluiceFormats

/// An open connection to SQLite or PostgreSQL.
///
/// ```swift
/// let connection = try SQLConnection(url: ConnectionURL("sqlite:warehouse.db"))
/// let users = try connection.extract(SQLTemplate("SELECT * FROM users WHERE ds = {{ ds }}"),
///                                    parameters: ["ds": .string("2024-01-02")])
/// ```
/// A connection is used by one task at a time; it closes when released.
public final class SQLConnection {
    /// Where it is connected, password masked in `description`.
    public let url: ConnectionURL
    let engine: any SQLEngine

    /// Opens `url` (creating a SQLite file when missing, unless `readOnly`).
    ///
    /// - Parameter readOnly: open a source: a SQLite file is opened read-only and never
    ///   created, so a mistyped path is an error naming it, not a new empty database.
    ///   (PostgreSQL reads already run in `READ ONLY` transactions; a database that does
    ///   not exist is the server's error.)
    /// - Throws: ``SQLError`` `.connection` when the database cannot be opened or reached.
    public init(url: ConnectionURL, readOnly: Bool = false) throws {
        self.url = url
        switch url.engine {
        case .sqlite: engine = try SQLiteEngine(path: url.path, readOnly: readOnly)
        case .postgres: engine = try PostgresEngine(url: url)
        }
    }

    /// The engine's SQL dialect.
    public var dialect: SQLDialect { engine.dialect }

    /// Runs one statement (several for SQLite and PostgreSQL without parameters), binding `parameters`.
    /// - Returns: How many rows the (last) statement inserted, updated or deleted: a
    ///   conditional `UPDATE … WHERE state = …` is a compare-and-set that changed 1 row or 0.
    /// - Throws: ``SQLError`` `.query` with the engine's code and message.
    @discardableResult
    public func execute(_ template: SQLTemplate, parameters: [String: Value] = [:]) throws -> Int {
        try engine.execute(template.sql(for: dialect), parameters: template.arguments(parameters))
    }

    /// Runs a query and hands its rows to `body` in tables of at most `batchSize` rows,
    /// so memory stays bounded. `body` is called at least once (with zero rows for an empty result).
    /// - Returns: The result schema.
    /// - Throws: ``SQLError`` from the engine, or a value that does not fit its column's type.
    @discardableResult
    public func extract(_ template: SQLTemplate, parameters: [String: Value] = [:], batchSize: Int = 65_536,
                        _ body: (Table) throws -> Void) throws -> Schema {
        precondition(batchSize > 0, "batchSize must be positive")
        return try engine.query(template.sql(for: dialect), parameters: template.arguments(parameters), batchSize: batchSize, body)
    }

    /// Runs a query and returns all its rows as one table.
    public func extract(_ template: SQLTemplate, parameters: [String: Value] = [:]) throws -> Table {
        var batches: [Table] = []
        let schema = try extract(template, parameters: parameters, batchSize: 65_536) { batches.append($0) }
        let nonEmpty = batches.filter { $0.rowCount > 0 }
        return nonEmpty.isEmpty ? Table(emptyWith: schema) : try Table.concatenating(nonEmpty)
    }

    /// Runs a query and writes its rows to a table file (CSV, JSON Lines) batch by batch.
    /// - Returns: The number of rows written.
    public func extract(_ template: SQLTemplate, parameters: [String: Value] = [:], to path: String, format: FileFormat? = nil) throws -> Int {
        var writer = try TableFile.openWriter(path: path, format: format)
        var rows = 0
        try extract(template, parameters: parameters, batchSize: 65_536) { batch in
            try writer.write(batch)
            rows += batch.rowCount
        }
        try writer.finish()
        return rows
    }

    /// The columns of `table` (`name` or `schema.name`, see ``TableName``) with their declared
    /// types, or nil when it does not exist.
    public func columns(ofTable table: String) throws -> [(name: String, declaredType: String)]? {
        try columns(of: TableName(parsing: table))
    }

    /// The columns of `table` with their declared types, or nil when it does not exist.
    public func columns(of table: TableName) throws -> [(name: String, declaredType: String)]? {
        var found: [(String, String)] = []
        let parameters: [Value] = [.string(table.name)] + (table.schema.map { [.string($0)] } ?? [])
        try engine.query(dialect.tableColumnsSQL(qualified: table.schema != nil), parameters: parameters, batchSize: 4096) { batch in
            guard batch.columnCount == 2 else { return }
            let names = batch.columns[0], types = batch.columns[1]
            for row in 0..<batch.rowCount {
                let name: String
                switch names.unsafeValue(at: row) { case .string(let s): name = s; default: continue }
                let type: String
                switch types.unsafeValue(at: row) { case .string(let s): type = s; default: type = "" }
                found.append((name, type))
            }
        }
        return found.isEmpty ? nil : found.map { (name: $0.0, declaredType: $0.1) }
    }
}
