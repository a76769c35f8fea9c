import Foundation
import SluiceCore
import Testing
@testable import SluiceSQL

@Suite("SQLError categories")
struct SQLErrorCategoryTests {
    @Test("SQLite result codes", arguments: [
        ("5", ErrorCategory.transientIO),       // SQLITE_BUSY
        ("517", .transientIO),                  // SQLITE_BUSY_SNAPSHOT
        ("6", .transientIO),                    // SQLITE_LOCKED
        ("13", .transientIO),                   // SQLITE_FULL
        ("3338", .transientIO),                 // SQLITE_IOERR_FSYNC
        ("1555", .data),                        // SQLITE_CONSTRAINT_PRIMARYKEY
        ("2067", .data),                        // SQLITE_CONSTRAINT_UNIQUE
        ("1", .permanentIO),                    // SQLITE_ERROR: syntax, no such table
        ("14", .permanentIO),                   // SQLITE_CANTOPEN
        ("8", .permanentIO),                    // SQLITE_READONLY
    ])
    func sqlite(state: String, expected: ErrorCategory) {
        #expect(SQLError(.query, message: "SQLite: x", sqlState: state).category == expected)
    }

    @Test("PostgreSQL SQLSTATEs", arguments: [
        ("08006", ErrorCategory.transientIO),   // connection failure
        ("40001", .transientIO),                // serialization failure
        ("40P01", .transientIO),                // deadlock
        ("53100", .transientIO),                // disk full
        ("57014", .transientIO),                // statement timeout
        ("57P01", .transientIO),                // admin shutdown
        ("55P03", .transientIO),                // lock not available
        ("23505", .data),                       // unique violation
        ("23502", .data),                       // not null violation
        ("22P02", .data),                       // invalid text representation
        ("42601", .permanentIO),                // syntax error
        ("42P01", .permanentIO),                // undefined table
        ("3D000", .permanentIO),                // database does not exist
        ("28P01", .permanentIO),                // bad password
    ])
    func postgres(state: String, expected: ErrorCategory) {
        #expect(SQLError(.query, message: "PostgreSQL: x", sqlState: state).category == expected)
    }

    @Test("connection failures without a code")
    func connection() {
        #expect(SQLError(.connection, message: "cannot connect to postgres://h/db: Connection refused").category == .transientIO)
        #expect(SQLError(.connection, message: "server closed the connection unexpectedly").category == .transientIO)
        #expect(SQLError(.connection, message: "cannot connect: FATAL: database \"nope\" does not exist").category == .permanentIO)
        #expect(SQLError(.connection, message: "FATAL: password authentication failed for user \"app\"").category == .permanentIO)
        #expect(SQLError(.invalidURL, message: "x").category == .usage)
        #expect(SQLError(.typeConflict, message: "x").category == .data)
    }

    @Test("a real constraint violation and a real syntax error from SQLite")
    func realSQLite() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("category-\(UInt64.random(in: 0...UInt64.max)).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        try connection.execute(SQLTemplate("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        try connection.execute(SQLTemplate("INSERT INTO t VALUES (1)"))
        for (sql, expected) in [("INSERT INTO t VALUES (1)", ErrorCategory.data), ("SELEC 1", .permanentIO), ("SELECT * FROM missing", .permanentIO)] {
            do { try connection.execute(SQLTemplate(sql)); Issue.record("no error for \(sql)") } catch let error as SQLError {
                #expect(error.category == expected, "\(sql): \(error)")
            }
        }
    }
}
