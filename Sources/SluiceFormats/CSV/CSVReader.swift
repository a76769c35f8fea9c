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

    public var schema: Schema { parser.tableSchema }
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
            return (try first.table(from: sinks), first.report)
        }
        first.stopFileOffset = boundary
        let second = try CSVParser(source: FileByteSource(path: path, offset: boundary), options: options,
                                   continuing: (first.schema, first.inferred))

        // The first half's buffers are reserved (as address space only) for every row
        // of the file, so the second half can write its rows straight into place
        // further on in them instead of into buffers of its own that a merge would
        // copy. Its place starts past the first half's line-break count, an upper
        // bound on the first half's rows, computed while the first half parses.
        let dataBytes = size - dataStart
        let capacityRows = dataBytes / first.minimumRowBytes + 16
        var firstSinks = first.newSinks()
        let sharesBuffers = first.minimumRowBytes >= 2 && capacityRows * 8 <= maximumSharedReservation
        if sharesBuffers {
            for c in firstSinks.indices { firstSinks[c].reserveFixed(rows: capacityRows, stringBytes: dataBytes + 16) }
        }
        let template = firstSinks
        let secondRowsBound = (size - boundary) / first.minimumRowBytes + 4
        let firstHalf = ParseJob(first, into: firstSinks)
        let secondHalf = ParseJob(second, into: nil)
        try runConcurrently({ firstHalf.run() }, {
            if sharesBuffers, let breaks = try? lineBreakCount(in: path, from: dataStart, to: boundary),
               breaks + 2 + secondRowsBound <= capacityRows {
                secondHalf.sinks = template.map { CSVColumnSink(sharing: $0, rowOffset: breaks + 2, byteOffset: boundary - dataStart) }
            }
            secondHalf.run()
        })
        let firstResult = try firstHalf.result.get()
        guard first.stoppedAtBoundary else {
            // The guessed boundary was inside a quoted field: read the file in one go.
            let whole = try CSVParser(source: FileByteSource(path: path), options: options)
            let sinks = try whole.readRemainingSinks()
            return (try whole.table(from: sinks), whole.report)
        }
        let lineOffset = first.line - 1
        let secondResult: [CSVColumnSink]
        do {
            secondResult = try secondHalf.result.get()
        } catch var error as FormatError {
            if error.line > 0 { error.line += lineOffset }
            throw error
        }
        var merged = firstResult
        for c in merged.indices { merged[c].append(contentsOf: secondResult[c]) }
        var report = first.report
        report.rows += second.report.rows
        report.skippedRows += second.report.skippedRows
        report.paddedRows += second.report.paddedRows
        for var sample in second.report.samples where report.samples.count < 5 {
            sample.line += lineOffset
            report.samples.append(sample)
        }
        return (try first.table(from: merged), report)
    }

    /// The most address space one shared column buffer may reserve (it costs memory
    /// only where written, but a reservation beyond what the system allows would fail).
    static let maximumSharedReservation = 64 << 30

    /// Line feeds and carriage returns in bytes `start..<end` of the file: at least
    /// one ends every row there, so this bounds the rows.
    private static func lineBreakCount(in path: String, from start: Int, to end: Int) throws -> Int {
        var source = try FileByteSource(path: path, offset: start)
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk + 8, alignment: 8)
        defer { buffer.deallocate() }
        var remaining = end - start
        var breaks = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let lf: UInt64 = 0x0A &* ones, cr: UInt64 = 0x0D &* ones
        while remaining > 0 {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Swift.min(chunk, remaining)]))
            if n == 0 { break }
            remaining -= n
            let bytes = buffer.baseAddress!
            var i = 0
            while i + 8 <= n {
                let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                // Exact per-byte zero test (no borrow between bytes): 0x80 where the byte matched.
                let x = w ^ lf, y = w ^ cr
                let zx = ~(((x & ~highs) &+ ~highs) | x) & highs
                let zy = ~(((y & ~highs) &+ ~highs) | y) & highs
                breaks &+= (zx | zy).nonzeroBitCount
                i &+= 8
            }
            while i < n {
                let b = bytes.load(fromByteOffset: i, as: UInt8.self)
                if b == 10 || b == 13 { breaks &+= 1 }
                i &+= 1
            }
        }
        return breaks
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
    /// Sinks to fill (shared, pre-reserved buffers), or `nil` for fresh ones.
    var sinks: [CSVColumnSink]?
    var result: Result<[CSVColumnSink], Error> = .success([])

    init(_ parser: CSVParser, into sinks: [CSVColumnSink]?) {
        self.parser = parser
        self.sinks = sinks
    }

    func run() {
        result = Result { try parser.readRemainingSinks(into: sinks) }
    }
}

/// Processors online (at least 1).
public func activeProcessorCount() -> Int {
    Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
