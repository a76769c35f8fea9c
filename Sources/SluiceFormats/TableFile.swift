import SluiceCore

/// A file format Sluice reads and writes.
public enum FileFormat: Sendable, Equatable, CustomStringConvertible {
    /// Delimited text; the dialect says which delimiter, quote and header.
    case csv(CSVDialect)
    /// One JSON object per line.
    case jsonLines
    /// Sluice's binary columnar file (`.sluice`, see ``SluiceTableWriter``).
    case sluice
    /// Apache Parquet (`.parquet`); the options say how to write it.
    case parquet(ParquetWriteOptions)

    /// Comma-separated values with a header (RFC 4180).
    public static let csv = FileFormat.csv(CSVDialect())
    /// Parquet written with the default options (snappy, 1M-row row groups).
    public static let parquet = FileFormat.parquet(ParquetWriteOptions())

    /// The format named `name`: `csv`, `tsv`, `jsonl` (also `jsonlines`, `ndjson`), `sluice`, `parquet`.
    ///
    /// - Throws: ``FormatError`` `.unknownFormat` with the nearest name.
    public init(name: String) throws {
        switch name.lowercased() {
        case "csv": self = .csv
        case "tsv": self = .csv(.tsv)
        case "jsonl", "jsonlines", "json-lines", "ndjson": self = .jsonLines
        case "sluice": self = .sluice
        case "parquet", "pq": self = .parquet
        default:
            let names = ["csv", "tsv", "jsonl", "sluice", "parquet"]
            throw FormatError(.unknownFormat, file: name, message: "unknown format \"\(name)\"",
                              hint: (suggestion(for: name, among: names).map { "did you mean `\($0)`? " } ?? "") + "formats: csv, tsv, jsonl, sluice, parquet")
        }
    }

    /// The format a path's extension names (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.sluice`, `.parquet`;
    /// a trailing `.txt` is not guessed).
    ///
    /// - Throws: ``FormatError`` `.unknownFormat`, suggesting `--format`.
    public init(path: String) throws {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { self = .csv; return }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { self = .csv(.tsv); return }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonlines") { self = .jsonLines; return }
        if lower.hasSuffix(".sluice") { self = .sluice; return }
        if lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") { self = .parquet; return }
        let hint = lower.hasSuffix(".json")
            ? "Sluice reads JSON Lines (one object per line): name the file .jsonl, or pass --input-format jsonl if it is JSON Lines"
            : "name the file .csv, .tsv, .jsonl, .sluice or .parquet, or name the format with --input-format (reading) or --output-format (writing): csv, tsv, jsonl, sluice or parquet"
        throw FormatError(.unknownFormat, file: path, message: "cannot tell the format of \"\(path)\" from its name", hint: hint)
    }

    public var description: String {
        switch self {
        case .csv(let dialect): dialect.delimiter == UInt8(ascii: "\t") ? "tsv" : "csv"
        case .jsonLines: "jsonl"
        case .sluice: "sluice"
        case .parquet: "parquet"
        }
    }
}

/// Options shared by every reader.
public struct ReadOptions: Sendable {
    /// Column types to use instead of inferring them (only the columns named).
    public var schemaOverride: Schema?
    /// Rows sampled from the start to infer types.
    public var inferenceRows = 65_536
    /// Rows per batch when reading in batches.
    public var batchSize = 65_536
    /// What to do with rows that cannot be read.
    public var badRows: BadRowPolicy = .error
    /// Whole-file CSV reads split files at least this large across two threads.
    /// Raise it when several files are read at once and already keep the cores busy.
    public var splitThreshold = CSVReader.parallelThreshold
    /// Columns of `schemaOverride` that ``TableFile/read(path:format:options:)`` widened
    /// itself; readers keep them widenable.
    var widenedColumns: Set<String> = []
    /// Only these columns are read (in the file's order); `nil` reads every column. CSV
    /// skips the others while parsing (their values are not converted or validated);
    /// JSON Lines reads them and drops them.
    public var columns: [String]?
    /// Parquet: row groups whose statistics prove no row passes this filter are not read
    /// (the filter is not applied to the rows that are read; callers still filter).
    public var rowGroupFilter: RowGroupFilter?
    /// Parquet: told of each column chunk as it is decoded (`file`, 0-based row group,
    /// column), e.g. to count what a read touched.
    public var chunkObserver: (@Sendable (_ file: String, _ rowGroup: Int, _ column: String) -> Void)?

    public init(schemaOverride: Schema? = nil, inferenceRows: Int = 65_536, batchSize: Int = 65_536, badRows: BadRowPolicy = .error) {
        self.schemaOverride = schemaOverride
        self.inferenceRows = inferenceRows
        self.batchSize = batchSize
        self.badRows = badRows
    }
}

/// Opening, reading, writing and converting table files by path and format.
///
/// ```swift
/// let (orders, report) = try TableFile.read(path: "orders.csv")
/// try TableFile.write(orders, to: "orders.jsonl")
/// ```
public enum TableFile {
    /// A batch reader for `path` (`-` is standard input).
    ///
    /// - Throws: ``FormatError`` when the file cannot be opened or its start is malformed.
    public static func openReader(path: String, format: FileFormat? = nil, options: ReadOptions = ReadOptions()) throws -> any TableReader {
        if Self.isParquetDataset(path, format) { return try ParquetDatasetReader(path: path, options: options) }
        let format = try format ?? FileFormat(path: path)
        if format == .sluice, path != "-" { return try SluiceTableReader(path: path, options: options) }
        if case .parquet = format, path != "-" { return try ParquetReader(path: path, options: options) }
        let source: any ByteSource = path == "-" ? FileByteSource.standardInput() : try FileByteSource(path: path)
        return try openReader(source: source, format: format, options: options)
    }

    /// A batch reader over any byte source.
    public static func openReader(source: any ByteSource, format: FileFormat, options: ReadOptions) throws -> any TableReader {
        switch format {
        case .csv(let dialect):
            var csvOptions = CSVReadOptions(
                dialect: dialect, schemaOverride: options.schemaOverride, inferenceRows: options.inferenceRows,
                batchSize: options.batchSize, badRows: options.badRows)
            csvOptions.widenedColumns = options.widenedColumns
            csvOptions.columns = options.columns
            return try CSVReader(source: source, options: csvOptions)
        case .jsonLines:
            return try JSONLinesReader(source: source, options: JSONLinesReadOptions(
                schemaOverride: options.schemaOverride, inferenceRows: options.inferenceRows,
                batchSize: options.batchSize, badLines: options.badRows))
        case .sluice:
            return try SluiceTableReader(source: source, options: options)
        case .parquet:
            return try ParquetReader(source: source, options: options)
        }
    }

    /// A writer for `path` (`-` is standard output); the file appears when the writer finishes.
    public static func openWriter(path: String, format: FileFormat? = nil) throws -> any TableWriter {
        let format = try format ?? FileFormat(path: path)
        return makeWriter(output: try OutputFile(path: path), format: format)
    }

    /// The writer of `format` into `output`.
    static func makeWriter(output: OutputFile, format: FileFormat, nonFinite: JSONLinesWriter.NonFiniteFloats = .strings) -> any TableWriter {
        switch format {
        case .csv(let dialect): CSVWriter(output: output, dialect: dialect)
        case .jsonLines: JSONLinesWriter(output: output, nonFinite: nonFinite)
        case .sluice: SluiceTableWriter(output: output)
        case .parquet(let options): ParquetWriter(output: output, options: options)
        }
    }

    /// Reads a whole file into one table.
    ///
    /// When a value deep in the file does not fit a type inferred from the first
    /// rows (an `int64` column meets `2.5`), the column is widened and the file read
    /// again; the report's `notes` say so. Standard input cannot be read twice, so
    /// there the error is thrown instead.
    ///
    /// - Throws: ``FormatError`` naming file, line and column.
    public static func read(path: String, format: FileFormat? = nil, options: ReadOptions = ReadOptions()) throws -> (Table, ReadReport) {
        if Self.isParquetDataset(path, format) { return try ParquetDatasetReader.readTable(path: path, options: options) }
        var options = options
        options.batchSize = Int.max
        let format = try format ?? (path == "-" ? .csv : FileFormat(path: path))
        if format == .sluice, path != "-" { return try SluiceTableReader.readTable(path: path, options: options) }
        if case .parquet = format, path != "-" { return try ParquetReader.readTable(path: path, options: options) }
        return try withWidening(path: path, options: options) { options in
            if case .csv(let dialect) = format, path != "-" {
                var csvOptions = CSVReadOptions(
                    dialect: dialect, schemaOverride: options.schemaOverride, inferenceRows: options.inferenceRows,
                    batchSize: options.batchSize, badRows: options.badRows)
                csvOptions.widenedColumns = options.widenedColumns
                csvOptions.columns = options.columns
                return try CSVReader.readTable(path: path, options: csvOptions, splitThreshold: options.splitThreshold)
            }
            var reader = try openReader(path: path, format: format, options: options)
            var batches: [Table] = []
            while let batch = try reader.next() { batches.append(batch) }
            var table = batches.isEmpty ? Table(emptyWith: reader.schema) : try Table.concatenating(batches)
            if let wanted = options.columns, case .jsonLines = format {
                let names = table.schema.names
                for name in wanted where !names.contains(name) {
                    throw FormatError(.unknownColumn, file: path, message: "no column \"\(name)\" to read (columns: \(names.joined(separator: ", ")))",
                                      hint: suggestion(for: name, among: names).map { "did you mean `\($0)`?" })
                }
                table = try Table(zip(names, table.columns).filter { wanted.contains($0.0) })
            }
            return (table, reader.report)
        }
    }

    /// A directory read with no format, or as Parquet, is a Parquet dataset.
    static func isParquetDataset(_ path: String, _ format: FileFormat?) -> Bool {
        guard path != "-", ParquetDatasetReader.isDirectory(path) else { return false }
        if let format, case .parquet = format { return true }
        return format == nil
    }

    /// Writes a table to `path` in one go (atomically). A path ending in `/` is a partition
    /// directory of a Parquet dataset (`out/ds=2024-06-01/`), replaced whole.
    ///
    /// - Parameter nonFinite: how JSON Lines output writes NaN and ±infinity.
    /// - Returns: how many NaN or infinite values were written as `null` (JSON Lines with `nonFinite: .null`).
    @discardableResult
    public static func write(_ table: Table, to path: String, format: FileFormat? = nil,
                             nonFinite: JSONLinesWriter.NonFiniteFloats = .strings) throws -> Int {
        if path.hasSuffix("/") && path != "/" {   // a partition directory of a Parquet dataset
            var options = ParquetWriteOptions()
            if let format {
                guard case .parquet(let given) = format else {
                    throw FormatError(.invalidOption, file: path, message: "a path ending in / is a partition directory, written as Parquet, not \(format)",
                                      hint: "drop the trailing / to write one \(format) file")
                }
                options = given
            }
            try ParquetPartitionWriter.write(table, to: path, options: options)
            return 0
        }
        var writer = makeWriter(output: try OutputFile(path: path), format: try format ?? FileFormat(path: path), nonFinite: nonFinite)
        try writer.write(table)
        try writer.finish()
        return (writer as? JSONLinesWriter)?.nullifiedNonFinite ?? 0
    }

    /// What a conversion did.
    public struct ConversionSummary: Sendable {
        public var rows: Int
        public var bytesWritten: Int
        public var schema: Schema
        public var report: ReadReport
        /// NaN or infinite values written as `null` (JSON Lines output with `nonFinite: .null`).
        public var nullifiedNonFinite = 0
    }

    /// Streams `input` into `output` batch by batch (memory stays bounded by one
    /// batch plus the reader's window). The output appears only when everything was
    /// read and written; on any error nothing is left behind.
    ///
    /// - Parameter nonFinite: how JSON Lines output writes NaN and ±infinity.
    public static func convert(input: String, inputFormat: FileFormat? = nil, output: String, outputFormat: FileFormat? = nil,
                               options: ReadOptions = ReadOptions(),
                               nonFinite: JSONLinesWriter.NonFiniteFloats = .strings) throws -> ConversionSummary {
        let outputFormat = try outputFormat ?? FileFormat(path: output)
        var (summary, report) = try withWidening(path: input, options: options) { options in
            let reader = try openReader(path: input, format: inputFormat, options: options)
            let file = try OutputFile(path: output)
            var writer = makeWriter(output: file, format: outputFormat, nonFinite: nonFinite)
            // Read and parse on a second thread while this one formats and writes:
            // at most two batches wait in between, so memory stays bounded.
            let schema = reader.schema
            let queue = BoundedQueue<Table>(capacity: 2)
            let producer = ReaderBox(reader)
            var rows = 0
            var wroteAny = false
            var failure: (any Error)?
            try runConcurrently({
                do {
                    while let batch = try queue.take() {
                        try writer.write(batch)
                        rows += batch.rowCount
                        wroteAny = true
                    }
                } catch {
                    failure = error
                    queue.cancel()
                }
            }, {
                do {
                    while let batch = try producer.reader.next() {
                        if !queue.put(batch) { break }
                    }
                    queue.finish()
                } catch {
                    queue.finish(throwing: error)
                }
            })
            if let failure { throw failure }
            if !wroteAny { try writer.write(Table(emptyWith: schema)) }
            try writer.finish()
            let report = producer.reader.report
            var summary = ConversionSummary(rows: rows, bytesWritten: file.bytesWritten, schema: schema, report: report)
            summary.nullifiedNonFinite = (writer as? JSONLinesWriter)?.nullifiedNonFinite ?? 0
            return (summary, report)
        }
        summary.report = report   // with the widening notes
        return summary
    }

    /// Runs `body`, and when it fails on a value that a widened inferred column would
    /// hold, runs it again with that column declared — as often as columns widen.
    static func withWidening<T>(path: String, options: ReadOptions, _ body: (ReadOptions) throws -> (T, ReadReport)) throws -> (T, ReadReport) {
        var options = options
        var notes: [String] = []
        while true {
            do {
                let (value, bodyReport) = try body(options)
                var report = bodyReport
                report.notes.insert(contentsOf: notes, at: 0)
                return (value, report)
            } catch let error as FormatError where error.code == .typeMismatch && error.widenedField != nil && path != "-" {
                let field = error.widenedField!
                var fields = options.schemaOverride?.fields ?? []
                if let i = fields.firstIndex(where: { $0.name == field.name }) {
                    guard fields[i].type != field.type else { throw error }
                    fields[i] = field
                } else {
                    fields.append(field)
                }
                options.schemaOverride = Schema(fields)
                options.widenedColumns.insert(field.name)
                notes.append("column \"\(field.name)\" read as \(field.type): \(error.file ?? "<input>"):\(error.line) holds a value the first rows did not predict")
            }
        }
    }
}

/// A reader handed to the producer thread of a conversion; only that thread uses
/// it until `runConcurrently` returns (thread join orders the accesses).
private final class ReaderBox: @unchecked Sendable {
    var reader: any TableReader
    init(_ reader: any TableReader) { self.reader = reader }
}
