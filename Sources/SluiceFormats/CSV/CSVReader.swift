import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads CSV into typed, columnar tables, in batches.
///
/// Types are inferred from the first rows (``CSVReadOptions/inferenceRows``)
/// unless declared in ``CSVReadOptions/schemaOverride``; parsing then goes straight
/// from bytes into column buffers. Every malformed input gives a ``FormatError``
/// with file, line and column.
///
/// ```swift
/// var reader = try CSVReader(source: FileByteSource(path: "orders.csv"))
/// print(reader.schema)                  // id: int64, user_id: int64, total: float64, …
/// while let batch = try reader.next() { … }
/// ```
/// For a whole file in one table, with automatic widening when a later value does
/// not fit an inferred type, use ``TableFile/read(path:format:)``.
public struct CSVReader: TableReader {
    private let parser: CSVParser

    /// Reads the header and the inference sample from `source`.
    ///
    /// - Throws: ``FormatError`` for an empty input, an invalid dialect or an
    ///   override naming a column the file lacks.
    public init(source: any ByteSource, options: CSVReadOptions = CSVReadOptions()) throws {
        parser = try CSVParser(source: source, options: options)
    }

    /// The same, with an explicit window size (tests use tiny windows).
    init(source: any ByteSource, options: CSVReadOptions, windowSize: Int) throws {
        parser = try CSVParser(source: source, options: options, windowSize: windowSize)
    }

    public var schema: Schema { parser.schema }
    public var report: ReadReport { parser.report }

    public mutating func next() throws -> Table? {
        try parser.nextBatch()
    }
}

extension CSVReader {
    /// Reads a whole CSV file into one table, parsing its two halves in parallel
    /// when the file is large and the machine has more than one core.
    ///
    /// The second half starts at the first line break after the middle. That guess
    /// is safe to make: the first half's parser stops only if it reaches that
    /// offset exactly at a row start; if the break was inside a quoted field it
    /// reads on to the end and the second half's work is dropped. Errors in the
    /// second half are reported with line numbers counted from the file's start.
    ///
    /// - Throws: ``FormatError`` naming file, line and column.
    /// - Parameter splitThreshold: files at least this large are split in two
    ///   (default 16 MiB); callers reading several files at once pass more.
    public static func readTable(path: String, options: CSVReadOptions = CSVReadOptions(),
                                 splitThreshold: Int = CSVReader.parallelThreshold) throws -> (Table, ReadReport) {
        let first = try CSVParser(source: FileByteSource(path: path), options: options)
        let size = (try? FileByteSource(path: path))?.size ?? 0
        let dataStart = first.dataStartFileOffset
        var boundary: Int?
        if size - dataStart >= splitThreshold && activeProcessorCount() > 1 {
            boundary = try lineStart(after: dataStart + (size - dataStart) / 2, in: path, size: size)
        }
        guard let boundary else {
            let sinks = try first.readRemainingSinks()
            return (try Table(schema: first.schema, columns: sinks.map { $0.finish() }), first.report)
        }
        first.stopFileOffset = boundary
        let second = try CSVParser(source: FileByteSource(path: path, offset: boundary), options: options,
                                   continuing: (first.schema, first.inferred))
        let firstHalf = ParseJob(first), secondHalf = ParseJob(second)
        runConcurrently({ firstHalf.run() }, { secondHalf.run() })
        let firstSinks = try firstHalf.result.get()
        guard first.stoppedAtBoundary else {
            return (try Table(schema: first.schema, columns: firstSinks.map { $0.finish() }), first.report)
        }
        let lineOffset = first.line - 1
        let secondSinks: [CSVColumnSink]
        do {
            secondSinks = try secondHalf.result.get()
        } catch var error as FormatError {
            if error.line > 0 { error.line += lineOffset }
            throw error
        }
        var merged = firstSinks
        for c in merged.indices { merged[c].append(contentsOf: secondSinks[c]) }
        var report = first.report
        report.rows += second.report.rows
        report.skippedRows += second.report.skippedRows
        report.paddedRows += second.report.paddedRows
        for var sample in second.report.samples where report.samples.count < 5 {
            sample.line += lineOffset
            report.samples.append(sample)
        }
        return (try Table(schema: first.schema, columns: merged.map { $0.finish() }), report)
    }

    /// Files smaller than this are read on one thread.
    public static let parallelThreshold = 16 << 20

    /// The offset just after the first line break at or after `offset`, or `nil`
    /// when none is found within 1 MiB (one giant row: not worth splitting).
    private static func lineStart(after offset: Int, in path: String, size: Int) throws -> Int? {
        var source = try FileByteSource(path: path, offset: offset)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        guard let index = buffer[0..<n].firstIndex(of: 10) else { return nil }
        let boundary = offset + index + 1
        return boundary < size ? boundary : nil
    }
}

/// One half of a parallel read: a parser used by exactly one thread at a time,
/// handed over by thread creation and join (which order the memory accesses).
private final class ParseJob: @unchecked Sendable {
    let parser: CSVParser
    var result: Result<[CSVColumnSink], Error> = .success([])

    init(_ parser: CSVParser) { self.parser = parser }

    func run() {
        result = Result { try parser.readRemainingSinks() }
    }
}

/// Processors online (at least 1).
public func activeProcessorCount() -> Int {
    Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
