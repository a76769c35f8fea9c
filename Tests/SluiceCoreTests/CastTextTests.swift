import Testing
@testable import SluiceCore
import SluiceTestSupport

/// `cast(x as string)` writes each value with the one text formatter (``ByteWriter``);
/// these tests hold it to the text `Value.description` gives the same value, and casting
/// the text back to the type to the original column.
@Suite("Casts to and from text")
struct CastTextTests {
    static let types: [DataType] = [.bool, .int64, .float64, .date, .timestamp, .decimal(precision: 18, scale: 4),
                                    .decimal(precision: 38, scale: 0), .binary]

    @Test("cast(x as string) gives every value's description, nulls stay null", arguments: types)
    func toText(type: DataType) throws {
        var rng = SplitMix64(seed: 0xCA57)
        let column = randomColumn(type, count: 2_000, &rng)
        let table = try Table([("x", column)])
        let text = try Expression(parsing: "cast(x as string)").bind(to: table.schema).evaluate(on: table)
        #expect(text.type == .string)
        for i in 0..<column.count {
            let expected: Value = column.isNull(i) ? .null : .string(column.unsafeValue(at: i).description)
            if text.unsafeValue(at: i) != expected {
                Issue.record("row \(i): \(text.unsafeValue(at: i)) for \(column.unsafeValue(at: i)), expected \(expected)")
                return
            }
        }
    }

    @Test("casting the text back gives the column again", arguments: types.filter { $0 != .float64 })
    func roundTrip(type: DataType) throws {
        var rng = SplitMix64(seed: 0x7E47)
        let column = randomColumn(type, count: 2_000, &rng)
        let table = try Table([("x", column)])
        let back = try Expression(parsing: "cast(cast(x as string) as \(type))").bind(to: table.schema).evaluate(on: table)
        #expect(back.allValues == column.allValues)
    }

    @Test("text that does not parse names its row; surrounding whitespace is trimmed")
    func failures() throws {
        let table = try Table([("s", Column(string: [" 12 ", nil, "\t-3\n", "1x"]))])
        let error = #expect(throws: ExpressionError.self) {
            try Expression(parsing: "cast(s as int64)").bind(to: table.schema).evaluate(on: table)
        }
        #expect(error?.message.contains("cannot cast '1x' at row 3 to int64") == true)
        let head = table.slice(0..<3)
        let ints = try Expression(parsing: "cast(s as int64)").bind(to: head.schema).evaluate(on: head)
        #expect(ints.allValues == [.int64(12), .null, .int64(-3)])
        let hex = try Table([("h", Column(string: ["\\x0a", "zz"]))])
        let bad = #expect(throws: ExpressionError.self) {
            try Expression(parsing: "cast(h as binary)").bind(to: hex.schema).evaluate(on: hex)
        }
        #expect(bad?.message.contains("cannot cast 'zz' at row 1 to binary") == true)
    }
}
