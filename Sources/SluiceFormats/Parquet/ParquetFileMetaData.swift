/// The footer of a Parquet file (parquet.thrift `FileMetaData`): the schema, the
/// row groups with their column chunks, and key-value metadata (pyarrow keeps its
/// Arrow schema under `ARROW:schema`).
struct ParquetFileMetaData: Sendable, Equatable {
    var version: Int32
    var schema: [ParquetSchemaElement]
    var rowCount: Int64
    var rowGroups: [ParquetRowGroup]
    var keyValueMetadata: [(key: String, value: String?)]
    var createdBy: String?

    init(version: Int32 = 1, schema: [ParquetSchemaElement], rowCount: Int64, rowGroups: [ParquetRowGroup],
         keyValueMetadata: [(key: String, value: String?)] = [], createdBy: String? = nil) {
        self.version = version
        self.schema = schema
        self.rowCount = rowCount
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
    }

    /// Decodes a footer.
    ///
    /// - Throws: ``ThriftError`` for bytes that are not a well-formed footer.
    init(bytes: UnsafeRawBufferPointer) throws {
        var reader = ThriftCompactReader(bytes)
        var last: Int16 = 0
        var version: Int32 = 1, rowCount: Int64?
        var schema: [ParquetSchemaElement] = [], rowGroups: [ParquetRowGroup] = []
        var keyValues: [(key: String, value: String?)] = []
        var createdBy: String?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: version = try reader.readI32(field.type)
            case 2:
                schema = try reader.readList(field.type) { r, t in
                    guard t == .structure else { throw ThriftError("schema element is not a struct") }
                    return try ParquetSchemaElement(thrift: &r)
                }
            case 3: rowCount = try reader.readI64(field.type)
            case 4:
                rowGroups = try reader.readList(field.type) { r, t in
                    guard t == .structure else { throw ThriftError("row group is not a struct") }
                    return try ParquetRowGroup(thrift: &r)
                }
            case 5:
                keyValues = try reader.readList(field.type) { r, t in
                    guard t == .structure else { throw ThriftError("key-value entry is not a struct") }
                    var inner: Int16 = 0
                    var key: String?, value: String?
                    while let f = try r.readFieldHeader(last: &inner) {
                        switch f.id {
                        case 1: key = try r.readString(f.type)
                        case 2: value = try r.readString(f.type)
                        default: try r.skip(f.type)
                        }
                    }
                    guard let key else { throw ThriftError("key-value entry has no key") }
                    return (key, value)
                }
            case 6: createdBy = try reader.readString(field.type)
            default: try reader.skip(field.type)
            }
        }
        guard let rowCount else { throw ThriftError("the footer has no num_rows") }
        guard !schema.isEmpty else { throw ThriftError("the footer has no schema") }
        self.init(version: version, schema: schema, rowCount: rowCount, rowGroups: rowGroups,
                  keyValueMetadata: keyValues, createdBy: createdBy)
    }

    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        var last: Int16 = 0
        writer.writeI32(field: 1, version, last: &last)
        writer.writeFieldHeader(2, .list, last: &last)
        writer.writeListHeader(count: schema.count, element: .structure)
        for element in schema { element.write(to: &writer) }
        writer.writeI64(field: 3, rowCount, last: &last)
        writer.writeFieldHeader(4, .list, last: &last)
        writer.writeListHeader(count: rowGroups.count, element: .structure)
        for group in rowGroups { group.write(to: &writer) }
        if !keyValueMetadata.isEmpty {
            writer.writeFieldHeader(5, .list, last: &last)
            writer.writeListHeader(count: keyValueMetadata.count, element: .structure)
            for entry in keyValueMetadata {
                var inner: Int16 = 0
                writer.writeString(field: 1, entry.key, last: &inner)
                if let value = entry.value { writer.writeString(field: 2, value, last: &inner) }
                writer.writeStop()
            }
        }
        if let createdBy { writer.writeString(field: 6, createdBy, last: &last) }
        writer.writeStop()
        return writer.bytes
    }

    static func == (lhs: ParquetFileMetaData, rhs: ParquetFileMetaData) -> Bool {
        lhs.version == rhs.version && lhs.schema == rhs.schema && lhs.rowCount == rhs.rowCount && lhs.rowGroups == rhs.rowGroups
            && lhs.createdBy == rhs.createdBy && lhs.keyValueMetadata.map(\.key) == rhs.keyValueMetadata.map(\.key)
            && lhs.keyValueMetadata.map(\.value) == rhs.keyValueMetadata.map(\.value)
    }
}
