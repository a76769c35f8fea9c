import CLibPQ
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection; finished (closed) when the last reference goes.
final class PostgresConnection {
    let handle: OpaquePointer
    let secrets: [String]

    init(conninfo: String, shown: String, secrets: [String]) throws {
        self.secrets = secrets
        guard let connection = PQconnectdb(conninfo) else {
            throw SQLError(.connection, message: "cannot allocate a PostgreSQL connection to \(shown)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingASCIIWhitespace()
            PQfinish(connection)
            throw SQLError(.connection, message: "cannot connect to \(shown): \(message)",
                           hint: "check the server is running and the URL's host, port, user and password", secrets: secrets)
        }
        handle = connection
        // Notices (e.g. "table does not exist, skipping") are not errors: drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3")
    }

    deinit { PQfinish(handle) }

    /// Runs one or more statements without parameters.
    @discardableResult
    func execute(_ sql: String) throws -> PostgresResult {
        let result = PostgresResult(PQexec(handle, sql))
        try check(result, sql: sql)
        return result
    }

    /// Runs one statement with text parameters (nil = NULL); the server infers their types.
    @discardableResult
    func execute(_ sql: String, parameters: [String?]) throws -> PostgresResult {
        var cStrings: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for p in cStrings { free(p) } }
        let raw = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) {
                PQexecParams(handle, sql, Int32(parameters.count), nil, parameters.isEmpty ? nil : $0, nil, nil, 0)
            }
        }
        let result = PostgresResult(raw)
        try check(result, sql: sql)
        return result
    }

    func check(_ result: PostgresResult, sql: String) throws {
        guard let raw = result.handle else { throw error(sqlState: nil, sql: sql) }
        let status = PQresultStatus(raw)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN else {
            throw error(from: raw, sql: sql)
        }
    }

    func error(from result: OpaquePointer, sql: String) -> SQLError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let state = field(Int32(UInt8(ascii: "C")))
        var message = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQresultErrorMessage(result)).trimmingASCIIWhitespace()
        if let detail = field(Int32(UInt8(ascii: "D"))) { message += " (\(detail))" }
        let hint = field(Int32(UInt8(ascii: "H")))
        return SQLError(.query, message: "PostgreSQL: \(message) (while running \(SQLiteDatabase.abbreviated(sql)))",
                        sqlState: state, hint: hint, secrets: secrets)
    }

    func error(sqlState: String?, sql: String) -> SQLError {
        SQLError(.query, message: "PostgreSQL: \(String(cString: PQerrorMessage(handle)).trimmingASCIIWhitespace()) (while running \(SQLiteDatabase.abbreviated(sql)))",
                 sqlState: sqlState, secrets: secrets)
    }

    /// Sends COPY data; the connection must be in COPY IN state.
    func putCopyData(_ bytes: UnsafeRawBufferPointer, sql: String) throws {
        guard bytes.count > 0 else { return }
        let status = PQputCopyData(handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        if status != 1 { throw error(sqlState: nil, sql: sql) }
    }

    /// Ends COPY and checks the server's verdict.
    func putCopyEnd(sql: String) throws {
        if PQputCopyEnd(handle, nil) != 1 { throw error(sqlState: nil, sql: sql) }
        var firstError: SQLError?
        while let raw = PQgetResult(handle) {
            let result = PostgresResult(raw)
            if firstError == nil, PQresultStatus(raw) != PGRES_COMMAND_OK { firstError = error(from: result.handle!, sql: sql) }
        }
        if let firstError { throw firstError }
    }
}

/// A libpq result, cleared when the last reference goes.
final class PostgresResult {
    let handle: OpaquePointer?
    init(_ handle: OpaquePointer?) { self.handle = handle }
    deinit { if let handle { PQclear(handle) } }

    var rowCount: Int { handle.map { Int(PQntuples($0)) } ?? 0 }
    var columnCount: Int { handle.map { Int(PQnfields($0)) } ?? 0 }
}
