/// An exact decimal number: an `Int128` unscaled value and a scale, meaning
/// `unscaled × 10^-scale`. The cell form of a `decimal(p,s)` column (whose buffer
/// holds the unscaled `Int128`s) and the arithmetic every decimal kernel shares.
///
/// Equality, hashing and ordering are exact across scales: `1.5 == 1.50`.
///
/// ```swift
/// let price = Decimal128(parsing: "19.99")!      // unscaled 1999, scale 2
/// price.description                              // "19.99"
/// Decimal128(parsing: "0.1")! < Decimal128(parsing: "0.10000000001")!   // true
/// ```
public struct Decimal128: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The digits as an integer: `12.30` at scale 2 is `1230`.
    public var unscaled: Int128
    /// Digits after the point, `0…38`.
    public var scale: Int

    public init(unscaled: Int128, scale: Int) {
        precondition((0...DataType.maxDecimalPrecision).contains(scale), "decimal scale \(scale) out of 0…38")
        self.unscaled = unscaled
        self.scale = scale
    }

    /// Parses `[-+]digits[.digits]` keeping every digit (scale = digits after the point);
    /// `nil` for anything else or more than 38 digits.
    public init?(parsing text: String) {
        var text = text
        guard let parsed = text.withUTF8({ b -> Decimal128? in
            guard let p = b.baseAddress else { return nil }
            guard let scale = Decimal128.fractionDigits(p, b.count), scale <= DataType.maxDecimalPrecision,
                  let value = Decimal128.parse(p, b.count, scale: scale, precision: DataType.maxDecimalPrecision) else { return nil }
            return Decimal128(unscaled: value, scale: scale)
        }) else { return nil }
        self = parsed
    }

    /// 10^0 … 10^38.
    public static let powersOfTen: [Int128] = {
        var p: [Int128] = [1]
        for _ in 1...38 { p.append(p.last! * 10) }
        return p
    }()

    /// The largest unscaled magnitude of `precision` digits: 10^precision − 1.
    @inlinable public static func maxUnscaled(precision: Int) -> Int128 { powersOfTen[precision] - 1 }

    /// Digits after the `.` in decimal text (0 without a point); `nil` when the text
    /// is not `[-+]digits[.digits]`.
    package static func fractionDigits(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { i = 1 }
        var digits = 0, fraction = -1
        while i < n {
            let c = p[i]
            if c &- 48 < 10 { digits += 1; if fraction >= 0 { fraction += 1 } }
            else if c == UInt8(ascii: "."), fraction < 0 { fraction = 0 }
            else { return nil }
            i += 1
        }
        return digits == 0 ? nil : Swift.max(fraction, 0)
    }

    /// Parses `[-+]digits[.digits]` into an unscaled value at `scale`, exactly:
    /// `nil` when the text is not a decimal, has non-zero digits beyond `scale`, or
    /// needs more than `precision` digits. Leading/trailing ASCII spaces are not accepted.
    @inlinable
    package static func parse(_ p: UnsafePointer<UInt8>, _ n: Int, scale: Int, precision: Int) -> Int128? {
        var i = 0
        var negative = false
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        var value: Int128 = 0
        var integerDigits = 0, fractionDigits = 0, anyDigit = false, seenPoint = false
        while i < n {
            let c = p[i]
            let d = c &- 48
            if d < 10 {
                anyDigit = true
                if seenPoint {
                    if fractionDigits == scale {
                        guard d == 0 else { return nil }      // would lose a digit: not exact
                        i &+= 1
                        continue
                    }
                    fractionDigits &+= 1
                } else {
                    if value == 0 && d == 0 { i &+= 1; continue }   // leading zeros
                    integerDigits &+= 1
                    guard integerDigits <= precision - scale else { return nil }
                }
                value = value &* 10 &+ Int128(d)
            } else if c == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i &+= 1
        }
        guard anyDigit else { return nil }
        if fractionDigits < scale { value = value &* powersOfTen[scale &- fractionDigits] }
        return negative ? 0 &- value : value
    }

    /// `unscaled` at `scale` as text: `-12.30`, `0.05`, `7`.
    public static func format(_ unscaled: Int128, scale: Int) -> String {
        var out: [UInt8] = []
        append(unscaled, scale: scale, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes ``write(_:scale:to:)`` may need.
    public static let maxTextLength = 42

    /// Appends `unscaled` at `scale` as text to `out` (no `String` on the way).
    public static func append(_ unscaled: Int128, scale: Int, to out: inout [UInt8]) {
        var scratch = [UInt8](repeating: 0, count: maxTextLength)
        let n = scratch.withUnsafeMutableBufferPointer { write(unscaled, scale: scale, to: $0.baseAddress!) }
        out.append(contentsOf: scratch[0..<n])
    }

    /// Writes `unscaled` at `scale` as text at `out` (room for ``maxTextLength`` bytes);
    /// returns the bytes written.
    @inlinable
    package static func write(_ unscaled: Int128, scale: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = unscaled.magnitude
        // Digits go in backwards from the end of the room, then move to the front.
        var end = maxTextLength, written = 0
        repeat {
            if written == scale && scale > 0 { end &-= 1; out[end] = UInt8(ascii: ".") }
            end &-= 1
            out[end] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            written &+= 1
        } while magnitude != 0 || written <= scale
        if unscaled < 0 { end &-= 1; out[end] = UInt8(ascii: "-") }
        let n = maxTextLength &- end
        if end > 0 { out.update(from: out + end, count: n) }
        return n
    }

    /// `value` moved from scale `from` to scale `to` (`to ≥ from`); `nil` on overflow of
    /// 38 digits.
    @inlinable
    public static func upscale(_ value: Int128, from: Int, to: Int) -> Int128? {
        if to == from { return value }
        let (r, o) = value.multipliedReportingOverflow(by: powersOfTen[to - from])
        guard !o, r.magnitude <= UInt128(maxUnscaled(precision: 38)) else { return nil }
        return r
    }

    /// `value` at scale `from` moved to scale `to` within `precision` digits, exactly:
    /// `nil` when a non-zero digit would be dropped or the result needs more digits.
    @inlinable
    public static func rescaled(_ value: Int128, from: Int, to: Int, precision: Int) -> Int128? {
        var r = value
        if to > from {
            guard let up = upscale(value, from: from, to: to) else { return nil }
            r = up
        } else if to < from {
            let (q, rem) = value.quotientAndRemainder(dividingBy: powersOfTen[from - to])
            guard rem == 0 else { return nil }
            r = q
        }
        guard r.magnitude <= UInt128(maxUnscaled(precision: precision)) else { return nil }
        return r
    }

    /// Compares `a × 10^-sa` with `b × 10^-sb` exactly.
    @inlinable
    public static func compare(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int) -> Int {
        if sa == sb { return a < b ? -1 : a > b ? 1 : 0 }
        if sa < sb {
            guard let a2 = upscale(a, from: sa, to: sb) else { return a < 0 ? -1 : 1 }   // |a| beyond any b
            return a2 < b ? -1 : a2 > b ? 1 : 0
        }
        guard let b2 = upscale(b, from: sb, to: sa) else { return b < 0 ? 1 : -1 }
        return a < b2 ? -1 : a > b2 ? 1 : 0
    }

    /// The nearest `Double` (lossy beyond 15–17 significant digits).
    @inlinable
    public static func toDouble(_ unscaled: Int128, scale: Int) -> Double {
        if unscaled.magnitude < (1 << 53) { return Double(unscaled) / powersOfTenDouble[scale] }
        // Split to keep the integer and fraction parts each exact before the divide.
        let p = powersOfTen[scale]
        let (q, r) = unscaled.quotientAndRemainder(dividingBy: p)
        return Double(q) + Double(r) / powersOfTenDouble[scale]
    }

    /// 10^0 … 10^38 as doubles.
    public static let powersOfTenDouble: [Double] = (0...38).map { Double(sign: .plus, exponent: 0, significand: 1) * pow10Double($0) }
    private static func pow10Double(_ e: Int) -> Double { var d = 1.0; for _ in 0..<e { d *= 10 }; return d }

    /// `value` rounded half away from zero to `scale` digits; `nil` when not finite or
    /// beyond `precision` digits. Lossy by nature: a double holds binary fractions.
    public static func fromDouble(_ value: Double, scale: Int, precision: Int) -> Int128? {
        guard value.isFinite else { return nil }
        let scaled = (value * powersOfTenDouble[scale]).rounded(.toNearestOrAwayFromZero)
        guard scaled.magnitude < 1.0e38 else { return nil }
        let r = Int128(scaled)
        guard r.magnitude <= UInt128(maxUnscaled(precision: precision)) else { return nil }
        return r
    }

    /// This number as a `Double` (lossy; see ``toDouble(_:scale:)``).
    public var doubleValue: Double { Decimal128.toDouble(unscaled, scale: scale) }

    public var description: String { Decimal128.format(unscaled, scale: scale) }

    /// The same number with trailing fraction zeros removed (the canonical form that
    /// equality and hashing use).
    public var normalized: Decimal128 {
        var u = unscaled, s = scale
        while s > 0 && u % 10 == 0 { u /= 10; s -= 1 }
        return Decimal128(unscaled: u, scale: s)
    }

    public static func == (a: Decimal128, b: Decimal128) -> Bool { compare(a.unscaled, a.scale, b.unscaled, b.scale) == 0 }
    public static func < (a: Decimal128, b: Decimal128) -> Bool { compare(a.unscaled, a.scale, b.unscaled, b.scale) < 0 }
    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.unscaled)
        hasher.combine(n.scale)
    }
}
