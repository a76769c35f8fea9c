import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

/// The Python with pyarrow, DuckDB and polars (`make test` sets it); a missing one fails.
private func testPython() throws -> String {
    guard let python = ProcessInfo.processInfo.environment["SLUICE_TEST_PYTHON"], !python.isEmpty else {
        Issue.record("SLUICE_TEST_PYTHON is not set: run `make test`, or export SLUICE_TEST_PYTHON=\"$(bash scripts/test-venv.sh)\"")
        throw FormatError(.io, file: "SLUICE_TEST_PYTHON", message: "not set")
    }
    return python
}

/// Runs the interop script; returns its exit status and output.
private func runScript(_ arguments: [String]) throws -> (Int32, String) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parquet_interop.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try testPython())
    process.arguments = [script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

@Suite("ParquetInterop")
struct ParquetInteropTests {
    @Test("files pyarrow writes read with the types pyarrow reports, and Sluice's rewrite reads back equal in pyarrow, DuckDB and polars")
    func roundTripThroughPeers() throws {
        let directory = try TemporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory.path) }
        let (status, output) = try runScript(["write", directory.path])
        try #require(status == 0, "fixture script failed: \(output)")
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: directory.file("manifest.json")))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: [String: String]])
        try #require(manifest.count >= 25)
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
        let codecs: [ParquetCompression] = [.snappy, .uncompressed, .gzip, .zstd, .lz4Raw]
        for (n, name) in manifest.keys.sorted().enumerated() {
            let path = directory.file(name)
            let (table, _) = try ParquetReader.readTable(path: path)
            let types = try #require(manifest[name])
            let expected = try JSONSerialization.jsonObject(with: manifestData) as! [String: Any]
            _ = expected
            #expect(table.schema.fields.map(\.name).sorted() == types.keys.sorted(), "\(name)")
            for field in table.schema.fields {
                #expect(field.type.description == types[field.name], "\(name): column \(field.name) read as \(field.type)")
            }
            // Reading row group by row group gives the same table.
            var reader = try ParquetReader(path: path, options: ReadOptions(batchSize: 97))
            var batches: [Table] = []
            while let batch = try reader.next() { batches.append(batch) }
            if table.rowCount > 0 { #expect(try Table.concatenating(batches) == table, "\(name): batches differ from the whole read") }
            // Write it back with every codec in turn, in small row groups for some files.
            var options = ParquetWriteOptions(compression: codecs[n % codecs.count])
            if n % 3 == 0 { options.rowGroupSize = 17 }
            if n % 4 == 1 { options.dictionaryPageSizeLimit = 64 }
            options.dataPageSize = n % 2 == 0 ? 256 : 1 << 20
            var writer = ParquetWriter(output: try OutputFile(path: directory.file("out/" + name)), options: options)
            for batch in batches { try writer.write(batch) }
            try writer.finish()
            let (reread, _) = try ParquetReader.readTable(path: directory.file("out/" + name))
            #expect(reread == table, "\(name): Sluice does not read back what it wrote")
        }
        let (checked, report) = try runScript(["check", directory.path])
        #expect(checked == 0, "\(report)")
    }

    @Test("a projection reads only the columns asked for, equal to the same columns of the whole file")
    func projection() throws {
        let directory = try TemporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory.path) }
        let (status, output) = try runScript(["write", directory.path])
        try #require(status == 0, "fixture script failed: \(output)")
        let path = directory.file("all_snappy_v2_dict.parquet")
        let (whole, _) = try ParquetReader.readTable(path: path)
        var options = ReadOptions()
        options.columns = ["s", "i64"]
        let (projected, _) = try ParquetReader.readTable(path: path, options: options)
        #expect(projected.schema.names == ["i64", "s"])
        #expect(projected == (try whole.selecting(["i64", "s"])))
        options.columns = ["nope"]
        #expect(throws: FormatError.self) { _ = try ParquetReader.readTable(path: path, options: options) }
    }
}

@Suite("ParquetNested")
struct ParquetNestedTests {
    @Test("structs, maps, lists of structs and nested lists read as the JSON of what pyarrow reports, with a note per column")
    func nestedColumnsAsJSON() throws {
        let directory = try TemporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory.path) }
        let (status, output) = try runScript(["nested", directory.path])
        try #require(status == 0, "fixture script failed: \(output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("nested.json")))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [Any]]])
        try #require(expected.count == 7)
        for (name, columns) in expected.sorted(by: { $0.key < $1.key }) {
            let (table, report) = try ParquetReader.readTable(path: directory.file(name))
            for (column, cells) in columns {
                let values = try table.column(column)
                #expect(values.type == .string, "\(name): \(column)")
                #expect(values.count == cells.count, "\(name): \(column)")
                for (row, cell) in cells.enumerated() where row < values.count {
                    let want: Value = (cell as? String).map { .string($0) } ?? .null
                    #expect(values.value(at: row) == want, "\(name): \(column)[\(row)]")
                }
                #expect(report.notes.filter { $0.contains("column \"\(column)\" is nested") }.count == 1, "\(name): \(report.notes)")
            }
            // Projection of one nested column, and row group by row group reading, agree.
            var options = ReadOptions(batchSize: 13)
            options.columns = [columns.keys.sorted()[0]]
            var reader = try ParquetReader(path: directory.file(name), options: options)
            var batches: [Table] = []
            while let batch = try reader.next() { batches.append(batch) }
            #expect(try Table.concatenating(batches) == table.selecting(options.columns!), "\(name)")
        }
    }
}

@Suite("ParquetArrowSchema")
struct ParquetArrowSchemaTests {
    @Test("the ARROW:schema entry restores what Parquet types leave open: INT96 units, durations, an INT64 Arrow calls a timestamp")
    func arrowSchemaRestoresTypes() throws {
        let directory = try TemporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory.path) }
        let (status, output) = try runScript(["arrow", directory.path])
        try #require(status == 0, "fixture script failed: \(output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("arrow.json")))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        try #require(expected.count == 5)
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let (table, report) = try ParquetReader.readTable(path: directory.file(name))
            let column = try table.column("t")
            #expect(column.type.description == want["type"] as? String, "\(name)")
            let values = try #require(want["values"] as? [Any])
            for (row, value) in values.enumerated() {
                let number = (value as? NSNumber)?.int64Value
                let cell: Value = number.map { column.type == .timestamp ? .timestamp($0) : .int64($0) } ?? .null
                #expect(column.value(at: row) == cell, "\(name)[\(row)]")
            }
            if let note = want["note"] as? String {
                #expect(report.notes.contains { $0.contains(note) }, "\(name): \(report.notes)")
            } else {
                #expect(report.notes.isEmpty, "\(name): \(report.notes)")
            }
        }
    }

    @Test("a damaged or foreign ARROW:schema entry is ignored")
    func damagedEntryIgnored() {
        #expect(ParquetArrowSchema(metadata: [("ARROW:schema", "not base64!")]) == nil)
        #expect(ParquetArrowSchema(metadata: [("ARROW:schema", "AAAA")]) == nil)
        #expect(ParquetArrowSchema(metadata: [("ARROW:schema", "/////wAAAAA=")]) == nil)
        #expect(ParquetArrowSchema(metadata: [("other", "x")]) == nil)
    }
}

@Suite("ParquetDataset")
struct ParquetDatasetTests {
    @Test("a Hive-partitioned directory pyarrow writes reads as one table with its partition columns")
    func hivePartitions() throws {
        let directory = try TemporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory.path) }
        let (status, output) = try runScript(["write", directory.path])
        try #require(status == 0, "fixture script failed: \(output)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("dataset.json")))) as? [String: Any])
        let (table, _) = try TableFile.read(path: directory.file("dataset"))
        #expect(table.schema.names == expected["columns"] as? [String])
        #expect(table.schema.fields.map(\.type.description) == expected["types"] as? [String])
        #expect(table.rowCount == expected["rows"] as? Int)
        let v = try table.column("v").withUnsafeValues(as: Int64.self) { $0.reduce(0, +) }
        #expect(Int(v) == expected["v_sum"] as? Int)
        let part = try table.column("part").withUnsafeValues(as: Int64.self) { $0.reduce(0, +) }
        #expect(Int(part) == expected["part_sum"] as? Int)
        let region = try table.column("region")
        #expect(region.nullCount == expected["region_nulls"] as? Int)
        let firstValue = try #require((0..<region.count).first { !region.isNull($0) })
        #expect(region.value(at: firstValue) == .string("eu/west"))   // unescaped from eu%2Fwest
        // Projection of a file column and a partition column.
        var options = ReadOptions()
        options.columns = ["ds", "v"]
        let (projected, _) = try TableFile.read(path: directory.file("dataset"), options: options)
        #expect(projected.schema.names == ["v", "ds"])
        #expect(projected.rowCount == table.rowCount)
    }
}
