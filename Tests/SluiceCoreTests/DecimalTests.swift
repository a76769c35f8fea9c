import Testing
@testable import SluiceCore

private func decimals(_ texts: [String?], _ precision: Int, _ scale: Int) -> Column {
    var builder = ColumnBuilder(type: .decimal(precision: precision, scale: scale))
    for text in texts {
        if let text {
            let ok = builder.append(ScalarParser.value(text, as: .decimal(precision: precision, scale: scale))!)
            #expect(ok, "\(text)")
        } else { builder.appendNull() }
    }
    return builder.finish()
}

private func evaluate(_ text: String, _ table: Table) throws -> Column {
    try Expression(parsing: text).bind(to: table.schema).evaluate(on: table)
}

@Suite("Decimal128")
struct DecimalTests {
    @Test("text parses exactly and prints with the scale", arguments: [
        ("12.30", 2, "12.30"), ("-0.05", 2, "-0.05"), ("7", 2, "7.00"), ("0", 0, "0"), ("+1.5", 3, "1.500"),
        ("-99999999999999999999999999999999999999", 0, "-99999999999999999999999999999999999999"),
        ("0.00000000000000000000000000000000000001", 38, "0.00000000000000000000000000000000000001"),
        ("12.3400", 2, "12.34"),   // trailing zeros past the scale are not digits lost
    ])
    func parseAndFormat(text: String, scale: Int, printed: String) {
        let value = ScalarParser.value(text, as: .decimal(precision: 38, scale: scale))
        #expect(value?.description == printed)
    }

    @Test("text that would lose a digit or exceed the precision is rejected")
    func rejects() {
        let type = DataType.decimal(precision: 5, scale: 2)
        for text in ["1.234", "1000.00", "abc", "", "1.2.3", "--1", "1e3", ".", " 1.00"] {
            #expect(ScalarParser.value(text, as: type) == nil, "\(text)")
        }
        #expect(ScalarParser.value("999.99", as: type) != nil)
        #expect(ScalarParser.value("-999.99", as: type) != nil)
        #expect(ScalarParser.value("1", as: .decimal(precision: 38, scale: 38)) == nil)   // no integer digit allowed
    }

    @Test("type names parse, print and reject bad precision")
    func typeNames() throws {
        #expect(try DataType(parsing: "decimal(12,2)") == .decimal(precision: 12, scale: 2))
        #expect(try DataType(parsing: "NUMERIC( 38 , 0 )") == .decimal(precision: 38, scale: 0))
        #expect(try DataType(parsing: "decimal(9)") == .decimal(precision: 9, scale: 0))
        #expect(try DataType(parsing: "bytea") == .binary)
        #expect(DataType.decimal(precision: 12, scale: 2).description == "decimal(12,2)")
        let wide = #expect(throws: CoreError.self) { try DataType(parsing: "decimal(39,2)") }
        #expect(wide?.message == "type \"decimal(39,2)\": precision must be 1…38 and scale 0…precision, found precision 39, scale 2")
        #expect(throws: CoreError.self) { try DataType(parsing: "decimal(5,6)") }
        let schema = try Schema(parsing: "id:int64,price:decimal(12,2),blob:binary")
        #expect(schema.fields.map(\.type) == [.int64, .decimal(precision: 12, scale: 2), .binary])
    }

    @Test("comparisons are exact across scales", arguments: [
        ("1.5", "1.50", 0), ("0.1", "0.10000000000000000001", -1), ("-0.01", "-0.001", -1),
        ("99999999999999999999999999999999999999", "0.5", 1), ("-99999999999999999999999999999999999999", "0.00000001", -1),
    ])
    func compareAcrossScales(a: String, b: String, order: Int) {
        let x = Decimal128(parsing: a)!, y = Decimal128(parsing: b)!
        #expect((x < y ? -1 : x == y ? 0 : 1) == order)
        if order == 0 { #expect(x.hashValue == y.hashValue) }
    }

    @Test("expressions compare decimal columns of different scales and literals exactly")
    func expressionComparisons() throws {
        let table = try Table([
            ("a", decimals(["1.50", "0.10", "-2.00", nil], 10, 2)),
            ("b", decimals(["1.5000", "0.1001", "-2.0000", "1.0000"], 10, 4)),
            ("n", Column(int64: [1, 0, -2, 1])),
        ])
        #expect(try evaluate("a = b", table).allValues == [.bool(true), .bool(false), .bool(true), .null])
        #expect(try evaluate("a < b", table).allValues == [.bool(false), .bool(true), .bool(false), .null])
        #expect(try evaluate("a = 0.1", table).allValues == [.bool(false), .bool(true), .bool(false), .null])
        #expect(try evaluate("b > 0.1", table).allValues == [.bool(true), .bool(true), .bool(false), .bool(true)])
        #expect(try evaluate("a = n", table).allValues == [.bool(false), .bool(false), .bool(true), .null])
        #expect(try evaluate("a between 0.1 and 1.5", table).allValues == [.bool(true), .bool(true), .bool(false), .null])
    }

    @Test("+ - * follow SQL's result types and are exact; / gives float64")
    func arithmetic() throws {
        let table = try Table([
            ("a", decimals(["0.10", "12.34", "-0.05"], 5, 2)),
            ("b", decimals(["0.200", "0.001", "1.000"], 4, 3)),
        ])
        let sum = try evaluate("a + b", table)
        #expect(sum.type == .decimal(precision: 7, scale: 3))   // max(5-2, 4-3) integer digits + 3 + 1
        #expect(sum.allValues.map(\.description) == ["0.300", "12.341", "0.950"])
        #expect(try evaluate("a - b", table).allValues.map(\.description) == ["-0.100", "12.339", "-1.050"])
        let product = try evaluate("a * b", table)
        #expect(product.type == .decimal(precision: 10, scale: 5))
        #expect(product.allValues.map(\.description) == ["0.02000", "0.01234", "-0.05000"])
        #expect(try evaluate("a + 1", table).allValues.map(\.description) == ["1.10", "13.34", "0.95"])
        #expect(try evaluate("a / b", table).type == .float64)
        #expect(try evaluate("-a", table).allValues.map(\.description) == ["-0.10", "-12.34", "0.05"])
        #expect(try evaluate("round(a, 1)", table).allValues.map(\.description) == ["0.10", "12.30", "-0.10"])
        #expect(try evaluate("cast(a as float64)", table).allValues == [.float64(0.1), .float64(12.34), .float64(-0.05)])
        #expect(try evaluate("cast(a as decimal(6,3))", table).allValues.map(\.description) == ["0.100", "12.340", "-0.050"])
        #expect(try evaluate("cast('1.25' as decimal(4,2))", table).allValues.map(\.description) == ["1.25", "1.25", "1.25"])
    }

    @Test("a result beyond 38 digits is an overflow error naming the row, never a wrap")
    func overflow() throws {
        let big = "9" + String(repeating: "0", count: 36) + ".0"   // 37 integer digits
        let table = try Table([("a", decimals(["1.0", big], 38, 1))])
        let error = #expect(throws: ExpressionError.self) { try evaluate("a * a", table) }
        #expect(error?.code == .overflow)
        #expect(error?.message.contains("row 1") == true)
        let sum = #expect(throws: ExpressionError.self) { try evaluate("a + a", table) }
        #expect(sum?.code == .overflow)
    }

    @Test("a float64 column does not mix with a decimal without an explicit cast")
    func explicitFloat() throws {
        let table = try Table([("a", decimals(["1.00"], 5, 2)), ("f", Column(float64: [1]))])
        let error = #expect(throws: ExpressionError.self) { try evaluate("a + f", table) }
        #expect(error?.hint == "convert explicitly: cast(… as float64) is lossy, cast(… as decimal(p,s)) rounds to s digits")
        #expect(try evaluate("cast(a as float64) + f", table).allValues == [.float64(2)])
    }

    @Test("gathering, slicing and equality keep 128-bit values", arguments: [0, 1, 63, 64, 65])
    func columnOperations(size: Int) {
        let limit = Decimal128.maxUnscaled(precision: 38)
        var values: [Int128?] = []
        for i in 0..<size {
            let magnitude: Int128 = limit - Int128(i)
            values.append(i % 7 == 3 ? nil : (i % 2 == 0 ? magnitude : 0 - magnitude))
        }
        let column = Column(decimal: values, precision: 38, scale: 4)
        let expected: [Value] = values.map { v in v.map { Value.decimal(Decimal128(unscaled: $0, scale: 4)) } ?? Value.null }
        #expect(column.allValues == expected)
        let reversed = column.gathering(Array((0..<size).reversed()))
        #expect(reversed.allValues == column.allValues.reversed())
        if size > 2 { #expect(column.slice(1..<size - 1).allValues == Array(column.allValues[1..<size - 1])) }
    }
}

@Suite("BinaryText")
struct BinaryTextTests {
    @Test("hex and base64 round-trip every byte, any length", arguments: [0, 1, 2, 3, 4, 63, 64, 65, 256])
    func roundTrips(length: Int) {
        var rng = SplitMix64(seed: UInt64(length) + 11)
        let bytes = (0..<length).map { i in length == 256 ? UInt8(i) : UInt8.random(in: 0...255, using: &rng) }
        let hex = BinaryText.hex(bytes)
        #expect(hex.hasPrefix("\\x") && hex.count == 2 + 2 * length)
        #expect(BinaryText.bytes(fromHex: hex) == bytes)
        #expect(BinaryText.bytes(fromHex: String(hex.dropFirst(2)).uppercased()) == bytes)
        let base64 = BinaryText.base64(bytes)
        #expect(base64.count == (length + 2) / 3 * 4)
        #expect(BinaryText.bytes(fromBase64: base64) == bytes)
    }

    @Test("known vectors and bad input")
    func vectors() {
        #expect(BinaryText.hex([0x0a, 0x1b]) == "\\x0a1b")
        #expect(BinaryText.base64(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(BinaryText.base64(Array("fo".utf8)) == "Zm8=")
        #expect(BinaryText.bytes(fromBase64: "Zm8") == Array("fo".utf8))
        #expect(BinaryText.bytes(fromHex: "\\x0g") == nil)
        #expect(BinaryText.bytes(fromHex: "abc") == nil)
        #expect(BinaryText.bytes(fromBase64: "Zm9v!") == nil)
        #expect(Value.binary([0xde, 0xad]).description == "\\xdead")
    }

    @Test("binary columns: length, equality, null checks and hex casts")
    func expressions() throws {
        let column = Column(binary: [[0x00, 0xff], nil, [], [0x00, 0xff]])
        let table = try Table([("b", column)])
        let length = try Expression(parsing: "length(b)").bind(to: table.schema).evaluate(on: table)
        #expect(length.allValues == [.int64(2), .null, .int64(0), .int64(2)])
        let isNull = try Expression(parsing: "b is null").bind(to: table.schema).evaluate(on: table)
        #expect(isNull.allValues == [.bool(false), .bool(true), .bool(false), .bool(false)])
        let text = try Expression(parsing: "cast(b as string)").bind(to: table.schema).evaluate(on: table)
        #expect(text.allValues == [.string("\\x00ff"), .null, .string("\\x"), .string("\\x00ff")])
        let back = try Expression(parsing: "cast(cast(b as string) as binary)").bind(to: table.schema).evaluate(on: table)
        #expect(back == column)
    }
}
