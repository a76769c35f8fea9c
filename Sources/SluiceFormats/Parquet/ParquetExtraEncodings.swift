import SluiceCore

/// Value encodings beyond PLAIN and dictionaries.
enum ParquetExtraEncodings {
    static func decode(_ data: UnsafeRawBufferPointer, count: Int, encoding: ParquetEncoding, plan: ParquetColumnPlan,
                       into column: ParquetColumnBuffer) throws {
        throw ThriftError("values in \(encoding) are not supported yet (Sluice reads PLAIN, dictionary and boolean RLE pages)")
    }
}
