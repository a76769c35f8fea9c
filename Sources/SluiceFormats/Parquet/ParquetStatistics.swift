/// Column chunk or page statistics (parquet.thrift `Statistics`): min and max in
/// the column's PLAIN encoding, and the null count.
struct ParquetStatistics: Sendable, Equatable {
    /// `min_value`/`max_value` (fields 6/5), or the deprecated `min`/`max` (2/1) when
    /// only those are present (their sort order is undefined for some types).
    var min: [UInt8]?
    var max: [UInt8]?
    var nullCount: Int64?
    var distinctCount: Int64?
    /// Whether `min`/`max` came from the deprecated fields.
    var isLegacy = false

    init(min: [UInt8]? = nil, max: [UInt8]? = nil, nullCount: Int64? = nil) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var legacyMin: [UInt8]?, legacyMax: [UInt8]?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: legacyMax = try reader.readBinary(field.type)
            case 2: legacyMin = try reader.readBinary(field.type)
            case 3: nullCount = try reader.readI64(field.type)
            case 4: distinctCount = try reader.readI64(field.type)
            case 5: max = try reader.readBinary(field.type)
            case 6: min = try reader.readBinary(field.type)
            default: try reader.skip(field.type)
            }
        }
        if min == nil && max == nil && (legacyMin != nil || legacyMax != nil) {
            min = legacyMin
            max = legacyMax
            isLegacy = true
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        var last: Int16 = 0
        if let nullCount { writer.writeI64(field: 3, nullCount, last: &last) }
        if let max { writer.writeBinary(field: 5, max, last: &last) }
        if let min { writer.writeBinary(field: 6, min, last: &last) }
        writer.writeStop()
    }
}
