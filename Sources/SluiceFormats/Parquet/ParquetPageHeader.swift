/// The header before every page of a column chunk (parquet.thrift `PageHeader`
/// with its `DataPageHeader`, `DataPageHeaderV2` and `DictionaryPageHeader`).
struct ParquetPageHeader: Sendable, Equatable {
    /// Data page v1: levels and values compressed together.
    struct DataPage: Sendable, Equatable {
        var valueCount: Int32
        var encoding: ParquetEncoding
        var definitionLevelEncoding: ParquetEncoding
        var repetitionLevelEncoding: ParquetEncoding
        var statistics: ParquetStatistics?
    }

    /// Data page v2: levels uncompressed before the (optionally compressed) values.
    struct DataPageV2: Sendable, Equatable {
        var valueCount: Int32
        var nullCount: Int32
        var rowCount: Int32
        var encoding: ParquetEncoding
        var definitionLevelsByteLength: Int32
        var repetitionLevelsByteLength: Int32
        var isCompressed = true
        var statistics: ParquetStatistics?
    }

    struct DictionaryPage: Sendable, Equatable {
        var valueCount: Int32
        var encoding: ParquetEncoding
        var isSorted: Bool?
    }

    /// The raw page type; unknown types are skipped by readers.
    var type: Int32
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var crc: Int32?
    var dataPage: DataPage?
    var dictionaryPage: DictionaryPage?
    var dataPageV2: DataPageV2?

    init(type: ParquetPageType, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type.rawValue
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var type: Int32?, uncompressed: Int32?, compressed: Int32?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: type = try reader.readI32(field.type)
            case 2: uncompressed = try reader.readI32(field.type)
            case 3: compressed = try reader.readI32(field.type)
            case 4: crc = try reader.readI32(field.type)
            case 5:
                guard field.type == .structure else { throw ThriftError("data_page_header is not a struct") }
                dataPage = try Self.readDataPage(&reader)
            case 7:
                guard field.type == .structure else { throw ThriftError("dictionary_page_header is not a struct") }
                dictionaryPage = try Self.readDictionaryPage(&reader)
            case 8:
                guard field.type == .structure else { throw ThriftError("data_page_header_v2 is not a struct") }
                dataPageV2 = try Self.readDataPageV2(&reader)
            default: try reader.skip(field.type)
            }
        }
        guard let type, let uncompressed, let compressed else { throw ThriftError("a page header lacks type or sizes") }
        guard uncompressed >= 0, compressed >= 0 else { throw ThriftError("a page header has negative sizes (\(compressed), \(uncompressed))") }
        self.type = type
        self.uncompressedPageSize = uncompressed
        self.compressedPageSize = compressed
    }

    private static func readDataPage(_ reader: inout ThriftCompactReader) throws -> DataPage {
        var last: Int16 = 0
        var count: Int32?, encoding: Int32?, definition: Int32 = 3, repetition: Int32 = 3
        var statistics: ParquetStatistics?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: count = try reader.readI32(field.type)
            case 2: encoding = try reader.readI32(field.type)
            case 3: definition = try reader.readI32(field.type)
            case 4: repetition = try reader.readI32(field.type)
            case 5:
                guard field.type == .structure else { throw ThriftError("statistics is not a struct") }
                statistics = try ParquetStatistics(thrift: &reader)
            default: try reader.skip(field.type)
            }
        }
        guard let count, let encoding, count >= 0 else { throw ThriftError("a data page header lacks num_values or encoding") }
        return DataPage(valueCount: count, encoding: ParquetEncoding(rawValue: encoding),
                        definitionLevelEncoding: ParquetEncoding(rawValue: definition),
                        repetitionLevelEncoding: ParquetEncoding(rawValue: repetition), statistics: statistics)
    }

    private static func readDataPageV2(_ reader: inout ThriftCompactReader) throws -> DataPageV2 {
        var last: Int16 = 0
        var count: Int32?, nulls: Int32 = 0, rows: Int32?, encoding: Int32?, definition: Int32 = 0, repetition: Int32 = 0
        var compressed = true
        var statistics: ParquetStatistics?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: count = try reader.readI32(field.type)
            case 2: nulls = try reader.readI32(field.type)
            case 3: rows = try reader.readI32(field.type)
            case 4: encoding = try reader.readI32(field.type)
            case 5: definition = try reader.readI32(field.type)
            case 6: repetition = try reader.readI32(field.type)
            case 7: compressed = try reader.readBool(field.type)
            case 8:
                guard field.type == .structure else { throw ThriftError("statistics is not a struct") }
                statistics = try ParquetStatistics(thrift: &reader)
            default: try reader.skip(field.type)
            }
        }
        guard let count, let rows, let encoding, count >= 0, rows >= 0, nulls >= 0, definition >= 0, repetition >= 0 else {
            throw ThriftError("a data page v2 header lacks or has negative counts")
        }
        return DataPageV2(valueCount: count, nullCount: nulls, rowCount: rows, encoding: ParquetEncoding(rawValue: encoding),
                          definitionLevelsByteLength: definition, repetitionLevelsByteLength: repetition,
                          isCompressed: compressed, statistics: statistics)
    }

    private static func readDictionaryPage(_ reader: inout ThriftCompactReader) throws -> DictionaryPage {
        var last: Int16 = 0
        var count: Int32?, encoding: Int32 = 0
        var sorted: Bool?
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 1: count = try reader.readI32(field.type)
            case 2: encoding = try reader.readI32(field.type)
            case 3: sorted = try reader.readBool(field.type)
            default: try reader.skip(field.type)
            }
        }
        guard let count, count >= 0 else { throw ThriftError("a dictionary page header lacks num_values") }
        return DictionaryPage(valueCount: count, encoding: ParquetEncoding(rawValue: encoding), isSorted: sorted)
    }

    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        var last: Int16 = 0
        writer.writeI32(field: 1, type, last: &last)
        writer.writeI32(field: 2, uncompressedPageSize, last: &last)
        writer.writeI32(field: 3, compressedPageSize, last: &last)
        if let crc { writer.writeI32(field: 4, crc, last: &last) }
        if let page = dataPage {
            writer.writeStruct(field: 5, last: &last) { w in
                var inner: Int16 = 0
                w.writeI32(field: 1, page.valueCount, last: &inner)
                w.writeI32(field: 2, page.encoding.rawValue, last: &inner)
                w.writeI32(field: 3, page.definitionLevelEncoding.rawValue, last: &inner)
                w.writeI32(field: 4, page.repetitionLevelEncoding.rawValue, last: &inner)
                if let statistics = page.statistics {
                    w.writeFieldHeader(5, .structure, last: &inner)
                    statistics.write(to: &w)
                }
            }
        }
        if let page = dictionaryPage {
            writer.writeStruct(field: 7, last: &last) { w in
                var inner: Int16 = 0
                w.writeI32(field: 1, page.valueCount, last: &inner)
                w.writeI32(field: 2, page.encoding.rawValue, last: &inner)
                if let sorted = page.isSorted { w.writeBool(field: 3, sorted, last: &inner) }
            }
        }
        if let page = dataPageV2 {
            writer.writeStruct(field: 8, last: &last) { w in
                var inner: Int16 = 0
                w.writeI32(field: 1, page.valueCount, last: &inner)
                w.writeI32(field: 2, page.nullCount, last: &inner)
                w.writeI32(field: 3, page.rowCount, last: &inner)
                w.writeI32(field: 4, page.encoding.rawValue, last: &inner)
                w.writeI32(field: 5, page.definitionLevelsByteLength, last: &inner)
                w.writeI32(field: 6, page.repetitionLevelsByteLength, last: &inner)
                w.writeBool(field: 7, page.isCompressed, last: &inner)
                if let statistics = page.statistics {
                    w.writeFieldHeader(8, .structure, last: &inner)
                    statistics.write(to: &w)
                }
            }
        }
        writer.writeStop()
        return writer.bytes
    }
}
