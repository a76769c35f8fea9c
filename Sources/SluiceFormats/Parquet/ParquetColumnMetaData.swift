/// Where and how one column chunk is stored (parquet.thrift `ColumnMetaData`).
struct ParquetColumnMetaData: Sendable, Equatable {
    var type: ParquetPhysicalType
    var encodings: [ParquetEncoding]
    var path: [String]
    var codec: ParquetCompression
    var valueCount: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var indexPageOffset: Int64?
    var dictionaryPageOffset: Int64?
    var statistics: ParquetStatistics?

    init(type: ParquetPhysicalType, encodings: [ParquetEncoding], path: [String], codec: ParquetCompression,
         valueCount: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64, dataPageOffset: Int64,
         dictionaryPageOffset: Int64?, statistics: ParquetStatistics?) {
        self.type = type
        self.encodings = encodings
        self.path = path
        self.codec = codec
        self.valueCount = valueCount
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.dataPageOffset = dataPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var type: ParquetPhysicalType?
        var encodings: [ParquetEncoding] = [], path: [String] = []
        var codec: ParquetCompression?
        var valueCount: Int64?, uncompressed: Int64?, compressed: Int64?, dataPageOffset: Int64?
        var indexPageOffset: Int64?, dictionaryPageOffset: Int64?, statistics: ParquetStatistics?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1:
                let raw = try reader.readI32(field.type)
                guard let physical = ParquetPhysicalType(rawValue: raw) else { throw ThriftError("unknown physical type \(raw)") }
                type = physical
            case 2: encodings = try reader.readList(field.type) { r, t in ParquetEncoding(rawValue: try r.readI32(t)) }
            case 3: path = try reader.readList(field.type) { r, t in try r.readString(t) }
            case 4: codec = ParquetCompression(rawValue: try reader.readI32(field.type))
            case 5: valueCount = try reader.readI64(field.type)
            case 6: uncompressed = try reader.readI64(field.type)
            case 7: compressed = try reader.readI64(field.type)
            case 9: dataPageOffset = try reader.readI64(field.type)
            case 10: indexPageOffset = try reader.readI64(field.type)
            case 11: dictionaryPageOffset = try reader.readI64(field.type)
            case 12:
                guard field.type == .structure else { throw ThriftError("statistics is not a struct") }
                statistics = try ParquetStatistics(thrift: &reader)
            default: try reader.skip(field.type)
            }
        }
        guard let type, let codec, let valueCount, let uncompressed, let compressed, let dataPageOffset else {
            throw ThriftError("column metadata lacks a required field (type, codec, num_values, sizes or data_page_offset)")
        }
        self.init(type: type, encodings: encodings, path: path, codec: codec, valueCount: valueCount,
                  totalUncompressedSize: uncompressed, totalCompressedSize: compressed, dataPageOffset: dataPageOffset,
                  dictionaryPageOffset: dictionaryPageOffset, statistics: statistics)
        self.indexPageOffset = indexPageOffset
    }

    func write(to writer: inout ThriftCompactWriter) {
        var last: Int16 = 0
        writer.writeI32(field: 1, type.rawValue, last: &last)
        writer.writeFieldHeader(2, .list, last: &last)
        writer.writeListHeader(count: encodings.count, element: .i32)
        for encoding in encodings { writer.writeZigzag(Int64(encoding.rawValue)) }
        writer.writeFieldHeader(3, .list, last: &last)
        writer.writeListHeader(count: path.count, element: .binary)
        for name in path { writer.writeBinaryValue(Array(name.utf8)) }
        writer.writeI32(field: 4, codec.rawValue, last: &last)
        writer.writeI64(field: 5, valueCount, last: &last)
        writer.writeI64(field: 6, totalUncompressedSize, last: &last)
        writer.writeI64(field: 7, totalCompressedSize, last: &last)
        writer.writeI64(field: 9, dataPageOffset, last: &last)
        if let dictionaryPageOffset { writer.writeI64(field: 11, dictionaryPageOffset, last: &last) }
        if let statistics {
            writer.writeFieldHeader(12, .structure, last: &last)
            statistics.write(to: &writer)
        }
        writer.writeStop()
    }
}
