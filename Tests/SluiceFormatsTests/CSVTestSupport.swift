import Testing
import SluiceCore
@testable import SluiceFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif


extension SplitMix64 {
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

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

/// A fresh directory under the system temp dir, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sluice-csvtests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw FormatError(.io, file: "/tmp", message: "mkdtemp failed") }
        path = String(cString: template)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the directory (without `.` and `..`).
    func entries() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func cleanUp() {
        for name in entries() { unlink(file(name)) }
        rmdir(path)
    }
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

// MARK: Random tables

/// Strings chosen to be hard for CSV: delimiters, quotes, line breaks, empty, null-like, unicode.
let trickyStrings = [
    "", " ", "a", "a,b", "\"", "\"\"", "say \"hi\"", "line\nbreak", "cr\rlf\r\n", "\r\n", "\n",
    "trailing,", ",leading", "NULL", "NA", "héllo", "日本語", "🙂 ok", "tab\there", "naïve, café",
    "'single'", "x\"y\"z", "  spaced  ", "1", "2.5", "true", "2024-01-02",
]

func randomString(_ rng: inout SplitMix64) -> String {
    if rng.chance(0.5) { return trickyStrings.randomElement(using: &rng)! }
    let length = Int.random(in: 0...20, using: &rng)
    let alphabet = Array("abcxyz019 ,\"\n\r-_éß中🙂\t'")
    return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
}

/// Dates the CSV text form can spell: years 0001 through 9999.
let firstDay = day(1, 1, 1), lastDay = day(9999, 12, 31)

/// A random column of `type` with about 10% nulls.
func randomColumn(_ type: DataType, count: Int, _ rng: inout SplitMix64) -> Column {
    var builder = ColumnBuilder(type: type, capacity: count)
    for _ in 0..<count {
        if rng.chance(0.1) {
            builder.appendNull()
            continue
        }
        switch type {
        case .bool: builder.append(bool: Bool.random(using: &rng))
        case .int64:
            builder.append(int64: rng.chance(0.1)
                ? [Int64.min, Int64.max, 0, -1, 999_999_999_999_999_999].randomElement(using: &rng)!
                : Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng))
        case .float64:
            let special: [Double] = [.nan, .infinity, -.infinity, -0.0, 0, 12.5, 100, 1e-7, 1e300,
                                     .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1 + 0.2]
            if rng.chance(0.15) {
                builder.append(float64: special.randomElement(using: &rng)!)
            } else if rng.chance(0.3) {
                builder.append(float64: Double(Int.random(in: -100_000...100_000, using: &rng)) / 100)
            } else {
                builder.append(float64: Double.random(in: -1e6...1e6, using: &rng))
            }
        case .string: builder.append(string: randomString(&rng))
        case .date: builder.append(date: Int32.random(in: firstDay...lastDay, using: &rng))
        case .timestamp:
            let low = Int64(firstDay) * 86_400_000_000, high = Int64(lastDay) * 86_400_000_000
            var t = Int64.random(in: low...high, using: &rng)
            if rng.chance(0.3) { t -= t % 1_000_000 }   // whole seconds too
            builder.append(timestamp: t)
        case .decimal(let precision, _):
            let limit = Decimal128.maxUnscaled(precision: precision)
            builder.append(decimal: rng.chance(0.1) ? [limit, -limit, 0, -1].randomElement(using: &rng)!
                : Int128(Int64.random(in: Int64.min...Int64.max, using: &rng)) % limit)
        case .binary:
            let bytes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.withUnsafeBytes { builder.append(bytes: $0) }
        }
    }
    return builder.finish()
}

/// A table with one column of each of the six types (in a seeded random order).
func randomTable(rows: Int, seed: UInt64) throws -> Table {
    var rng = SplitMix64(seed: seed)
    let types: [DataType] = [.bool, .int64, .float64, .string, .date, .timestamp].shuffled(using: &rng)
    return try Table(types.map { ("\($0)_col", randomColumn($0, count: rows, &rng)) })
}

/// Splits `total` bytes into seeded random chunk sizes of 1…`maximum`.
func randomChunkSizes(seed: UInt64, count: Int = 97, maximum: Int = 40) -> [Int] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Int.random(in: 1...maximum, using: &rng) }
}
