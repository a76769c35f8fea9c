import CSQLite
import SluiceCore

/// An open SQLite database: the one place Sluice touches `sqlite3*`.
///
/// A connection is used by one thread at a time (SQLite's default threading mode
/// serialises anyway); it closes itself when released.
///
/// ```swift
/// let db = try SQLiteConnection(path: "warehouse.db")
/// try db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER)")
/// ```
public final class SQLiteConnection {
    let handle: OpaquePointer
    /// How the connection is shown in errors.
    public let name: String

    /// Opens (creating if needed) the database at `path` (`:memory:` for a private
    /// in-memory one), with a 10 s busy timeout.
    ///
    /// - Throws: ``SQLError`` `.connection` with SQLite's message.
    public init(path: String, name: String? = nil) throws {
        self.name = name ?? "sqlite:\(path)"
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLError(.connection, connection: self.name, message: "cannot open the database: \(message)",
                           hint: "check that the directory exists and is writable", databaseCode: status)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    ///
    /// - Throws: ``SQLError`` `.statement` with SQLite's message.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard status == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw error(message, status: status, sql: sql)
        }
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(String(cString: sqlite3_errmsg(handle)), status: status, sql: sql)
        }
        return SQLiteStatement(statement, connection: self)
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE` … `COMMIT`), rolling back
    /// if it throws: either all of its changes become visible or none.
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The columns of `table` with their declared types, or `nil` when it does not exist.
    public func columns(of table: String) throws -> [(name: String, declaredType: String)]? {
        let statement = try prepare("SELECT name, type FROM pragma_table_info(?)")
        try statement.bind(text: table, at: 1)
        var columns: [(String, String)] = []
        while try statement.step() {
            columns.append((statement.text(at: 0) ?? "", statement.text(at: 1) ?? ""))
        }
        return columns.isEmpty ? nil : columns
    }

    func error(_ message: String, status: Int32, sql: String?) -> SQLError {
        var hint: String?
        if status & 0xFF == SQLITE_BUSY { hint = "another process holds the database; retry when it is done" }
        if status & 0xFF == SQLITE_READONLY { hint = "the database file or its directory is read-only" }
        return SQLError(.statement, connection: name, message: message, hint: hint, databaseCode: status)
    }
}
