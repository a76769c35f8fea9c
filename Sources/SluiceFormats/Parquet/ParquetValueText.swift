/// Exact text for Parquet values that have no Sluice type of their own: decimals
/// (`-123.45`, never through a double), times of day (`13:45:00.250`), UUIDs and raw
/// fixed-length bytes (lowercase hex).
enum ParquetValueText {
    static func format(_ value: UnsafeRawBufferPointer, kind: ParquetColumnPlan.Kind, physical: ParquetPhysicalType,
                       into text: inout [UInt8]) throws {
        switch kind {
        case .decimal(let scale):
            let unscaled: Int128
            switch physical {
            case .int32: unscaled = Int128(Int32(littleEndian: value.loadUnaligned(as: Int32.self)))
            case .int64: unscaled = Int128(Int64(littleEndian: value.loadUnaligned(as: Int64.self)))
            default:
                guard value.count <= 16 else { throw ThriftError("a DECIMAL of \(value.count) bytes (Sluice reads up to 16)") }
                guard value.count > 0 else { throw ThriftError("an empty DECIMAL value") }
                var raw: Int128 = value[0] & 0x80 != 0 ? -1 : 0   // big-endian two's complement
                for byte in value { raw = (raw << 8) | Int128(byte) }
                unscaled = raw
            }
            appendDecimal(unscaled, scale: scale, into: &text)
        case .time(let unit):
            let raw: Int64 = physical == .int32 ? Int64(Int32(littleEndian: value.loadUnaligned(as: Int32.self)))
                : Int64(littleEndian: value.loadUnaligned(as: Int64.self))
            let (perSecond, digits): (Int64, Int) = switch unit {
            case .millis: (1000, 3)
            case .micros: (1_000_000, 6)
            case .nanos: (1_000_000_000, 9)
            }
            guard raw >= 0, raw <= 86_400 * perSecond else { throw ThriftError("time of day \(raw) is out of range") }
            let seconds = raw / perSecond, fraction = raw % perSecond
            appendPadded(seconds / 3600, width: 2, into: &text)
            text.append(UInt8(ascii: ":"))
            appendPadded(seconds / 60 % 60, width: 2, into: &text)
            text.append(UInt8(ascii: ":"))
            appendPadded(seconds % 60, width: 2, into: &text)
            text.append(UInt8(ascii: "."))
            appendPadded(fraction, width: digits, into: &text)
        case .uuid:
            for (i, byte) in value.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
                appendHex(byte, into: &text)
            }
        default:
            for byte in value { appendHex(byte, into: &text) }
        }
    }

    /// `unscaled × 10^-scale` as decimal text.
    static func appendDecimal(_ unscaled: Int128, scale: Int, into text: inout [UInt8]) {
        let negative = unscaled < 0
        var magnitude = unscaled.magnitude
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        if scale > 0 { while digits.count <= scale { digits.append(UInt8(ascii: "0")) } }
        if negative { text.append(UInt8(ascii: "-")) }
        for (i, digit) in digits.reversed().enumerated() {
            if scale > 0 && i == digits.count - scale { text.append(UInt8(ascii: ".")) }
            text.append(digit)
        }
        if scale < 0 { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -scale)) }
    }

    private static func appendPadded(_ value: Int64, width: Int, into text: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        if digits.count < width { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        text.append(contentsOf: digits)
    }

    private static func appendHex(_ byte: UInt8, into text: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        text.append(hex[Int(byte >> 4)])
        text.append(hex[Int(byte & 15)])
    }
}
