import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

@Suite("RowGroupFilter")
struct RowGroupFilterTests {
    /// 1,000 rows in row groups of 100: `i` = 0…999 ascending, `s` = "k000"…, `n` null in rows 300..<400 only.
    private func sortedFile() throws -> (TemporaryDirectory, String) {
        var ids = ColumnBuilder(type: .int64), names = ColumnBuilder(type: .string), maybe = ColumnBuilder(type: .float64)
        for i in 0..<1000 {
            ids.append(int64: Int64(i))
            names.append(string: "k" + String(repeating: "0", count: 3 - String(i).count) + String(i))
            if (300..<400).contains(i) { maybe.appendNull() } else { maybe.append(float64: Double(i) / 2) }
        }
        let table = try Table([("i", ids.finish()), ("s", names.finish()), ("n", maybe.finish())])
        let directory = try TemporaryDirectory()
        let path = directory.file("sorted.parquet")
        var writer = ParquetWriter(output: try OutputFile(path: path), options: ParquetWriteOptions(compression: .snappy, rowGroupSize: 100))
        try writer.write(table)
        try writer.finish()
        return (directory, path)
    }

    @Test("row groups whose statistics rule the filter out are not read; every matching row still is",
          arguments: [("i >= 950", 100, 50), ("950 <= i", 100, 50), ("i = 123", 100, 1), ("i between 150 and 250", 200, 101),
                      ("s < 'k100'", 100, 100), ("n is null", 100, 100), ("n is not null and i < 400", 300, 300),
                      ("i > 5000", 0, 0), ("i >= 950 or i < 10", 1000, 60), ("n > 450.0", 100, 99)])
    func skipping(filter: String, rowsRead: Int, matching: Int) throws {
        let (directory, path) = try sortedFile()
        defer { directory.cleanUp() }
        var options = ReadOptions()
        options.rowGroupFilter = RowGroupFilter(filter: filter)
        let (table, report) = try ParquetReader.readTable(path: path, options: options)
        #expect(table.rowCount == rowsRead, "\(report.notes)")
        // Filtering what was read gives exactly the rows the filter keeps from the whole file.
        let (all, _) = try ParquetReader.readTable(path: path)
        func kept(_ table: Table) throws -> Int {
            let mask = try BoundExpression(filter, schema: table.schema).evaluate(on: table)
            return mask.withUnsafeValues(as: UInt8.self) { values in
                (0..<mask.count).filter { !mask.isNull($0) && values[$0] != 0 }.count
            }
        }
        #expect(try kept(all) == matching)
        #expect(try kept(table) == matching)
    }

    @Test("the chunk observer sees only the row groups the filter keeps, for whole reads, batches and datasets")
    func skippedGroupsAreNotDecoded() throws {
        let (directory, path) = try sortedFile()
        defer { directory.cleanUp() }
        final class Seen: @unchecked Sendable {   // guarded by `lock`
            let lock = Lock()
            var chunks: [String] = []
            func add(_ s: String) { lock.locked { chunks.append(s) } }
        }
        let seen = Seen()
        var options = ReadOptions(batchSize: 150)
        options.rowGroupFilter = RowGroupFilter(filter: "i between 150 and 250 and s is not null")
        options.chunkObserver = { _, group, column in seen.add("\(group):\(column)") }
        _ = try ParquetReader.readTable(path: path, options: options)
        #expect(Set(seen.chunks) == ["1:i", "1:s", "1:n", "2:i", "2:s", "2:n"])
        #expect(seen.chunks.count == 6)
        seen.chunks = []
        options.columns = ["s"]
        var reader = try TableFile.openReader(path: path, options: options)
        var rows = 0
        while let batch = try reader.next() { rows += batch.rowCount }
        #expect(rows == 200)
        #expect(seen.chunks.sorted() == ["1:s", "2:s"])
        seen.chunks = []
        options.columns = nil
        options.rowGroupFilter = RowGroupFilter(filter: "i > 5000")
        #expect(try ParquetReader.readTable(path: path, options: options).0.rowCount == 0)
        #expect(seen.chunks.isEmpty)
    }
}
