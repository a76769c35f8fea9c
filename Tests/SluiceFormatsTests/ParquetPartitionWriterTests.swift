import SluiceCore
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SluiceFormats

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
