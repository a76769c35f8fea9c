import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

@Suite("CSVWriter")
struct CSVWriterTests {
    @Test("quotes only fields with a delimiter, quote, CR or LF; empty strings and null tokens are quoted")
    func minimalQuoting() throws {
        let table = try Table([
            ("s", Column(string: ["plain", "a,b", "q\"q", "line\nbreak", "cr\r", "", nil, "NULL", " sp ", "é;'x'"])),
            ("n", Column(int64: [1, 2, 3, 4, 5, 6, 7, 8, 9, nil])),
        ])
        var dialect = CSVDialect()
        dialect.nullTokens = ["NULL"]
        #expect(text(try csvText(table, dialect: dialect)) == """
        s,n
        plain,1
        "a,b",2
        "q""q",3
        "line
        break",4
        "cr\r",5
        "",6
        ,7
        "NULL",8
         sp ,9
        é;'x',

        """)
        // Without null tokens "NULL" is plain text.
        #expect(text(try csvText(table)).contains("\nNULL,8\n"))
    }

    @Test("quotes header names that need it")
    func headerQuoting() throws {
        let table = try Table([("a,b", Column(int64: [1])), ("q\"", Column(int64: [2])), ("plain", Column(int64: [3])),
                               ("new\nline", Column(int64: [4]))])
        #expect(text(try csvText(table)) == "\"a,b\",\"q\"\"\",plain,\"new\nline\"\n1,2,3,4\n")
        // …and they read back as the same names.
        #expect(try readCSV(try csvText(table)).table == table)
    }

    @Test("writes with a custom delimiter and quote")
    func customDialect() throws {
        let table = try Table([("a", Column(string: ["x;y", "it's", "say \"hi\"", "t\tb"])), ("b", Column(float64: [1.5, nil, -2, 0]))])
        let semicolon = CSVDialect(delimiter: UInt8(ascii: ";"), quote: UInt8(ascii: "'"))
        #expect(text(try csvText(table, dialect: semicolon)) == "a;b\n'x;y';1.5\n'it''s';\nsay \"hi\";-2.0\nt\tb;0.0\n")
        #expect(text(try csvText(table, dialect: .tsv)) == "a\tb\nx;y\t1.5\nit's\t\n\"say \"\"hi\"\"\"\t-2.0\n\"t\tb\"\t0.0\n")
        for dialect in [semicolon, .tsv] {
            let back = try readCSV(try csvText(table, dialect: dialect), options: CSVReadOptions(dialect: dialect))
            #expect(back.table == table)
        }
        var noHeader = CSVDialect()
        noHeader.hasHeader = false
        #expect(text(try csvText(table, dialect: noHeader)).hasPrefix("x;y,1.5\n"))
    }

    @Test("formats floats with the shortest text that reads back")
    func floats() throws {
        let values: [Double?] = [12.5, 100.0, -0.0, 1e-07, .nan, .infinity, -.infinity, 0.1 + 0.2, 1e20, 123_456.789, -3, nil]
        let table = try Table([("f", Column(float64: values))])
        let written = text(try csvText(table))
        #expect(written == "f\n12.5\n100.0\n-0.0\n1e-07\nnan\ninf\n-inf\n0.30000000000000004\n1e+20\n123456.789\n-3.0\n\n")
        let back = try readCSV(try csvText(table)).table
        #expect(back == table)
        // Equality treats -0.0 and 0.0 alike: check the sign survived.
        #expect(try back.column("f").value(at: 2).map { if case .float64(let x) = $0 { x.sign == .minus } else { false } } == true)
    }

    @Test("formats bools, integers, dates and timestamps")
    func otherTypes() throws {
        let table = try Table([
            ("b", Column(bool: [true, false, nil])),
            ("i", Column(int64: [Int64.min, Int64.max, 0])),
            ("d", Column(date: [day(2024, 1, 2), day(1, 1, 1), day(9999, 12, 31)])),
            ("t", Column(timestamp: [micros(2024, 1, 2, 3, 4, 5), micros(2024, 1, 2, 3, 4, 5, 250_000),
                                     micros(1969, 12, 31, 23, 59, 59, 1)])),
        ])
        #expect(text(try csvText(table)) == """
        b,i,d,t
        true,-9223372036854775808,2024-01-02,2024-01-02T03:04:05Z
        false,9223372036854775807,0001-01-01,2024-01-02T03:04:05.25Z
        ,0,9999-12-31,1969-12-31T23:59:59.000001Z

        """)
        #expect(try readCSV(try csvText(table)).table == table)
    }

    @Test("several batches share one header; a batch with another schema is refused")
    func batches() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("b.csv")
        var writer = CSVWriter(output: try OutputFile(path: path))
        try writer.write(try Table([("a", Column(int64: [1, 2]))]))
        try writer.write(try Table([("a", Column(int64: [3]))]))
        #expect {
            try writer.write(try Table([("a", Column(string: ["x"]))]))
        } throws: { error in
            (error as? FormatError)?.code == .invalidOption
                && (error as? FormatError)?.message == "batch has schema (a: string), earlier batches had (a: int64)"
        }
        try writer.finish()
        #expect(text(try readFile(path)) == "a\n1\n2\n3\n")
    }

    @Test("the file appears only when the writer finishes; an abandoned writer leaves nothing")
    func atomicOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("out.csv")
        let table = try Table([("a", Column(int64: Array(0..<10_000)))])
        var writer = CSVWriter(output: try OutputFile(path: path))
        try writer.write(table)
        #expect(!fileExists(path))
        try writer.finish()
        #expect(fileExists(path))
        #expect(directory.entries() == ["out.csv"])
        #expect(try readCSV(try readFile(path)).table == table)

        let abandoned = directory.file("abandoned.csv")
        do {
            var writer = CSVWriter(output: try OutputFile(path: abandoned))
            // Past the 1 MiB flush threshold, so bytes did reach the temporary file.
            for _ in 0..<30 { try writer.write(table) }
            #expect(!fileExists(abandoned))
            #expect(directory.entries().count == 2)
        }
        #expect(!fileExists(abandoned))
        #expect(directory.entries() == ["out.csv"])

        // Finishing over an existing file replaces it whole.
        try TableFile.write(try Table([("b", Column(string: ["new"]))]), to: path)
        #expect(text(try readFile(path)) == "b\nnew\n")
    }

    @Test("a table with no rows is written as its header")
    func emptyTable() throws {
        let table = Table(emptyWith: Schema([Field("a", .int64), Field("b", .string)]))
        #expect(text(try csvText(table)) == "a,b\n")
    }
}

@Suite("CSVWriter → CSVReader round trip")
struct CSVRoundTripTests {
    @Test("seeded random tables of all six types read back equal", arguments: [0, 1, 63, 64, 65, 1000])
    func randomTables(rows: Int) throws {
        for seed: UInt64 in 1...4 {
            let original = try randomTable(rows: rows, seed: seed &* 7919 &+ UInt64(rows))
            let bytes = try csvText(original)
            let (table, report) = try readCSV(bytes, options: options { $0.schemaOverride = original.schema })
            #expect(table == original, "seed \(seed)")
            #expect(report.rows == rows)
            // Also with null tokens: strings equal to a token are quoted, so they stay strings.
            var dialect = CSVDialect()
            dialect.nullTokens = ["NULL", "NA"]
            let withTokens = try readCSV(try csvText(original, dialect: dialect),
                                         options: CSVReadOptions(dialect: dialect, schemaOverride: original.schema))
            #expect(withTokens.table == original, "seed \(seed), null tokens")
        }
    }

    @Test("round trip through TableFile on disk")
    func throughFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let original = try randomTable(rows: 500, seed: 99)
        for name in ["t.csv", "t.tsv"] {
            let path = directory.file(name)
            try TableFile.write(original, to: path)
            let (table, _) = try TableFile.read(path: path, options: ReadOptions(schemaOverride: original.schema))
            #expect(table == original, "\(name)")
        }
    }

    @Test("string columns with a single column and nulls, empties and line breaks", arguments: [0, 1, 63, 64, 65, 1000])
    func singleStringColumn(rows: Int) throws {
        var rng = SplitMix64(seed: UInt64(rows) + 5)
        let original = try Table([("s", randomColumn(.string, count: rows, &rng))])
        let (table, _) = try readCSV(try csvText(original), options: options { $0.schemaOverride = original.schema },
                                     windowSize: 64, chunkSizes: [13])
        #expect(table == original)
    }
}
