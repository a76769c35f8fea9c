import Testing
import SluiceCore
@testable import SluiceFormats
import SluiceTestSupport

@Suite("CSVReader: type inference and schema overrides")
struct CSVInferenceTests {
    @Test("infers each type")
    func eachType() throws {
        let text = """
        b,i,f,d,t,s
        true,1,1.5,2024-01-02,2024-01-02T03:04:05Z,hello
        FALSE,-20,-2e3,1999-12-31,2024-01-02 03:04,x1
        ,,,,,
        True,9223372036854775807,nan,0001-01-01,2024-01-02T03:04:05.25+01:00,"12 apples"

        """
        let (table, _) = try readCSV(text)
        let expected = try Table([
            ("b", Column(bool: [true, false, nil, true])),
            ("i", Column(int64: [1, -20, nil, Int64.max])),
            ("f", Column(float64: [1.5, -2000, nil, .nan])),
            ("d", Column(date: [day(2024, 1, 2), day(1999, 12, 31), nil, day(1, 1, 1)])),
            ("t", Column(timestamp: [micros(2024, 1, 2, 3, 4, 5), micros(2024, 1, 2, 3, 4), nil, micros(2024, 1, 2, 2, 4, 5, 250_000)])),
            ("s", Column(string: ["hello", "x1", nil, "12 apples"])),
        ])
        #expect(table == expected)
    }

    @Test("promotes int to float, date to timestamp, and mixed types to string")
    func promotion() throws {
        let text = """
        num,when,mixed,boolint,intdate
        1,2024-01-02,1,true,7
        2.5,2024-01-02T12:00:00Z,x,1,2024-01-02
        3,2024-01-03,2.0,false,8

        """
        let (table, _) = try readCSV(text)
        let expected = try Table([
            ("num", Column(float64: [1, 2.5, 3])),
            ("when", Column(timestamp: [micros(2024, 1, 2), micros(2024, 1, 2, 12), micros(2024, 1, 3)])),
            ("mixed", Column(string: ["1", "x", "2.0"])),
            ("boolint", Column(string: ["true", "1", "false"])),
            ("intdate", Column(string: ["7", "2024-01-02", "8"])),
        ])
        #expect(table == expected)
    }

    @Test("an all-null column is a string column")
    func allNull() throws {
        let (table, _) = try readCSV("a,b\n1,\n2,\n", options: options { $0.dialect.nullTokens = ["NA"] })
        #expect(table == (try Table([("a", Column(int64: [1, 2])), ("b", Column(string: [nil, nil]))])))
        let tokens = try readCSV("a,b\n1,NA\n2,\n", options: options { $0.dialect.nullTokens = ["NA"] })
        #expect(tokens.table == (try Table([("a", Column(int64: [1, 2])), ("b", Column(string: [nil, nil]))])))
    }

    @Test("quoted numbers are inferred as numbers")
    func quotedNumbers() throws {
        let (table, _) = try readCSV("a,b,c\n\"1\",\"2.5\",\"true\"\n\"-3\",\"4\",\"false\"\n")
        let expected = try Table([
            ("a", Column(int64: [1, -3])),
            ("b", Column(float64: [2.5, 4])),
            ("c", Column(bool: [true, false])),
        ])
        #expect(table == expected)
    }

    @Test("quoted dates, timestamps and bools are inferred and read; null tokens work in every type")
    func quotedOtherTypes() throws {
        let text = "d,t,b\n\"2024-01-02\",\"2024-01-02 03:04:05\",\"true\"\nNA,NA,NA\n2024-01-03,\"2024-01-03\",False\n"
        let (table, _) = try readCSV(text, options: options { $0.dialect.nullTokens = ["NA"] })
        let expected = try Table([
            ("d", Column(date: [day(2024, 1, 2), nil, day(2024, 1, 3)])),
            ("t", Column(timestamp: [micros(2024, 1, 2, 3, 4, 5), nil, micros(2024, 1, 3)])),
            ("b", Column(bool: [true, nil, false])),
        ])
        #expect(table == expected)
    }

    @Test("with inferenceRows 0 every undeclared column is a string")
    func noInference() throws {
        let (table, _) = try readCSV("a,b\n1,2\n", options: options { $0.inferenceRows = 0; $0.schemaOverride = Schema([Field("b", .int64)]) })
        #expect(table == (try Table([("a", Column(string: ["1"])), ("b", Column(int64: [2]))])))
    }

    @Test("inference looks only at the first inferenceRows rows")
    func inferenceRowsLimit() throws {
        let text = "a,b\n1,x\n2,y\n3.5,z\n"
        let sampledAll = try readCSV(text)
        #expect(sampledAll.table.schema == Schema([Field("a", .float64), Field("b", .string)]))

        let limited = options { $0.inferenceRows = 2 }
        let error = readError(text, options: limited)
        #expect(error?.code == .typeMismatch)
        #expect(error?.line == 4 && error?.column == 1)
        #expect(error?.message == "column \"a\" expects int64, found \"3.5\"")
        #expect(error?.hint == "the type was inferred from the first rows; declare `a:float64` with --schema, or sample more rows with --infer-rows")
        #expect(error?.widenedField == Field("a", .float64))
        // An inferred column's misfit stops the read even when bad rows are skipped: the
        // caller must widen and read again.
        var skipping = limited
        skipping.badRows = .skip
        #expect(readError(text, options: skipping)?.code == .typeMismatch)
    }

    @Test("a partial schema override types the named columns and infers the rest")
    func partialOverride() throws {
        let schema = try Schema(parsing: "a:string, c:float64")
        let (table, _) = try readCSV("a,b,c\n1,2,3\n01,4,\n", options: options { $0.schemaOverride = schema })
        let expected = try Table([
            ("a", Column(string: ["1", "01"])),
            ("b", Column(int64: [2, 4])),
            ("c", Column(float64: [3, nil])),
        ])
        #expect(table == expected)
        // A timestamp column accepts plain dates, as midnight.
        let t = try readCSV("t\n2024-01-02\n2024-01-02T10:00:00Z\n", options: options { $0.schemaOverride = Schema([Field("t", .timestamp)]) })
        #expect(t.table == (try Table([("t", Column(timestamp: [micros(2024, 1, 2), micros(2024, 1, 2, 10)]))])))
    }

    @Test("an override naming a missing column fails with a suggestion")
    func unknownOverrideColumn() {
        let error = readError("user_id,total\n1,2\n", options: options { $0.schemaOverride = Schema([Field("userid", .int64)]) })
        #expect(error?.code == .unknownColumn)
        #expect(error?.description == """
        t.csv: error: the schema names column "userid", which the file does not have (columns: user_id, total)
          hint: did you mean `user_id`?
        """)
        let far = readError("a,b\n1,2\n", options: options { $0.schemaOverride = Schema([Field("zzzzzz", .int64)]) })
        #expect(far?.code == .unknownColumn)
        #expect(far?.hint == nil)
    }
}

@Suite("TableFile.read: widening after the inference sample", .serialized)
struct CSVWideningTests {
    @Test("an int column that meets 2.5 later is read again as float64, with a note")
    func widensToFloat() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("n.csv")
        try writeFile(path, Array("id,n\n1,10\n2,20\n3,30\n4,2.5\n5,\n".utf8))
        let (table, report) = try TableFile.read(path: path, options: ReadOptions(inferenceRows: 2))
        let expected = try Table([("id", Column(int64: [1, 2, 3, 4, 5])), ("n", Column(float64: [10, 20, 30, 2.5, nil]))])
        #expect(table == expected)
        #expect(report.notes == ["column \"n\" read as float64: \(path):5 holds a value the first rows did not predict"])
        #expect(report.rows == 5)
    }

    @Test("a value that needs a string widens the column to string; several columns widen in turn")
    func widensToString() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("s.csv")
        try writeFile(path, Array("a,b\n1,2024-01-01\n2,2024-01-02\n3,2024-01-03T04:05:06Z\nn/a,x\n".utf8))
        let (table, report) = try TableFile.read(path: path, options: ReadOptions(inferenceRows: 1))
        let expected = try Table([
            ("a", Column(string: ["1", "2", "3", "n/a"])),
            ("b", Column(string: ["2024-01-01", "2024-01-02", "2024-01-03T04:05:06Z", "x"])),
        ])
        #expect(table == expected)
        #expect(report.notes == [
            "column \"b\" read as timestamp: \(path):4 holds a value the first rows did not predict",
            "column \"a\" read as string: \(path):5 holds a value the first rows did not predict",
            "column \"b\" read as string: \(path):5 holds a value the first rows did not predict",
        ])
    }

    @Test("a column widened once widens again, also when bad rows are skipped")
    func widensTwice() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("w.csv")
        try writeFile(path, Array("id,n\n1,10\n2,2.5\n3,abc\n4,5,extra\n".utf8))
        for policy in [BadRowPolicy.error, .skip] {
            if policy == .error {
                #expect(throws: FormatError.self) { try TableFile.read(path: path, options: ReadOptions(inferenceRows: 1)) }
                continue
            }
            let (table, report) = try TableFile.read(path: path, options: ReadOptions(inferenceRows: 1, badRows: policy))
            let expected = try Table([("id", Column(int64: [1, 2, 3])), ("n", Column(string: ["10", "2.5", "abc"]))])
            #expect(table == expected)
            #expect(report.skippedRows == 1)
            #expect(report.notes.count == 2)
        }
    }

    @Test("a declared column is not widened: the misfit is an error")
    func declaredColumnIsNotWidened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("d.csv")
        try writeFile(path, Array("a\n1\nx\n".utf8))
        #expect {
            _ = try TableFile.read(path: path, options: ReadOptions(schemaOverride: Schema([Field("a", .int64)])))
        } throws: { error in
            let error = error as? FormatError
            return error?.code == .typeMismatch && error?.line == 3 && error?.widenedField == nil
        }
    }
}
