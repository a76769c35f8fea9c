import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// A SQL extract returns its fetched batches as chunks; a multi-row SQLite insert keeps
/// arrival order and names a failing row exactly.
@Suite("Chunked extract and multi-row SQLite inserts")
struct ChunkedExtractTests {
    @Test("an extract's batches are the chunks, and combined they equal the one-table extract", arguments: [TestEngine.sqlite, .postgres])
    func chunksAreTheBatches(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let source = try randomKeyedTable(rows: 1_000, seed: 7)
        try connection.load(source, into: db.table("t"), options: LoadOptions(mode: .replace))
        let query = try SQLTemplate("SELECT * FROM \(connection.dialect.quote(db.table("t"))) ORDER BY id")
        var seen: [Int] = []
        let chunks = try connection.extractChunks(query, batchSize: 300) { seen.append($0.rowCount) }
        #expect(chunks.chunks.map(\.rowCount) == [300, 300, 300, 100])
        #expect(seen.filter { $0 > 0 } == [300, 300, 300, 100])
        #expect(chunks.rowCount == 1_000)
        #expect(try chunks.combined() == connection.extract(query))
        #expect(try chunks.combined() == source)
        #expect(chunks.batches(maxRows: 256).map(\.rowCount) == [256, 44, 256, 44, 256, 44, 100])

        let empty = try connection.extractChunks(SQLTemplate("SELECT * FROM \(connection.dialect.quote(db.table("t"))) WHERE id < 0"))
        #expect(empty.chunks.isEmpty && empty.rowCount == 0)
        #expect(try empty.combined().schema == source.schema)
    }

    @Test("SQLite loads rows many to a statement: every row size, order kept, upsert's last row wins",
          arguments: [0, 1, 63, 64, 65, 129, 1_000])
    func multiRowInsert(rows: Int) throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        let table = try randomKeyedTable(rows: rows, seed: UInt64(rows) + 1)
        try connection.load(table, into: "t", options: LoadOptions(mode: .append))
        #expect(try db.rows(connection, "t", orderBy: "id") == table)

        // Every id twice: the second copy (negated totals) must win, in arrival order.
        let ids = (0..<rows).map { Int64($0 % max(rows / 2, 1)) }
        let keyed = try Table([("id", Column(int64: ids)), ("n", Column(int64: (0..<rows).map { Int64($0) }))])
        var upsert = LoadOptions(mode: .upsert, key: ["id"])
        upsert.onDuplicate = .last
        try connection.load(keyed, into: "u", options: upsert)
        let loaded = try db.rows(connection, "u", orderBy: "id")
        var last: [Int64: Int64] = [:]
        for (i, id) in ids.enumerated() { last[id] = Int64(i) }
        #expect(loaded.rowCount == last.count)
        for row in 0..<loaded.rowCount {
            guard case .int64(let id) = loaded.columns[0].unsafeValue(at: row) else { continue }
            #expect(loaded.columns[1].unsafeValue(at: row) == .int64(last[id]!))
        }
    }

    @Test("a constraint failure inside a multi-row statement names the exact row and leaves the table as it was")
    func failingRowIsNamed() throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        _ = try connection.execute(SQLTemplate("CREATE TABLE t (id BIGINT NOT NULL, name TEXT)"))
        _ = try connection.execute(SQLTemplate("INSERT INTO t VALUES (-1, 'old')"))
        var ids: [Int64?] = (0..<200).map { Int64($0) }
        ids[150] = nil
        let table = try Table([("id", Column(int64: ids)), ("name", Column(string: (0..<200).map { "n\($0)" }))])
        let error = #expect(throws: SQLError.self) { try connection.load(table, into: "t", options: LoadOptions(mode: .append)) }
        #expect(error?.message.contains("row 151") == true)
        #expect(try db.count(connection, "t") == 1)
    }
}
