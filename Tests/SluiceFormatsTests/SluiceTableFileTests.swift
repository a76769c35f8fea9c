import SluiceCore
import Testing
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
import SluiceTestSupport
#endif

/// Writes `tables` as batches of one `.sluice` file and returns its bytes.
func sluiceBytes(_ tables: [Table]) throws -> [UInt8] {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    let path = directory.file("t.sluice")
    var writer = SluiceTableWriter(output: try OutputFile(path: path))
    for table in tables { try writer.write(table) }
    try writer.finish()
    return try readFile(path)
}

/// Reads a whole `.sluice` file from memory.
private func readSluice(_ bytes: [UInt8], name: String = "t.sluice") throws -> Table {
    let reader = try SluiceTableReader(source: MemoryByteSource(bytes, name: name))
    return try reader.readBatches(0..<reader.batchCount)
}

/// The `.corruptFile` error reading `bytes` gives, or `nil` when it reads.
private func sluiceError(_ bytes: [UInt8]) -> FormatError? {
    do {
        _ = try readSluice(bytes)
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return FormatError(.io, file: "?", message: "unexpected error \(error)")
    }
}

@Suite("SluiceTable")
struct SluiceTableFileTests {
    @Test("XXH64 matches the published test vectors")
    func xxh64Vectors() {
        func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
            Array(text.utf8).withUnsafeBytes { XXHash64.hash($0, seed: seed) }
        }
        #expect(hash("") == 0xEF46_DB37_51D8_E999)
        #expect(hash("a") == 0xD24E_C4F1_A98C_6E5B)
        #expect(hash("abc") == 0x44BC_2CF5_AD77_0999)
        #expect(hash("abc", seed: 12345) == 0x0170_0E64_F6F2_3509)
        #expect(hash("Nobody inspects the spammish repetition") == 0xFBCE_A83C_8A37_8BF1)
        #expect(hash("The quick brown fox jumps over the lazy dog") == 0x0B24_2D36_1FDA_71BC)
    }

    @Test("every type with nulls round-trips", arguments: [0, 1, 63, 64, 65, 65_537, 140_001])
    func roundTrip(rows: Int) throws {
        let table = try randomTable(rows: rows, seed: UInt64(rows) + 7)
        let back = try readSluice(try sluiceBytes([table]))
        #expect(back == table)
        #expect(back.schema == table.schema)
        for (a, b) in zip(back.columns, table.columns) { #expect(a.nullCount == b.nullCount) }
    }

    @Test("float bit patterns survive: -0.0, NaN, infinities, subnormals")
    func floatBits() throws {
        let values: [Double?] = [-0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, nil, 0.1 + 0.2]
        let back = try readSluice(try sluiceBytes([try Table([("f", Column(float64: values))])]))
        let bits = try back.column("f").withUnsafeValues(as: Double.self) { $0.map(\.bitPattern) }
        #expect(bits == values.map { ($0 ?? 0).bitPattern })
        #expect(try back.column("f").isNull(5))
    }

    @Test("strings: unicode, empty and null stay apart; a column of only empty strings has no bytes")
    func strings() throws {
        let values: [String?] = ["", nil, "héllo", "日本語 🙂", "", nil, "a\u{0}b", "x"]
        let table = try Table([("s", Column(string: values)), ("e", Column(string: ["", "", "", "", "", "", "", ""]))])
        let back = try readSluice(try sluiceBytes([table]))
        #expect(try back.column("s").allValues == values.map { $0.map(Value.string) ?? .null })
        #expect(try back.column("e").allValues == Array(repeating: .string(""), count: 8))
    }

    @Test("an empty table keeps its schema; a table with no columns reads back empty")
    func emptyTables() throws {
        let schema = try Schema(parsing: "id:int64, name:string, at:timestamp, d:date, ok:bool, x:float64")
        let back = try readSluice(try sluiceBytes([Table(emptyWith: schema)]))
        #expect(back.schema == schema)
        #expect(back.rowCount == 0)
        #expect(try readSluice(try sluiceBytes([Table.empty])) == Table.empty)
        #expect(try readSluice(try sluiceBytes([])) == Table.empty)   // finished without a batch
    }

    @Test("several batches read back as one table and batch by batch")
    func batches() throws {
        let sizes = [100, 0, 37, 70_000, 1, 64]
        var rng = SplitMix64(seed: 99)
        let parts = try sizes.map { rows in
            // Some batches without nulls, so validity is absent in some and present in others.
            let withNulls = rows % 2 == 0
            return try Table([
                ("i", withNulls ? randomColumn(.int64, count: rows, &rng) : Column(int64: (0..<rows).map { Int64($0) })),
                ("s", randomColumn(.string, count: rows, &rng)),
                ("b", randomColumn(.bool, count: rows, &rng)),
            ])
        }
        let bytes = try sluiceBytes(parts)
        let whole = try Table.concatenating(parts)
        #expect(try readSluice(bytes) == whole)

        // 70,000 rows are stored as 65,536 + 4,464: five non-empty writes, six stored batches.
        var reader = try SluiceTableReader(source: MemoryByteSource(bytes), options: ReadOptions(batchSize: 50_000))
        #expect(reader.batchCount == 6)
        var got: [Table] = []
        while let batch = try reader.next() {
            #expect(batch.rowCount <= 50_000)
            got.append(batch)
        }
        #expect(got.map(\.rowCount) == [100, 37, 50_000, 15_536, 4_464, 1, 64])
        #expect(try Table.concatenating(got) == whole)
        #expect(reader.report.rows == whole.rowCount)
    }

    @Test("a sliced table writes only its own rows")
    func slices() throws {
        let table = try randomTable(rows: 20_000, seed: 5)
        let full = try sluiceBytes([table])
        let slice = table.slice(12_345..<12_445)
        let bytes = try sluiceBytes([slice])
        #expect(try readSluice(bytes) == slice)
        #expect(bytes.count < full.count / 50)
        // Two slices written as batches of one file join up again.
        let two = try sluiceBytes([table.slice(0..<9_999), table.slice(9_999..<20_000)])
        #expect(try readSluice(two) == table)
    }

    @Test("a batch with another schema is refused")
    func schemaChange() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var writer = SluiceTableWriter(output: try OutputFile(path: directory.file("t.sluice")))
        try writer.write(try Table([("x", Column(int64: [1]))]))
        #expect(throws: FormatError.self) { try writer.write(try Table([("x", Column(string: ["1"]))])) }
    }

    @Test("an abandoned writer leaves no file behind")
    func abandoned() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            var writer = try TableFile.openWriter(path: directory.file("t.sluice"))
            try writer.write(try randomTable(rows: 10, seed: 1))
        }
        #expect(directory.entries().isEmpty)
    }

    @Test("a truncated file is an error naming the file, at every length")
    func truncation() throws {
        let bytes = try sluiceBytes([try randomTable(rows: 300, seed: 3)])
        for length in [0, 1, 8, 63, 64, 95, 96, 500, bytes.count / 2, bytes.count - 33, bytes.count - 32, bytes.count - 1] {
            let error = try #require(sluiceError(Array(bytes[0..<length])))
            #expect(error.code == .corruptFile)
            #expect(error.description.hasPrefix("t.sluice: error: "))
        }
        #expect(sluiceError(Array(bytes[0..<bytes.count - 1]))?.description == """
        t.sluice: error: truncated .sluice file: the end marker is missing after \(bytes.count - 1) bytes (the copy was cut short, or the writer was interrupted)
          hint: the file was cut short or changed after it was written; write it again from its source
        """)
        #expect(sluiceError([])?.description == """
        t.sluice: error: not a .sluice table file (0 bytes, no "SLUICETB" at the start)
          hint: check the path, or pass --input-format csv|tsv|jsonl if it is a text file
        """)
    }

    @Test("a damaged buffer, footer or header is caught and located")
    func damage() throws {
        let table = try Table([("id", Column(int64: [1, 2, 3])), ("name", Column(string: ["a", nil, "ccc"]))])
        let bytes = try sluiceBytes([table])
        // Header 0..<64; id values at 64 (24 bytes); name validity at 128, offsets at 192, bytes at 256.
        var damaged = bytes
        damaged[64 + 8] ^= 0x01
        #expect(sluiceError(damaged)?.description == """
        t.sluice: error: damaged .sluice file: checksum mismatch in the values of column "id", batch 1 of 1 (bytes 64..<88)
          hint: the file was cut short or changed after it was written; write it again from its source
        """)
        damaged = bytes
        damaged[257] ^= 0x40
        #expect(sluiceError(damaged)?.description.contains("checksum mismatch in the string bytes of column \"name\"") == true)
        damaged = bytes
        damaged[bytes.count - 40] ^= 0x01
        #expect(sluiceError(damaged)?.description.contains("checksum mismatch in the footer") == true)
        damaged = bytes
        damaged[8] = 2
        #expect(sluiceError(damaged)?.description == """
        t.sluice: error: the file has format version 2; this Sluice reads version 1
          hint: read it with the Sluice that wrote it, or write it again from its source
        """)
        #expect(sluiceError(bytes + [0])?.code == .corruptFile)
        #expect(sluiceError(Array("id,name\n1,a\n".utf8))?.description.contains("not a .sluice table file") == true)
    }

    @Test("a file with valid checksums but impossible contents is refused, not trusted")
    func craftedFiles() throws {
        let table = try Table([("id", Column(int64: [1, 2, 3])), ("name", Column(string: ["a", nil, "ccc"]))])
        let bytes = try sluiceBytes([table])
        func load64(_ b: [UInt8], _ at: Int) -> Int { b[at..<at + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } }
        func store64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) { for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        /// Applies `edit` to the file and its footer, then recomputes the footer's checksum.
        func resealed(_ edit: (inout [UInt8], Int) -> Void) -> [UInt8] {
            var b = bytes
            let footer = load64(b, b.count - 32), length = load64(b, b.count - 24)
            edit(&b, footer)
            store64(&b, b.count - 16, b[footer..<footer + length].withUnsafeBytes { XXHash64.hash($0) })
            return b
        }
        // A footer claiming four billion columns.
        let huge = resealed { b, footer in for i in 8..<12 { b[footer + i] = 0xFF } }
        #expect(sluiceError(huge)?.description.contains("the footer claims 4294967295 columns and 1 batches, more than its") == true)
        // String offsets that go backwards, with the buffer's checksum made to match. The footer is
        // 16 bytes of counts, 10 + 12 of column names, 8 of batch rows, then 24 bytes per buffer entry;
        // "name"'s offsets are entry 4, stored at byte 192.
        let backwards = resealed { b, footer in
            store64(&b, 192 + 16, 5)
            store64(&b, footer + 38 + 8 + 4 * 24 + 16, b[192..<224].withUnsafeBytes { XXHash64.hash($0) })
        }
        #expect(sluiceError(backwards)?.description.hasPrefix(
            "t.sluice: error: damaged .sluice file: column \"name\" in batch 1 of 1 has string offsets that do not fit its 4 bytes") == true)
        // A buffer placed past the data area.
        let outside = resealed { b, footer in store64(&b, footer + 38 + 8 + 1 * 24, UInt64(footer + 64)) }
        #expect(sluiceError(outside)?.description.contains("the values of column \"id\" in batch 1 of 1 lies at bytes") == true)
    }

    @Test("flipping any single byte gives a clear error or the same table, never a crash")
    func everyByteFlipped() throws {
        let table = try randomTable(rows: 70, seed: 11)
        let bytes = try sluiceBytes([table])
        var detected = 0
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= 0x5A
            do {
                // Only padding (never read) may change without notice.
                #expect(try readSluice(damaged) == table)
            } catch let error as FormatError {
                #expect(error.code == .corruptFile)
                detected += 1
            }
        }
        #expect(detected > bytes.count / 4)
    }

    @Test("the format is wired into FileFormat and TableFile")
    func wiring() throws {
        #expect(try FileFormat(name: "sluice") == .sluice)
        #expect(try FileFormat(path: "run/x.SLUICE") == .sluice)
        #expect(FileFormat.sluice.description == "sluice")
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let table = try randomTable(rows: 1_000, seed: 21)
        try TableFile.write(table, to: directory.file("a.sluice"))
        let (back, report) = try TableFile.read(path: directory.file("a.sluice"))
        #expect(back == table)
        #expect(report.rows == 1_000)
        var reader = try TableFile.openReader(path: directory.file("a.sluice"), options: ReadOptions(batchSize: 10))
        #expect(reader.schema == table.schema)
        #expect(try reader.next() == table.prefix(10))

        // CSV → .sluice → CSV gives the same text.
        try writeFile(directory.file("in.csv"), try csvText(table))
        let summary = try TableFile.convert(input: directory.file("in.csv"), output: directory.file("b.sluice"))
        #expect(summary.rows == 1_000)
        _ = try TableFile.convert(input: directory.file("b.sluice"), output: directory.file("out.csv"))
        #expect(try readFile(directory.file("out.csv")) == readFile(directory.file("in.csv")))
    }

    @Test("--schema may repeat a stored type, not change it")
    func schemaOverride() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("a.sluice")
        try TableFile.write(try Table([("id", Column(int64: [1]))]), to: path)
        _ = try TableFile.read(path: path, options: ReadOptions(schemaOverride: try Schema(parsing: "id:int64")))
        #expect {
            _ = try TableFile.read(path: path, options: ReadOptions(schemaOverride: try Schema(parsing: "id:string")))
        } throws: { error in
            (error as? FormatError)?.description == """
            \(path): error: the file stores column "id" as int64, --schema says string
              hint: a .sluice file carries its types: drop `id` from --schema, or cast it in a transform step
            """
        }
    }
}
