import Foundation
import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// SQLite loads insert each batch with one `INSERT … SELECT` from a virtual table over the
/// batch's columns (`SQLiteBatchInserter`).
@Suite("SQLite batch inserts through a virtual table")
struct SQLiteBatchLoadTests {
    /// `table` cut into batches of `size` rows.
    func batches(_ table: Table, size: Int) -> [Table] {
        stride(from: 0, to: table.rowCount, by: size).map { start in
            try! Table(schema: table.schema, columns: table.columns.map { $0.slice(start..<min(start + size, table.rowCount)) })
        }
    }

    @Test("every type with nulls, over several batches (slices), lands exactly; upserts count per row across batches",
          arguments: [1, 7, 64, 1_000])
    func batchesRoundTrip(batchSize: Int) throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        let table = try randomTable(rows: 1_000, seed: UInt64(batchSize))
        var pending = batches(table, size: batchSize)[...]
        let summary = try connection.load(into: "t", schema: table.schema, options: LoadOptions(mode: .upsert, key: ["id"])) { pending.popFirst() }
        #expect(summary.inserted == 1_000 && summary.updated == 0 && summary.unchanged == 0)
        #expect(try db.rows(connection, "t", orderBy: "id") == table)

        // Again: rows 0..<500 with a different `i`, rows 500..<1000 as they are, and ids 1000..<1200 new.
        let extra = try randomTable(rows: 200, seed: 99)
        let ids = (0..<1_200).map { Int64($0) }
        let i: [Int64?] = (0..<1_200).map { row in
            let value = row < 1_000 ? table.columns[1].unsafeValue(at: row) : extra.columns[1].unsafeValue(at: row - 1_000)
            guard case .int64(let v) = value else { return row < 500 ? 0 : nil }
            return row < 500 ? v &+ 1 : v
        }
        var columns = try Table.concatenating([table, extra]).columns
        columns[0] = Column(int64: ids)
        columns[1] = Column(int64: i)
        let second = try Table(schema: table.schema, columns: columns)
        var more = batches(second, size: batchSize)[...]
        let again = try connection.load(into: "t", schema: second.schema, options: LoadOptions(mode: .upsert, key: ["id"])) { more.popFirst() }
        #expect(again.inserted == 200 && again.updated == 500 && again.unchanged == 500)
        #expect(try db.rows(connection, "t", orderBy: "id") == second)
    }

    @Test("the batch table is temporary: gone after a load, after a failed load, and loads on one connection follow each other")
    func noBatchTableLeft() throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        let leftovers = try SQLTemplate("SELECT COUNT(*) FROM sqlite_temp_master WHERE name LIKE 'sluice%'")
        try connection.load(try randomTable(rows: 100, seed: 1), into: "a", options: LoadOptions(mode: .append))
        #expect(try connection.extract(leftovers).row(0) == [.int64(0)])
        // A NOT NULL failure in the second batch: the load rolls back, naming the row.
        _ = try connection.execute(SQLTemplate("CREATE TABLE b (id BIGINT NOT NULL)"))
        let ids = try Table([("id", Column(int64: (0..<100).map { $0 == 70 ? nil : Int64($0) }))])
        var pending = batches(ids, size: 50)[...]
        let error = #expect(throws: SQLError.self) {
            try connection.load(into: "b", schema: ids.schema, options: LoadOptions(mode: .append)) { pending.popFirst() }
        }
        #expect(error?.message.contains("row 21 of a batch") == true)
        #expect(error?.message.contains("sluice_") == false)
        #expect(try db.count(connection, "b") == 0)
        #expect(try connection.extract(leftovers).row(0) == [.int64(0)])
        try connection.load(try randomTable(rows: 10, seed: 2), into: "a", options: LoadOptions(mode: .append))
        #expect(try db.count(connection, "a") == 110)
    }

    @Test("a database the load creates gets 16 KiB pages; an existing one keeps its page size")
    func pageSize() throws {
        let db = try TestDatabase(.sqlite)
        let fresh = try db.connect()
        try fresh.load(try randomTable(rows: 10, seed: 3), into: "t", options: LoadOptions(mode: .append))
        #expect(try fresh.extract(SQLTemplate("PRAGMA page_size")).row(0) == [.int64(16_384)])

        let path = db.directory.appendingPathComponent("old.db").path
        let old = try SQLConnection(url: ConnectionURL("sqlite:" + path))
        _ = try old.execute(SQLTemplate("CREATE TABLE x (a INTEGER)"))   // SQLite's default page size
        let before = try old.extract(SQLTemplate("PRAGMA page_size")).row(0)
        try old.load(try randomTable(rows: 10, seed: 4), into: "t", options: LoadOptions(mode: .append))
        #expect(try old.extract(SQLTemplate("PRAGMA page_size")).row(0) == before)
        #expect(before != [.int64(16_384)])
    }

    @Test("keys are checked a batch ahead: repeats across batches are found in every duplicate mode, a stray schema stops the load",
          arguments: [TestEngine.sqlite, .postgres])
    func keysAcrossBatches(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        // ids 0..<300 in batches of 100; rows 250 and 299 repeat ids 10 and 120 (rows 11 and 121, 1-based).
        var ids = (0..<300).map { Int64($0) }
        ids[250] = 10
        ids[299] = 120
        let data = try Table([("id", Column(int64: ids)), ("n", Column(int64: (0..<300).map { Int64($0) }))])
        func load(_ duplicates: DuplicatePolicy, into table: String) throws -> LoadSummary {
            var pending = batches(data, size: 100)[...]
            var options = LoadOptions(mode: .upsert, key: ["id"])
            options.onDuplicate = duplicates
            return try connection.load(into: db.table(table), schema: data.schema, options: options) { pending.popFirst() }
        }
        let error = #expect(throws: SQLError.self) { try load(.error, into: "e") }
        #expect(error?.message.contains("2 rows repeat") == true)
        #expect(error?.message.contains("10 (rows 11 and 251)") == true)
        #expect(error?.message.contains("120 (rows 121 and 300)") == true)
        #expect(throws: SQLError.self) { try db.count(connection, db.table("e")) }   // rolled back: not even created

        let first = try load(.first, into: "f")
        #expect(first.inserted == 298 && first.duplicates == 2)
        let kept = try db.rows(connection, db.table("f"), orderBy: "id")
        #expect(kept.rowCount == 298)
        #expect(kept.columns[1].unsafeValue(at: 10) == .int64(10))     // id 10 keeps row 10's n
        let last = try load(.last, into: "l")
        #expect(last.inserted == 298 && last.duplicates == 2)
        #expect(try db.rows(connection, db.table("l"), orderBy: "id").columns[1].unsafeValue(at: 10) == .int64(250))

        // A batch whose schema differs from the first stops the load; the table keeps its rows.
        let stray = try Table([("id", Column(int64: [1_000])), ("n", Column(string: ["x"]))])
        var mixed = [batches(data, size: 100)[0], stray][...]
        let before = try db.count(connection, db.table("f"))
        var options = LoadOptions(mode: .upsert, key: ["id"])
        options.onDuplicate = .first
        let schemaError = #expect(throws: SQLError.self) {
            try connection.load(into: db.table("f"), schema: data.schema, options: options) { mixed.popFirst() }
        }
        #expect(schemaError?.message.contains("a batch has schema") == true)
        #expect(try db.count(connection, db.table("f")) == before)
    }
}
