import SluiceCore

/// Formats values as text straight into a byte buffer, without a `String` per value.
/// The spellings match ``Value/description`` and read back with ``ScalarParser``.
public enum TextFormatter {
    /// Decimal digits of `value`.
    @inlinable
    public static func append(int64 value: Int64, to buffer: inout [UInt8]) {
        if value == Int64.min {
            buffer.append(contentsOf: Array("-9223372036854775808".utf8))
            return
        }
        var v = value
        if v < 0 {
            buffer.append(UInt8(ascii: "-"))
            v = -v
        }
        appendDigits(UInt64(v), to: &buffer)
    }

    @inlinable
    static func appendDigits(_ value: UInt64, to buffer: inout [UInt8], minimumWidth: Int = 1) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // room for 24 ASCII digits
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
                count += 1
            } while v != 0 || count < minimumWidth
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - count)...]))
        }
    }

    /// The shortest text that reads back to `value`: `12.5`, `100.0`, `-0.25`, `nan`, `inf`.
    public static func append(float64 value: Double, to buffer: inout [UInt8]) {
        if value.isFinite && value.magnitude < 1e15 {
            // Smallest number of fraction digits that reproduces the value exactly.
            var scale = 1.0
            for digits in 0...8 {
                let scaled = value * scale
                let rounded = scaled.rounded()
                if rounded.magnitude < 9_007_199_254_740_992, rounded / scale == value {
                    var integer = Int64(rounded)
                    if value.sign == .minus {
                        buffer.append(UInt8(ascii: "-"))
                        integer = -integer
                    }
                    let unit = Int64(scale)
                    appendDigits(UInt64(integer / unit), to: &buffer)
                    buffer.append(UInt8(ascii: "."))
                    if digits == 0 {
                        buffer.append(UInt8(ascii: "0"))
                    } else {
                        appendDigits(UInt64(integer % unit), to: &buffer, minimumWidth: digits)
                    }
                    return
                }
                scale *= 10
            }
        }
        buffer.append(contentsOf: Array(formatDouble(value).utf8))
    }

    /// `YYYY-MM-DD`.
    public static func append(date days: Int32, to buffer: inout [UInt8]) {
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        appendDate(y, m, d, to: &buffer)
    }

    static func appendDate(_ y: Int, _ m: Int, _ d: Int, to buffer: inout [UInt8]) {
        if y < 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(abs(y)), to: &buffer, minimumWidth: 4)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(UInt64(m), to: &buffer, minimumWidth: 2)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(UInt64(d), to: &buffer, minimumWidth: 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (fraction only when non-zero, trailing zeros cut).
    public static func append(timestamp micros: Int64, to buffer: inout [UInt8]) {
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            days -= 1
            rest += 86_400_000_000
        }
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        appendDate(y, m, d, to: &buffer)
        let seconds = rest / 1_000_000
        var fraction = rest % 1_000_000
        buffer.append(UInt8(ascii: "T"))
        appendDigits(UInt64(seconds / 3600), to: &buffer, minimumWidth: 2)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds / 60 % 60), to: &buffer, minimumWidth: 2)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds % 60), to: &buffer, minimumWidth: 2)
        if fraction != 0 {
            var width = 6
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            buffer.append(UInt8(ascii: "."))
            appendDigits(UInt64(fraction), to: &buffer, minimumWidth: width)
        }
        buffer.append(UInt8(ascii: "Z"))
    }
}
