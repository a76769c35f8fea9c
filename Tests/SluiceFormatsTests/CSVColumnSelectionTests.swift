import Foundation
import SluiceCore
@testable import SluiceFormats
import Testing
import SluiceTestSupport

/// Reading only some columns must give exactly the full read's columns, whatever
/// the skipped columns hold (quotes, line breaks, nulls) and however the read runs.
@Suite("CSVReader: reading only some columns")
struct CSVColumnSelectionTests {
    func selected(_ table: Table, _ names: [String]) throws -> Table {
        try Table(zip(table.schema.names, table.columns).filter { names.contains($0.0) })
    }

    @Test("generated users and orders: whole, split and batched reads of a selection equal the selected full read",
          arguments: [["id"], ["email", "created_at"], ["created_at", "id"], ["total"], ["user_id", "total"]])
    func generated(columns: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try UsersOrdersGenerator(users: 5_000, seed: 11).write(to: directory.path)
        for name in ["users.csv", "orders.csv"] {
            let path = directory.file(name)
            let (full, _) = try CSVReader.readTable(path: path, splitThreshold: Int.max)
            let header = full.schema.names
            guard columns.allSatisfy(header.contains) else { continue }
            var options = CSVReadOptions()
            options.columns = columns
            let expected = try selected(full, columns)
            for threshold in [1, Int.max] {
                let (table, report) = try CSVReader.readTable(path: path, options: options, splitThreshold: threshold)
                #expect(table == expected, "\(name) \(columns) split \(threshold)")
                #expect(report.rows == full.rowCount)
            }
            options.batchSize = 777
            var reader = try CSVReader(source: FileByteSource(path: path), options: options)
            #expect(reader.schema.names == header.filter(columns.contains))
            var batches: [Table] = []
            while let batch = try reader.next() { batches.append(batch) }
            #expect(try Table.concatenating(batches) == expected)
        }
    }

    @Test("small windows and odd read sizes: skipped quoted fields that cross the window are found again", arguments: [16, 64])
    func smallWindows(windowSize: Int) throws {
        var rng = SplitMix64(seed: UInt64(windowSize))
        var text = "id,note,score\n"
        for i in 0..<400 {
            let note = ["", "plain", "\"two\nlines, \"\"quoted\"\"\"", "\"\"", "\"a,b\""][rng.next(below: 5)]
            text += "\(i),\(note),\(rng.next(below: 3) == 0 ? "" : String(rng.next(below: 100)))\n"
        }
        let (full, _) = try readCSV(text)
        var options = CSVReadOptions()
        options.columns = ["id", "score"]
        let (table, report) = try readCSV(text, options: options, windowSize: windowSize, chunkSizes: [1, 7, 3])
        #expect(table == (try selected(full, ["id", "score"])))
        #expect(report.rows == 400)
    }

    @Test("skipped columns still find quoted fields, line breaks and field-count errors; unknown names are errors")
    func skippedFields() throws {
        let text = "a,b,c\n1,\"x,\n\"\"y\"\"\",2.5\n2,,\n3,plain,4\n"
        var options = CSVReadOptions()
        options.columns = ["a", "c"]
        var reader = try CSVReader(source: MemoryByteSource(Array(text.utf8)), options: options)
        let table = try #require(try reader.next())
        #expect(table.schema.names == ["a", "c"])
        #expect(table.columns[0] == Column(int64: [1, 2, 3]))
        #expect(table.columns[1] == Column(float64: [2.5, nil, 4]))

        let short = "a,b,c\n1,\"x\",2\n2,\"y\"\n"
        var strict = try CSVReader(source: MemoryByteSource(Array(short.utf8)), options: options)
        #expect { try strict.next() } throws: { error in
            (error as? FormatError)?.code == .fieldCount && (error as? FormatError)?.line == 3
        }
        let stray = "a,b,c\n1,x\"y,2\n"
        var strayReader = try CSVReader(source: MemoryByteSource(Array(stray.utf8)), options: options)
        #expect(throws: FormatError.self) { try strayReader.next() }
        let open = "a,b,c\n1,\"never closed,2\n"
        var openReader = try CSVReader(source: MemoryByteSource(Array(open.utf8)), options: options)
        #expect(throws: FormatError.self) { try openReader.next() }

        options.columns = ["a", "cc"]
        #expect { try CSVReader(source: MemoryByteSource(Array(text.utf8)), options: options) } throws: { error in
            (error as? FormatError)?.code == .unknownColumn && (error as? FormatError)?.hint == "did you mean `c`?"
        }
    }
}
