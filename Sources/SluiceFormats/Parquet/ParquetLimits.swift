/// The bounds a Parquet file's claims are checked against before anything is allocated
/// for them: a hostile or damaged footer or page header is an error, never a huge
/// allocation. Real writers stay far below (pyarrow writes at most 20,000 rows and
/// about 1 MiB per page, and 1,048,576 rows per row group by default).
enum ParquetLimits {
    /// Level entries (values and nulls) one data page may hold.
    static let maxValuesPerPage = 1 << 26
    /// Rows one row group may hold.
    static let maxRowsPerRowGroup: Int64 = 1 << 32
    /// Rows decoded buffers are sized for up front; more grow as the data arrives.
    static let maxReservedRows = 1 << 24

    /// Rows to reserve room for when a file of `fileSize` bytes claims `rows`: never more
    /// than the file could hold at one bit per row (run-length encoded nulls can hold
    /// more; those rows then grow the buffers as they are decoded).
    static func reservedRows(claimed rows: Int, fileSize: Int) -> Int {
        Swift.max(0, Swift.min(rows, maxReservedRows, fileSize &* 8 &+ 1024))
    }
}
