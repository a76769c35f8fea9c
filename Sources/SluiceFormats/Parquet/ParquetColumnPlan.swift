import SluiceCore

/// How one leaf column of a Parquet file becomes a Sluice column: which physical
/// values, what they mean, and the core type they are read into.
///
/// | Parquet                                   | Sluice      |
/// |-------------------------------------------|-------------|
/// | BOOLEAN                                   | `bool`      |
/// | INT32, INT64, INT(8/16/32/64, signed or not) | `int64` (UINT64 above `Int64.max` is an error) |
/// | FLOAT, DOUBLE, FLOAT16                    | `float64`   |
/// | DATE                                      | `date`      |
/// | TIMESTAMP millis/micros/nanos, INT96      | `timestamp` (µs; nanoseconds are truncated) |
/// | BYTE_ARRAY (STRING, ENUM, JSON)           | `string` (must be UTF-8) |
/// | BYTE_ARRAY (none, BSON), other FIXED_LEN_BYTE_ARRAY | `binary` |
/// | DECIMAL(p,s) on INT32, INT64, FIXED_LEN_BYTE_ARRAY (≤ 16 bytes), BYTE_ARRAY | `decimal(p,s)` (exact; p ≤ 38) |
/// | TIME, UUID                                | `string` (exact text: `12:30:00.000001`, UUID) |
struct ParquetColumnPlan: Sendable {
    enum Kind: Sendable, Equatable {
        case bool
        case int32(signed: Bool)
        case int64
        case uint64
        case date
        case timestamp(ParquetLogicalType.TimeUnit)
        case int96
        case float
        case double
        case float16
        case utf8
        /// Bytes: BYTE_ARRAY without a text annotation, or FIXED_LEN_BYTE_ARRAY.
        case binary
        case decimal(scale: Int)
        case time(ParquetLogicalType.TimeUnit)
        case uuid
        case hex
    }

    /// The column's name (its path joined with `.`).
    var name: String
    /// Index of the leaf among the file's leaves (= its column chunk index).
    var leafIndex: Int
    var physical: ParquetPhysicalType
    /// Bytes per value of a FIXED_LEN_BYTE_ARRAY.
    var typeLength: Int
    /// 1 for an optional column, 0 for a required one.
    var maxDefinitionLevel: Int
    var kind: Kind
    var type: DataType
    /// Said once to the user, e.g. that nanoseconds are truncated.
    var note: String?
    /// Repetition level of a leaf inside a nested column (0 for a flat column).
    var maxRepetitionLevel = 0
    /// Whether this plan is one leaf of a nested column (decoded into levels, see
    /// ``ParquetLeafLevels``).
    var isNestedLeaf = false
    /// For a nested top-level column (struct, map, list, or a mix): its shape. The column
    /// is read as JSON text; the other fields describe its first leaf.
    var nested: ParquetNestedShape?

    /// The type of the column Sluice builds: its own, or `string` (JSON) for a nested one.
    var outputType: DataType { nested == nil ? type : .string }

    /// Whether the values are strings formatted from another physical type.
    var isFormatted: Bool {
        switch kind {
        case .time, .uuid, .hex: true
        default: false
        }
    }

    /// Bytes per PLAIN value, or `nil` for BYTE_ARRAY (length-prefixed) and BOOLEAN (bits).
    var plainWidth: Int? {
        switch physical {
        case .boolean, .byteArray: nil
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .fixedLenByteArray: typeLength
        }
    }

    /// The plan of a leaf, or a message saying why it cannot be read.
    static func make(element: ParquetSchemaElement, name: String, leafIndex: Int, maxDefinitionLevel: Int) -> Result<ParquetColumnPlan, ThriftError> {
        guard let physical = element.type else { return .failure(ThriftError("column \"\(name)\" has no physical type")) }
        let logical = element.logicalType
        let converted = element.convertedType
        var note: String?
        let kind: Kind
        switch physical {
        case .boolean: kind = .bool
        case .int32:
            if case .decimal(let scale, _)? = logical { kind = .decimal(scale: Int(scale)) }
            else if converted == .decimal { kind = .decimal(scale: Int(element.scale ?? 0)) }
            else if logical == .date || converted == .date { kind = .date }
            else if case .time(_, let unit)? = logical { kind = .time(unit) }
            else if converted == .timeMillis { kind = .time(.millis) }
            else if case .integer(_, let signed)? = logical { kind = .int32(signed: signed) }
            else if converted == .uint8 || converted == .uint16 || converted == .uint32 { kind = .int32(signed: false) }
            else { kind = .int32(signed: true) }
        case .int64:
            if case .decimal(let scale, _)? = logical { kind = .decimal(scale: Int(scale)) }
            else if converted == .decimal { kind = .decimal(scale: Int(element.scale ?? 0)) }
            else if case .timestamp(_, let unit)? = logical { kind = .timestamp(unit) }
            else if converted == .timestampMillis { kind = .timestamp(.millis) }
            else if converted == .timestampMicros { kind = .timestamp(.micros) }
            else if case .time(_, let unit)? = logical { kind = .time(unit) }
            else if converted == .timeMicros { kind = .time(.micros) }
            else if case .integer(_, false)? = logical { kind = .uint64 }
            else if converted == .uint64 { kind = .uint64 }
            else { kind = .int64 }
            if kind == .timestamp(.nanos) { note = "column \"\(name)\": nanosecond timestamps read as microseconds (digits below a microsecond are dropped)" }
        case .int96:
            kind = .int96
            note = "column \"\(name)\": INT96 timestamps read as microseconds (digits below a microsecond are dropped)"
        case .float: kind = .float
        case .double: kind = .double
        case .byteArray:
            if case .decimal(let scale, _)? = logical { kind = .decimal(scale: Int(scale)) }
            else if converted == .decimal { kind = .decimal(scale: Int(element.scale ?? 0)) }
            else if logical == .string || logical == .enumeration || logical == .json
                        || converted == .utf8 || converted == .enumeration || converted == .json { kind = .utf8 }
            else { kind = .binary }
        case .fixedLenByteArray:
            guard let length = element.typeLength, length > 0, length <= 1 << 20 else {
                return .failure(ThriftError("column \"\(name)\" is FIXED_LEN_BYTE_ARRAY without a valid type_length"))
            }
            if case .decimal(let scale, _)? = logical { kind = .decimal(scale: Int(scale)) }
            else if converted == .decimal { kind = .decimal(scale: Int(element.scale ?? 0)) }
            else if logical == .uuid && length == 16 { kind = .uuid }
            else if logical == .float16 && length == 2 { kind = .float16 }
            else { kind = .binary }
        }
        var decimalType = DataType.string
        if case .decimal(let scale) = kind {
            if physical == .fixedLenByteArray, (element.typeLength ?? 0) > 16 {
                return .failure(ThriftError("column \"\(name)\" is a DECIMAL of \(element.typeLength ?? 0) bytes; Sluice reads up to 16"))
            }
            var precision = Int(element.precision ?? 0)
            if case .decimal(_, let p)? = logical { precision = Int(p) }
            guard (1...DataType.maxDecimalPrecision).contains(precision), (0...precision).contains(scale) else {
                return .failure(ThriftError("column \"\(name)\" is DECIMAL(\(precision),\(scale)); Sluice reads precision 1…\(DataType.maxDecimalPrecision) with 0 ≤ scale ≤ precision"))
            }
            decimalType = .decimal(precision: precision, scale: scale)
        }
        let type: DataType = switch kind {
        case .bool: .bool
        case .int32, .int64, .uint64: .int64
        case .date: .date
        case .timestamp, .int96: .timestamp
        case .float, .double, .float16: .float64
        case .utf8, .time, .uuid, .hex: .string
        case .binary: .binary
        case .decimal: decimalType
        }
        return .success(ParquetColumnPlan(name: name, leafIndex: leafIndex, physical: physical,
                                          typeLength: Int(element.typeLength ?? 0), maxDefinitionLevel: maxDefinitionLevel,
                                          kind: kind, type: type, note: note))
    }
}
