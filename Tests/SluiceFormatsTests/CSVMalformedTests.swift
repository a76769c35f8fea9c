import Testing
import SluiceCore
@testable import SluiceFormats

/// Every malformed input gives the right code, line and column (1-based, in characters).
@Suite("CSVReader: malformed input")
struct CSVMalformedTests {
    /// Each error test runs whole, byte by byte and with a tiny window: the location must not change.
    static let splits: [(windowSize: Int?, chunkSizes: [Int])] = [(nil, []), (64, [1]), (64, [3, 7, 1])]

    func expectError(_ text: String, options: CSVReadOptions = CSVReadOptions(), _ code: FormatError.Code,
                     line: Int, column: Int, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for split in Self.splits {
            let error = readError(text, options: options, windowSize: split.windowSize, chunkSizes: split.chunkSizes,
                                  sourceLocation: sourceLocation)
            #expect(error?.code == code, sourceLocation: sourceLocation)
            #expect(error?.line == line, "line", sourceLocation: sourceLocation)
            #expect(error?.column == column, "column", sourceLocation: sourceLocation)
            #expect(error?.message == message, sourceLocation: sourceLocation)
            #expect(error?.file == "t.csv", sourceLocation: sourceLocation)
        }
    }

    @Test("an unterminated quote points at the opening quote")
    func unterminatedQuote() {
        expectError("a,b\n1,\"abc\n2,3\n", .unterminatedQuote, line: 2, column: 3,
                    message: "quoted field in column \"b\" is never closed")
        expectError("a,b\n1,x\né,\"\"\"\n", .unterminatedQuote, line: 3, column: 3,
                    message: "quoted field in column \"b\" is never closed")
        let error = readError("a\n\"x")
        #expect(error?.description == """
        t.csv:2:1: error: quoted field in column "a" is never closed
          hint: add the closing quote; a quote inside a quoted field is written twice ("")
        """)
        // In the header too (not swallowed into a column name).
        expectError("id,\"name\n1,x\n", .unterminatedQuote, line: 1, column: 4, message: "quoted column name 2 is never closed")
        expectError("id,\"a\nb\",\"c\n", .unterminatedQuote, line: 2, column: 4, message: "quoted column name 3 is never closed")
        // Bad rows cannot skip it: the rest of the file is inside the quote.
        #expect(readError("a,b\n1,\"abc\n2,3\n", options: options { $0.badRows = .skip })?.code == .unterminatedQuote)
    }

    @Test("a stray quote in an unquoted field")
    func strayQuote() {
        expectError("a,b\n1,ab\"c\n", .strayQuote, line: 2, column: 5, message: "unexpected quote in column \"b\"")
        expectError("a,b\n1,2\"\n", .strayQuote, line: 2, column: 4, message: "unexpected quote in column \"b\"")
        expectError("a,b\n日本,x\"\n", .strayQuote, line: 2, column: 5, message: "unexpected quote in column \"b\"")
        expectError("a,b\nok\",1\n", .strayQuote, line: 2, column: 3, message: "unexpected quote in column \"a\"")
    }

    @Test("text after a closing quote")
    func textAfterClosingQuote() {
        expectError("a,b\n1,\"ab\"c\n", .strayQuote, line: 2, column: 7, message: "unexpected quote in column \"b\"")
        expectError("a,b\n\"x\" ,1\n", .strayQuote, line: 2, column: 4, message: "unexpected quote in column \"a\"")
        expectError("n\n\"1\"2\n", options: options { $0.schemaOverride = Schema([Field("n", .int64)]) },
                    .strayQuote, line: 2, column: 4, message: "unexpected quote in column \"n\"")
    }

    @Test("too few fields: an error, or skipped, or padded with nulls")
    func tooFewFields() throws {
        let text = "a,b,c\n1,2,3\n4,5\n6,7,8\n9\n"
        expectError(text, .fieldCount, line: 3, column: 4, message: "row has 2 fields, the header has 3")
        let error = readError(text)
        #expect(error?.hint == "fix the row, or read with --bad-rows skip (leave it out) or --bad-rows pad (fill with nulls)")

        let skipped = try readCSV(text, options: options { $0.badRows = .skip })
        #expect(skipped.table == (try Table([("a", Column(int64: [1, 6])), ("b", Column(int64: [2, 7])), ("c", Column(int64: [3, 8]))])))
        #expect(skipped.report.skippedRows == 2)
        #expect(skipped.report.paddedRows == 0)
        #expect(skipped.report.rows == 2)
        #expect(skipped.report.samples.map(\.line) == [3, 5])
        #expect(skipped.report.samples.map(\.message) == ["row has 2 fields, the header has 3", "row has 1 field, the header has 3"])

        let padded = try readCSV(text, options: options { $0.badRows = .pad })
        #expect(padded.table == (try Table([
            ("a", Column(int64: [1, 4, 6, 9])), ("b", Column(int64: [2, 5, 7, nil])), ("c", Column(int64: [3, nil, 8, nil])),
        ])))
        #expect(padded.report.paddedRows == 2)
        #expect(padded.report.skippedRows == 0)
        #expect(padded.report.rows == 4)
    }

    @Test("too few fields in a CRLF file and at the end of the input")
    func tooFewFieldsLineEnds() {
        expectError("a,b,c\r\n1,2,3\r\n4,5\r\n", .fieldCount, line: 3, column: 4, message: "row has 2 fields, the header has 3")
        expectError("a,b,c\n1,2,3\n4,5", .fieldCount, line: 3, column: 4, message: "row has 2 fields, the header has 3")
        expectError("a,b,c\n1,\"2\n2\"\n", .fieldCount, line: 3, column: 3, message: "row has 2 fields, the header has 3")
    }

    @Test("too many fields: an error, or skipped, or cut")
    func tooManyFields() throws {
        let text = "a,b\n1,2\n3,4,5,6\n7,8\n"
        expectError(text, .fieldCount, line: 3, column: 5, message: "row has 4 fields, the header has 2")
        #expect(readError(text)?.hint == "quote fields that contain the delimiter, or read with --bad-rows skip or --bad-rows pad (drop the extra fields)")

        let skipped = try readCSV(text, options: options { $0.badRows = .skip })
        #expect(skipped.table == (try Table([("a", Column(int64: [1, 7])), ("b", Column(int64: [2, 8]))])))
        #expect(skipped.report.skippedRows == 1)
        #expect(skipped.report.samples.first?.line == 3)

        let padded = try readCSV(text, options: options { $0.badRows = .pad })
        #expect(padded.table == (try Table([("a", Column(int64: [1, 3, 7])), ("b", Column(int64: [2, 4, 8]))])))
        #expect(padded.report.paddedRows == 1)
        #expect(padded.report.rows == 3)
    }

    @Test("invalid UTF-8 in a string field")
    func invalidUTF8Field() throws {
        let bytes = Array("a,b\n1,ok\n2,é".utf8) + [0xFF] + Array("x\n".utf8)
        for split in Self.splits {
            let error = readError(bytes, windowSize: split.windowSize, chunkSizes: split.chunkSizes)
            #expect(error?.code == .invalidUTF8)
            #expect(error?.line == 3 && error?.column == 4)
            #expect(error?.message == "column \"b\" has bytes that are not valid UTF-8")
        }
        // A quoted field: the error points at the field's opening quote.
        let quoted = Array("a,b\n1,\"x".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let error = readError(quoted)
        #expect(error?.code == .invalidUTF8 && error?.line == 2 && error?.column == 3)
        // Skipped under --bad-rows skip.
        let skipped = try readCSV(bytes, options: options { $0.badRows = .skip })
        #expect(skipped.table == (try Table([("a", Column(int64: [1])), ("b", Column(string: ["ok"]))])))
        #expect(skipped.report.skippedRows == 1)
    }

    @Test("invalid UTF-8 in the header")
    func invalidUTF8Header() {
        let bytes = Array("id,na".utf8) + [0xFF] + Array("me\n1,2\n".utf8)
        for split in Self.splits {
            let error = readError(bytes, windowSize: split.windowSize, chunkSizes: split.chunkSizes)
            #expect(error?.code == .invalidUTF8)
            #expect(error?.line == 1)
            #expect(error?.column == 6)
            #expect(error?.message == "column name 2 is not valid UTF-8")
        }
        // After a BOM and multi-byte characters, the column still counts characters.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("é,\"ü\n".utf8) + [0xE2, 0x82] + Array("\"\n1,2\n".utf8)
        let error = readError(bom)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.line == 2 && error?.column == 1)
        #expect(error?.message == "column name 2 is not valid UTF-8")
    }

    @Test("a value that does not fit a declared type")
    func declaredTypeMismatch() throws {
        let schema = Schema([Field("n", .int64)])
        let text = "id,n\n1,10\n2,ten\n3,\"1.5\"\n4,40\n"
        expectError(text, options: options { $0.schemaOverride = schema }, .typeMismatch, line: 3, column: 3,
                    message: "column \"n\" expects int64, found \"ten\"")
        let error = readError(text, options: options { $0.schemaOverride = schema })
        #expect(error?.description == """
        t.csv:3:3: error: column "n" expects int64, found "ten"
          hint: fix the value, or declare `n:string` with --schema
        """)
        #expect(error?.widenedField == nil)

        let skipped = try readCSV(text, options: options { $0.schemaOverride = schema; $0.badRows = .skip })
        #expect(skipped.table == (try Table([("id", Column(int64: [1, 4])), ("n", Column(int64: [10, 40]))])))
        #expect(skipped.report.skippedRows == 2)
        #expect(skipped.report.samples.map(\.line) == [3, 4])
        #expect(skipped.report.samples.map(\.code) == [.typeMismatch, .typeMismatch])

        for (type, value) in [(DataType.float64, "1.2.3"), (.bool, "yes"), (.date, "2024-02-30"), (.timestamp, "noon")] {
            let error = readError("x\n\(value)\n", options: options { $0.schemaOverride = Schema([Field("x", type)]) })
            #expect(error?.code == .typeMismatch)
            #expect(error?.message == "column \"x\" expects \(type), found \"\(value)\"")
            #expect(error?.line == 2 && error?.column == 1)
        }
    }

    @Test("errors after quoted line breaks report the line they are on")
    func linesAfterEmbeddedNewlines() {
        let text = "a,b\n1,\"x\ny\"\n2,\"p\r\nq\r\nr\"\n3,ab\"c\n"
        expectError(text, .strayQuote, line: 7, column: 5, message: "unexpected quote in column \"b\"")
        // An error later on the same row as a quoted line break.
        expectError("a,b,c\n1,\"x\ny\",z\"\n", .strayQuote, line: 3, column: 5, message: "unexpected quote in column \"c\"")
        expectError("a,b\n\"x\ny\",1,2\n", .fieldCount, line: 3, column: 6, message: "row has 3 fields, the header has 2")
        // Blank lines count.
        expectError("a,b\n\n\n1,2\n\n3\n", .fieldCount, line: 6, column: 2, message: "row has 1 field, the header has 2")
    }
}
