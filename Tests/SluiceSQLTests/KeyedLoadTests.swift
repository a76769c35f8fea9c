import Foundation
import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// Keyed loads: a key repeated in the data (`on_duplicate`), and counts of inserted,
/// updated and unchanged rows that match the table (issue 12).
@Suite("Keyed loads")
struct KeyedLoadTests {
    static let modes: [LoadMode] = [.upsert, .replace, .append]

    /// ids 1, 2, 1, 3, 2, 1: rows 3, 5 and 6 repeat an earlier key.
    static func repeated() throws -> Table {
        try Table([("id", Column(int64: [1, 2, 1, 3, 2, 1])), ("name", Column(string: ["a", "b", "c", "d", "e", "f"]))])
    }

    /// Loads `data` two rows per batch, so repeats cross batch boundaries.
    static func load(_ data: Table, _ connection: SQLConnection, into table: String, _ options: LoadOptions) throws -> LoadSummary {
        var offset = 0
        return try connection.load(into: table, schema: data.schema, options: options) {
            guard offset < data.rowCount else { return nil }
            defer { offset += 2 }
            return data.slice(offset..<min(offset + 2, data.rowCount))
        }
    }

    static func names(_ db: TestDatabase, _ connection: SQLConnection, _ table: String) throws -> [String] {
        let rows = try db.rows(connection, table, orderBy: "id")
        return (0..<rows.rowCount).map { "\(rows.columns[0].unsafeValue(at: $0))=\(rows.columns[1].unsafeValue(at: $0))" }
    }

    @Test("on_duplicate error (the default): names the repeated keys and their rows, writes nothing", arguments: TestEngine.allCases, modes)
    func duplicateError(engine: TestEngine, mode: LoadMode) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let t = db.table("dup_error")
        let error = #expect(throws: SQLError.self) {
            try Self.load(try Self.repeated(), connection, into: t, LoadOptions(mode: mode, key: ["id"]))
        }
        #expect(error?.code == .duplicateKey)
        #expect(error?.category == .data)
        #expect(error?.message == "load into \"\(t)\": 3 rows repeat the key id of an earlier row: id=1 (rows 1 and 3); id=2 (rows 2 and 5); id=1 (rows 1 and 6); nothing was written")
        #expect(error?.hint?.contains("--on-duplicate last") == true)
        #expect(try connection.columns(ofTable: t) == nil)   // the table it would have created is not there
        // Into an existing table: its rows stay.
        try connection.load(try Table([("id", Column(int64: [9])), ("name", Column(string: ["old"]))]), into: t,
                            options: LoadOptions(mode: mode, key: ["id"]))
        #expect(throws: SQLError.self) { try Self.load(try Self.repeated(), connection, into: t, LoadOptions(mode: mode, key: ["id"])) }
        #expect(try Self.names(db, connection, t) == ["9=old"])
    }

    @Test("on_duplicate last and first: that row of each key is loaded, the others are counted", arguments: TestEngine.allCases, modes)
    func duplicateLastFirst(engine: TestEngine, mode: LoadMode) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        for (policy, expected) in [(DuplicatePolicy.last, ["1=f", "2=e", "3=d"]), (.first, ["1=a", "2=b", "3=d"])] {
            let t = db.table("dup_\(policy)")
            var options = LoadOptions(mode: mode, key: ["id"])
            options.onDuplicate = policy
            let summary = try Self.load(try Self.repeated(), connection, into: t, options)
            #expect(try Self.names(db, connection, t) == expected, "\(policy)")
            #expect(summary.rows == 6)
            #expect(summary.duplicates == 3)
            #expect(summary.inserted == 3)
            #expect(summary.updated == 0 && summary.unchanged == 0)
            #expect(summary.counts == "3 inserted, 3 duplicate rows dropped")
        }
    }

    @Test("upsert counts inserted, updated and unchanged rows exactly (nulls compare equal)", arguments: TestEngine.allCases)
    func truthfulCounts(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let t = db.table("counts")
        func data(_ ids: Range<Int>, changed: Set<Int> = []) throws -> Table {
            try Table([
                ("id", Column(int64: ids.map { Int64($0) })),
                ("name", Column(string: ids.map { changed.contains($0) ? "new\($0)" : $0 % 7 == 0 ? nil : "n\($0)" })),
                ("score", Column(float64: ids.map { $0 % 5 == 0 ? nil : Double($0) / 4 })),
                ("day", Column(date: ids.map { Int32(19_000 + $0) })),
            ])
        }
        let options = LoadOptions(mode: .upsert, key: ["id"])
        let first = try connection.load(try data(0..<100), into: t, options: options)
        #expect(first.inserted == 100 && first.updated == 0 && first.unchanged == 0)
        // 80 keys again (10 of them with a new name, and 7 = a null becoming a value), 20 new keys.
        let changed: Set<Int> = [7, 21, 22, 23, 24, 25, 26, 27, 28, 29]
        let second = try connection.load(try data(20..<120, changed: changed), into: t, options: options)
        #expect(second.rows == 100)
        #expect(second.inserted == 20)
        #expect(second.updated == 9)          // 7 is outside 20..<120: 21…29 changed
        #expect(second.unchanged == 71)
        #expect(second.counts == "20 inserted, 9 updated, 71 unchanged")
        #expect(try db.count(connection, t) == 120)
        // The same data again: nothing changes.
        let third = try connection.load(try data(20..<120, changed: changed), into: t, options: options)
        #expect(third.inserted == 0 && third.updated == 0 && third.unchanged == 100)
        // With on_duplicate last, the counts are over the rows kept.
        var last = options
        last.onDuplicate = .last
        let repeats = try Table.concatenating([try data(118..<122), try data(118..<120, changed: [118])])
        let fourth = try Self.load(repeats, connection, into: t, last)
        #expect(fourth.rows == 6 && fourth.duplicates == 2)
        #expect(fourth.inserted == 2 && fourth.updated == 1 && fourth.unchanged == 1)
    }

    @Test("replace with a key: duplicates are handled, the key is the new table's primary key, no internal name leaks", arguments: TestEngine.allCases)
    func replaceWithKey(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let t = db.table("replaced")
        // An existing table with other columns: replace rebuilds it from the data.
        try connection.load(try Table([("id", Column(int64: [1])), ("other", Column(float64: [1.5]))]), into: t, options: LoadOptions(mode: .append))
        let error = #expect(throws: SQLError.self) {
            try Self.load(try Self.repeated(), connection, into: t, LoadOptions(mode: .replace, key: ["id"]))
        }
        #expect(error?.description.contains("sluice") == false, "\(String(describing: error))")
        #expect(try connection.columns(ofTable: t)?.map(\.name) == ["id", "other"])
        var options = LoadOptions(mode: .replace, key: ["id"])
        options.onDuplicate = .last
        let summary = try Self.load(try Self.repeated(), connection, into: t, options)
        #expect(summary.inserted == 3 && summary.duplicates == 3)
        #expect(try Self.names(db, connection, t) == ["1=f", "2=e", "3=d"])
        // The key is the table's primary key: an upsert on it works, a repeated insert fails without naming a staging table.
        let upserted = try connection.load(try Table([("id", Column(int64: [3, 4])), ("name", Column(string: ["d", "x"]))]), into: t,
                                           options: LoadOptions(mode: .upsert, key: ["id"]))
        #expect(upserted.inserted == 1 && upserted.unchanged == 1)
        let q = connection.dialect.quote(TableName(t))
        let insert = #expect(throws: SQLError.self) { try connection.execute(SQLTemplate("INSERT INTO \(q) (id, name) VALUES (1, 'again')")) }
        #expect(insert?.description.contains("staging") == false, "\(String(describing: insert))")
        // A failure inside the load speaks of the table, not of the staging table it went through.
        let plain = db.table("plain")
        try connection.load(try Self.repeated(), into: plain, options: LoadOptions(mode: .append))
        var lastOptions = LoadOptions(mode: .upsert, key: ["id"])
        lastOptions.onDuplicate = .last
        let bad = #expect(throws: SQLError.self) { try connection.load(try Self.repeated(), into: plain, options: lastOptions) }
        #expect(bad?.description.contains("staging") == false, "\(String(describing: bad))")
        #expect(bad?.hint?.contains("PRIMARY KEY or UNIQUE constraint") == true, "\(String(describing: bad))")
    }
}
