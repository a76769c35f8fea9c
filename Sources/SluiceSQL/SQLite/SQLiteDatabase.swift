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
    /// The connection; replaced only by ``install(image:)``.
    private(set) var handle: OpaquePointer
    let path: String
    let readOnly: Bool

    /// Opens `path`; `readOnly` (a source) never creates the file and refuses writes.
    init(path: String, readOnly: Bool = false) throws {
        handle = try Self.openHandle(path: path, readOnly: readOnly)
        self.path = path
        self.readOnly = readOnly
    }

    private static func openHandle(path: String, readOnly: Bool) throws -> OpaquePointer {
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
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
        return db
    }

    /// Whether the database file has no pages and no journal or WAL beside it: a file
    /// SQLite created on open that nothing has written to yet.
    var isNewFile: Bool {
        guard !readOnly, !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return false }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size == 0 else { return false }
        return ["-journal", "-wal"].allSatisfy { stat(path + $0, &info) != 0 }
    }

    /// Puts the database file `image` (written beside ``path`` by ``SQLiteImageWriter``) in
    /// place of this database if it is still empty; returns false (and leaves `image`)
    /// when another connection wrote to it first or holds it.
    ///
    /// Under SQLite's own EXCLUSIVE file lock (taken through the VFS, not a transaction, so
    /// SQLite writes no journal), with no other connection reading or writing, the file is
    /// checked to be still empty and the image is renamed over it — one atomic step: a
    /// crash leaves the empty database or the whole new one. The replaced file may still be
    /// open in a connection that opened it before: it gets a header that is not a
    /// database, so that connection fails ("file is not a database") instead of writing
    /// where nobody will look. Then this connection reopens ``path``.
    func install(image: String) throws -> Bool {
        var pointer: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &pointer) == SQLITE_OK,
              let file = pointer, let methods = file.pointee.pMethods?.pointee else { return false }
        // SQLite's lock ladder, each step retried while another connection holds the file (its busy timeout).
        var held = SQLITE_LOCK_NONE
        defer { if held != SQLITE_LOCK_NONE { _ = methods.xUnlock(file, SQLITE_LOCK_NONE) } }
        for level in [SQLITE_LOCK_SHARED, SQLITE_LOCK_RESERVED, SQLITE_LOCK_EXCLUSIVE] {
            var waited = 0
            while methods.xLock(file, level) != SQLITE_OK {
                guard waited < 10_000 else { return false }
                usleep(10_000)
                waited += 10
            }
            held = level
        }
        var size: sqlite3_int64 = -1
        var info = stat()
        guard methods.xFileSize(file, &size) == SQLITE_OK, size == 0,
              ["-journal", "-wal"].allSatisfy({ stat(path + $0, &info) != 0 }) else {
            // Another load may have put its new database in place meanwhile: use that one.
            _ = methods.xUnlock(file, SQLITE_LOCK_NONE)
            held = SQLITE_LOCK_NONE
            try reopenIfReplaced()
            return false
        }
        guard rename(image, path) == 0 else {
            // SQLite's CANTOPEN: a permanent I/O error (a directory that refuses the rename stays so).
            throw SQLError(.query, message: "cannot move the new database into place at \(path): \(String(cString: strerror(errno)))",
                           sqlState: "\(SQLITE_CANTOPEN)", hint: "check the directory is writable")
        }
        var poison = [UInt8](repeating: 0, count: 512)
        let text = Array("not a database: replaced by a sluice load; reopen \(path)\n".utf8.prefix(500))
        poison.replaceSubrange(0..<text.count, with: text)
        _ = poison.withUnsafeBytes { methods.xWrite(file, $0.baseAddress, 512, 0) }
        _ = methods.xSync(file, SQLITE_SYNC_NORMAL)
        _ = methods.xUnlock(file, SQLITE_LOCK_NONE)
        held = SQLITE_LOCK_NONE
        syncDirectory(of: path)
        try reopen()
        return true
    }

    /// Reopens ``path`` when the file this connection has open is no longer the file at
    /// that path (another connection's ``install(image:)`` replaced it).
    func reopenIfReplaced() throws {
        var moved: Int32 = 0
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK, moved != 0 else { return }
        try reopen()
    }

    private func reopen() throws {
        let reopened = try Self.openHandle(path: path, readOnly: readOnly)
        sqlite3_close_v2(handle)
        handle = reopened
        batchSourcePointer?.deallocate()
        batchSourcePointer = nil
    }

    /// Makes a rename in `path`'s directory durable.
    private func syncDirectory(of path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
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
