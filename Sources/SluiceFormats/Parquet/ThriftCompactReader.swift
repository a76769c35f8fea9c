/// Decodes the Thrift compact protocol (the encoding of Parquet's footer and page
/// headers) from a byte range, checking every length against the bytes that remain.
///
/// Hostile input cannot crash it or make it allocate more than the input's size: a
/// list or string longer than what is left, a varint of more than 10 bytes, nesting
/// deeper than ``maxDepth`` or an unknown type code is a ``ThriftError``.
///
/// Structs are read field by field; each decoder keeps its own previous field id:
/// ```swift
/// var last: Int16 = 0
/// while let field = try reader.readFieldHeader(last: &last) {
///     switch field.id {
///     case 1: version = try reader.readI32(field.type)
///     default: try reader.skip(field.type)
///     }
/// }
/// ```
struct ThriftCompactReader {
    /// Compact-protocol type codes.
    enum TypeCode: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
        case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    /// Nesting deeper than this (in skipped values) is refused.
    static let maxDepth = 64

    private let base: UnsafeRawPointer?
    private let end: Int
    /// Bytes consumed so far.
    private(set) var position: Int

    /// A reader over `bytes`, which must stay alive while it is used.
    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        end = bytes.count
        position = 0
    }

    /// Bytes not yet read.
    var remaining: Int { end - position }

    // MARK: primitives

    mutating func readByte() throws -> UInt8 {
        guard position < end, let base else { throw ThriftError("input ends at byte \(position) where a value was expected") }
        let byte = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return byte
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw ThriftError("varint longer than 10 bytes at byte \(position)") }
        }
    }

    mutating func readZigzag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    // MARK: fields

    /// The next field's id and type, or `nil` at the struct's stop byte.
    mutating func readFieldHeader(last: inout Int16) throws -> (id: Int16, type: TypeCode)? {
        let byte = try readByte()
        if byte == 0 { return nil }
        guard let type = TypeCode(rawValue: byte & 0x0F), type != .stop else {
            throw ThriftError("unknown field type \(byte & 0x0F) at byte \(position - 1)")
        }
        let delta = Int16(byte >> 4)
        let id: Int16
        if delta == 0 {
            let wide = try readZigzag()
            guard let narrow = Int16(exactly: wide) else { throw ThriftError("field id \(wide) out of range at byte \(position)") }
            id = narrow
        } else {
            id = last &+ delta
        }
        last = id
        return (id, type)
    }

    mutating func readBool(_ type: TypeCode) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw mismatch(expected: "bool", found: type)
        }
    }

    /// An integer field of any width (i8, i16, i32), checked to fit `Int32`.
    mutating func readI32(_ type: TypeCode) throws -> Int32 {
        switch type {
        case .byte: return Int32(Int8(bitPattern: try readByte()))
        case .i16, .i32:
            let wide = try readZigzag()
            guard let value = Int32(exactly: wide) else { throw ThriftError("i32 value \(wide) out of range at byte \(position)") }
            return value
        default: throw mismatch(expected: "i32", found: type)
        }
    }

    mutating func readI64(_ type: TypeCode) throws -> Int64 {
        switch type {
        case .byte: return Int64(Int8(bitPattern: try readByte()))
        case .i16, .i32, .i64: return try readZigzag()
        default: throw mismatch(expected: "i64", found: type)
        }
    }

    mutating func readDouble(_ type: TypeCode) throws -> Double {
        guard type == .double else { throw mismatch(expected: "double", found: type) }
        guard remaining >= 8, let base else { throw ThriftError("input ends inside a double at byte \(position)") }
        let bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return Double(bitPattern: bits)
    }

    /// A binary or string value: its bytes, copied.
    mutating func readBinary(_ type: TypeCode) throws -> [UInt8] {
        guard type == .binary else { throw mismatch(expected: "binary", found: type) }
        let length = try readVarint()
        guard length <= UInt64(remaining), let base else {
            throw ThriftError("a string of \(length) bytes at byte \(position) runs past the end (\(remaining) bytes left)")
        }
        let count = Int(length)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: base + position, count: count))
        position += count
        return bytes
    }

    /// A string value; bytes that are not UTF-8 are replaced (names are shown, never trusted).
    mutating func readString(_ type: TypeCode) throws -> String {
        String(decoding: try readBinary(type), as: UTF8.self)
    }

    /// A list header: element count (at most the bytes left, as every element takes
    /// at least one byte) and element type.
    mutating func readListHeader(_ type: TypeCode) throws -> (count: Int, element: TypeCode) {
        guard type == .list || type == .set else { throw mismatch(expected: "list", found: type) }
        let header = try readByte()
        guard let element = TypeCode(rawValue: header & 0x0F), element != .stop else {
            throw ThriftError("unknown list element type \(header & 0x0F) at byte \(position - 1)")
        }
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else {
            throw ThriftError("a list of \(count) elements at byte \(position) cannot fit in the \(remaining) bytes left")
        }
        return (Int(count), element)
    }

    /// Reads a list whose elements `element` decodes.
    mutating func readList<T>(_ type: TypeCode, _ element: (inout ThriftCompactReader, TypeCode) throws -> T) throws -> [T] {
        let (count, elementType) = try readListHeader(type)
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self, elementType)) }
        return result
    }

    /// A bool inside a list: one byte, 1 for true.
    mutating func readListBool() throws -> Bool { try readByte() == 1 }

    /// Skips a value of `type`, however deeply nested (up to ``maxDepth``).
    mutating func skip(_ type: TypeCode, depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw ThriftError("values nested deeper than \(Self.maxDepth) levels at byte \(position)") }
        switch type {
        case .stop: throw ThriftError("unexpected stop at byte \(position)")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw ThriftError("input ends inside a double at byte \(position)") }
            position += 8
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw ThriftError("a string of \(length) bytes at byte \(position) runs past the end") }
            position += Int(length)
        case .list, .set:
            let (count, element) = try readListHeader(type)
            for _ in 0..<count {
                if element == .boolTrue || element == .boolFalse { _ = try readByte() } else { try skip(element, depth: depth + 1) }
            }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw ThriftError("a map of \(count) entries at byte \(position) cannot fit") }
            guard count > 0 else { return }
            let kinds = try readByte()
            guard let key = TypeCode(rawValue: kinds >> 4), let value = TypeCode(rawValue: kinds & 0x0F), key != .stop, value != .stop else {
                throw ThriftError("unknown map types \(kinds) at byte \(position - 1)")
            }
            for _ in 0..<count {
                if key == .boolTrue || key == .boolFalse { _ = try readByte() } else { try skip(key, depth: depth + 1) }
                if value == .boolTrue || value == .boolFalse { _ = try readByte() } else { try skip(value, depth: depth + 1) }
            }
        case .structure:
            var last: Int16 = 0
            while let field = try readFieldHeader(last: &last) { try skip(field.type, depth: depth + 1) }
        }
    }

    private func mismatch(expected: String, found: TypeCode) -> ThriftError {
        ThriftError("expected a \(expected) at byte \(position), found type \(found)")
    }
}

/// Bytes that are not valid compact-protocol Thrift (or not the struct expected).
struct ThriftError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
