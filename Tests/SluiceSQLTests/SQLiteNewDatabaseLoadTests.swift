import Foundation
import SluiceCore
@testable import SluiceSQL
import Testing
import SluiceTestSupport

/// A first load into a new SQLite file writes the database file itself
/// (`SQLiteImageWriter`) instead of inserting through SQL: the oracle is the SQL path,
/// loading the same batches into a database that already has a page.
@Suite("SQLite new-database loads")
struct SQLiteNewDatabaseLoadTests {
    /// Every type, nulls, NaN and ±infinity, negative and extreme keys repeated across
    /// batches, and strings long enough to spill into chains of overflow pages.
    static func data(rows: Int, seed: UInt64) throws -> Table {
        var rng = SplitMix64(seed: seed)
        let random = try randomTable(rows: rows, seed: seed)
        let keys = (0..<rows).map { row -> Int64 in
            if rng.chance(0.02) { return [Int64.min, Int64.max, -1, 0, 1].randomElement(using: &rng)! }
            return Int64.random(in: -Int64(rows)...Int64(rows * 4), using: &rng)
        }
        let notes = (0..<rows).map { row -> String? in
            if row % 997 == 3 { return String(repeating: "long é \(row) ", count: 20_000) }   // ~200 KB: several overflow pages
            if row % 89 == 5 { return String(repeating: "x", count: 16_000) }                // around one page's local limit
            return rng.chance(0.1) ? nil : "note \(row)"
        }
        let amounts = (0..<rows).map { _ in Int128(Int64.random(in: -10_000_000...10_000_000, using: &rng)) }
        let blobs = (0..<rows).map { row in (0..<(row % 7)).map { UInt8(truncatingIfNeeded: $0 * 37 + row) } }
        var blobBuilder = ColumnBuilder(type: .binary, capacity: rows)
        for b in blobs { b.withUnsafeBytes { blobBuilder.append(bytes: $0) } }
        return try Table([("id", Column(int64: keys)), ("note", Column(string: notes)),
                          ("amount", Column(decimal: amounts, precision: 18, scale: 2)), ("payload", blobBuilder.finish())]
                         + zip(random.schema.names, random.columns).map { ($0, $1) })
    }

    /// Loads `data` in batches of `batch` rows.
    static func load(_ data: Table, into url: String, _ options: LoadOptions, batch: Int = 1_000) throws -> LoadSummary {
        let connection = try SQLConnection(url: ConnectionURL(url))
        var offset = 0
        return try connection.load(into: "t", schema: data.schema, options: options) {
            guard offset < data.rowCount else { return nil }
            defer { offset += batch }
            return data.slice(offset..<min(offset + batch, data.rowCount))
        }
    }

    /// Every row with its rowid, each value as SQLite quotes it (type and all).
    static func dump(_ path: String, columns: [String]) throws -> [String] {
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        let list = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
        let rows = try connection.extract(SQLTemplate("SELECT rowid || ':' || \(list) AS r FROM t ORDER BY rowid"))
        return (0..<rows.rowCount).map { "\(rows.columns[0].unsafeValue(at: $0))" }
    }

    static func integrity(_ path: String) throws -> String {
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        let result = try connection.extract(SQLTemplate("PRAGMA integrity_check"))
        return "\(result.columns[0].unsafeValue(at: 0))"
    }

    /// A database the SQL path loads into: it has a page (a user_version), so it is not new.
    static func notNew(_ path: String) throws -> String {
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        _ = try connection.execute(SQLTemplate("PRAGMA user_version = 7"))
        return "sqlite:" + path
    }

    @Test("the same table, rows, storage classes and counts as the SQL path, and an intact file",
          arguments: [LoadMode.append, .upsert, .replace], [DuplicatePolicy.first, .last])
    func sameAsSQL(mode: LoadMode, policy: DuplicatePolicy) throws {
        let dir = try temporaryDirectory("newdb")
        let data = try Self.data(rows: 3_000, seed: 11)
        var options = LoadOptions(mode: mode, key: ["id"])
        options.onDuplicate = policy
        let fast = try Self.load(data, into: "sqlite:" + dir.appendingPathComponent("fast.db").path, options)
        let sql = try Self.load(data, into: try Self.notNew(dir.appendingPathComponent("sql.db").path), options)
        #expect(fast == sql)
        #expect(fast.duplicates > 0 && fast.inserted == fast.rows - fast.duplicates)
        // SQLite has no NaN: both paths store NULL and say how many.
        #expect(fast.nanStoredAsNull > 0 && fast.counts.contains("\(fast.nanStoredAsNull) NaN values stored as NULL (SQLite has no NaN)"))
        let fastPath = dir.appendingPathComponent("fast.db").path, sqlPath = dir.appendingPathComponent("sql.db").path
        #expect(try Self.integrity(fastPath) == "ok")
        let columns = data.schema.names
        let expected = try Self.dump(sqlPath, columns: columns)
        #expect(expected.count == fast.inserted)
        #expect(try Self.dump(fastPath, columns: columns) == expected)
        // The same CREATE TABLE statement.
        let schemaSQL = { (path: String) in
            try SQLConnection(url: ConnectionURL("sqlite:" + path)).extract(SQLTemplate("SELECT sql FROM sqlite_master WHERE name = 't'")).row(0)
        }
        #expect(try schemaSQL(fastPath) == schemaSQL(sqlPath))
        // Nothing left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["fast.db", "sql.db"])
    }

    @Test("without a key: rows in input order with rowids 1, 2, …; many pages deep")
    func noKeyManyPages() throws {
        let dir = try temporaryDirectory("newdb")
        let data = try Self.data(rows: 60_000, seed: 5)
        let fastPath = dir.appendingPathComponent("fast.db").path, sqlPath = dir.appendingPathComponent("sql.db").path
        let fast = try Self.load(data, into: "sqlite:" + fastPath, LoadOptions(mode: .append), batch: 7_000)
        let sql = try Self.load(data, into: try Self.notNew(sqlPath), LoadOptions(mode: .append), batch: 7_000)
        #expect(fast == sql && fast.inserted == 60_000)
        #expect(try Self.integrity(fastPath) == "ok")
        #expect(try Self.dump(fastPath, columns: data.schema.names) == Self.dump(sqlPath, columns: data.schema.names))
    }

    @Test("the new file is an ordinary database: the next load upserts into it through SQL")
    func laterLoadsUseSQL() throws {
        let dir = try temporaryDirectory("newdb")
        let path = dir.appendingPathComponent("w.db").path
        let first = try Table([("id", Column(int64: [3, 1, 2])), ("name", Column(string: ["c", "a", "b"]))])
        let summary = try Self.load(first, into: "sqlite:" + path, LoadOptions(mode: .upsert, key: ["id"]))
        #expect(summary.inserted == 3 && summary.createdTable)
        let second = try Table([("id", Column(int64: [2, 4])), ("name", Column(string: ["B", "d"]))])
        let next = try Self.load(second, into: "sqlite:" + path, LoadOptions(mode: .upsert, key: ["id"]))
        #expect(next.inserted == 1 && next.updated == 1 && !next.createdTable)
        #expect(try Self.dump(path, columns: ["id", "name"]) == ["1:1|'a'", "2:2|'B'", "3:3|'c'", "4:4|'d'"])
        #expect(try Self.integrity(path) == "ok")
    }

    @Test("on_duplicate error: the SQL path's error, and nothing written")
    func errorsAsSQL() throws {
        let dir = try temporaryDirectory("newdb")
        let repeated = try Table([("id", Column(int64: [5, 9, 5, 7, 9, 5])), ("v", Column(int64: [1, 2, 3, 4, 5, 6]))])
        func failure(_ table: Table, _ url: String, _ options: LoadOptions) -> SQLError? {
            #expect(throws: SQLError.self) { try Self.load(table, into: url, options, batch: 2) }
        }
        let options = LoadOptions(mode: .upsert, key: ["id"])
        let fastPath = dir.appendingPathComponent("fast.db").path
        let fast = failure(repeated, "sqlite:" + fastPath, options)
        let sql = failure(repeated, try Self.notNew(dir.appendingPathComponent("sql.db").path), options)
        #expect(fast?.code == .duplicateKey)
        #expect(fast?.message == sql?.message)
        #expect(fast?.message.contains("id=5 (rows 1 and 3); id=9 (rows 2 and 5); id=5 (rows 1 and 6)") == true)
        #expect((try? FileManager.default.attributesOfItem(atPath: fastPath)[.size] as? Int) == 0)

    }

    @Test("a null key goes through SQL, as SQLite has it (an INTEGER PRIMARY KEY given NULL takes the next rowid)")
    func nullKeyAsSQL() throws {
        let dir = try temporaryDirectory("newdb")
        let nullKey = try Table([("id", Column(int64: [7, nil, 3])), ("v", Column(int64: [1, 2, 3]))])
        let options = LoadOptions(mode: .upsert, key: ["id"])
        let fastPath = dir.appendingPathComponent("fast.db").path, sqlPath = dir.appendingPathComponent("sql.db").path
        #expect(try Self.load(nullKey, into: "sqlite:" + fastPath, options) == Self.load(nullKey, into: try Self.notNew(sqlPath), options))
        #expect(try Self.dump(fastPath, columns: ["id", "v"]) == Self.dump(sqlPath, columns: ["id", "v"]))
    }

    @Test("a file another connection wrote to first is not replaced")
    func anotherWriterFirst() throws {
        let dir = try temporaryDirectory("newdb")
        let path = dir.appendingPathComponent("w.db").path
        let database = try SQLiteDatabase(path: path)
        #expect(database.isNewFile)
        let image = dir.appendingPathComponent("image.db").path
        let writer = try SQLiteImageWriter(path: image, pageSize: 4096)
        try writer.append([try Table([("x", Column(int64: [1]))])], order: nil, rowid: .sequence)
        try writer.finish(table: "mine", createSQL: "CREATE TABLE \"mine\" (\"x\" INTEGER)")
        let other = try SQLiteDatabase(path: path)
        try other.executeScript("CREATE TABLE theirs (y)")
        #expect(try database.install(image: image) == false)
        #expect(FileManager.default.fileExists(atPath: image))
        let tables = try SQLConnection(url: ConnectionURL("sqlite:" + path)).extract(SQLTemplate("SELECT name FROM sqlite_master"))
        #expect(tables.rowCount == 1 && "\(tables.columns[0].unsafeValue(at: 0))" == "theirs")
    }

    @Test("connections opened on the empty file before another load replaced it load into the new one (a backfill's days)")
    func concurrentFirstLoads() throws {
        let dir = try temporaryDirectory("newdb")
        let url = try ConnectionURL("sqlite:" + dir.appendingPathComponent("w.db").path)
        // In turn: the second connection finds the file replaced and loads through SQL into the new database.
        let first = try SQLConnection(url: url), second = try SQLConnection(url: url)
        try first.load(try Table([("id", Column(int64: [1, 2]))]), into: "a", options: LoadOptions(mode: .append))
        try second.load(try Table([("id", Column(int64: [3]))]), into: "b", options: LoadOptions(mode: .append))
        // At the same time, on threads: whichever installs first, every table arrives.
        // All opened before any load (SQLConnection is used by one thread at a time: each by its own).
        nonisolated(unsafe) let connections = try (0..<4).map { _ in try SQLConnection(url: ConnectionURL("sqlite:" + dir.appendingPathComponent("c.db").path)) }
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do {
                try connections[i].load(try Table([("id", Column(int64: [Int64(i)]))]), into: "t\(i)", options: LoadOptions(mode: .upsert, key: ["id"]))
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        for (path, tables) in [("w.db", ["a", "b"]), ("c.db", ["t0", "t1", "t2", "t3"])] {
            let connection = try SQLConnection(url: ConnectionURL("sqlite:" + dir.appendingPathComponent(path).path))
            let names = try connection.extract(SQLTemplate("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
            #expect((0..<names.rowCount).map { "\(names.columns[0].unsafeValue(at: $0))" } == tables)
            #expect(try Self.integrity(dir.appendingPathComponent(path).path) == "ok")
        }
    }

    @Test("a connection that opened the empty file before the new one replaced it fails loudly")
    func earlierConnectionFails() throws {
        let dir = try temporaryDirectory("newdb")
        let path = dir.appendingPathComponent("w.db").path
        let early = try SQLiteDatabase(path: path)   // opens (and creates) the empty file
        _ = try Self.load(try Table([("id", Column(int64: [1, 2]))]), into: "sqlite:" + path, LoadOptions(mode: .append))
        let error = #expect(throws: SQLError.self) { try early.executeScript("CREATE TABLE lost (x)") }
        #expect(error?.message.contains("not a database") == true)
        #expect(try Self.dump(path, columns: ["id"]) == ["1:1", "2:2"])
    }
}

@Suite("SQLite image writer")
struct SQLiteImageWriterTests {
    @Test("a file it cannot create is a permanent I/O error naming it, as SQLite's CANTOPEN")
    func cannotCreate() throws {
        let path = try temporaryDirectory("image").appendingPathComponent("missing/dir/x.db").path
        let error = #expect(throws: SQLError.self) { _ = try SQLiteImageWriter(path: path, pageSize: 4096) }
        #expect(error?.category == .permanentIO)
        #expect(error?.message.contains(path) == true)
    }

    @Test("small pages: three levels of interior pages, negative and extreme rowids, an intact file SQLite reads")
    func deepTree() throws {
        let dir = try temporaryDirectory("image")
        let path = dir.appendingPathComponent("deep.db").path
        let rows = 40_000
        let ids = (0..<rows).map { Int64($0) * 7919 - 150_000_000 } + [Int64.max]
        let data = try Table([("id", Column(int64: ids)), ("name", Column(string: ids.map { "name \($0)" }))])
        let writer = try SQLiteImageWriter(path: path, pageSize: 1024)
        try writer.append([data], order: nil, rowid: .column(0))
        try writer.finish(table: "t", createSQL: "CREATE TABLE \"t\" (\"id\" INTEGER NOT NULL, \"name\" TEXT, PRIMARY KEY (\"id\"))")
        #expect(try SQLiteNewDatabaseLoadTests.integrity(path) == "ok")
        let connection = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        let depth = try connection.extract(SQLTemplate("SELECT count(*) AS n, sum(id = \(Int64.max)) AS top, min(id) AS low FROM t"))
        #expect(depth.row(0) == [.int64(Int64(rows + 1)), .int64(1), .int64(-150_000_000)])
        let pages = try connection.extract(SQLTemplate("PRAGMA page_count"))
        #expect(pages.row(0)[0] != .int64(0))
        let one = try connection.extract(SQLTemplate("SELECT name FROM t WHERE id = \(Int64(31_337) * 7919 - 150_000_000)"))
        #expect(one.rowCount == 1 && one.row(0) == [.string("name \(Int64(31_337) * 7919 - 150_000_000)")])
    }
}
