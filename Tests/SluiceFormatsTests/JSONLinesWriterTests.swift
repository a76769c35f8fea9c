import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

@Suite("JSONLinesWriter")
struct JSONLinesWriterTests {
    @Test("writes every type, nulls as null, keys in schema order")
    func everyType() throws {
        let table = try Table([
            ("i", Column(int64: [-12, nil, .min])),
            ("f", Column(float64: [1.5, 100, 1e-7])),
            ("b", Column(bool: [true, false, nil])),
            ("s", Column(string: ["x", nil, ""])),
            ("d", Column(date: [19724, -1, nil])),
            ("t", Column(timestamp: [1_704_164_645_000_000, 1_704_164_645_250_000, -1])),
        ])
        #expect(try writeJSONLinesText([table]) == """
        {"i":-12,"f":1.5,"b":true,"s":"x","d":"2024-01-02","t":"2024-01-02T03:04:05Z"}
        {"i":null,"f":100.0,"b":false,"s":null,"d":"1969-12-31","t":"2024-01-02T03:04:05.25Z"}
        {"i":-9223372036854775808,"f":1e-07,"b":null,"s":"","d":null,"t":"1969-12-31T23:59:59.999999Z"}

        """)
    }

    @Test("escapes quotes, backslashes and control characters; keeps non-ASCII as UTF-8")
    func escapes() throws {
        let table = try Table([("we\"ird\nkey", Column(string: ["a\"b\\c/\n\r\t\u{8}\u{c}\u{0}\u{1F}\u{7F} é 😀"]))])
        #expect(try writeJSONLinesText([table])
                == #"{"we\"ird\nkey":"a\"b\\c/\n\r\t\b\f\u0000\u001f"# + "\u{7F} é 😀\"}\n")
    }

    @Test("NaN and infinities are written as the strings pandas and Spark read back, and read back as floats")
    func nonFiniteRoundTrip() throws {
        let values: [Double?] = [.nan, .infinity, -.infinity, -0.0, nil, 1.5]
        let table = try Table([("f", Column(float64: values))])
        let text = try writeJSONLinesText([table])
        #expect(text == "{\"f\":\"NaN\"}\n{\"f\":\"Infinity\"}\n{\"f\":\"-Infinity\"}\n{\"f\":-0.0}\n{\"f\":null}\n{\"f\":1.5}\n")
        let back = try readJSONLines(text)
        #expect(back.schema.fields.map(\.type) == [.float64])
        let read = (0..<back.table.rowCount).map { back.table.columns[0].value(at: $0) }
        #expect(read.count == 6)
        if case .float64(let v)? = read[0] { #expect(v.isNaN) } else { Issue.record("row 0: \(String(describing: read[0]))") }
        #expect(read[1] == .float64(.infinity))
        #expect(read[2] == .float64(-.infinity))
        if case .float64(let v)? = read[3] { #expect(v == 0 && v.sign == .minus) } else { Issue.record("row 3") }
        #expect(read[4] == .null)
        #expect(read[5] == .float64(1.5))
    }

    @Test("with nonFinite: .null, NaN and infinities become null and are counted, never silently")
    func nonFiniteAsNull() throws {
        let table = try Table([("f", Column(float64: [.nan, .infinity, -.infinity, -0.0, 2]))])
        var nullified = 0
        let bytes = try writeJSONLines([table], nonFinite: .null, nullified: &nullified)
        #expect(String(decoding: bytes, as: UTF8.self) == "{\"f\":null}\n{\"f\":null}\n{\"f\":null}\n{\"f\":-0.0}\n{\"f\":2.0}\n")
        #expect(nullified == 3)
    }

    @Test("a string that only looks like NaN stays a string when the column holds other text")
    func nanLookalikeInTextColumn() throws {
        let back = try readJSONLines("{\"s\":\"NaN\"}\n{\"s\":\"nan-bread\"}\n")
        #expect(back.schema.fields.map(\.type) == [.string])
        #expect(back.table.columns[0].value(at: 0) == .string("NaN"))
    }

    @Test("several batches append; a batch with another schema is rejected; no columns gives {}")
    func batches() throws {
        let a = try Table([("x", Column(int64: [1]))])
        let b = try Table([("x", Column(int64: [2, 3]))])
        #expect(try writeJSONLinesText([a, b, a.slice(0..<0)]) == "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n")
        #expect(throws: CoreError.self) { try writeJSONLines([a, try Table([("y", Column(int64: [1]))])]) }
        #expect(try writeJSONLinesText([Table.empty]) == "")
        #expect(try writeJSONLinesText([a.slice(0..<0)]) == "")
    }

    @Test("many rows span several 1 MiB buffer drains")
    func manyRows() throws {
        let n = 300_007   // about 4.5 MB of lines
        let table = try Table([("i", Column(int64: (0..<n).map { Int64($0) }))])
        let text = try writeJSONLinesText([table])
        #expect(text == (0..<n).map { "{\"i\":\($0)}\n" }.joined())
    }
}

@Suite("JSONLines round trip")
struct JSONLinesRoundTripTests {
    @Test("written then read with the schema gives the same table", arguments: [0, 1, 2, 63, 64, 65, 1000])
    func withSchema(rows: Int) throws {
        for seed in [UInt64(1), 2, 3] {
            let table = try randomJSONTable(rows: rows, seed: seed &+ UInt64(rows), everyColumnHasAValue: false)
            let bytes = try writeJSONLines([table.slice(0..<rows / 2), table.slice(rows / 2..<rows)])
            if rows == 0 {
                #expect(bytes.isEmpty)
                continue
            }
            let read = try readJSONLines(bytes, options: .init(schemaOverride: table.schema, batchSize: 64))
            #expect(read.table == table)
            let split = try readJSONLines(bytes, chunkSizes: [1, 3, 17], options: .init(schemaOverride: table.schema))
            #expect(split.table == table)
        }
    }

    @Test("written then read with inference gives the same schema and table", arguments: [1, 63, 64, 65])
    func inferred(rows: Int) throws {
        let table = try randomJSONTable(rows: rows, seed: 99 &+ UInt64(rows), everyColumnHasAValue: true)
        let read = try readJSONLines(try writeJSONLines([table]))
        #expect(read.schema == table.schema)
        #expect(read.table == table)
    }
}
