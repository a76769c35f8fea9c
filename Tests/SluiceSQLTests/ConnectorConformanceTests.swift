import Foundation
import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

/// One suite, run against every engine: types, strategies, reruns, quoting, evolution.
@Suite("SQL connector conformance")
struct ConnectorConformanceTests {
    @Test("every type round-trips with nulls", arguments: TestEngine.allCases, [0, 1, 63, 64, 65])
    func roundTrip(engine: TestEngine, rows: Int) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let data = try randomKeyedTable(rows: rows, seed: UInt64(rows) &+ 7)
        let table = db.table("types")
        let summary = try connection.load(data, into: table, options: LoadOptions(mode: .append))
        #expect(summary.rows == rows)
        #expect(summary.createdTable)
        let back = try db.rows(connection, table, orderBy: "id")
        #expect(back.schema == data.schema)
        #expect(back == data)
        // Into an existing table the engine takes its general path (PostgreSQL: text COPY, not binary).
        let existing = db.table("types_existing")
        try connection.load(data.slice(0..<0), into: existing, options: LoadOptions(mode: .append))
        let second = try connection.load(data, into: existing, options: LoadOptions(mode: .append))
        #expect(!second.createdTable)
        #expect(try db.rows(connection, existing, orderBy: "id") == data)
    }

    @Test("extract reads in batches of the requested size", arguments: TestEngine.allCases)
    func batches(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("batches")
        try connection.load(try randomKeyedTable(rows: 65, seed: 1), into: table, options: LoadOptions())
        var sizes: [Int] = []
        try connection.extract(SQLTemplate("SELECT id FROM \(connection.dialect.quote(table)) ORDER BY id"), batchSize: 10) { sizes.append($0.rowCount) }
        #expect(sizes == [10, 10, 10, 10, 10, 10, 5])
        var empty: [Int] = []
        let schema = try connection.extract(SQLTemplate("SELECT id, s FROM \(connection.dialect.quote(table)) WHERE id < 0"), batchSize: 10) { empty.append($0.rowCount) }
        #expect(empty == [0])
        #expect(schema.names == ["id", "s"])
    }

    @Test("named parameters are bound, never pasted", arguments: TestEngine.allCases)
    func parameters(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("params")
        let data = try randomKeyedTable(rows: 20, seed: 3)
        try connection.load(data, into: table, options: LoadOptions())
        let q = connection.dialect.quote(table)
        let picked = try connection.extract(SQLTemplate("SELECT id FROM \(q) WHERE id >= {{ low }} AND id < {{high}} ORDER BY id"),
                                            parameters: ["low": .int64(5), "high": .int64(8)])
        #expect(picked.columns[0].allValues == [.int64(5), .int64(6), .int64(7)])
        // A hostile value is just a string that matches nothing.
        let hostile = try connection.extract(SQLTemplate("SELECT id FROM \(q) WHERE s = {{ s }}"),
                                             parameters: ["s": .string("x'; DROP TABLE \(table); --")])
        #expect(hostile.rowCount == 0)
        #expect(try db.count(connection, table) == 20)
        #expect(throws: SQLError.self) {
            try connection.extract(SQLTemplate("SELECT id FROM \(q) WHERE id = {{ missing }}"))
        }
    }

    @Test("append adds the rows again on a rerun", arguments: TestEngine.allCases)
    func append(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("append")
        let data = try randomKeyedTable(rows: 64, seed: 4)
        try connection.load(data, into: table, options: LoadOptions(mode: .append))
        let second = try connection.load(data, into: table, options: LoadOptions(mode: .append))
        #expect(!second.createdTable)
        #expect(try db.count(connection, table) == 128)
    }

    @Test("replace swaps in exactly the new rows and schema; rerun converges", arguments: TestEngine.allCases)
    func replace(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("replace")
        let old = try Table([("id", Column(int64: [1, 2, 3])), ("old_only", Column(string: ["a", "b", "c"]))])
        try connection.load(old, into: table, options: LoadOptions())
        let data = try randomKeyedTable(rows: 65, seed: 5)
        try connection.load(data, into: table, options: LoadOptions(mode: .replace))
        let once = try db.rows(connection, table, orderBy: "id")
        #expect(once == data)
        try connection.load(data, into: table, options: LoadOptions(mode: .replace))
        #expect(try db.rows(connection, table, orderBy: "id") == once)
    }

    @Test("upsert updates matching keys and inserts the rest; twice equals once", arguments: TestEngine.allCases)
    func upsert(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("upsert")
        let options = LoadOptions(mode: .upsert, key: ["id"])
        let first = try Table([("id", Column(int64: [1, 2, 3])), ("name", Column(string: ["a", "b", nil])), ("n", Column(int64: [10, 20, 30]))])
        try connection.load(first, into: table, options: options)
        let second = try Table([("id", Column(int64: [3, 4])), ("name", Column(string: ["c", "d"])), ("n", Column(int64: [nil, 40]))])
        try connection.load(second, into: table, options: options)
        let once = try db.rows(connection, table, orderBy: "id")
        let expected = try Table([("id", Column(int64: [1, 2, 3, 4])), ("name", Column(string: ["a", "b", "c", "d"])), ("n", Column(int64: [10, 20, nil, 40]))])
        #expect(once == expected)
        try connection.load(second, into: table, options: options)
        #expect(try db.rows(connection, table, orderBy: "id") == once)
        // A key repeated within one load, with on_duplicate last: the last row wins on every engine.
        let repeated = try Table([("id", Column(int64: [4, 5, 4, 5, 4])), ("name", Column(string: ["x", "y", "z", nil, "last"])),
                                  ("n", Column(int64: [1, 2, 3, 4, 5]))])
        var last = options
        last.onDuplicate = .last
        try connection.load(repeated, into: table, options: last)
        let afterRepeats = try Table([("id", Column(int64: [1, 2, 3, 4, 5])), ("name", Column(string: ["a", "b", "c", "last", nil])),
                                      ("n", Column(int64: [10, 20, nil, 5, 4]))])
        #expect(try db.rows(connection, table, orderBy: "id") == afterRepeats)
        // A random table upserted twice equals loading it once.
        let random = try randomKeyedTable(rows: 65, seed: 6)
        let table2 = db.table("upsert_random")
        try connection.load(random, into: table2, options: options)
        try connection.load(random, into: table2, options: options)
        #expect(try db.rows(connection, table2, orderBy: "id") == random)
    }

    @Test("replace_partition replaces one partition and leaves the others; twice equals once", arguments: TestEngine.allCases)
    func replacePartition(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("partition")
        let day1 = try Table([("ds", Column(date: [19724, 19724])), ("id", Column(int64: [1, 2])), ("v", Column(float64: [1.5, nil]))])
        let day2 = try Table([("ds", Column(date: [19725])), ("id", Column(int64: [3])), ("v", Column(float64: [3.5]))])
        var options = LoadOptions(mode: .replacePartition)
        options.partition = ("ds", "2024-01-02")
        try connection.load(day1, into: table, options: options)
        options.partition = ("ds", "2024-01-03")
        try connection.load(day2, into: table, options: options)
        let rerun = try Table([("ds", Column(date: [19724])), ("id", Column(int64: [9])), ("v", Column(float64: [9.5]))])
        options.partition = ("ds", "2024-01-02")
        try connection.load(rerun, into: table, options: options)
        let once = try db.rows(connection, table, orderBy: "id")
        let expected = try Table([("ds", Column(date: [19725, 19724])), ("id", Column(int64: [3, 9])), ("v", Column(float64: [3.5, 9.5]))])
        #expect(once == expected)
        try connection.load(rerun, into: table, options: options)
        #expect(try db.rows(connection, table, orderBy: "id") == once)
    }

    @Test("a row outside the partition stops the load and leaves the table as it was", arguments: TestEngine.allCases)
    func partitionMismatchRollsBack(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("partition_bad")
        let good = try Table([("ds", Column(string: ["a", "a"])), ("id", Column(int64: [1, 2]))])
        var options = LoadOptions(mode: .replacePartition, partition: ("ds", "a"))
        try connection.load(good, into: table, options: options)
        // First batch is fine (and deleted partition a), second has a row of partition b.
        let batches = [try Table([("ds", Column(string: ["a"])), ("id", Column(int64: [7]))]),
                       try Table([("ds", Column(string: ["b"])), ("id", Column(int64: [8]))])]
        var iterator = batches.makeIterator()
        options.partition = ("ds", "a")
        let error = #expect(throws: SQLError.self) {
            try connection.load(into: table, schema: good.schema, options: options) { iterator.next() }
        }
        #expect(error?.message.contains("row 2 has ds = b, outside the partition ds = a") == true)
        #expect(try db.rows(connection, table, orderBy: "id") == good)
    }

    @Test("hostile identifiers load correctly and inject nothing", arguments: TestEngine.allCases)
    func identifierQuoting(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let victim = db.table("y")
        try connection.load(try Table([("id", Column(int64: [1]))]), into: victim, options: LoadOptions())
        let hostileName = "x\"; DROP TABLE \(victim); --"
        let table = db.table("x\"; DROP TABLE \(victim); --")
        let data = try Table([
            ("order", Column(int64: [1, 2])), ("Name With Space", Column(string: ["a b", nil])),
            (hostileName, Column(string: ["'; DROP TABLE \(victim); --", "ok"])), ("select", Column(bool: [true, false])),
        ])
        for mode in LoadMode.allCases {
            var options = LoadOptions(mode: mode, key: mode == .upsert ? ["order"] : [])
            if mode == .replacePartition { options.partition = ("select", "true") }
            let slice = mode == .replacePartition ? data.slice(0..<1) : data
            if mode == .upsert { try connection.load(data, into: table + "_u", options: options) } else { try connection.load(slice, into: table, options: options) }
        }
        #expect(try db.rows(connection, table, orderBy: "order") == data)
        #expect(try db.rows(connection, table + "_u", orderBy: "order") == data)
        #expect(try db.count(connection, victim) == 1)
        let columns = try connection.columns(ofTable: table)?.map(\.name)
        #expect(columns == data.schema.names)
    }

    @Test("schema evolution adds new nullable columns, or fails naming them", arguments: TestEngine.allCases)
    func schemaEvolution(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("evolve")
        let first = try Table([("id", Column(int64: [1])), ("a", Column(string: ["x"]))])
        try connection.load(first, into: table, options: LoadOptions())
        let wider = try Table([("id", Column(int64: [2])), ("a", Column(string: ["y"])), ("b", Column(float64: [2.5])), ("c", Column(date: [1]))])
        let error = #expect(throws: SQLError.self) {
            try connection.load(wider, into: table, options: LoadOptions(onSchemaChange: .fail))
        }
        #expect(error?.code == .schemaChange)
        #expect(error?.message.contains("the data has columns \"b\", \"c\" the table lacks") == true)
        #expect(try db.rows(connection, table, orderBy: "id") == first)
        let summary = try connection.load(wider, into: table, options: LoadOptions(onSchemaChange: .add))
        #expect(summary.addedColumns == ["b", "c"])
        let expected = try Table([("id", Column(int64: [1, 2])), ("a", Column(string: ["x", "y"])), ("b", Column(float64: [nil, 2.5])), ("c", Column(date: [nil, 1]))])
        #expect(try db.rows(connection, table, orderBy: "id") == expected)
    }

    @Test("a type conflict names the column and both types", arguments: TestEngine.allCases)
    func typeConflict(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let table = db.table("conflict")
        try connection.load(try Table([("id", Column(int64: [1])), ("age", Column(string: ["old"]))]), into: table, options: LoadOptions())
        let error = #expect(throws: SQLError.self) {
            try connection.load(try Table([("id", Column(int64: [2])), ("age", Column(int64: [30]))]), into: table, options: LoadOptions())
        }
        #expect(error?.code == .typeConflict)
        #expect(error?.message == "load into \"\(table)\": column \"age\" is \(engine == .sqlite ? "TEXT" : "text") (string) in the table, the data has int64")
        #expect(try db.count(connection, table) == 1)
        // Text into an integer column: allowed only while every value is null (an empty CSV column infers string).
        let text = #expect(throws: SQLError.self) {
            try connection.load(try Table([("id", Column(string: [nil, "7"]))]), into: table, options: LoadOptions())
        }
        #expect(text?.message == "load into \"\(table)\": column \"id\" is \(engine == .sqlite ? "INTEGER" : "bigint") (int64) in the table, the data has string")
        try connection.load(try Table([("id", Column(string: [nil, nil]))]), into: table, options: LoadOptions())
        #expect(try db.count(connection, table) == 3)
        // int64 data into a float column is allowed.
        try connection.load(try Table([("id", Column(float64: [3]))]), into: db.table("widen"), options: LoadOptions())
        try connection.load(try Table([("id", Column(int64: [4]))]), into: db.table("widen"), options: LoadOptions())
        #expect(try db.rows(connection, db.table("widen"), orderBy: "id").columns[0].allValues == [.float64(3), .float64(4)])
    }

    @Test("upsert without a key and partition without a value are usage errors", arguments: TestEngine.allCases)
    func optionErrors(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        let data = try Table([("id", Column(int64: [1]))])
        let noKey = #expect(throws: SQLError.self) { try connection.load(data, into: db.table("e"), options: LoadOptions(mode: .upsert)) }
        #expect(noKey?.isUsageError == true)
        let badKey = #expect(throws: SQLError.self) { try connection.load(data, into: db.table("e"), options: LoadOptions(mode: .upsert, key: ["idd"])) }
        #expect(badKey?.message == "key column \"idd\" is not in the data")
        #expect(badKey?.hint == "did you mean id?")
        #expect(try connection.columns(ofTable: db.table("e")) == nil)
        // PostgreSQL would truncate a name past 63 bytes; SQLite keeps it whole.
        let long = db.table(String(repeating: "n", count: 60))
        if engine == .postgres {
            let tooLong = #expect(throws: SQLError.self) { try connection.load(data, into: long, options: LoadOptions(mode: .replace)) }
            #expect(tooLong?.isUsageError == true)
        } else {
            try connection.load(data, into: long, options: LoadOptions(mode: .replace))
            #expect(try db.count(connection, long) == 1)
        }
    }

    @Test("schema.table names: each part quoted, every mode, the table lands in that schema", arguments: TestEngine.allCases)
    func qualifiedNames(engine: TestEngine) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        // A schema (PostgreSQL) or attached database (SQLite) whose name holds a dot and a space.
        let schema = db.prefix + "side. db"
        let quotedSchema = connection.dialect.quote(schema)
        switch engine {
        case .sqlite:
            let path = db.directory.appendingPathComponent("side.db").path
            try connection.execute(SQLTemplate("ATTACH DATABASE '\(path)' AS \(quotedSchema)"))
        case .postgres:
            try connection.execute(SQLTemplate("CREATE SCHEMA \(quotedSchema)"))
        }
        let table = db.table("q")
        let qualified = "\"" + schema + "\"." + table
        let data = try Table([("id", Column(int64: [1, 2, 3])), ("ds", Column(string: ["a", "a", "b"])), ("v", Column(float64: [1.5, nil, 3]))])
        let changed = try Table([("id", Column(int64: [2, 4])), ("ds", Column(string: ["a", "a"])), ("v", Column(float64: [20, 40]))])
        func rows() throws -> Table {
            try connection.extract(SQLTemplate("SELECT * FROM \(quotedSchema).\(connection.dialect.quote(table)) ORDER BY id, v"))
        }
        try connection.load(data, into: qualified, options: LoadOptions(mode: .replace, key: ["id"]))
        #expect(try rows() == data)
        try connection.load(changed, into: qualified, options: LoadOptions(mode: .upsert, key: ["id"]))
        #expect(try rows().columns[2].allValues == [.float64(1.5), .float64(20), .float64(3), .float64(40)])
        var partition = LoadOptions(mode: .replacePartition)
        partition.partition = ("ds", "a")
        try connection.load(changed, into: qualified, options: partition)
        #expect(try rows().columns[0].allValues == [.int64(2), .int64(3), .int64(4)])
        let more = try Table([("id", Column(int64: [5])), ("ds", Column(string: ["c"])), ("v", Column(float64: [nil]))])
        try connection.load(more, into: qualified, options: LoadOptions(mode: .append, onSchemaChange: .fail))
        #expect(try rows().columns[0].allValues == [.int64(2), .int64(3), .int64(4), .int64(5)])
        #expect(try connection.columns(ofTable: qualified)?.map(\.name) == ["id", "ds", "v"])
        // Nothing was created outside that schema (SQLite: in the main database).
        let unqualified = engine == .sqlite ? "main." + table : table
        #expect(try connection.columns(ofTable: unqualified) == nil)
        #expect(try connection.columns(ofTable: db.table("q__sluice_staging")) == nil)

        // SQLite's own `main.` qualifier names the same table as no qualifier.
        if engine == .sqlite {
            try connection.load(data, into: "main." + db.table("m"), options: LoadOptions(mode: .replace))
            #expect(try db.rows(connection, db.table("m"), orderBy: "id") == data)
        }
        let bad = #expect(throws: SQLError.self) { try connection.load(data, into: "a.b.c", options: LoadOptions()) }
        #expect(bad?.isUsageError == true)
    }

    @Test("every COPY format loads every type with nulls, new and existing tables alike", arguments: TestEngine.allCases, CopyFormat.allCases)
    func copyFormats(engine: TestEngine, format: CopyFormat) throws {
        let db = try TestDatabase(engine)
        let connection = try db.connect()
        // randomKeyedTable's strings hold tabs, newlines, quotes, commas, backslashes, "\\N" and "".
        var data = try randomKeyedTable(rows: 300, seed: 17)
        let tricky: [String?] = ["\\.", "", nil, "a,b", "\"", "\\N", "line\nbreak", "\r"]
        data = try Table([("id", Column(int64: (0..<Int64(tricky.count)).map { $0 + 1000 })), ("s", Column(string: tricky))]).padded(to: data)
        var options = LoadOptions(mode: .append)
        options.copyFormat = format
        let fresh = db.table("fresh"), existing = db.table("existing")
        try connection.load(data, into: fresh, options: options)
        try connection.load(data.slice(0..<0), into: existing, options: LoadOptions(mode: .append))
        try connection.load(data, into: existing, options: options)
        #expect(try db.rows(connection, fresh, orderBy: "id") == data)
        #expect(try db.rows(connection, existing, orderBy: "id") == data)
        // A one-column table whose value is a lone \. (the end-of-data marker of COPY text and CSV).
        let marker = try Table([("s", Column(string: ["\\.", "x"]))])
        try connection.load(marker, into: db.table("marker"), options: options)
        #expect(try db.rows(connection, db.table("marker"), orderBy: "s") == marker)
    }
}

extension Table {
    /// `table`'s rows followed by this table's (its `id` and `s` columns; the others null).
    fileprivate func padded(to table: Table) throws -> Table {
        let extra = try Table(schema: table.schema, columns: table.schema.fields.map { field in
            switch field.name {
            case "id": return try column("id")
            case "s": return try column("s")
            default: return try Column(type: field.type, values: Array(repeating: .null, count: rowCount))
            }
        })
        return try Table.concatenating([table, extra])
    }
}

