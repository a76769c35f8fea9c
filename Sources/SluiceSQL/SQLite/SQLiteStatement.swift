import CSQLite

/// A compiled SQLite statement: bind, step, read, reset. Finalised when released.
///
/// Parameters are 1-based like SQLite's; reads are 0-based columns of the current row.
public final class SQLiteStatement {
    let handle: OpaquePointer
    private let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Advances to the next row; `false` when the statement is done.
    ///
    /// - Throws: ``SQLError`` `.statement` (constraint violations, I/O errors, …).
    @discardableResult
    public func step() throws -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        if status == SQLITE_DONE { return false }
        throw connection.error(String(cString: sqlite3_errmsg(connection.handle)), status: status, sql: nil)
    }

    /// Makes the statement ready to run again (bindings are kept until rebound).
    public func reset() {
        sqlite3_reset(handle)
    }

    @inline(__always) private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else {
            throw connection.error(String(cString: sqlite3_errmsg(connection.handle)), status: status, sql: nil)
        }
    }

    public func bind(int64 value: Int64, at index: Int32) throws { try check(sqlite3_bind_int64(handle, index, value)) }
    public func bind(double value: Double, at index: Int32) throws { try check(sqlite3_bind_double(handle, index, value)) }
    public func bindNull(at index: Int32) throws { try check(sqlite3_bind_null(handle, index)) }

    /// Binds text that SQLite copies.
    public func bind(text value: String, at index: Int32) throws {
        try check(sqlite3_bind_text(handle, index, value, -1, sluice_sqlite_transient))
    }

    /// Binds UTF-8 bytes without copying: they must stay valid until the next
    /// `step()` returns (a column buffer outlives the whole load).
    public func bind(utf8 pointer: UnsafePointer<UInt8>, count: Int, at index: Int32) throws {
        let raw = UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
        try check(sqlite3_bind_text64(handle, index, raw, sqlite3_uint64(count), sluice_sqlite_static, UInt8(SQLITE_UTF8)))
    }

    /// Number of result columns.
    public var columnCount: Int32 { sqlite3_column_count(handle) }
    /// Name of result column `index`.
    public func columnName(at index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }
    /// Declared type of result column `index` (empty for expressions).
    public func declaredType(at index: Int32) -> String { sqlite3_column_decltype(handle, index).map { String(cString: $0) } ?? "" }
    /// The storage class of column `index` in the current row.
    public func storageType(at index: Int32) -> Int32 { sqlite3_column_type(handle, index) }
    public func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    public func double(at index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// The text of column `index`, or `nil` for NULL.
    public func text(at index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: bytes)
    }

    /// The UTF-8 bytes of column `index` (valid until the next step), or `nil` for NULL.
    public func utf8(at index: Int32) -> UnsafeRawBufferPointer? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index)))
    }
}
