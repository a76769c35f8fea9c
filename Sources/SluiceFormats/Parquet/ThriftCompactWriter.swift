/// Encodes the Thrift compact protocol into a byte array: the inverse of
/// ``ThriftCompactReader``, for the footer and page headers Sluice writes.
///
/// ```swift
/// var writer = ThriftCompactWriter()
/// var last: Int16 = 0
/// writer.writeI32(field: 1, 2, last: &last)
/// writer.writeStop()
/// ```
struct ThriftCompactWriter {
    typealias TypeCode = ThriftCompactReader.TypeCode
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func writeZigzag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func writeFieldHeader(_ id: Int16, _ type: TypeCode, last: inout Int16) {
        let delta = id &- last
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigzag(Int64(id))
        }
        last = id
    }

    /// Ends a struct.
    mutating func writeStop() { bytes.append(0) }

    mutating func writeBool(field id: Int16, _ value: Bool, last: inout Int16) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse, last: &last)
    }

    mutating func writeI32(field id: Int16, _ value: Int32, last: inout Int16) {
        writeFieldHeader(id, .i32, last: &last)
        writeZigzag(Int64(value))
    }

    mutating func writeI8(field id: Int16, _ value: Int8, last: inout Int16) {
        writeFieldHeader(id, .byte, last: &last)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func writeI64(field id: Int16, _ value: Int64, last: inout Int16) {
        writeFieldHeader(id, .i64, last: &last)
        writeZigzag(value)
    }

    mutating func writeBinary(field id: Int16, _ value: [UInt8], last: inout Int16) {
        writeFieldHeader(id, .binary, last: &last)
        writeBinaryValue(value)
    }

    mutating func writeBinaryValue(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(field id: Int16, _ value: String, last: inout Int16) {
        writeBinary(field: id, Array(value.utf8), last: &last)
    }

    mutating func writeListHeader(count: Int, element: TypeCode) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// A struct-valued field: header, then `body` writes the fields with its own `last`.
    mutating func writeStruct(field id: Int16, last: inout Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id, .structure, last: &last)
        body(&self)
        writeStop()
    }
}
