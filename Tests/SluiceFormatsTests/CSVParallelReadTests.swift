import Foundation
import SluiceCore
@testable import SluiceFormats
import Testing
import SluiceTestSupport

/// Whole-file reads split the file in two and parse the halves at once; the
/// result must be exactly the sequential read's, wherever the split falls.
@Suite("CSVReader: parallel whole-file reads")
struct CSVParallelReadTests {
    /// Reads `path` one batch at a time, on one thread (the reference).
    func sequential(_ path: String, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        var reader = try CSVReader(source: FileByteSource(path: path), options: options)
        var batches: [Table] = []
        while let batch = try reader.next() { batches.append(batch) }
        return try Table.concatenating(batches)
    }

    @Test("generated users and orders: split reads equal sequential reads", arguments: [1, 4096, 1 << 20])
    func generatedData(splitThreshold: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try UsersOrdersGenerator(users: 20_000, seed: 7).write(to: directory.path)
        for name in ["users.csv", "orders.csv"] {
            let path = directory.file(name)
            let (table, report) = try CSVReader.readTable(path: path, splitThreshold: splitThreshold)
            let reference = try sequential(path)
            #expect(table.rowCount == reference.rowCount)
            #expect(table == reference, "\(name) split at threshold \(splitThreshold) differs")
            #expect(report.rows == reference.rowCount)
        }
    }

    @Test("CRLF line ends, blank lines, quoted line breaks and nulls split the same as they read whole",
          arguments: [1, 777, 5_000])
    func mixedLineEnds(seed: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var rng = SplitMix64(seed: UInt64(seed))
        var text = "id,name,score\r\n"
        for i in 0..<3_000 {
            let name: String
            switch rng.next(below: 6) {
            case 0: name = ""
            case 1: name = "\"two\r\nlines\""
            case 2: name = "\"a, \"\"quoted\"\" one\""
            default: name = "n\(i)"
            }
            let score = rng.next(below: 5) == 0 ? "" : "\(rng.next(below: 1000)).\(rng.next(below: 10))"
            text += "\(i),\(name),\(score)" + (rng.next(below: 2) == 0 ? "\r\n" : "\n")
            if rng.next(below: 50) == 0 { text += "\n" }
        }
        let path = directory.file("mixed.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (table, report) = try CSVReader.readTable(path: path, splitThreshold: 1)
        let reference = try sequential(path)
        #expect(table.rowCount == 3_000)
        #expect(table == reference)
        #expect(report.rows == 3_000)
    }

    @Test("a split guessed inside a quoted field is detected and the file read whole")
    func splitInsideQuotes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        // The middle of the file is deep inside one quoted field full of line breaks,
        // so the first line break after the middle is not a row boundary.
        let inner = String(repeating: "line,with \"\"quotes\"\"\n", count: 400)
        var text = "id,note\n"
        for i in 0..<50 { text += "\(i),short\n" }
        text += "50,\"\(inner)\"\n"
        for i in 51..<100 { text += "\(i),tail\n" }
        let path = directory.file("quoted.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (table, _) = try CSVReader.readTable(path: path, splitThreshold: 1)
        #expect(table == (try sequential(path)))
        #expect(table.rowCount == 100)
        #expect(try table.column("note").value(at: 50) == .string(inner.replacingOccurrences(of: "\"\"", with: "\"")))
    }

    @Test("an error in the second half reports its line counted from the file's start")
    func secondHalfErrorLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var text = "id,total\n"
        for i in 1...2000 { text += "\(i),\(i).5\n" }
        text += "2001,oops\n"
        for i in 2002...2100 { text += "\(i),1.5\n" }
        let path = directory.file("bad.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var options = CSVReadOptions()
        options.schemaOverride = try Schema(parsing: "total:float64")
        #expect {
            _ = try CSVReader.readTable(path: path, options: options, splitThreshold: 1)
        } throws: { error in
            guard let error = error as? FormatError else { return false }
            return error.code == .typeMismatch && error.line == 2002 && error.column == 6
        }
    }

    @Test("writing then reading generated data in batches is byte-identical (buffers that grow keep every byte)",
          arguments: [997, 7_000, 65_536])
    func convertRoundTripBytes(batchSize: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try UsersOrdersGenerator(users: 60_000, seed: 3).write(to: directory.path)
        let input = directory.file("users.csv"), output = directory.file("copy.csv")
        // Keep created_at as text so the output spells it as the input does.
        let options = ReadOptions(schemaOverride: try Schema(parsing: "created_at:string"), batchSize: batchSize)
        let summary = try TableFile.convert(input: input, output: output, options: options)
        #expect(summary.rows == 60_000)
        let original = try Data(contentsOf: URL(fileURLWithPath: input))
        let copy = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(original == copy)
    }
}
