import SluiceCore
import SluiceSQL
import Testing
import SluiceTestSupport

private func data() throws -> Table {
    var price = ColumnBuilder(type: .decimal(precision: 12, scale: 2))
    var big = ColumnBuilder(type: .decimal(precision: 38, scale: 10))
    for text in ["12.30", "-0.05", nil, "9999999999.99"] {
        if let text { price.append(ScalarParser.value(text, as: .decimal(precision: 12, scale: 2))!) } else { price.appendNull() }
    }
    for text in ["0.1000000001", nil, "-9999999999999999999999999999.9999999999", "0"] {
        if let text { big.append(ScalarParser.value(text, as: .decimal(precision: 38, scale: 10))!) } else { big.appendNull() }
    }
    return try Table([
        ("id", Column(int64: [1, 2, 3, 4])),
        ("price", price.finish()),
        ("big", big.finish()),
        ("blob", Column(binary: [[0x00, 0x5c, 0xff], [], nil, Array("\\x41,\"\t\n".utf8)])),
    ])
}

@Suite("SQL decimal and binary")
struct DecimalBinarySQLTests {
    @Test("PostgreSQL: decimals load into numeric(p,s) and binary into bytea exactly, and extract back equal",
          arguments: [CopyFormat.automatic, .text, .csv])
    func postgresRoundTrip(format: CopyFormat) throws {
        let db = try TestDatabase(.postgres)
        let connection = try db.connect()
        let table = try data()
        let name = "money_\(format)"
        var options = LoadOptions(mode: .replace)
        options.copyFormat = format
        _ = try connection.load(table, into: name, options: options)
        let types = try connection.extract(SQLTemplate("""
            SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
            WHERE attrelid = {{ t }}::regclass AND attnum > 0 ORDER BY attnum
            """), parameters: ["t": .string(name)])
        #expect(types.columns[0].allValues == [.string("bigint"), .string("numeric(12,2)"), .string("numeric(38,10)"), .string("bytea")])
        let back = try connection.extract(SQLTemplate("SELECT * FROM \"\(name)\" ORDER BY id"))
        #expect(back.schema == table.schema)
        #expect(back == table)
        // The server sums exactly what was loaded.
        let sum = try connection.extract(SQLTemplate("SELECT sum(price)::text AS s, length(blob) AS n FROM \"\(name)\" GROUP BY blob, id ORDER BY id"))
        #expect(sum.columns[1].allValues == [.int64(3), .int64(0), .null, .int64(8)])
        // Appending again keeps the table: the types are compatible.
        _ = try connection.load(table, into: name, options: LoadOptions(mode: .append))
        let count = try connection.extract(SQLTemplate("SELECT count(*) AS n, sum(price)::text AS s FROM \"\(name)\""))
        #expect(count.row(0) == [.int64(8), .string("20000000024.48")])
    }

    @Test("SQLite: decimals are stored as exact TEXT and binary as BLOB")
    func sqlite() throws {
        let db = try TestDatabase(.sqlite)
        let connection = try db.connect()
        let table = try data()
        _ = try connection.load(table, into: "money", options: LoadOptions(mode: .replace))
        let stored = try connection.extract(SQLTemplate("SELECT typeof(price) AS p, price, typeof(blob) AS b, hex(blob) AS h FROM money ORDER BY id"))
        #expect(stored.row(0) == [.string("text"), .string("12.30"), .string("blob"), .string("005CFF")])
        #expect(stored.row(1) == [.string("text"), .string("-0.05"), .string("blob"), .string("")])
        _ = try connection.load(table, into: "money", options: LoadOptions(mode: .append))
        let count = try connection.extract(SQLTemplate("SELECT count(*) AS n FROM money"))
        #expect(count.row(0) == [.int64(8)])
    }
}
