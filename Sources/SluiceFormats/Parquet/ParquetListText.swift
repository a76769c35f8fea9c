import SluiceCore

/// JSON text for the elements of a LIST column: numbers as numbers (NaN and ±inf as
/// null, which JSON lacks), booleans, and strings, dates and timestamps as JSON strings.
enum ParquetListText {
    static func appendJSON(_ elements: ParquetColumnBuffer, at index: Int, into text: inout [UInt8]) {
        let values = elements.values.pointer
        switch elements.type {
        case .bool:
            text.append(contentsOf: values.load(fromByteOffset: index, as: UInt8.self) != 0 ? Array("true".utf8) : Array("false".utf8))
        case .int64:
            text.append(contentsOf: Array(String(values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)).utf8))
        case .float64:
            let value = values.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
            text.append(contentsOf: Array((value.isFinite ? Value.float64(value).description : "null").utf8))
        case .date:
            appendString(Value.date(values.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)).description, into: &text)
        case .timestamp:
            appendString(Value.timestamp(values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)).description, into: &text)
        case .decimal(_, let scale):   // a JSON number, exact text
            text.append(contentsOf: Decimal128.format(values.loadUnaligned(fromByteOffset: index * 16, as: Int128.self), scale: scale).utf8)
        case .binary:   // base64, as JSON Lines writes bytes
            let offsets = values.assumingMemoryBound(to: Int64.self)
            let lower = Int(offsets[index]), upper = Int(offsets[index + 1])
            appendString(BinaryText.base64(Array(UnsafeRawBufferPointer(start: elements.byteBuffer.pointer + lower, count: upper - lower))), into: &text)
        case .string:
            let offsets = values.assumingMemoryBound(to: Int64.self)
            let lower = Int(offsets[index]), upper = Int(offsets[index + 1])
            appendString(String(decoding: UnsafeRawBufferPointer(start: elements.byteBuffer.pointer + lower, count: upper - lower), as: UTF8.self), into: &text)
        }
    }

    /// A JSON string literal (escapes as Python's `json.dumps(ensure_ascii=False)`).
    static func appendString(_ string: String, into text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): text += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): text += Array("\\\\".utf8)
            case 0x0A: text += Array("\\n".utf8)
            case 0x0D: text += Array("\\r".utf8)
            case 0x09: text += Array("\\t".utf8)
            case 0x08: text += Array("\\b".utf8)
            case 0x0C: text += Array("\\f".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                text += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }
}
