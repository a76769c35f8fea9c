import SluiceCore
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SluiceFormats
import SluiceTestSupport

@Suite("ParquetPartitionWriter")
struct ParquetPartitionWriterTests {
    private func table(_ values: [Int64]) throws -> Table {
        var builder = ColumnBuilder(type: .int64)
        for v in values { builder.append(int64: v) }
        return try Table([("v", builder.finish())])
    }

    @Test("a path ending in / is a partition replaced whole on rerun; the dataset reads every partition with its key")
    func rerunReplacesThePartition() throws {
        let directory = try TemporaryDirectory()
        defer { try? ParquetPartitionWriter.removeTree(directory.path) }
        let root = directory.file("lake/orders")
        try TableFile.write(try table([1, 2, 3]), to: root + "/ds=2024-06-01/")
        try TableFile.write(try table([10, 20]), to: root + "/ds=2024-06-02/")
        try TableFile.write(try table([4, 5]), to: root + "/ds=2024-06-01/")   // the rerun
        let (dataset, _) = try TableFile.read(path: root)
        #expect(dataset.schema.names == ["v", "ds"])
        #expect(dataset.rowCount == 4)
        let values = try dataset.column("v").withUnsafeValues(as: Int64.self) { Array($0) }
        #expect(values == [4, 5, 10, 20])
        // Nothing but the two partitions, each with one file: no staging directory left.
        let partitions = try TemporaryDirectoryListing.entries(root)
        #expect(partitions == ["ds=2024-06-01", "ds=2024-06-02"])
        #expect(try TemporaryDirectoryListing.entries(root + "/ds=2024-06-01") == ["part-0.parquet"])
        #expect(throws: FormatError.self) { try TableFile.write(try table([1]), to: root + "/ds=x/", format: .csv) }
    }

    @Test("partitionedBy splits a table by its key columns, escaping values; reading the root gives the rows back")
    func partitionBy() throws {
        let directory = try TemporaryDirectory()
        defer { try? ParquetPartitionWriter.removeTree(directory.path) }
        var ds = ColumnBuilder(type: .string), region = ColumnBuilder(type: .string), v = ColumnBuilder(type: .int64)
        for (d, r, x) in [("2024-06-01", "eu/west", 1), ("2024-06-02", nil, 2), ("2024-06-01", "eu/west", 3), ("2024-06-01", "日本", 4)] as [(String, String?, Int64)] {
            ds.append(string: d)
            if let r { region.append(string: r) } else { region.appendNull() }
            v.append(int64: x)
        }
        let table = try Table([("ds", ds.finish()), ("region", region.finish()), ("v", v.finish())])
        let root = directory.file("lake")
        let written = try ParquetPartitionWriter.write(table, partitionedBy: ["ds", "region"], under: root + "/")
        #expect(written == [root + "/ds=2024-06-01/region=eu%2Fwest/", root + "/ds=2024-06-02/region=__HIVE_DEFAULT_PARTITION__/",
                            root + "/ds=2024-06-01/region=日本/"])
        let (back, _) = try TableFile.read(path: root, options: ReadOptions(batchSize: 2))
        #expect(back.schema.names == ["v", "ds", "region"])
        #expect(back.rowCount == 4)
        var rows: [String] = []
        for i in 0..<back.rowCount { rows.append(back.row(i).map(\.description).joined(separator: "|")) }
        #expect(rows.sorted() == ["1|2024-06-01|eu/west", "2|2024-06-02|null", "3|2024-06-01|eu/west", "4|2024-06-01|日本"])
        #expect(throws: FormatError.self) { try ParquetPartitionWriter.write(table, partitionedBy: ["nope"], under: root) }
    }
}

/// Names in a directory, hidden ones included, sorted.
enum TemporaryDirectoryListing {
    static func entries(_ path: String) throws -> [String] {
        guard let handle = opendir(path) else { throw FormatError(.io, file: path, message: "cannot list") }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
