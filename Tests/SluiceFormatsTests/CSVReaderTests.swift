import Testing
import SluiceCore
@testable import SluiceFormats

@Suite("CSVReader: RFC 4180 and dialects")
struct CSVReaderTests {
    @Test("reads quoted fields, doubled quotes, and delimiters and line breaks inside quotes")
    func quotedFields() throws {
        let text = "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"two\nlines\",\"crlf\r\ninside\"\nplain,\"\"\"\"\n"
        let (table, report) = try readCSV(text)
        let expected = try Table([
            ("name", Column(string: ["Smith, J", "two\nlines", "plain"])),
            ("note", Column(string: ["said \"hi\"", "crlf\r\ninside", "\""])),
        ])
        #expect(table == expected)
        #expect(report.rows == 3)
        #expect(report.skippedRows == 0 && report.paddedRows == 0)
    }

    @Test("reads CRLF files, with and without a final line break")
    func crlfAndMissingFinalNewline() throws {
        let expected = try Table([("a", Column(int64: [1, 3])), ("b", Column(string: ["x", "y"]))])
        for text in ["a,b\r\n1,x\r\n3,y\r\n", "a,b\r\n1,x\r\n3,y", "a,b\n1,x\n3,y", "a,b\n1,x\r\n3,y\n"] {
            #expect(try readCSV(text).table == expected, "\(text.debugDescription)")
        }
        // A bare CR also ends a line.
        #expect(try readCSV("a,b\r1,x\r3,y\r").table == expected)
    }

    @Test("a missing final line break keeps a last quoted or empty field")
    func lastFieldWithoutNewline() throws {
        let quoted = try readCSV("a,b\n1,\"x\"")
        #expect(quoted.table == (try Table([("a", Column(int64: [1])), ("b", Column(string: ["x"]))])))
        let empty = try readCSV("a,b\n1,x\n2,")
        #expect(empty.table == (try Table([("a", Column(int64: [1, 2])), ("b", Column(string: ["x", nil]))])))
    }

    @Test("strips a UTF-8 byte order mark")
    func byteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\n1,é\n".utf8)
        let (table, _) = try readCSV(bytes)
        #expect(table == (try Table([("id", Column(int64: [1])), ("name", Column(string: ["é"]))])))
        // A BOM alone is an empty file.
        #expect(readError([0xEF, 0xBB, 0xBF])?.code == .missingHeader)
    }

    @Test("an empty unquoted field is null, an empty quoted field is an empty string")
    func emptyVersusNull() throws {
        let (table, _) = try readCSV("s,n\n,1\n\"\",2\nx,\n")
        let expected = try Table([
            ("s", Column(string: [nil, "", "x"])),
            ("n", Column(int64: [1, 2, nil])),
        ])
        #expect(table == expected)
        // `""` in a non-string column is null: there is no empty number.
        let numbers = try readCSV("n,m\n\"\",1\n5,2\n")
        #expect(numbers.table == (try Table([("n", Column(int64: [nil, 5])), ("m", Column(int64: [1, 2]))])))
    }

    @Test("without a header, columns are column_1, column_2, … and the first row is data")
    func noHeader() throws {
        let (table, _) = try readCSV("1,a\n2,b\n", options: options { $0.dialect.hasHeader = false })
        let expected = try Table([("column_1", Column(int64: [1, 2])), ("column_2", Column(string: ["a", "b"]))])
        #expect(table == expected)
    }

    @Test("reads custom delimiters: semicolon and tab")
    func customDelimiters() throws {
        let semicolon = try readCSV("a;b\n1,5;\"x;y\"\n", options: options { $0.dialect.delimiter = UInt8(ascii: ";") })
        #expect(semicolon.table == (try Table([("a", Column(string: ["1,5"])), ("b", Column(string: ["x;y"]))])))
        let tab = try readCSV("a\tb\n1\thello, world\n2\t\"q\tq\"\n", options: CSVReadOptions(dialect: .tsv))
        #expect(tab.table == (try Table([("a", Column(int64: [1, 2])), ("b", Column(string: ["hello, world", "q\tq"]))])))
    }

    @Test("reads a custom quote character")
    func customQuote() throws {
        let text = "a,b\n'x,y','it''s'\n\"q\",'\"'\n"
        let (table, _) = try readCSV(text, options: options { $0.dialect.quote = UInt8(ascii: "'") })
        #expect(table == (try Table([("a", Column(string: ["x,y", "\"q\""])), ("b", Column(string: ["it's", "\""]))])))
    }

    @Test("with quoting off, quotes are ordinary characters")
    func quotingDisabled() throws {
        let text = "a,b\n\"x\",say \"hi\"\n\"\",\"\n"
        let (table, _) = try readCSV(text, options: options { $0.dialect.quote = nil })
        #expect(table == (try Table([("a", Column(string: ["\"x\"", "\"\""])), ("b", Column(string: ["say \"hi\"", "\""]))])))
        // …so a quoted delimiter splits the field.
        let split = try readCSV("a,b\n\"1,2\"\n", options: options { $0.dialect.quote = nil })
        #expect(split.table == (try Table([("a", Column(string: ["\"1"])), ("b", Column(string: ["2\""]))])))
    }

    @Test("null tokens read as null unquoted, and as text when quoted")
    func nullTokens() throws {
        let text = "s,n,f\nNULL,NA,1.5\n\"NULL\",2,NA\nNAN,NULL,\n"
        let (table, _) = try readCSV(text, options: options { $0.dialect.nullTokens = ["NULL", "NA"] })
        let expected = try Table([
            ("s", Column(string: [nil, "NULL", "NAN"])),
            ("n", Column(int64: [nil, 2, nil])),
            ("f", Column(float64: [1.5, nil, nil])),
        ])
        #expect(table == expected)
        // Without tokens they are text.
        let plain = try readCSV("s\nNULL\nNA\n")
        #expect(plain.table == (try Table([("s", Column(string: ["NULL", "NA"]))])))
    }

    @Test("blank lines are skipped when there are several columns")
    func blankLinesSkipped() throws {
        let text = "a,b\n\n1,x\n\r\n\n2,y\n\n"
        let (table, report) = try readCSV(text)
        #expect(table == (try Table([("a", Column(int64: [1, 2])), ("b", Column(string: ["x", "y"]))])))
        #expect(report.rows == 2)
    }

    @Test("in a single-column file an empty line is a null")
    func singleColumnEmptyLines() throws {
        let (table, _) = try readCSV("x\n1\n\n3\n\r\n")
        #expect(table == (try Table([("x", Column(int64: [1, nil, 3, nil]))])))
        let strings = try readCSV("s\na\n\n\"\"\n")
        #expect(strings.table == (try Table([("s", Column(string: ["a", nil, ""]))])))
    }

    @Test("duplicate and empty header names are made unique")
    func headerNames() throws {
        let (table, _) = try readCSV("a,a,,b,a,a_2,\n1,2,3,4,5,6,7\n")
        #expect(table.schema.names == ["a", "a_2", "column_3", "b", "a_3", "a_2_2", "column_7"])
        #expect(table.row(0) == (1...7).map { Value.int64(Int64($0)) })
        let quoted = try readCSV("\"x,y\",\"\",\"q\"\"\"\n1,2,3\n")
        #expect(quoted.table.schema.names == ["x,y", "column_2", "q\""])
    }

    @Test("a header-only file has no rows and string columns")
    func headerOnly() throws {
        for text in ["a,b\n", "a,b", "a,b\r\n"] {
            let (table, report) = try readCSV(text)
            #expect(table == Table(emptyWith: Schema([Field("a", .string), Field("b", .string)])))
            #expect(report.rows == 0)
        }
    }

    @Test("an empty file has no header")
    func emptyFile() {
        let error = readError("")
        #expect(error?.code == .missingHeader)
        #expect(error?.description == "t.csv:1: error: the file is empty: no header row\n  hint: write a header line naming the columns")
        let noHeader = readError("", options: options { $0.dialect.hasHeader = false })
        #expect(noHeader?.code == .missingHeader)
        #expect(noHeader?.hint == nil)
    }

    @Test("a dialect that cannot be read is refused")
    func invalidDialect() {
        let sameAsQuote = readError("a\n", options: options { $0.dialect.delimiter = UInt8(ascii: "\"") })
        #expect(sameAsQuote?.code == .invalidOption)
        #expect(sameAsQuote?.message == "the quote character must differ from the delimiter and line breaks")
        #expect(readError("a\n", options: options { $0.dialect.delimiter = 10 })?.message == "the delimiter cannot be a line break")
        #expect(readError("a\n", options: options { $0.dialect.delimiter = 0xC3 })?.code == .invalidOption)
        #expect(readError("a\n", options: options { $0.batchSize = 0 })?.message == "batch size must be at least 1")
    }

    @Test("fields longer than the window grow it")
    func longFields() throws {
        let long = String(repeating: "ab,\"", count: 100)
        let escaped = long.replacingOccurrences(of: "\"", with: "\"\"")
        let text = "id,s\n1,\"\(escaped)\"\n2,\(String(repeating: "z", count: 300))\n"
        let (table, _) = try readCSV(text, windowSize: 64, chunkSizes: [5])
        #expect(table == (try Table([("id", Column(int64: [1, 2])), ("s", Column(string: [long, String(repeating: "z", count: 300)]))])))
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
