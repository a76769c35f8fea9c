/// A logical type annotation (parquet.thrift `LogicalType`, a union): what the
/// physical values mean.
enum ParquetLogicalType: Sendable, Equatable {
    enum TimeUnit: Sendable, Equatable { case millis, micros, nanos }

    case string, map, list, enumeration, date, json, bson, uuid, float16, unknown
    case decimal(scale: Int32, precision: Int32)
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    /// A union member this reader does not know.
    case other(Int16)

    init(thrift reader: inout ThriftCompactReader) throws {
        var last: Int16 = 0
        var result: ParquetLogicalType?
        while let field = try reader.readFieldHeader(last: &last) {
            guard field.type == .structure else { try reader.skip(field.type); continue }
            switch field.id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 6: result = .date
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0, inner: Int16 = 0
                while let f = try reader.readFieldHeader(last: &inner) {
                    switch f.id {
                    case 1: scale = try reader.readI32(f.type)
                    case 2: precision = try reader.readI32(f.type)
                    default: try reader.skip(f.type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
                continue
            case 7, 8:
                var utc = false, unit = TimeUnit.millis, inner: Int16 = 0
                while let f = try reader.readFieldHeader(last: &inner) {
                    switch f.id {
                    case 1: utc = try reader.readBool(f.type)
                    case 2 where f.type == .structure: unit = try Self.readTimeUnit(&reader)
                    default: try reader.skip(f.type)
                    }
                }
                result = field.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
                continue
            case 10:
                var width: Int8 = 64, signed = true, inner: Int16 = 0
                while let f = try reader.readFieldHeader(last: &inner) {
                    switch f.id {
                    case 1: width = Int8(truncatingIfNeeded: try reader.readI32(f.type))
                    case 2: signed = try reader.readBool(f.type)
                    default: try reader.skip(f.type)
                    }
                }
                result = .integer(bitWidth: width, isSigned: signed)
                continue
            default: result = .other(field.id)
            }
            try reader.skip(.structure)   // the member's (empty) struct
        }
        self = result ?? .other(0)
    }

    private static func readTimeUnit(_ reader: inout ThriftCompactReader) throws -> TimeUnit {
        var last: Int16 = 0
        var unit = TimeUnit.millis
        while let field = try reader.readFieldHeader(last: &last) {
            switch field.id {
            case 2: unit = .micros
            case 3: unit = .nanos
            default: unit = .millis
            }
            try reader.skip(field.type)
        }
        return unit
    }

    func write(to writer: inout ThriftCompactWriter) {
        var last: Int16 = 0
        func empty(_ id: Int16) { writer.writeStruct(field: id, last: &last) { _ in } }
        switch self {
        case .string: empty(1)
        case .map: empty(2)
        case .list: empty(3)
        case .enumeration: empty(4)
        case .date: empty(6)
        case .unknown: empty(11)
        case .json: empty(12)
        case .bson: empty(13)
        case .uuid: empty(14)
        case .float16: empty(15)
        case .decimal(let scale, let precision):
            writer.writeStruct(field: 5, last: &last) { w in
                var inner: Int16 = 0
                w.writeI32(field: 1, scale, last: &inner)
                w.writeI32(field: 2, precision, last: &inner)
            }
        case .time(let utc, let unit), .timestamp(let utc, let unit):
            let id: Int16 = if case .time = self { 7 } else { 8 }
            writer.writeStruct(field: id, last: &last) { w in
                var inner: Int16 = 0
                w.writeBool(field: 1, utc, last: &inner)
                w.writeStruct(field: 2, last: &inner) { u in
                    var unitLast: Int16 = 0
                    let unitID: Int16 = switch unit { case .millis: 1; case .micros: 2; case .nanos: 3 }
                    u.writeStruct(field: unitID, last: &unitLast) { _ in }
                }
            }
        case .integer(let width, let signed):
            writer.writeStruct(field: 10, last: &last) { w in
                var inner: Int16 = 0
                w.writeI8(field: 1, width, last: &inner)
                w.writeBool(field: 2, signed, last: &inner)
            }
        case .other: break
        }
        writer.writeStop()
    }
}
