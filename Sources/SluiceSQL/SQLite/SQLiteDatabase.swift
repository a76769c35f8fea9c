#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import CSQLiteBatch
import SluiceCore

/// An open SQLite database handle; closed when the last reference goes.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    /// Opens `path`; `readOnly` (a source) never creates the file and refuses writes.
    init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            var info = stat()
            if readOnly, path != ":memory:", stat(path, &info) != 0 {
                throw SQLError(.connection, message: "the SQLite database \(path) does not exist", sqlState: "\(status)",
                               hint: "check the path (a relative path resolves against the pipeline's or suite's directory, "
                                   + "or the current directory on the command line); a source database is opened read-only and never created")
            }
            throw SQLError(.connection, message: "cannot open SQLite database \(path): \(message)", sqlState: "\(status)",
                           hint: readOnly ? "check the file is a SQLite database you may read" : "check the directory exists and is writable")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    /// What this connection's batch virtual tables read (``SQLiteBatchInserter``); registered on first use.
    private var batchSourcePointer: UnsafeMutablePointer<sluice_batch_source>?
    /// The module name of those tables.
    static let batchModule = "sluice_batch"

    deinit {
        sqlite3_close_v2(handle)
        batchSourcePointer?.deallocate()
    }

    /// The batch source of this connection, with the `sluice_batch` module registered to read it.
    func batchSource() throws -> UnsafeMutablePointer<sluice_batch_source> {
        if let batchSourcePointer { return batchSourcePointer }
        let source = UnsafeMutablePointer<sluice_batch_source>.allocate(capacity: 1)
        source.initialize(to: sluice_batch_source(columns: nil, column_count: 0, row_count: 0))
        let status = sluice_batch_register(handle, Self.batchModule, source)
        guard status == SQLITE_OK else {
            source.deallocate()
            throw error(status, doing: "registering the batch table module")
        }
        batchSourcePointer = source
        return source
    }

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
