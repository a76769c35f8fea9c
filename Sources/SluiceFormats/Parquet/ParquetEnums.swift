// The enumerations of parquet.thrift, with the spec's numbers. Unknown numbers are
// kept (`.other`) where a newer writer may add values, so that a file is refused
// only when something actually depends on the value.

/// How values of a leaf column are stored (parquet.thrift `Type`).
enum ParquetPhysicalType: Int32, Sendable, CustomStringConvertible {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

/// Whether a field is required, optional or repeated (parquet.thrift `FieldRepetitionType`).
enum ParquetRepetition: Int32, Sendable {
    case required = 0, optional = 1, repeated = 2
}

/// The legacy type annotation (parquet.thrift `ConvertedType`), still written beside
/// ``ParquetLogicalType`` for older readers.
enum ParquetConvertedType: Int32, Sendable {
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumeration = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21
}

/// A value or level encoding (parquet.thrift `Encoding`).
struct ParquetEncoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }
    static let plain = ParquetEncoding(rawValue: 0)
    static let plainDictionary = ParquetEncoding(rawValue: 2)
    static let rle = ParquetEncoding(rawValue: 3)
    static let bitPacked = ParquetEncoding(rawValue: 4)
    static let deltaBinaryPacked = ParquetEncoding(rawValue: 5)
    static let deltaLengthByteArray = ParquetEncoding(rawValue: 6)
    static let deltaByteArray = ParquetEncoding(rawValue: 7)
    static let rleDictionary = ParquetEncoding(rawValue: 8)
    static let byteStreamSplit = ParquetEncoding(rawValue: 9)

    var description: String {
        let names = ["PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
                     "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"]
        return rawValue >= 0 && Int(rawValue) < names.count ? names[Int(rawValue)] : "encoding \(rawValue)"
    }
}

/// Page compression (parquet.thrift `CompressionCodec`).
public struct ParquetCompression: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let uncompressed = ParquetCompression(rawValue: 0)
    public static let snappy = ParquetCompression(rawValue: 1)
    public static let gzip = ParquetCompression(rawValue: 2)
    public static let lzo = ParquetCompression(rawValue: 3)
    public static let brotli = ParquetCompression(rawValue: 4)
    /// Hadoop-framed LZ4 (deprecated by the spec; not supported).
    public static let lz4 = ParquetCompression(rawValue: 5)
    public static let zstd = ParquetCompression(rawValue: 6)
    public static let lz4Raw = ParquetCompression(rawValue: 7)

    /// The codec named `name` (`none`, `snappy`, `gzip`, `zstd`, `lz4_raw`, as pyarrow names them).
    ///
    /// - Throws: ``FormatError`` `.invalidOption` listing the names.
    public init(name: String) throws {
        switch name.lowercased() {
        case "none", "uncompressed": self = .uncompressed
        case "snappy": self = .snappy
        case "gzip": self = .gzip
        case "zstd": self = .zstd
        case "lz4", "lz4_raw", "lz4-raw": self = .lz4Raw
        default:
            throw FormatError(.invalidOption, file: "<options>", message: "unknown Parquet compression \"\(name)\"",
                              hint: "use none, snappy, gzip, zstd or lz4_raw")
        }
    }

    public var description: String {
        let names = ["none", "snappy", "gzip", "lzo", "brotli", "lz4 (hadoop)", "zstd", "lz4_raw"]
        return rawValue >= 0 && Int(rawValue) < names.count ? names[Int(rawValue)] : "codec \(rawValue)"
    }
}

/// The kind of a page (parquet.thrift `PageType`).
enum ParquetPageType: Int32, Sendable {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}
