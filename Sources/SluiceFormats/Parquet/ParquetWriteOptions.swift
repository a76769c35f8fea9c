/// How ``ParquetWriter`` writes: compression, row-group size, dictionary limit.
///
/// ```swift
/// var options = ParquetWriteOptions()
/// options.compression = .zstd
/// options.rowGroupSize = 250_000
/// ```
public struct ParquetWriteOptions: Sendable, Equatable {
    /// Page compression (default snappy, as pyarrow).
    public var compression: ParquetCompression = .snappy
    /// Rows per row group (default 1,048,576, as pyarrow). The writer buffers at most
    /// one row group.
    public var rowGroupSize = 1_048_576
    /// String columns are dictionary-encoded unless their distinct values take more
    /// bytes than this (then PLAIN).
    public var dictionaryPageSizeLimit = 1 << 20
    /// Target uncompressed size of a data page.
    public var dataPageSize = 1 << 20

    public init(compression: ParquetCompression = .snappy, rowGroupSize: Int = 1_048_576) {
        self.compression = compression
        self.rowGroupSize = rowGroupSize
    }
}
