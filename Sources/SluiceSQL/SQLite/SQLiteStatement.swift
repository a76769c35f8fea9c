import CSQLite
import SluiceCore

/// A prepared SQLite statement; finalized when the last reference goes.
final class SQLiteStatement {
    let handle: OpaquePointer
    let database: SQLiteDatabase
    let sql: String
    /// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes (a macro Swift does not import).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds a value (copied) at 1-based `index`.
    func bind(_ value: Value, at index: Int32) throws {
        let status: Int32
        switch value {
        case .null: status = sqlite3_bind_null(handle, index)
        case .bool(let b): status = sqlite3_bind_int64(handle, index, b ? 1 : 0)
        case .int64(let v): status = sqlite3_bind_int64(handle, index, v)
        case .float64(let v): status = sqlite3_bind_double(handle, index, v)
        case .string(let s): status = bindCopy(s, at: index)
        case .date(let d): status = bindCopy(formatDate(daysSinceEpoch: d), at: index)
        case .timestamp(let t): status = bindCopy(formatTimestamp(microsecondsSinceEpoch: t), at: index)
        case .decimal(let d): status = bindCopy(d.description, at: index)
        case .binary(let b): status = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
        try check(status, "binding parameter \(index)")
    }

    private func bindCopy(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { sqlite3_bind_text(handle, index, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count), Self.transient) }
    }

    /// Advances; true when a row is ready.
    @inline(__always)
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        if status == SQLITE_DONE { return false }
        throw database.error(status, doing: "running \(SQLiteDatabase.abbreviated(sql))")
    }

    func reset() { sqlite3_reset(handle) }

    @inline(__always)
    func check(_ status: Int32, _ action: @autoclosure () -> String) throws {
        if status != SQLITE_OK { throw database.error(status, doing: action()) }
    }
}
