/// The text forms of `binary` values: hex with a `\x` prefix in text formats (CSV,
/// `head`, PostgreSQL's `bytea` output), base64 (RFC 4648, padded) in JSON.
///
/// ```swift
/// BinaryText.hex([0x0a, 0x1b])              // "\\x0a1b"
/// BinaryText.bytes(fromHex: "\\x0A1b")       // [0x0a, 0x1b]  (prefix optional, any case)
/// BinaryText.base64([0x0a, 0x1b])           // "Chs="
/// ```
public enum BinaryText {
    @usableFromInline static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    @usableFromInline static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Bytes of `\x` and two lowercase hex digits per byte.
    @inlinable public static func hexLength(_ count: Int) -> Int { 2 + count * 2 }

    /// Writes `\x` and two lowercase hex digits per byte at `out` (room for
    /// ``hexLength(_:)``); returns the bytes written.
    @inlinable
    package static func writeHex(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\\"); out[1] = UInt8(ascii: "x")
        return hexDigits.withUnsafeBufferPointer { digits in
            var o = 2
            for b in bytes {
                out[o] = digits[Int(b >> 4)]
                out[o + 1] = digits[Int(b & 0x0f)]
                o += 2
            }
            return o
        }
    }

    /// `\x` and lowercase hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { bytes in
            String(unsafeUninitializedCapacity: hexLength(bytes.count)) { out in writeHex(bytes, to: out.baseAddress!) }
        }
    }

    /// Decodes hex text, with or without a leading `\x` (or `0x`), any case, into `out`;
    /// `false` (and `out` unspecified) when it is not an even number of hex digits.
    @inlinable
    package static func decodeHex(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt8]) -> Bool {
        var i = 0
        if n >= 2 && (p[0] == UInt8(ascii: "\\") || p[0] == UInt8(ascii: "0")) && (p[1] | 0x20) == UInt8(ascii: "x") { i = 2 }
        guard (n - i) % 2 == 0 else { return false }
        out.reserveCapacity(out.count + (n - i) / 2)
        while i < n {
            guard let hi = nibble(p[i]), let lo = nibble(p[i + 1]) else { return false }
            out.append(hi << 4 | lo)
            i += 2
        }
        return true
    }

    @inlinable static func nibble(_ c: UInt8) -> UInt8? {
        if c &- 48 < 10 { return c &- 48 }
        let l = c | 0x20
        if l >= UInt8(ascii: "a") && l <= UInt8(ascii: "f") { return l &- 87 }
        return nil
    }

    /// Bytes of hex text (see ``decodeHex(_:_:into:)``); `nil` when not hex.
    public static func bytes(fromHex text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { b -> [UInt8]? in
            var out: [UInt8] = []
            guard let p = b.baseAddress else { return [] }
            return decodeHex(p, b.count, into: &out) ? out : nil
        }
    }

    /// Bytes the padded base64 of `count` bytes takes.
    @inlinable public static func base64Length(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Writes the padded base64 of `bytes` at `out` (room for ``base64Length(_:)``);
    /// returns the bytes written.
    @inlinable
    package static func writeBase64(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        base64Alphabet.withUnsafeBufferPointer { a in
            var i = 0, o = 0
            let n = bytes.count
            while i + 3 <= n {
                let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]
                out[o + 2] = a[Int(v >> 6 & 63)]; out[o + 3] = a[Int(v & 63)]
                i += 3; o += 4
            }
            let rest = n - i
            if rest > 0 {
                let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]
                out[o + 2] = rest == 2 ? a[Int(v >> 6 & 63)] : UInt8(ascii: "="); out[o + 3] = UInt8(ascii: "=")
                o += 4
            }
            return o
        }
    }

    /// Appends the padded base64 of `bytes`.
    package static func appendBase64(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let start = out.count, n = base64Length(bytes.count)
        out.append(contentsOf: repeatElement(0, count: n))
        out.withUnsafeMutableBufferPointer { _ = writeBase64(bytes, to: $0.baseAddress! + start) }
    }

    /// Padded base64.
    public static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { appendBase64($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @inlinable static func sextet(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - 65)
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - 71)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c + 4)
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }

    /// Decodes base64 (standard or URL alphabet, padding optional) into `out`;
    /// `false` when it is not base64.
    @inlinable
    package static func decodeBase64(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt8]) -> Bool {
        var end = n
        while end > 0 && p[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard n - end <= 2, end % 4 != 1 else { return false }
        var i = 0
        while i + 4 <= end {
            guard let a = sextet(p[i]), let b = sextet(p[i + 1]), let c = sextet(p[i + 2]), let d = sextet(p[i + 3]) else { return false }
            let v = a << 18 | b << 12 | c << 6 | d
            out.append(UInt8(v >> 16)); out.append(UInt8(v >> 8 & 0xff)); out.append(UInt8(v & 0xff))
            i += 4
        }
        let rest = end - i
        if rest >= 2 {
            guard let a = sextet(p[i]), let b = sextet(p[i + 1]) else { return false }
            var v = a << 18 | b << 12
            out.append(UInt8(v >> 16))
            if rest == 3 {
                guard let c = sextet(p[i + 2]) else { return false }
                v |= c << 6
                out.append(UInt8(v >> 8 & 0xff))
            }
        }
        return true
    }

    /// Bytes of base64 text; `nil` when not base64.
    public static func bytes(fromBase64 text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { b -> [UInt8]? in
            var out: [UInt8] = []
            guard let p = b.baseAddress else { return [] }
            return decodeBase64(p, b.count, into: &out) ? out : nil
        }
    }
}
