import SluiceCore
import Testing
@testable import SluiceFormats
import SluiceTestSupport

/// A table of every Sluice type with nulls, empty and non-ASCII strings, and edge numbers.
func parquetSampleTable(rows: Int, seed: UInt64 = 7) throws -> Table {
    var random = SplitMix64(seed: seed)
    var ints = ColumnBuilder(type: .int64), floats = ColumnBuilder(type: .float64), strings = ColumnBuilder(type: .string)
    var lowCardinality = ColumnBuilder(type: .string)
    var bools = ColumnBuilder(type: .bool), dates = ColumnBuilder(type: .date), stamps = ColumnBuilder(type: .timestamp)
    let specialFloats: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, .greatestFiniteMagnitude]
    for i in 0..<rows {
        let r = random.next()
        if r % 7 == 0 { ints.appendNull() } else { ints.append(int64: i % 11 == 0 ? (i % 2 == 0 ? .max : .min) : Int64(bitPattern: r)) }
        if r % 5 == 0 { floats.appendNull() } else { floats.append(float64: i % 13 == 0 ? specialFloats[i % specialFloats.count] : Double(Int64(r % 10_000)) / 7) }
        if r % 9 == 0 { strings.appendNull() } else { strings.append(string: i % 10 == 0 ? "" : "v\(r % 1000)-é✓" + String(repeating: "x", count: Int(r % 40))) }
        if r % 4 == 0 { lowCardinality.appendNull() } else { lowCardinality.append(string: ["red", "green", "blue"][i % 3]) }
        if r % 6 == 0 { bools.appendNull() } else { bools.append(bool: r & 1 == 0) }
        if r % 8 == 0 { dates.appendNull() } else { dates.append(date: Int32(truncatingIfNeeded: Int64(r % 4_000_000)) - 1_000_000) }
        if r % 3 == 0 { stamps.appendNull() } else { stamps.append(timestamp: Int64(r % 1_000_000_000_000_000) - 400_000_000_000_000) }
    }
    return try Table([("i", ints.finish()), ("f", floats.finish()), ("s", strings.finish()), ("color", lowCardinality.finish()),
                      ("b", bools.finish()), ("d", dates.finish()), ("t", stamps.finish())])
}

/// The bytes of `table` written as Parquet.
func parquetBytes(_ table: Table, options: ParquetWriteOptions = ParquetWriteOptions()) throws -> [UInt8] {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    let path = directory.file("t.parquet")
    var writer = ParquetWriter(output: try OutputFile(path: path), options: options)
    try writer.write(table)
    try writer.finish()
    return try readFile(path)
}

func readParquet(_ bytes: [UInt8]) throws -> Table {
    let reader = try ParquetReader(source: MemoryByteSource(bytes, name: "t.parquet"))
    return try reader.readRowGroups(0..<reader.rowGroupCount)
}

@Suite("ParquetCodec")
struct ParquetCodecTests {
    @Test("Sluice reads back what it writes, for every codec and sizes around word and group boundaries",
          arguments: [0, 1, 63, 64, 65, 1000])
    func roundTrip(rows: Int) throws {
        let table = try parquetSampleTable(rows: rows)
        for codec in [ParquetCompression.uncompressed, .snappy, .gzip, .zstd, .lz4Raw] {
            var options = ParquetWriteOptions(compression: codec, rowGroupSize: 300)
            options.dataPageSize = 512
            let bytes = try parquetBytes(table, options: options)
            #expect(try readParquet(bytes) == table, "codec \(codec)")
            // Batches smaller and larger than a row group: bounded, in order, nothing lost.
            for batchSize in [50, 700] {
                var reader = try ParquetReader(source: MemoryByteSource(bytes, name: "t.parquet"), options: ReadOptions(batchSize: batchSize))
                var batches: [Table] = []
                while let batch = try reader.next() {
                    #expect(batch.rowCount <= batchSize)
                    batches.append(batch)
                }
                if rows > 0 { #expect(try Table.concatenating(batches) == table) } else { #expect(batches.isEmpty) }
            }
        }
    }

    @Test("the footer survives an encode/decode round trip")
    func footerRoundTrip() throws {
        let bytes = try parquetBytes(parquetSampleTable(rows: 100))
        let reader = try ParquetReader(source: MemoryByteSource(bytes, name: "t.parquet"))
        let encoded = reader.metadata.encoded()
        let decoded = try encoded.withUnsafeBytes { try ParquetFileMetaData(bytes: $0) }
        #expect(decoded == reader.metadata)
        #expect(decoded.rowGroups[0].columns[0].metaData?.statistics?.nullCount != nil)
    }

    @Test("hybrid RLE/bit-packed encoding round-trips", arguments: [0, 1, 7, 8, 9, 63, 64, 65, 1000])
    func hybridRoundTrip(count: Int) throws {
        var random = SplitMix64(seed: UInt64(count))
        for width in [1, 2, 3, 5, 8, 13, 20, 32] {
            let limit: UInt64 = width == 32 ? UInt64(UInt32.max) + 1 : 1 << UInt64(width)
            var values: [UInt32] = []
            while values.count < count {
                let v = UInt32(random.next() % limit)
                let run = Int(random.next() % 20)
                values.append(contentsOf: repeatElement(v, count: Swift.min(run + 1, count - values.count)))
            }
            let buffer = RawBuffer()
            values.withUnsafeBufferPointer { ParquetHybridEncoder.encode($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: count, bitWidth: width, into: buffer) }
            var decoded = [UInt32](repeating: 0, count: count)
            var decoder = try ParquetHybridDecoder(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.count), bitWidth: width)
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!, count: count) }
            #expect(decoded == values, "width \(width)")
        }
    }

    @Test("hostile Thrift: lengths past the end, deep nesting and unknown types are errors")
    func hostileThrift() {
        let cases: [[UInt8]] = [
            [0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0x0F],                  // a list of 2^32 structs in 6 bytes
            [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x41],            // a 4 GiB string
            Array(repeating: 0x1C, count: 200),                     // structs nested 200 deep
            [0x1D],                                                 // type code 13
            [0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // an 11-byte varint
            [],
        ]
        for bytes in cases {
            #expect(throws: ThriftError.self) { _ = try bytes.withUnsafeBytes { try ParquetFileMetaData(bytes: $0) } }
        }
    }

    @Test("a file that is not Parquet, or cut short, says so")
    func notParquet() throws {
        let error = #expect(throws: FormatError.self) { _ = try readParquet(Array("a,b\n1,2\n3,4\n".utf8)) }
        #expect(error?.description.contains("not a Parquet file") == true)
        let bytes = try parquetBytes(parquetSampleTable(rows: 10))
        let cut = #expect(throws: FormatError.self) { _ = try readParquet(Array(bytes.prefix(bytes.count - 3))) }
        #expect(cut?.description.contains("truncated Parquet file") == true)
    }

    @Test("damage inside a page names the row group, column and page")
    func damageIsLocated() throws {
        var bytes = try parquetBytes(parquetSampleTable(rows: 200), options: ParquetWriteOptions(compression: .snappy))
        // The first page header starts right after "PAR1": make its compressed size huge.
        let reader = try ParquetReader(source: MemoryByteSource(bytes, name: "t.parquet"))
        let offset = Int(reader.metadata.rowGroups[0].columns[0].metaData!.dataPageOffset)
        bytes[offset + 20] ^= 0xFF
        bytes[offset + 21] ^= 0xFF
        bytes[offset + 22] ^= 0xFF
        do {
            _ = try readParquet(bytes)
        } catch let error as FormatError {
            #expect(error.code == .corruptFile)
            #expect(error.description.contains("row group 1 of 1, column \"i\""), "\(error)")
        }
    }
}
