import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats

@Suite("JSONLinesReader: inference")
struct JSONLinesInferenceTests {
    @Test("infers each type, nested values kept as written JSON text")
    func eachType() throws {
        let text = #"{"b":true,"i":-12,"f":1.5,"s":"x","d":"2024-01-02","t":"2024-01-02T03:04:05Z","n":null,"o":{"k": [1,2]},"a":[1, "x"]}"#
        let result = try readJSONLines(text)
        #expect(result.schema == Schema([
            Field("b", .bool), Field("i", .int64), Field("f", .float64), Field("s", .string), Field("d", .date),
            Field("t", .timestamp), Field("n", .string), Field("o", .string), Field("a", .string),
        ]))
        #expect(result.table.row(0) == [
            .bool(true), .int64(-12), .float64(1.5), .string("x"), .date(19724),
            .timestamp(1_704_164_645_000_000), .null, .string(#"{"k": [1,2]}"#), .string(#"[1, "x"]"#),
        ])
        #expect(result.report.rows == 1)
    }

    @Test("widens int64 with float64, date with timestamp, and mixed types to string (keeping JSON text)")
    func widening() throws {
        let text = """
        {"n":1,"d":"2024-01-02","m":12,"b":true,"big":1}
        {"n":2.5,"d":"2024-01-02T10:00:00Z","m":"x","b":12,"big":9223372036854775808}
        {"n":-3,"d":null,"m":true,"b":null,"big":-9223372036854775808}
        """
        let result = try readJSONLines(text)
        #expect(result.schema == Schema([Field("n", .float64), Field("d", .timestamp), Field("m", .string),
                                         Field("b", .string), Field("big", .float64)]))
        #expect(try result.table.column("n").allValues == [.float64(1), .float64(2.5), .float64(-3)])
        #expect(try result.table.column("d").allValues == [.timestamp(1_704_153_600_000_000), .timestamp(1_704_189_600_000_000), .null])
        #expect(try result.table.column("m").allValues == [.string("12"), .string("x"), .string("true")])
        #expect(try result.table.column("b").allValues == [.string("true"), .string("12"), .null])
        #expect(try result.table.column("big").allValues == [.float64(1), .float64(9223372036854775808), .float64(-9223372036854775808)])
    }

    @Test("int64 extremes stay int64")
    func int64Extremes() throws {
        let result = try readJSONLines("{\"v\":9223372036854775807}\n{\"v\":-9223372036854775808}\n{\"v\":-0}")
        #expect(result.schema == Schema([Field("v", .int64)]))
        #expect(result.table.columns[0].allValues == [.int64(.max), .int64(.min), .int64(0)])
    }

    @Test("a column null or missing on every sampled line is string; missing keys are null; keys in order of first appearance")
    func nullsAndUnion() throws {
        let text = """
        {"a":1,"z":null}
        {"c":"x","a":2}
        {"z":null,"b":false}
        """
        let result = try readJSONLines(text)
        #expect(result.schema == Schema([Field("a", .int64), Field("z", .string), Field("c", .string), Field("b", .bool)]))
        #expect(result.table.row(0) == [.int64(1), .null, .null, .null])
        #expect(result.table.row(1) == [.int64(2), .null, .string("x"), .null])
        #expect(result.table.row(2) == [.null, .null, .null, .bool(false)])
    }

    @Test("string escapes decode to UTF-8, including surrogate pairs, in values and keys")
    func escapes() throws {
        let text = #"{"s":"a\n\t\"\\\/\b\f\r\u00e9\u20AC\ud83d\ude00z","k\u0065y":"plain é 😀","e":""}"#
        let result = try readJSONLines(text)
        #expect(result.schema.names == ["s", "key", "e"])
        #expect(result.table.row(0) == [.string("a\n\t\"\\/\u{8}\u{c}\ré€😀z"),
                                        .string("plain é 😀"), .string("")])
    }

    @Test("duplicate keys: the last one wins")
    func duplicateKeys() throws {
        let result = try readJSONLines(#"{"a":1,"b":2,"a":3}"#)
        #expect(result.schema.names == ["a", "b"])
        #expect(result.table.row(0) == [.int64(3), .int64(2)])
    }

    @Test("an empty object gives a row of nulls; empty input gives no columns and no batches")
    func emptyObjectAndInput() throws {
        let result = try readJSONLines("{\"a\":1}\n{}\n{ }")
        #expect(result.table.columns[0].allValues == [.int64(1), .null, .null])
        let empty = try readJSONLines("")
        #expect(empty.schema.count == 0)
        #expect(empty.batchSizes == [])
        let blanks = try readJSONLines("\n \n\t\r\n")
        #expect(blanks.batchSizes == [])
    }

    @Test("whitespace around tokens is allowed")
    func whitespace() throws {
        let result = try readJSONLines(" \t{ \"a\" :\t1 , \"b\" : [ ] } \t\r")
        #expect(result.table.row(0) == [.int64(1), .string("[ ]")])
    }

    @Test("reads a fixture file with BOM, CRLF, blank lines and nested values")
    func fixture() throws {
        let url = try #require(Bundle.module.url(forResource: "events", withExtension: "jsonl", subdirectory: "Fixtures"))
        var reader = try JSONLinesReader(source: FileByteSource(path: url.path))
        #expect(reader.schema == Schema([Field("id", .int64), Field("user", .string), Field("amount", .float64), Field("paid", .bool),
                                         Field("day", .date), Field("at", .timestamp), Field("tags", .string), Field("extra", .string)]))
        let table = try #require(try reader.next())
        #expect(try reader.next() == nil)
        #expect(table.rowCount == 3)
        #expect(try table.column("user").allValues == [.string("ada"), .string("béa"), .null])
        #expect(try table.column("amount").allValues == [.float64(12.5), .float64(3), .null])
        #expect(try table.column("at").allValues == [.timestamp(1_704_164_645_000_000), .timestamp(1_704_240_000_500_000), .null])
        #expect(try table.column("tags").allValues == [.string(#"["a","b"]"#), .string("[]"), .null])
        #expect(try table.column("extra").allValues == [.null, .null, .string(#"{"k":1}"#)])
        #expect(reader.report.rows == 3)
    }
}

@Suite("JSONLinesReader: schema override and options")
struct JSONLinesOverrideTests {
    @Test("a partial override sets named columns; the rest are inferred")
    func partial() throws {
        let result = try readJSONLines("{\"zip\":1234,\"n\":1,\"x\":2}\n{\"zip\":5,\"n\":2.5,\"x\":3}",
                                       options: .init(schemaOverride: Schema([Field("zip", .string), Field("x", .float64)])))
        #expect(result.schema == Schema([Field("zip", .string), Field("n", .float64), Field("x", .float64)]))
        #expect(result.table.columns[0].allValues == [.string("1234"), .string("5")])
        #expect(result.table.columns[2].allValues == [.float64(2), .float64(3)])
    }

    @Test("an override naming a key the data lacks is an error with a suggestion")
    func unknownName() throws {
        let error = try #require(jsonLinesError(#"{"id":1,"email":"a@x.io"}"#,
                                                options: .init(schemaOverride: Schema([Field("emial", .string)]))))
        #expect(error.code == .unknownColumn)
        #expect(error.hint == "did you mean `email`?")
        #expect(error.description.contains("\"emial\""))
    }

    @Test("an overridden column's mismatch has no widened field and can be skipped")
    func overriddenMismatch() throws {
        let text = "{\"a\":1}\n{\"a\":\"x\"}\n{\"a\":2}"
        let options = JSONLinesReadOptions(schemaOverride: Schema([Field("a", .int64)]))
        let error = try #require(jsonLinesError(text, options: options))
        #expect(error.code == .typeMismatch)
        #expect(error.line == 2 && error.column == 6)
        #expect(error.widenedField == nil)
        #expect(error.message == #"key "a" expects int64, found string "x""#)
        var skipping = options
        skipping.badLines = .skip
        let result = try readJSONLines(text, options: skipping)
        #expect(result.table.columns[0].allValues == [.int64(1), .int64(2)])
        #expect(result.report.skippedRows == 1 && result.report.rows == 2)
    }

    @Test("override to date and timestamp parses strings; a date is midnight in a timestamp column")
    func dateOverride() throws {
        let result = try readJSONLines("{\"d\":\"2024-01-02\"}\n{\"d\":\"2024-01-02 10:00\"}",
                                       options: .init(schemaOverride: Schema([Field("d", .timestamp)])))
        #expect(result.table.columns[0].allValues == [.timestamp(1_704_153_600_000_000), .timestamp(1_704_189_600_000_000)])
    }

    @Test("invalid options are rejected")
    func invalidOptions() throws {
        for options in [JSONLinesReadOptions(badLines: .pad), JSONLinesReadOptions(batchSize: 0), JSONLinesReadOptions(inferenceRows: 0)] {
            let error = try #require(jsonLinesError("{}", options: options))
            #expect(error.code == .invalidOption)
        }
    }
}

@Suite("JSONLinesReader: values after the sample")
struct JSONLinesAfterSampleTests {
    @Test("a value that does not fit an inferred column names key, types, value and the widened field")
    func typeMismatch() throws {
        let error = try #require(jsonLinesError("{\"a\":1,\"b\":2}\n{\"b\":3, \"a\":\"thirty\"}", options: .init(inferenceRows: 1)))
        #expect(error.code == .typeMismatch)
        #expect(error.line == 2 && error.column == 13)
        #expect(error.message == #"key "a" expects int64, found string "thirty""#)
        #expect(error.widenedField == Field("a", .string))
        #expect(error.hint == "the type was inferred from the first 1 lines; declare `a:string` with --schema, or sample more lines with --infer-rows")
        #expect(error.description.hasPrefix("in.jsonl:2:13: error: "))
    }

    @Test("widened field follows the lattice: int64 then float64 gives float64", arguments: [
        ("1.5", DataType.float64, "number 1.5"), ("\"2024-01-02\"", .string, "string \"2024-01-02\""),
        ("true", .string, "true"), ("[1]", .string, "array \"[1]\""), ("{}", .string, "object \"{}\""),
    ])
    func widenedFields(value: String, widened: DataType, found: String) throws {
        let error = try #require(jsonLinesError("{\"a\":1}\n{\"a\":\(value)}", options: .init(inferenceRows: 1)))
        #expect(error.widenedField == Field("a", widened))
        #expect(error.message == "key \"a\" expects int64, found \(found)")
    }

    @Test("inferred mismatches are thrown even when skipping, so whole-file reads can widen")
    func inferredMismatchNotSkipped() throws {
        let error = try #require(jsonLinesError("{\"a\":1}\n{\"a\":2.5}", options: .init(inferenceRows: 1, badLines: .skip)))
        #expect(error.code == .typeMismatch)
    }

    @Test("a key outside the sample is an unknown column, located to the key")
    func unknownKey() throws {
        let error = try #require(jsonLinesError("{\"a\":1}\n\n{\"a\":2, \"b\":3}", options: .init(inferenceRows: 1, badLines: .skip)))
        #expect(error.code == .unknownColumn)
        #expect(error.line == 3 && error.column == 9)
        #expect(error.message == #"key "b" is not in the schema: the first 1 lines do not have it"#)
        #expect(error.hint == "sample at least 3 lines with --infer-rows so that the key becomes a column")
    }

    @Test("date columns reject non-date strings after the sample; timestamps accept dates")
    func dateAfterSample() throws {
        let error = try #require(jsonLinesError("{\"d\":\"2024-01-02\"}\n{\"d\":\"2024-01-02T01:00:00Z\"}", options: .init(inferenceRows: 1)))
        #expect(error.widenedField == Field("d", .timestamp))
        let result = try readJSONLines("{\"d\":\"2024-01-02T01:00:00Z\"}\n{\"d\":\"2024-01-03\"}", options: .init(inferenceRows: 1))
        #expect(result.table.columns[0].allValues == [.timestamp(1_704_157_200_000_000), .timestamp(1_704_240_000_000_000)])
    }

    @Test("a string column keeps numbers, booleans and nested values after the sample as JSON text")
    func stringKeepsText() throws {
        let result = try readJSONLines("{\"s\":\"x\"}\n{\"s\":1.50}\n{\"s\":false}\n{\"s\":{\"a\" : 1}}", options: .init(inferenceRows: 1))
        #expect(result.table.columns[0].allValues == [.string("x"), .string("1.50"), .string("false"), .string("{\"a\" : 1}")])
    }
}

@Suite("JSONLinesReader: malformed lines")
struct JSONLinesMalformedTests {
    struct Case: Sendable, CustomStringConvertible {
        var line: [UInt8]
        var column: Int
        var message: String
        var code: FormatError.Code = .malformedJSON
        var description: String { String(decoding: line, as: UTF8.self) }
        init(_ line: String, _ column: Int, _ message: String) {
            self.line = Array(line.utf8); self.column = column; self.message = message
        }
        init(bytes: [UInt8], _ column: Int, _ message: String, code: FormatError.Code) {
            self.line = bytes; self.column = column; self.message = message; self.code = code
        }
    }

    static let cases: [Case] = [
        Case("[1,2]", 1, "expected `{` to start a JSON object, found `[`"),
        Case(#""text""#, 1, "expected `{` to start a JSON object, found `\"`"),
        Case("42", 1, "expected `{` to start a JSON object, found `4`"),
        Case(#"{"a":1} x"#, 9, "unexpected `x` after the end of the object (one object per line)"),
        Case(#"{"a":1}{}"#, 8, "unexpected `{` after the end of the object (one object per line)"),
        Case(#"{"a":1"#, 7, "expected `,` or `}`, found end of line"),
        Case(#"{"a":1 "b":2}"#, 8, "expected `,` or `}` after the value, found `\"`"),
        Case(#"{"a":"abc"#, 10, "unterminated string: expected `\"`, found end of line"),
        Case(#"{"a":"ab\"#, 9, #"unterminated string: expected an escape after `\`, found end of line"#),
        Case(#"{"a":"\x"}"#, 7, #"invalid escape `x` after `\`: expected one of \" \\ \/ \b \f \n \r \t \uXXXX"#),
        Case(#"{"a":"\u12"}"#, 7, #"invalid escape: expected 4 hex digits after `\u`"#),
        Case(#"{"a":"\ud800"}"#, 7, #"invalid escape: lone high surrogate \uD800 (expected a low surrogate \uDC00…\uDFFF after it)"#),
        Case(#"{"a":"\ud800\u0041"}"#, 7, #"invalid escape: lone high surrogate \uD800 (expected a low surrogate \uDC00…\uDFFF after it)"#),
        Case(#"{"a":"x\udc00"}"#, 8, #"invalid escape: lone low surrogate \uDC00 (expected a high surrogate before it)"#),
        Case("{\"a\":\"x\ty\"}", 8, #"control character U+0009 in a string must be escaped (as \u0009)"#),
        Case(#"{"a":01}"#, 6, "invalid number: a leading zero must not be followed by digits"),
        Case(#"{"a":-01}"#, 6, "invalid number: a leading zero must not be followed by digits"),
        Case(#"{"a":+1}"#, 6, "expected a JSON value, found `+`"),
        Case(#"{"a":NaN}"#, 6, "expected a JSON value, found `N`"),
        Case(#"{"a":.5}"#, 6, "expected a JSON value, found `.`"),
        Case(#"{"a":-}"#, 7, "invalid number: expected a digit after `-`, found `}`"),
        Case(#"{"a":1.}"#, 8, "invalid number: expected a digit after `.`, found `}`"),
        Case(#"{"a":1e}"#, 8, "invalid number: expected a digit in the exponent, found `}`"),
        Case(#"{"a":1e+}"#, 9, "invalid number: expected a digit in the exponent, found `}`"),
        Case(#"{"a":tru}"#, 9, "expected `true`, found `}`"),
        Case(#"{"a":nul}"#, 9, "expected `null`, found `}`"),
        Case(#"{"a":False}"#, 6, "expected a JSON value, found `F`"),
        Case(#"{"a" 1}"#, 6, "expected `:` after the key, found `1`"),
        Case(#"{a:1}"#, 2, "expected a string key, found `a`"),
        Case(#"{"a":1,}"#, 8, "expected a string key, found `}`"),
        Case(#"{"a":}"#, 6, "expected a JSON value, found `}`"),
        Case(#"{"a":"#, 6, "expected a JSON value, found end of line"),
        Case(#"{"#, 2, "expected a string key, found end of line"),
        Case(#"{"a":[1,2}"#, 10, "expected `,` or `]`, found `}`"),
        Case(#"{"a":[1,]}"#, 9, "expected a JSON value, found `]`"),
        Case(#"{"a":{"b" 1}}"#, 11, "expected `:` after the key, found `1`"),
        Case(#"{"a":{"b":1,}}"#, 13, "expected a string key, found `}`"),
        Case(#"{"a":[01]}"#, 7, "invalid number: a leading zero must not be followed by digits"),
        Case(bytes: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8), 7,
             "string holds bytes that are not valid UTF-8 (byte 0xFF)", code: .invalidUTF8),
        Case(bytes: Array(#"{"a":"x"#.utf8) + [0xC3] + Array(#""}"#.utf8), 8,
             "string holds bytes that are not valid UTF-8 (byte 0xC3)", code: .invalidUTF8),
        Case(bytes: Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), 7,
             "string holds bytes that are not valid UTF-8 (byte 0xED)", code: .invalidUTF8),
        Case(bytes: Array(#"{""#.utf8) + [0xC0, 0x80] + Array(#"":1}"#.utf8), 3,
             "string holds bytes that are not valid UTF-8 (byte 0xC0)", code: .invalidUTF8),
        Case(bytes: Array(#"{"a":1}"#.utf8) + [0xFF], 8,
             "unexpected byte 0xFF after the end of the object (one object per line)", code: .malformedJSON),
    ]

    @Test("malformed lines are located to the offending byte", arguments: cases)
    func located(_ c: Case) throws {
        let input = Array("{\"a\":0}\n".utf8) + c.line + Array("\n{\"a\":2}\n".utf8)
        let error = try #require(jsonLinesError(input))
        #expect(error.code == c.code)
        #expect(error.line == 2)
        #expect(error.column == c.column)
        #expect(error.message == c.message)
        #expect(error.file == "in.jsonl")
        // The same line in the sample is an error too, and skipping leaves it out.
        let skipped = try readJSONLines(input, options: .init(badLines: .skip))
        #expect(skipped.report.skippedRows == 1)
        #expect(skipped.report.rows == 2)
        #expect(skipped.report.samples.first?.line == 2)
        let skippedAfterSample = try readJSONLines(input, options: .init(inferenceRows: 1, badLines: .skip))
        #expect(skippedAfterSample.report.skippedRows == 1)
        #expect(skippedAfterSample.table.columns[0].allValues == [.int64(0), .int64(2)])
    }

    @Test("nesting deeper than the limit is rejected, not a crash")
    func deepNesting() throws {
        let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let error = try #require(jsonLinesError(deep))
        #expect(error.code == .malformedJSON)
        #expect(error.column == 6 + JSONScanner.maximumDepth - 1)
        let fine = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(try readJSONLines(fine).table.rowCount == 1)
    }

    @Test("skip policy counts bad lines and keeps up to 5 samples")
    func skipCounts() throws {
        var text = ""
        for i in 0..<20 { text += i % 3 == 0 ? "{\"a\":\(i)\n" : "{\"a\":\(i)}\n" }
        let result = try readJSONLines(text, options: .init(inferenceRows: 4, batchSize: 5, badLines: .skip))
        #expect(result.report.skippedRows == 7)
        #expect(result.report.rows == 13)
        #expect(result.report.samples.map(\.line) == [1, 4, 7, 10, 13])
        #expect(result.table.columns[0].allValues == (0..<20).filter { $0 % 3 != 0 }.map { .int64(Int64($0)) })
        #expect(result.batchSizes == [5, 5, 3])
    }
}

@Suite("JSONLinesReader: lines, batches and splitting")
struct JSONLinesFramingTests {
    @Test("blank lines are skipped but counted in line numbers; CRLF and a missing final newline are fine")
    func blankLines() throws {
        let text = "\n  \n{\"a\":1}\r\n\t\r\n\r\n{\"a\":2}"
        let result = try readJSONLines(text)
        #expect(result.table.columns[0].allValues == [.int64(1), .int64(2)])
        let error = try #require(jsonLinesError("\n  \n{\"a\":1}\r\n\t\r\n{\"a\":x}\r\n"))
        #expect(error.line == 5 && error.column == 6)
    }

    @Test("a UTF-8 byte order mark is stripped and not counted in columns")
    func byteOrderMark() throws {
        let result = try readJSONLines("\u{FEFF}{\"a\":1}\n{\"a\":2}")
        #expect(result.schema.names == ["a"])
        let error = try #require(jsonLinesError("\u{FEFF}{\"a\":x}"))
        #expect(error.line == 1 && error.column == 6)
        // Only at the very start.
        let later = try #require(jsonLinesError("{\"a\":1}\n\u{FEFF}{\"a\":2}"))
        #expect(later.line == 2 && later.column == 1 && later.code == .malformedJSON)
    }

    @Test("batches hold at most batchSize rows", arguments: [1, 5, 10, 25, 100])
    func batching(inferenceRows: Int) throws {
        let text = (0..<25).map { "{\"i\":\($0)}" }.joined(separator: "\n")
        let result = try readJSONLines(text, options: .init(inferenceRows: inferenceRows, batchSize: 10))
        #expect(result.batchSizes == [10, 10, 5])
        #expect(result.table.columns[0].allValues == (0..<25).map { .int64(Int64($0)) })
        #expect(result.report.rows == 25)
    }

    static func mixedInput(seed: UInt64, lines: Int) -> String {
        var rng = JSONLinesRandom(seed: seed)
        let strings = ["plain", "é😀\u{1F3F3}\u{FE0F}", "quote \\\" back \\\\ slash", "\\u00e9\\ud83d\\ude00", "tab\\tnew\\nline", ""]
        var out = ""
        for i in 0..<lines {
            if Int.random(in: 0..<8, using: &rng) == 0 { out += Bool.random(using: &rng) ? "  \t\r\n" : "\n" }
            var fields: [String] = []
            if Bool.random(using: &rng) { fields.append("\"id\": \(i)") }
            if Int.random(in: 0..<3, using: &rng) > 0 { fields.append("\"s\":\"\(strings.randomElement(using: &rng)!)\"") }
            if Bool.random(using: &rng) { fields.append("\"f\":\(Double(Int.random(in: -1000...1000, using: &rng)) / 8)") }
            if Bool.random(using: &rng) { fields.append("\"n\":{\"x\":[1,{\"y\":\"\\\"}\"}], \"z\" : null}") }
            if Bool.random(using: &rng) { fields.append("\"t\":\"2024-0\(Int.random(in: 1...9, using: &rng))-02T03:04:05.123Z\"") }
            if Int.random(in: 0..<4, using: &rng) == 0 { fields.append("\"b\":\(Bool.random(using: &rng))") }
            fields.shuffle(using: &rng)
            out += "{" + fields.joined(separator: ",") + "}" + (Bool.random(using: &rng) ? "\r\n" : "\n")
        }
        return out
    }

    @Test("the result does not depend on how the source splits the input", arguments: [1, 2, 3])
    func splitInvariance(seed: UInt64) throws {
        let text = JSONLinesFramingTests.mixedInput(seed: seed, lines: 300)
        for options in [JSONLinesReadOptions(), JSONLinesReadOptions(inferenceRows: 250, batchSize: 7)] {
            let whole = try readJSONLines(text, options: options)
            #expect(whole.table.rowCount == 300)
            var rng = JSONLinesRandom(seed: seed &* 31)
            let randomSizes = (0..<50).map { _ in Int.random(in: 1...97, using: &rng) }
            for sizes in [[1], [2, 1, 5], randomSizes, [4096]] {
                let split = try readJSONLines(text, chunkSizes: sizes, options: options)
                #expect(split.table == whole.table, "chunk sizes \(sizes.prefix(5))")
                #expect(split.schema == whole.schema)
                #expect(split.batchSizes == whole.batchSizes)
            }
        }
    }

    @Test("a line longer than the window grows it; the result is unchanged")
    func longLine() throws {
        let long = String(repeating: "abcdefé\\n", count: 300_000)   // ~3 MiB of JSON text
        let text = "{\"a\":1,\"s\":\"x\"}\n{\"a\":2,\"s\":\"\(long)\"}\n{\"a\":3,\"s\":\"y\"}\n"
        let whole = try readJSONLines(text)
        let split = try readJSONLines(text, chunkSizes: [65_537, 13])
        #expect(whole.table == split.table)
        let value = try #require(whole.table.columns[1].value(at: 1))
        #expect(value == .string(String(repeating: "abcdefé\n", count: 300_000)))
    }

    @Test("random bytes never crash the reader: it reads or throws a FormatError")
    func randomBytes() throws {
        var rng = JSONLinesRandom(seed: 42)
        let alphabet = Array("{}[]\":,0123456789-+.eEtrufalsn \\u\t\r\nab".utf8) + [0xC3, 0xA9, 0xFF, 0xED, 0x00]
        let seeds = [#"{"a":1,"b":"x\u00e9","c":[1,{"d":null}],"e":-1.5e3,"f":true}"#, #"{"a":"2024-01-02","b":2}"#]
        for round in 0..<1500 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            } else {
                // Mutate valid lines.
                bytes = Array((seeds.randomElement(using: &rng)! + "\n" + seeds.randomElement(using: &rng)!).utf8)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                    }
                }
            }
            for options in [JSONLinesReadOptions(), JSONLinesReadOptions(inferenceRows: 1, badLines: .skip)] {
                do {
                    _ = try readJSONLines(bytes, options: options)
                } catch is FormatError {
                    // fine
                }
            }
        }
    }
}
