import Foundation
import SluiceCore
import SluiceSQL

/// The engines the connector conformance suite runs against.
public enum TestEngine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    public var description: String { rawValue }
}

public struct MissingPostgres: Error, CustomStringConvertible {
    public var description: String {
        "SLUICE_TEST_POSTGRES_URL is not set: the PostgreSQL tests need a server. Run them with `make test` "
            + "(or scripts/with-postgres.sh swift test), which starts a throwaway PostgreSQL on 127.0.0.1."
    }
}

/// PostgreSQL and SQLite fixtures for tests.

/// A fresh database for one test: a temporary SQLite file, or unique table names on the test PostgreSQL.
public final class TestDatabase {
    public let engine: TestEngine
    public let url: ConnectionURL
    public let directory: URL
    /// A prefix unique to this test, for table names (PostgreSQL is shared by parallel tests).
    public let prefix: String

    public init(_ engine: TestEngine) throws {
        self.engine = engine
        directory = try temporaryDirectory("sql")
        prefix = "t" + UUID().uuidString.prefix(8).lowercased() + "_"
        switch engine {
        case .sqlite:
            url = try ConnectionURL("sqlite:" + directory.appendingPathComponent("test.db").path)
        case .postgres:
            guard let text = ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"], !text.isEmpty else { throw MissingPostgres() }
            url = try ConnectionURL(text)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public func connect() throws -> SQLConnection { try SQLConnection(url: url) }

    public func table(_ name: String) -> String { prefix + name }

    /// All rows of `table`, ordered by `orderBy`.
    public func rows(_ connection: SQLConnection, _ table: String, orderBy: String) throws -> Table {
        let d = connection.dialect
        return try connection.extract(SQLTemplate("SELECT * FROM \(d.quote(table)) ORDER BY \(d.quote(orderBy))"))
    }

    public func count(_ connection: SQLConnection, _ table: String) throws -> Int {
        let t = try connection.extract(SQLTemplate("SELECT COUNT(*) AS n FROM \(connection.dialect.quote(table))"))
        guard case .int64(let n) = t.columns[0].unsafeValue(at: 0) else { return -1 }
        return Int(n)
    }
}
