import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif


/// Reads every batch of `bytes` and returns them concatenated, with the reader's report.
///
/// `windowSize` `nil` uses the reader's default window (8 MiB).
func readCSV(_ bytes: [UInt8], options: CSVReadOptions = CSVReadOptions(), windowSize: Int? = nil,
             chunkSizes: [Int] = []) throws -> (table: Table, report: ReadReport) {
    let source = MemoryByteSource(bytes, chunkSizes: chunkSizes, name: "t.csv")
    var reader = if let windowSize {
        try CSVReader(source: source, options: options, windowSize: windowSize)
    } else {
        try CSVReader(source: source, options: options)
    }
    var batches: [Table] = []
    while let batch = try reader.next() {
        #expect(batch.schema == reader.schema)
        #expect(batch.rowCount <= options.batchSize)
        batches.append(batch)
    }
    let table = batches.isEmpty ? Table(emptyWith: reader.schema) : try Table.concatenating(batches)
    return (table, reader.report)
}

/// `readCSV` over UTF-8 text.
func readCSV(_ text: String, options: CSVReadOptions = CSVReadOptions(), windowSize: Int? = nil,
             chunkSizes: [Int] = []) throws -> (table: Table, report: ReadReport) {
    try readCSV(Array(text.utf8), options: options, windowSize: windowSize, chunkSizes: chunkSizes)
}

/// The `FormatError` reading `bytes` throws (recording an issue when it throws nothing
/// or something else).
func readError(_ bytes: [UInt8], options: CSVReadOptions = CSVReadOptions(), windowSize: Int? = nil,
               chunkSizes: [Int] = [], sourceLocation: SourceLocation = #_sourceLocation) -> FormatError? {
    return #expect(throws: FormatError.self, sourceLocation: sourceLocation) {
        _ = try readCSV(bytes, options: options, windowSize: windowSize, chunkSizes: chunkSizes)
    }
}

func readError(_ text: String, options: CSVReadOptions = CSVReadOptions(), windowSize: Int? = nil,
               chunkSizes: [Int] = [], sourceLocation: SourceLocation = #_sourceLocation) -> FormatError? {
    return readError(Array(text.utf8), options: options, windowSize: windowSize, chunkSizes: chunkSizes,
              sourceLocation: sourceLocation)
}

/// Options with the given dialect changes.
func options(_ change: (inout CSVReadOptions) -> Void) -> CSVReadOptions {
    var options = CSVReadOptions()
    change(&options)
    return options
}

/// Days since 1970-01-01.
func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { Int32(CivilCalendar.days(year: y, month: m, day: d)) }

/// Microseconds since the epoch, UTC.
func micros(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int = 0) -> Int64 {
    Int64(CivilCalendar.days(year: y, month: m, day: d)) * 86_400_000_000
        + Int64(h * 3600 + mi * 60 + s) * 1_000_000 + Int64(us)
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let output = try OutputFile(path: path)
    try output.write(bytes)
    try output.commit()
}

func readFile(_ path: String) throws -> [UInt8] {
    var source = try FileByteSource(path: path)
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return result }
        result.append(contentsOf: chunk[0..<n])
    }
}

/// The CSV text a table is written as (default dialect unless given).
func csvText(_ table: Table, dialect: CSVDialect = CSVDialect()) throws -> [UInt8] {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    let path = directory.file("out.csv")
    var writer = CSVWriter(output: try OutputFile(path: path), dialect: dialect)
    try writer.write(table)
    try writer.finish()
    return try readFile(path)
}

/// Splits `total` bytes into seeded random chunk sizes of 1…`maximum`.
func randomChunkSizes(seed: UInt64, count: Int = 97, maximum: Int = 40) -> [Int] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Int.random(in: 1...maximum, using: &rng) }
}
