/// One row group (parquet.thrift `RowGroup`): a column chunk per leaf column.
struct ParquetRowGroup: Sendable, Equatable {
    /// A column chunk (parquet.thrift `ColumnChunk`); `metaData` is always present in
    /// files Sluice reads (chunks in other files are refused).
    struct ColumnChunk: Sendable, Equatable {
        var filePath: String?
        var fileOffset: Int64
        var metaData: ParquetColumnMetaData?

        init(fileOffset: Int64, metaData: ParquetColumnMetaData) {
            self.fileOffset = fileOffset
            self.metaData = metaData
        }

        init(thrift reader: inout ThriftCompactReader) throws {
            var last: Int16 = 0
            fileOffset = 0
            while let field = try reader.readFieldHeader(last: &last) {
                switch field.id {
                case 1: filePath = try reader.readString(field.type)
                case 2: fileOffset = try reader.readI64(field.type)
                case 3:
                    guard field.type == .structure else { throw ThriftError("meta_data is not a struct") }
                    metaData = try ParquetColumnMetaData(thrift: &reader)
                default: try reader.skip(field.type)
                }
            }
        }

        func write(to writer: inout ThriftCompactWriter) {
            var last: Int16 = 0
            writer.writeI64(field: 2, fileOffset, last: &last)
            if let metaData {
                writer.writeFieldHeader(3, .structure, last: &last)
                metaData.write(to: &writer)
            }
            writer.writeStop()
        }
    }

    var columns: [ColumnChunk]
    var totalByteSize: Int64
    var rowCount: Int64
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?

    init(columns: [ColumnChunk], totalByteSize: Int64, rowCount: Int64) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.rowCount = rowCount
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var columns: [ColumnChunk] = []
        var totalByteSize: Int64 = 0, rowCount: Int64?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1:
                columns = try reader.readList(field.type) { r, t in
                    guard t == .structure else { throw ThriftError("column chunk is not a struct") }
                    return try ColumnChunk(thrift: &r)
                }
            case 2: totalByteSize = try reader.readI64(field.type)
            case 3: rowCount = try reader.readI64(field.type)
            case 5: fileOffset = try reader.readI64(field.type)
            case 6: totalCompressedSize = try reader.readI64(field.type)
            case 7: ordinal = Int16(truncatingIfNeeded: try reader.readI32(field.type))
            default: try reader.skip(field.type)
            }
        }
        guard let rowCount else { throw ThriftError("a row group has no num_rows") }
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.rowCount = rowCount
    }

    func write(to writer: inout ThriftCompactWriter) {
        var last: Int16 = 0
        writer.writeFieldHeader(1, .list, last: &last)
        writer.writeListHeader(count: columns.count, element: .structure)
        for column in columns { column.write(to: &writer) }
        writer.writeI64(field: 2, totalByteSize, last: &last)
        writer.writeI64(field: 3, rowCount, last: &last)
        if let fileOffset { writer.writeI64(field: 5, fileOffset, last: &last) }
        if let totalCompressedSize { writer.writeI64(field: 6, totalCompressedSize, last: &last) }
        if let ordinal { writer.writeI32(field: 7, Int32(ordinal), last: &last) }
        writer.writeStop()
    }
}
