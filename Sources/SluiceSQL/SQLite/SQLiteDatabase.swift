import CSQLite
import SluiceCore

/// An open SQLite database handle; closed when the last reference goes.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    init(path: String) throws {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLError(.connection, message: "cannot open SQLite database \(path): \(message)", sqlState: "\(status)",
                           hint: "check the directory exists and is writable")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// The error SQLite reports for the last call, in context of `sql`.
    func error(_ status: Int32, doing action: String) -> SQLError {
        let message = String(cString: sqlite3_errmsg(handle))
        let code = sqlite3_extended_errcode(handle)
        return SQLError(.query, message: "SQLite: \(message) (while \(action))", sqlState: "\(code == 0 ? status : code)")
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(status, doing: "preparing \(Self.abbreviated(sql))")
        }
        return SQLiteStatement(handle: statement, database: self, sql: sql)
    }

    /// Runs statements without parameters or results.
    func executeScript(_ sql: String) throws {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, doing: "running \(Self.abbreviated(sql))") }
    }

    static func abbreviated(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= 120 ? flat : String(flat.prefix(117)) + "..."
    }
}
