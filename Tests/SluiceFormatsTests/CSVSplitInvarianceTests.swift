import Testing
import SluiceCore
@testable import SluiceFormats
import SluiceTestSupport

/// The fixtures folder beside this file.
func fixture(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
    let directory = filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    return try readFile(directory + "/Fixtures/" + name)
}

/// Window sizes (nil is the default 8 MiB) and chunkings every split-invariance test sweeps.
/// The parser rounds windows up to 64 bytes, so 16 reads like 64 — kept to check that it does.
let windowSizes: [Int?] = [16, 64, nil]
let chunkings: [[Int]] = [[1], randomChunkSizes(seed: 1), randomChunkSizes(seed: 2, maximum: 200), []]

@Suite("CSVReader: split invariance")
struct CSVSplitInvarianceTests {
    static let trickyExpected = try! Table([
        ("id", Column(int64: [1, 2, 3, 4, nil, 6])),
        ("name", Column(string: ["plain", "Smith, \"J\"", "two\nlines\r\nthree", "日本語 🙂", "", "naïve \"café\"\r\n"])),
        ("score", Column(float64: [1.5, -0.25, nil, 1000, .nan, 7])),
        ("when", Column(date: [day(2024, 1, 2), day(2023, 12, 31), nil, nil, day(2000, 2, 29), day(1999, 1, 1)])),
        ("flag", Column(bool: [true, false, nil, true, nil, false])),
    ])

    @Test("the tricky fixture reads to the same table however it is split", arguments: windowSizes)
    func trickyFixture(windowSize: Int?) throws {
        let bytes = try fixture("tricky.csv")
        for chunkSizes in chunkings {
            let (table, report) = try readCSV(bytes, windowSize: windowSize, chunkSizes: chunkSizes)
            #expect(table == Self.trickyExpected, "chunks \(chunkSizes.prefix(3))…")
            #expect(report.rows == 6)
        }
    }

    @Test("the window boundary may fall on any byte of the tricky fixture")
    func everyBoundary() throws {
        let bytes = try fixture("tricky.csv")
        for shift in 0..<70 {
            // A longer first name moves every later byte one place along the 64-byte window.
            let name = "id" + String(repeating: "_", count: shift)
            let shifted = Array(name.utf8) + bytes.dropFirst(2)
            var fields = Self.trickyExpected.schema.fields
            fields[0].name = name
            let schema = Schema(fields)
            let expected = try Table(schema: schema, columns: Self.trickyExpected.columns)
            let (table, _) = try readCSV(shifted, options: options { $0.schemaOverride = schema }, windowSize: 64)
            #expect(table == expected, "shift \(shift)")
        }
    }

    @Test("the tricky fixture in small batches", arguments: windowSizes)
    func trickyFixtureBatched(windowSize: Int?) throws {
        let bytes = try fixture("tricky.csv")
        for batchSize in [1, 2, 5] {
            let (table, _) = try readCSV(bytes, options: options { $0.batchSize = batchSize }, windowSize: windowSize, chunkSizes: [3])
            #expect(table == Self.trickyExpected)
        }
    }

    @Test("bad-row handling does not depend on the split", arguments: windowSizes)
    func badRowsSplitInvariant(windowSize: Int?) throws {
        let text = "a,b,c\n1,\"x\ny\",2\n3,4\n5,6,7,8\n9,\"é\",10\n11,ab\"c,12\n13,\"q\",14\n"
        // Padding repairs only field counts: a stray quote is still an error under it.
        let padText = text.replacingOccurrences(of: "11,ab\"c,12\n", with: "")
        #expect(readError(text, options: options { $0.badRows = .pad })?.code == .strayQuote)
        for (policy, text) in [(BadRowPolicy.skip, text), (.pad, padText)] {
            let whole = try readCSV(text, options: options { $0.badRows = policy })
            for chunkSizes in chunkings {
                let split = try readCSV(text, options: options { $0.badRows = policy }, windowSize: windowSize, chunkSizes: chunkSizes)
                #expect(split.table == whole.table)
                #expect(split.report == whole.report)
            }
        }
        let skipped = try readCSV(text, options: options { $0.badRows = .skip })
        #expect(skipped.table == (try Table([
            ("a", Column(int64: [1, 9, 13])), ("b", Column(string: ["x\ny", "é", "q"])), ("c", Column(int64: [2, 10, 14])),
        ])))
        #expect(skipped.report.samples.map(\.line) == [4, 5, 7])
        let padded = try readCSV(padText, options: options { $0.badRows = .pad })
        #expect(padded.table == (try Table([
            ("a", Column(int64: [1, 3, 5, 9, 13])), ("b", Column(string: ["x\ny", "4", "6", "é", "q"])),
            ("c", Column(int64: [2, nil, 7, 10, 14])),
        ])))
    }

    @Test("random tables written by CSVWriter read back equal however they are split",
          arguments: [0, 1, 63, 64, 65, 300])
    func randomTables(rows: Int) throws {
        for seed: UInt64 in [11, 12] {
            let original = try randomTable(rows: rows, seed: seed &* 1000 &+ UInt64(rows))
            let bytes = try csvText(original)
            let options = options { $0.schemaOverride = original.schema }
            for windowSize in windowSizes {
                for chunkSizes in chunkings {
                    let (table, _) = try readCSV(bytes, options: options, windowSize: windowSize, chunkSizes: chunkSizes)
                    #expect(table == original, "seed \(seed), window \(windowSize ?? 0), chunks \(chunkSizes.prefix(3))…")
                }
            }
        }
    }
}

@Suite("CSVReader: batches")
struct CSVBatchTests {
    static let text = "n,s,f\n" + (0..<25).map { "\($0),row \($0),\(Double($0) / 4)\n" }.joined()

    @Test("batchSize 10 over 25 rows gives batches of 10, 10 and 5 that concatenate to the whole", arguments: [64, nil] as [Int?])
    func batchesOfTen(windowSize: Int?) throws {
        let source = MemoryByteSource(Self.text, chunkSizes: [7], name: "b.csv")
        var reader = if let windowSize {
            try CSVReader(source: source, options: options { $0.batchSize = 10 }, windowSize: windowSize)
        } else {
            try CSVReader(source: source, options: options { $0.batchSize = 10 })
        }
        var batches: [Table] = []
        while let batch = try reader.next() { batches.append(batch) }
        #expect(batches.map(\.rowCount) == [10, 10, 5])
        #expect(try reader.next() == nil)
        let schema = Schema([Field("n", .int64), Field("s", .string), Field("f", .float64)])
        #expect(batches.allSatisfy { $0.schema == schema })
        let whole = try readCSV(Self.text).table
        #expect(try Table.concatenating(batches) == whole)
        #expect(batches[2] == whole.slice(20..<25))
        #expect(reader.report.rows == 25)
    }

    @Test("later batches keep the schema inferred at the start")
    func schemaIsStable() throws {
        // Column b is null in the first batch and a float in the last: it stays float64 throughout.
        let text = "a,b\n1,\n2,\n3,\n4,1.5\n"
        var reader = try CSVReader(source: MemoryByteSource(text), options: options { $0.batchSize = 2 })
        #expect(reader.schema == Schema([Field("a", .int64), Field("b", .float64)]))
        let first = try #require(try reader.next())
        let second = try #require(try reader.next())
        #expect(first == (try Table([("a", Column(int64: [1, 2])), ("b", Column(float64: [nil, nil]))])))
        #expect(second == (try Table([("a", Column(int64: [3, 4])), ("b", Column(float64: [nil, 1.5]))])))
        #expect(try reader.next() == nil)
    }

    @Test("a batch boundary exactly at the end of the input gives no empty batch", arguments: [1, 5, 25, 26, 1000])
    func exactBoundary(batchSize: Int) throws {
        var reader = try CSVReader(source: MemoryByteSource(Self.text), options: options { $0.batchSize = batchSize })
        var counts: [Int] = []
        while let batch = try reader.next() { counts.append(batch.rowCount) }
        #expect(counts.reduce(0, +) == 25)
        #expect(counts.allSatisfy { $0 > 0 && $0 <= batchSize })
        #expect(counts.count == (25 + batchSize - 1) / batchSize)
    }

    @Test("a header-only input gives no batches")
    func headerOnlyBatches() throws {
        var reader = try CSVReader(source: MemoryByteSource("a,b\n"))
        #expect(try reader.next() == nil)
        #expect(reader.schema == Schema([Field("a", .string), Field("b", .string)]))
    }
}
