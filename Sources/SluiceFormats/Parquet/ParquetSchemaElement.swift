/// One node of a Parquet schema (parquet.thrift `SchemaElement`): a group when it
/// has children, a leaf column otherwise. The schema is the tree flattened depth-first.
struct ParquetSchemaElement: Sendable, Equatable {
    var type: ParquetPhysicalType?
    var typeLength: Int32?
    var repetition: ParquetRepetition?
    var name: String
    var childCount: Int32?
    var convertedType: ParquetConvertedType?
    var scale: Int32?
    var precision: Int32?
    var fieldID: Int32?
    var logicalType: ParquetLogicalType?

    init(name: String, type: ParquetPhysicalType? = nil, repetition: ParquetRepetition? = nil) {
        self.name = name
        self.type = type
        self.repetition = repetition
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var name: String?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1:
                let raw = try reader.readI32(field.type)
                guard let physical = ParquetPhysicalType(rawValue: raw) else { throw ThriftError("unknown physical type \(raw)") }
                type = physical
            case 2: typeLength = try reader.readI32(field.type)
            case 3:
                let raw = try reader.readI32(field.type)
                guard let value = ParquetRepetition(rawValue: raw) else { throw ThriftError("unknown repetition \(raw)") }
                repetition = value
            case 4: name = try reader.readString(field.type)
            case 5: childCount = try reader.readI32(field.type)
            case 6: convertedType = ParquetConvertedType(rawValue: try reader.readI32(field.type))
            case 7: scale = try reader.readI32(field.type)
            case 8: precision = try reader.readI32(field.type)
            case 9: fieldID = try reader.readI32(field.type)
            case 10:
                guard field.type == .structure else { throw ThriftError("logicalType is not a struct") }
                logicalType = try ParquetLogicalType(thrift: &reader)
            default: try reader.skip(field.type)
            }
        }
        guard let name else { throw ThriftError("a schema element has no name") }
        self.name = name
    }

    func write(to writer: inout ThriftCompactWriter) {
        var last: Int16 = 0
        if let type { writer.writeI32(field: 1, type.rawValue, last: &last) }
        if let typeLength { writer.writeI32(field: 2, typeLength, last: &last) }
        if let repetition { writer.writeI32(field: 3, repetition.rawValue, last: &last) }
        writer.writeString(field: 4, name, last: &last)
        if let childCount { writer.writeI32(field: 5, childCount, last: &last) }
        if let convertedType { writer.writeI32(field: 6, convertedType.rawValue, last: &last) }
        if let scale { writer.writeI32(field: 7, scale, last: &last) }
        if let precision { writer.writeI32(field: 8, precision, last: &last) }
        if let fieldID { writer.writeI32(field: 9, fieldID, last: &last) }
        if let logicalType {
            writer.writeFieldHeader(10, .structure, last: &last)
            logicalType.write(to: &writer)
        }
        writer.writeStop()
    }
}
