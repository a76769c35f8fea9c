import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

private let money = DataType.decimal(precision: 12, scale: 2)
private let wide = DataType.decimal(precision: 38, scale: 10)

private func decimalBinaryTable(rows: Int, seed: UInt64) throws -> Table {
    var rng = SplitMix64(seed: seed)
    let columns = [
        ("id", randomColumn(.int64, count: rows, &rng)),
        ("price", randomColumn(money, count: rows, &rng)),
        ("big", randomColumn(wide, count: rows, &rng)),
        ("blob", randomColumn(.binary, count: rows, &rng)),
    ]
    return try Table(columns)
}
@Suite("Decimal and binary in text formats and Parquet")
struct DecimalBinaryFormatTests {
    @Test("CSV: declared decimal and binary columns read exactly, write as exact text and hex, and read back equal",
          arguments: [0, 1, 63, 64, 65, 1000])
    func csvRoundTrip(rows: Int) throws {
        let table = try decimalBinaryTable(rows: rows, seed: UInt64(rows) + 3)
        let text = try csvText(table)
        let declared = options { $0.schemaOverride = table.schema }
        let (read, _) = try readCSV(text, options: declared)
        #expect(read == table)
        // Split-invariant: byte by byte chunks give the same table.
        let (chunked, _) = try readCSV(text, options: declared, chunkSizes: [1, 7, 64])
        #expect(chunked == table)
    }

    @Test("CSV: the text forms are exact decimals and \\x hex; inference never guesses decimal or binary")
    func csvTextForms() throws {
        let source = "price,blob\n12.30,\\x0a1b\n-0.05,\\x\n,\n"
        let (table, _) = try readCSV(source, options: options { $0.schemaOverride = try! Schema(parsing: "price:decimal(5,2),blob:binary") })
        #expect(table.schema.fields.map(\.type) == [.decimal(precision: 5, scale: 2), .binary])
        #expect(try table.column("price").allValues.map(\.description) == ["12.30", "-0.05", "null"])
        #expect(try table.column("blob").allValues == [.binary([0x0a, 0x1b]), .binary([]), .null])
        #expect(String(decoding: try csvText(table), as: UTF8.self) == "price,blob\n12.30,\\x0a1b\n-0.05,\\x\n,\n")
        let (inferred, _) = try readCSV("price\n12.30\n0.05\n")
        #expect(inferred.schema.fields[0].type == .float64)
        let error = readError("price\n12.345\n", options: options { $0.schemaOverride = try! Schema(parsing: "price:decimal(5,2)") })
        #expect(error?.code == .typeMismatch)
    }

    @Test("JSON Lines: decimals as exact numbers, bytes as base64 strings, read back equal when declared",
          arguments: [0, 1, 65, 1000])
    func jsonLinesRoundTrip(rows: Int) throws {
        let table = try decimalBinaryTable(rows: rows, seed: UInt64(rows) + 17)
        if rows > 0 {
            let bytes = try writeJSONLines([table])
            let result = try readJSONLines(bytes, options: JSONLinesReadOptions(schemaOverride: table.schema))
            #expect(result.table == table)
        }
        let one = try Table([("d", Column(decimal: [1230, nil], precision: 5, scale: 2)), ("b", Column(binary: [Array("foobar".utf8), nil]))])
        #expect(try writeJSONLinesText([one]) == "{\"d\":12.30,\"b\":\"Zm9vYmFy\"}\n{\"d\":null,\"b\":null}\n")
        let quoted = try readJSONLines("{\"d\":\"12.30\",\"b\":\"Zm9vYmFy\"}\n", options: JSONLinesReadOptions(schemaOverride: one.schema))
        #expect(quoted.table == one.slice(0..<1))
    }

    @Test("Parquet: decimal (INT64 and FIXED_LEN_BYTE_ARRAY) and binary columns round-trip, statistics included",
          arguments: [0, 1, 65, 5000])
    func parquetRoundTrip(rows: Int) throws {
        let table = try decimalBinaryTable(rows: rows, seed: UInt64(rows) + 29)
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("t.parquet")
        var writer = ParquetWriter(output: try OutputFile(path: path), options: ParquetWriteOptions(compression: .snappy))
        try writer.write(table)
        try writer.finish()
        let (read, _) = try ParquetReader.readTable(path: path)
        #expect(read.schema == table.schema)
        #expect(read == table)
    }
}
