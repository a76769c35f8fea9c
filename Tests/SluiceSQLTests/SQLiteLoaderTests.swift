import Foundation
import SluiceCore
import SluiceFormats
@testable import SluiceSQL
import Testing

/// Rows of `table` as text (NULL as nil), ordered by the first column.
func rows(_ table: String, in db: SQLiteConnection, orderBy: String? = nil) throws -> [[String?]] {
    let statement = try db.prepare("SELECT * FROM \(quoteIdentifier(table)) ORDER BY \(orderBy.map(quoteIdentifier) ?? "1")")
    var result: [[String?]] = []
    while try statement.step() {
        result.append((0..<statement.columnCount).map { statement.text(at: $0) })
    }
    return result
}

func temporaryDatabase() throws -> (SQLiteConnection, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-sql-\(UUID().uuidString).db").path
    return (try SQLiteConnection(path: path), path)
}

@Suite("SQLite loads")
struct SQLiteLoaderTests {
    let sample = try! Table([
        ("id", Column(int64: [1, 2, 3])),
        ("email", Column(string: ["a@x.io", nil, "c@x.io"])),
        ("total", Column(float64: [12.5, 100, nil])),
        ("active", Column(bool: [true, false, nil])),
        ("day", Column(date: [19_724, 19_724, nil])),
        ("seen", Column(timestamp: [1_704_164_645_000_000, nil, 1_704_164_645_250_000])),
    ])

    @Test("append creates the table with mapped types and stores every type, nulls included")
    func appendRoundTrip() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try SQLiteLoader.load(sample, into: db, table: "t", options: LoadOptions())
        #expect(summary.rows == 3 && summary.createdTable)
        let declared = try db.columns(of: "t")!.map(\.declaredType)
        #expect(declared == ["INTEGER", "TEXT", "REAL", "BOOLEAN", "DATE", "TIMESTAMP"])
        #expect(try rows("t", in: db) == [
            ["1", "a@x.io", "12.5", "1", "2024-01-02", "2024-01-02T03:04:05Z"],
            ["2", nil, "100.0", "0", "2024-01-02", nil],
            ["3", "c@x.io", nil, nil, nil, "2024-01-02T03:04:05.25Z"],
        ])
    }

    @Test("upsert twice leaves the table as upserting once, and updates changed rows")
    func upsertIdempotent() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = LoadOptions(mode: .upsert, key: ["id"])
        _ = try SQLiteLoader.load(sample, into: db, table: "t", options: options)
        let once = try rows("t", in: db)
        _ = try SQLiteLoader.load(sample, into: db, table: "t", options: options)
        #expect(try rows("t", in: db) == once)
        let changed = try Table([("id", Column(int64: [2, 4])), ("email", Column(string: ["b@x.io", "d@x.io"]))])
        _ = try SQLiteLoader.load(changed, into: db, table: "t", options: options)
        let after = try rows("t", in: db)
        #expect(after.count == 4)
        #expect(after[1][1] == "b@x.io" && after[1][2] == "100.0")   // updated column, others kept
        #expect(after[3][0] == "4" && after[3][2] == nil)
    }

    @Test("replace_partition deletes only its partition, converges on rerun, and refuses foreign rows")
    func replacePartition() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        func day(_ ds: Int32, _ ids: [Int64]) throws -> Table {
            try Table([("ds", Column(date: ids.map { _ in ds })), ("id", Column(int64: ids.map { Optional($0) }))])
        }
        let first = LoadOptions(mode: .replacePartition, partition: ("ds", "2024-01-02"))
        let second = LoadOptions(mode: .replacePartition, partition: ("ds", "2024-01-03"))
        _ = try SQLiteLoader.load(try day(19_724, [1, 2]), into: db, table: "t", options: first)
        _ = try SQLiteLoader.load(try day(19_725, [3]), into: db, table: "t", options: second)
        let summary = try SQLiteLoader.load(try day(19_724, [1, 2]), into: db, table: "t", options: first)
        #expect(summary.deletedRows == 2)
        #expect(try rows("t", in: db, orderBy: "id") == [["2024-01-02", "1"], ["2024-01-02", "2"], ["2024-01-03", "3"]])
        #expect {
            _ = try SQLiteLoader.load(try day(19_725, [9]), into: db, table: "t", options: first)
        } throws: { error in
            (error as? SQLError)?.message == "row 1 has ds = 2024-01-03, outside the partition ds = 2024-01-02"
        }
        #expect(try rows("t", in: db, orderBy: "id").count == 3)   // the failed load changed nothing
    }

    @Test("replace swaps in the new contents and drops the old ones")
    func replace() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteLoader.load(sample, into: db, table: "t", options: LoadOptions())
        let fresh = try Table([("id", Column(int64: [7])), ("note", Column(string: ["new"]))])
        let summary = try SQLiteLoader.load(fresh, into: db, table: "t", options: LoadOptions(mode: .replace))
        #expect(summary.deletedRows == 3)
        #expect(try rows("t", in: db) == [["7", "new"]])
        #expect(try db.columns(of: "sluice_staging_t") == nil)
    }

    @Test("identifiers are quoted: odd names load and inject nothing")
    func identifierQuoting() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try db.execute("CREATE TABLE y (v INTEGER)")
        let names = ["order", "Name With Space", "x\"; DROP TABLE y; --"]
        let table = try Table(names.enumerated().map { ($1, Column(int64: [Int64($0)])) })
        _ = try SQLiteLoader.load(table, into: db, table: "weird \"table\"", options: LoadOptions(mode: .upsert, key: ["order"]))
        _ = try SQLiteLoader.load(table, into: db, table: "weird \"table\"", options: LoadOptions(mode: .upsert, key: ["order"]))
        #expect(try db.columns(of: "weird \"table\"")!.map(\.name) == names)
        #expect(try rows("weird \"table\"", in: db) == [["0", "1", "2"]])
        #expect(try db.columns(of: "y") != nil)
    }

    @Test("new columns are added, or refused with --on-schema-change fail; type conflicts name both types")
    func schemaEvolution() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteLoader.load(try Table([("id", Column(int64: [1]))]), into: db, table: "t", options: LoadOptions())
        let wider = try Table([("id", Column(int64: [2])), ("extra", Column(string: ["x"]))])
        #expect {
            _ = try SQLiteLoader.load(wider, into: db, table: "t", options: LoadOptions(onSchemaChange: .fail))
        } throws: { error in
            (error as? SQLError)?.code == .schemaChange && (error as? SQLError)?.message == "the data has columns table \"t\" lacks: extra"
        }
        let summary = try SQLiteLoader.load(wider, into: db, table: "t", options: LoadOptions())
        #expect(summary.addedColumns == ["extra"])
        #expect(try rows("t", in: db) == [["1", nil], ["2", "x"]])
        let conflicting = try Table([("id", Column(string: ["three"]))])
        #expect {
            _ = try SQLiteLoader.load(conflicting, into: db, table: "t", options: LoadOptions())
        } throws: { error in
            (error as? SQLError)?.message == "table \"t\" column \"id\" is INTEGER, the data has string"
        }
    }

    @Test("upsert without a key, or with a key the data lacks, is a usage error")
    func keyErrors() throws {
        let (db, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SQLError.self) { try SQLiteLoader.load(sample, into: db, table: "t", options: LoadOptions(mode: .upsert)) }
        do {
            _ = try SQLiteLoader.load(sample, into: db, table: "t", options: LoadOptions(mode: .upsert, key: ["idd"]))
            Issue.record("expected an error")
        } catch let error as SQLError {
            #expect(error.isUsageError)
            #expect(error.hint == "did you mean `id`?")
        }
        #expect(try db.columns(of: "t") == nil)
    }
}

@Suite("Connection URLs")
struct ConnectionURLTests {
    @Test("sqlite paths, ${VAR} expansion, and unknown schemes")
    func parsing() throws {
        #expect(try ConnectionURL("sqlite:data/w.db").path == "data/w.db")
        #expect(try ConnectionURL("sqlite::memory:").path == ":memory:")
        #expect(try ConnectionURL("sqlite:${DIR}/w.db", environment: ["DIR": "/tmp/x"]).path == "/tmp/x/w.db")
        #expect(throws: SQLError.self) { try ConnectionURL("sqlite:${MISSING}/w.db", environment: [:]) }
        do {
            _ = try ConnectionURL("sqlte:w.db")
            Issue.record("expected an error")
        } catch let error as SQLError {
            #expect(error.code == .unsupportedDatabase)
            #expect(error.hint?.contains("did you mean `sqlite`?") == true)
        }
    }

    @Test("passwords never appear in descriptions or errors")
    func masking() throws {
        #expect(ConnectionURL.mask("postgres://app:s3cret@db:5432/analytics") == "postgres://app:***@db:5432/analytics")
        #expect(ConnectionURL.mask("postgres://app@db/analytics") == "postgres://app@db/analytics")
        do {
            _ = try ConnectionURL("postgres://app:${PW}@db/analytics", environment: ["PW": "s3cret"])
            Issue.record("expected an error")
        } catch let error as SQLError {
            #expect(!error.description.contains("s3cret"))
            #expect(error.description.contains("postgres://app:***@db/analytics"))
        }
    }
}
