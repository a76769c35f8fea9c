import Testing
@testable import SluiceCore

func sampleTable() throws -> Table {
    try Table([
        ("id", Column(int64: [1, 2, 3, nil])),
        ("email", Column(string: ["a@x.io", nil, "", "d@x.io"])),
        ("score", Column(float64: [0.5, .nan, nil, -1])),
    ])
}

@Suite("Table")
struct TableTests {
    @Test("init checks lengths and names with exact messages")
    func initErrors() {
        let lengths = #expect(throws: CoreError.self) {
            try Table([("a", Column(int64: [1, 2, 3])), ("b", Column(int64: [1, 2]))])
        }
        #expect(lengths?.code == .lengthMismatch)
        #expect(lengths?.description == "error: column \"b\" has 2 rows, column \"a\" has 3")
        let duplicate = #expect(throws: CoreError.self) {
            try Table([("a", Column(int64: [1])), ("b", Column(int64: [1])), ("a", Column(string: ["x"]))])
        }
        #expect(duplicate?.code == .duplicateColumn)
        #expect(duplicate?.description == "error: column \"a\" appears twice")
        let schema = #expect(throws: CoreError.self) {
            try Table(schema: Schema([Field("a", .int64)]), columns: [Column(string: ["x"])])
        }
        #expect(schema?.code == .schemaMismatch)
        #expect(schema?.message == "column \"a\" is string, the schema says int64")
        let count = #expect(throws: CoreError.self) {
            try Table(schema: Schema([Field("a", .int64)]), columns: [])
        }
        #expect(count?.message == "schema has 1 fields but 0 columns were given")
    }

    @Test("basic shape and lookup")
    func shape() throws {
        let table = try sampleTable()
        #expect(table.rowCount == 4 && table.columnCount == 3)
        #expect(table.schema == Schema([Field("id", .int64), Field("email", .string), Field("score", .float64)]))
        #expect(try table.column("email") == Column(string: ["a@x.io", nil, "", "d@x.io"]))
        #expect(table.column(named: "nope") == nil)
        #expect(table.column(named: "score") == Column(float64: [0.5, .nan, nil, -1]))
        #expect(try Table([]).rowCount == 0)
        #expect(Table.empty.columnCount == 0 && Table.empty.rowCount == 0)
    }

    @Test("unknown columns list the columns and suggest the nearest")
    func unknownColumn() throws {
        let table = try sampleTable()
        let error = #expect(throws: CoreError.self) { try table.column("emial") }
        #expect(error?.code == .unknownColumn)
        #expect(error?.description == "error: no column \"emial\" in table (columns: id, email, score)\n  hint: did you mean `email`?")
        let far = #expect(throws: CoreError.self) { try table.column("zzzzzzzz") }
        #expect(far?.description == "error: no column \"zzzzzzzz\" in table (columns: id, email, score)")
        #expect(far?.hint == nil)
        #expect(throws: CoreError.self) { try table.selecting(["id", "scor"]) }
    }

    @Test("slice, prefix and selecting share values and match the model", arguments: sizes)
    func sliceAndPrefix(count: Int) throws {
        let types: [DataType] = [.int64, .string, .float64, .bool, .date, .timestamp]
        let models = types.enumerated().map { randomValues($1, count: count, nullRate: 0.2, seed: UInt64($0 * 1000 + count)) }
        let table = try Table(types.enumerated().map { ("c\($0)", buildColumn($1, models[$0])) })
        var rng = SplitMix64(seed: UInt64(count))
        for _ in 0..<10 {
            let a = Int.random(in: 0...count, using: &rng), b = Int.random(in: 0...count, using: &rng)
            let range = min(a, b)..<max(a, b)
            let slice = table.slice(range)
            #expect(slice.rowCount == range.count)
            #expect(slice.schema == table.schema)
            for (i, _) in range.enumerated() where i < 5 {
                #expect(slice.row(i) == models.map { $0[range.lowerBound + i] })
            }
            let rebuilt = try Table(types.enumerated().map { ("c\($0)", try Column(type: $1, values: Array(models[$0][range]))) })
            #expect(slice == rebuilt)
        }
        #expect(table.prefix(-3).rowCount == 0)
        #expect(table.prefix(5) == table.slice(0..<min(5, count)))
        #expect(table.prefix(count + 10) == table)
        let selected = try table.selecting(["c3", "c0"])
        #expect(selected.schema.names == ["c3", "c0"])
        #expect(selected.columns == [table.columns[3], table.columns[0]])
        #expect(try table.selecting([]).columnCount == 0)
        #expect(throws: CoreError.self) { try table.selecting(["c1", "c1"]) }
    }

    @Test("concatenating equal schemas appends rows; unequal schemas throw")
    func concatenating() throws {
        let table = try sampleTable()
        let joined = try Table.concatenating([table, table.slice(1..<3), table.slice(0..<0), table])
        #expect(joined.rowCount == 10)
        #expect(joined.slice(0..<4) == table)
        #expect(joined.slice(4..<6) == table.slice(1..<3))
        #expect(joined.slice(6..<10) == table)
        #expect(try Table.concatenating([]) == Table.empty)
        #expect(try Table.concatenating([table]) == table)
        let other = try Table([("id", Column(int64: [1]))])
        let error = #expect(throws: CoreError.self) { try Table.concatenating([table, table, other]) }
        #expect(error?.code == .schemaMismatch)
        #expect(error?.message == "table 2 has schema (id: int64), table 0 has (id: int64, email: string, score: float64)")
        let retyped = try Table([("id", Column(float64: [1, 2, 3, 4])), ("email", Column(string: ["", "", "", ""])), ("score", Column(float64: [1, 2, 3, 4]))])
        #expect(throws: CoreError.self) { try Table.concatenating([table, retyped]) }
    }

    @Test("row(_:) returns values in column order")
    func rows() throws {
        let table = try sampleTable()
        #expect(table.row(0) == [.int64(1), .string("a@x.io"), .float64(0.5)])
        #expect(table.row(1) == [.int64(2), .null, .float64(.nan)])
        #expect(table.row(3) == [.null, .string("d@x.io"), .float64(-1)])
    }

    @Test("init(emptyWith:) keeps the schema with zero rows")
    func emptyWith() throws {
        let schema = try Schema(parsing: "a:int64,b:string,c:bool,d:date,e:timestamp,f:float64")
        let table = Table(emptyWith: schema)
        #expect(table.schema == schema)
        #expect(table.rowCount == 0 && table.columnCount == 6)
        #expect(table == (try Table.concatenating([table, table])))
        #expect(table != Table(emptyWith: try Schema(parsing: "a:int64")))
    }

    @Test("equality is logical and sensitive to names, types and values")
    func equality() throws {
        let table = try sampleTable()
        #expect(table == (try sampleTable()))
        #expect(table.slice(1..<4) == (try sampleTable()).slice(1..<4))
        #expect(table != table.slice(0..<3))
        let renamed = try Table([("id", table.columns[0]), ("mail", table.columns[1]), ("score", table.columns[2])])
        #expect(table != renamed)
        let changed = try Table([("id", Column(int64: [1, 2, 3, 4])), ("email", table.columns[1]), ("score", table.columns[2])])
        #expect(table != changed)
    }
}
