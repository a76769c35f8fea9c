import SluiceCore

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
