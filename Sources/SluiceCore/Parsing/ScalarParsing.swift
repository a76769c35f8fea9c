#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers from UTF-8 text to column values, shared by every text format.
///
/// They work on raw bytes (no `String`), accept exactly one spelling family per
/// type and return `nil` on anything else, so they double as type inference:
///
/// | type        | accepted text |
/// |-------------|---------------|
/// | `bool`      | `true`, `false` in any letter case |
/// | `int64`     | optional sign, decimal digits, fits in 64 bits |
/// | `float64`   | decimal with `.`, optional exponent; `nan`, `inf`, `infinity` (any case, signed) |
/// | `date`      | `YYYY-MM-DD` |
/// | `timestamp` | `YYYY-MM-DD` then `T` or a space, `HH:MM[:SS[.f…]]`, optional `Z` or `±HH[:]MM` |
/// | `decimal(p,s)` | `[-+]digits[.digits]`, exact: at most `p − s` integer digits, no non-zero digit past `s` (``Decimal128/parse(_:_:scale:precision:)``); never inferred |
/// | `binary`    | hex, optional `\x` or `0x` prefix (``BinaryText``); never inferred |
public enum ScalarParser {
    /// The leading `-` or `+` of a number (`p` holds at least one byte): whether it is
    /// negative, and the index of the first byte after the sign.
    @inlinable @inline(__always)
    static func sign(_ p: UnsafePointer<UInt8>) -> (negative: Bool, start: Int) {
        switch p[0] {
        case UInt8(ascii: "-"): (true, 1)
        case UInt8(ascii: "+"): (false, 1)
        default: (false, 0)
        }
    }

    /// Parses a signed 64-bit decimal integer.
    @inlinable
    package static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0 else { return nil }
        let (negative, start) = sign(p)
        var i = start
        guard n > i else { return nil }
        if n - i <= 18 {
            // At most 18 digits cannot overflow: no checks in the loop.
            var value: Int64 = 0
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int64(d)
                i &+= 1
            }
            return negative ? 0 &- value : value
        }
        var magnitude: UInt64 = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1 && !o2 else { return nil }
            magnitude = s
            i &+= 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// 10^0 … 10^22, every one exactly representable as a `Double`.
    public static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a decimal floating-point number, correctly rounded.
    ///
    /// Short decimals (≤ 15 significant digits, ≤ 22 fraction digits) take an exact
    /// fast path; everything else goes through the C library's `strtod`.
    @inlinable
    package static func float64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0 else { return nil }
        let (negative, start) = sign(p)
        var i = start
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        while i < n {
            let c = p[i]
            let d = c &- 48
            if d < 10 {
                sawDigit = true
                if mantissa != 0 || d != 0 { digits &+= 1 }
                mantissa = mantissa &* 10 &+ UInt64(d)
                if sawDot { fractionDigits &+= 1 }
            } else if c == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            i &+= 1
        }
        if i == n {
            guard sawDigit else { return nil }
            if digits <= 15 && fractionDigits <= 22 {
                let value = Double(mantissa) / exactPowersOfTen[fractionDigits]
                return negative ? -value : value
            }
            return slowFloat64(p, n)
        }
        let c = p[i]
        if sawDigit && (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) {
            return slowFloat64(p, n)
        }
        if !sawDigit && !sawDot { return special(p + i, n - i, negative: negative) }
        return nil
    }

    @usableFromInline
    static func special(_ p: UnsafePointer<UInt8>, _ n: Int, negative: Bool) -> Double? {
        func matches(_ word: StaticString) -> Bool {
            guard n == word.utf8CodeUnitCount else { return false }
            for k in 0..<n where p[k] | 0x20 != word.utf8Start[k] { return false }
            return true
        }
        if matches("nan") { return .nan }
        if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
        return nil
    }

    /// `strtod` on a NUL-terminated copy, after checking the text is a plain decimal.
    @usableFromInline @inline(never)
    static func slowFloat64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        // Validate the grammar first: strtod accepts hex floats and leading spaces, we don't.
        var i = 0
        if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { i += 1 }
        var mantissaDigits = 0
        while i < n && p[i] &- 48 < 10 { i += 1; mantissaDigits += 1 }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && p[i] &- 48 < 10 { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { i += 1 }
            var exponentDigits = 0
            while i < n && p[i] &- 48 < 10 { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == n else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[n] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// Parses `true` / `false` in any letter case.
    @inlinable
    package static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 && (p[0] | 0x20) == UInt8(ascii: "t") && (p[1] | 0x20) == UInt8(ascii: "r")
            && (p[2] | 0x20) == UInt8(ascii: "u") && (p[3] | 0x20) == UInt8(ascii: "e") { return true }
        if n == 5 && (p[0] | 0x20) == UInt8(ascii: "f") && (p[1] | 0x20) == UInt8(ascii: "a")
            && (p[2] | 0x20) == UInt8(ascii: "l") && (p[3] | 0x20) == UInt8(ascii: "s")
            && (p[4] | 0x20) == UInt8(ascii: "e") { return false }
        return nil
    }

    @inlinable
    static func twoDigits(_ p: UnsafePointer<UInt8>) -> Int? {
        let a = p[0] &- 48, b = p[1] &- 48
        guard a < 10 && b < 10 else { return nil }
        return Int(a) * 10 + Int(b)
    }

    /// Parses `YYYY-MM-DD` into days since 1970-01-01.
    @inlinable
    package static func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        guard n == 10 else { return nil }
        return datePrefix(p).map { Int32($0) }
    }

    @inlinable
    static func datePrefix(_ p: UnsafePointer<UInt8>) -> Int? {
        guard p[4] == UInt8(ascii: "-") && p[7] == UInt8(ascii: "-"),
              let c = twoDigits(p), let y = twoDigits(p + 2),
              let m = twoDigits(p + 5), let d = twoDigits(p + 8) else { return nil }
        let year = c * 100 + y
        guard CivilCalendar.isValid(year: year, month: m, day: d) else { return nil }
        return CivilCalendar.days(year: year, month: m, day: d)
    }

    /// Parses an ISO-8601 timestamp into microseconds since the epoch, UTC.
    /// Without an offset the time is taken as UTC.
    @inlinable
    package static func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n >= 16, let days = datePrefix(p) else { return nil }
        guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") || p[10] == UInt8(ascii: "t") else { return nil }
        guard let hour = twoDigits(p + 11), p[13] == UInt8(ascii: ":"), let minute = twoDigits(p + 14),
              hour < 24, minute < 60 else { return nil }
        var i = 16
        var second = 0
        var micros = 0
        if i < n && p[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = twoDigits(p + i + 1), s < 60 else { return nil }
            second = s
            i += 3
            if i < n && (p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) {
                i += 1
                var scale = 100_000
                let fractionStart = i
                while i < n, p[i] &- 48 < 10 {
                    micros += Int(p[i] &- 48) * scale   // digits past the 6th are dropped (truncation)
                    scale /= 10
                    i += 1
                }
                guard i > fractionStart else { return nil }
            }
        }
        var offsetSeconds = 0
        if i < n {
            let c = p[i]
            if (c == UInt8(ascii: "Z") || c == UInt8(ascii: "z")) && i + 1 == n {
                i += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                guard i + 3 <= n, let oh = twoDigits(p + i + 1), oh < 24 else { return nil }
                var om = 0
                var j = i + 3
                let colon = j < n && p[j] == UInt8(ascii: ":")
                if colon { j += 1 }
                if j < n || colon {
                    guard j + 2 == n, let m = twoDigits(p + j), m < 60 else { return nil }
                    om = m
                    j += 2
                }
                offsetSeconds = (oh * 3600 + om * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
                i = j
            }
            guard i == n else { return nil }
        }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Int64(seconds) * 1_000_000 + Int64(micros)
    }

    /// The narrowest type whose parser accepts the text, trying
    /// bool → int64 → float64 → date → timestamp, else `string`.
    @inlinable
    package static func narrowestType(_ p: UnsafePointer<UInt8>, _ n: Int) -> DataType {
        guard n > 0 else { return .string }
        let c = p[0]
        if c &- 48 < 10 || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") {
            if int64(p, n) != nil { return .int64 }
            if n >= 10 && p[4] == UInt8(ascii: "-") {
                if date(p, n) != nil { return .date }
                if timestamp(p, n) != nil { return .timestamp }
            }
            if float64(p, n) != nil { return .float64 }
            return .string
        }
        if bool(p, n) != nil { return .bool }
        if (c | 0x20) == UInt8(ascii: "n") || (c | 0x20) == UInt8(ascii: "i"), float64(p, n) != nil { return .float64 }
        return .string
    }

    /// Whether `type`'s parser accepts the text.
    @inlinable
    package static func accepts(_ type: DataType, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch type {
        case .string: return true
        case .bool: return bool(p, n) != nil
        case .int64: return int64(p, n) != nil
        case .float64: return float64(p, n) != nil
        case .date: return date(p, n) != nil
        case .timestamp: return timestamp(p, n) != nil || date(p, n) != nil
        case .decimal(let precision, let scale): return Decimal128.parse(p, n, scale: scale, precision: precision) != nil
        case .binary:
            var scratch: [UInt8] = []
            return BinaryText.decodeHex(p, n, into: &scratch)
        }
    }
}

extension ScalarParser {
    /// Parses text as a value of `type` (a `date` is accepted as a midnight `timestamp`);
    /// `nil` when it does not fit.
    public static func value(_ text: String, as type: DataType) -> Value? {
        var text = text
        return text.withUTF8 { buffer -> Value? in
            guard let p = buffer.baseAddress else { return type == .string ? .string("") : nil }
            let n = buffer.count
            switch type {
            case .string: return .string(String(decoding: buffer, as: UTF8.self))
            case .bool: return bool(p, n).map(Value.bool)
            case .int64: return int64(p, n).map(Value.int64)
            case .float64: return float64(p, n).map(Value.float64)
            case .date: return date(p, n).map(Value.date)
            case .timestamp:
                if let t = timestamp(p, n) { return .timestamp(t) }
                return date(p, n).map { .timestamp(Int64($0) * 86_400_000_000) }
            case .decimal(let precision, let scale):
                return Decimal128.parse(p, n, scale: scale, precision: precision).map { .decimal(Decimal128(unscaled: $0, scale: scale)) }
            case .binary:
                var out: [UInt8] = []
                return n > 0 && BinaryText.decodeHex(p, n, into: &out) ? .binary(out) : nil   // empty text is null, as for every non-string type
            }
        }
    }
}
