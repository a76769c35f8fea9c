import SluiceCore

/// Why one line of JSON Lines cannot be used, located by byte offset in the line.
///
/// The reader turns it into a ``FormatError`` with the file and line number.
package struct JSONLineProblem: Error {
    package enum Kind {
        /// Bad JSON syntax (`.malformedJSON`).
        case syntax
        /// Bytes that are not UTF-8 inside a string (`.invalidUTF8`).
        case utf8
        /// A key that the schema does not have (after the sample).
        case unknownKey(String)
    }
    package var kind: Kind
    /// 0-based byte offset in the line of the offending byte.
    package var offset: Int
    package var message: String
}

/// A byte-level JSON scanner over one line (RFC 8259), with no allocation on the
/// success path: it validates and measures values, and decodes string escapes into
/// a caller's scratch buffer only when a string has escapes.
///
/// Offsets are 0-based indices into the line; the line holds no `\n`.
package struct JSONScanner {
    package init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    package let p: UnsafePointer<UInt8>
    package let n: Int

    /// Nesting deeper than this inside one value is rejected (the scanner recurses).
    static let maximumDepth = 256

    @inline(__always)
    package func skipWhitespace(_ i: Int) -> Int {
        var i = i
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { break }
            i &+= 1
        }
        return i
    }

    /// How the byte at `i` reads in a message: `` `x` ``, `end of line` or `byte 0xFF`.
    package func found(_ i: Int) -> String {
        guard i < n else { return "end of line" }
        let c = p[i]
        if c >= 0x21 && c < 0x7F { return "`\(Character(Unicode.Scalar(c)))`" }
        if c == 0x20 { return "a space" }
        return "byte 0x" + hex2(c)
    }

    package func syntax(_ i: Int, _ message: String) -> JSONLineProblem {
        JSONLineProblem(kind: .syntax, offset: i, message: message)
    }

    // MARK: strings

    /// Scans the string whose opening quote is at `i`; returns the offset just past
    /// the closing quote and whether any escape occurs. Validates UTF-8, escapes and
    /// surrogate pairs.
    @inline(__always)
    package func scanString(at i: Int) throws(JSONLineProblem) -> (end: Int, hasEscapes: Bool) {
        var i = i &+ 1
        var hasEscapes = false
        while true {
            // Eight plain ASCII bytes at a time: none is `"`, `\`, a control byte or ≥ 0x80.
            while i &+ 8 <= n {
                let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((x &- ones &* 0x20) & ~x) | x
                if special & highs != 0 { break }
                i &+= 8
            }
            guard i < n else {
                throw syntax(i, "unterminated string: expected `\"`, found end of line")
            }
            let c = p[i]
            if c == 0x22 { return (i &+ 1, hasEscapes) }
            if c == 0x5C {
                hasEscapes = true
                i = try scanEscape(at: i)
            } else if c < 0x20 {
                throw syntax(i, "control character U+00\(hex2(c)) in a string must be escaped (as \\u00\(hex2(c)))")
            } else if c < 0x80 {
                i &+= 1
            } else {
                i = try scanUTF8Sequence(at: i)
            }
        }
    }

    /// Validates the escape at `i` (a backslash); returns the offset after it.
    package func scanEscape(at i: Int) throws(JSONLineProblem) -> Int {
        guard i &+ 1 < n else { throw syntax(i, "unterminated string: expected an escape after `\\`, found end of line") }
        switch p[i &+ 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: return i &+ 2
        case 0x75:
            guard let unit = hex4(at: i &+ 2) else {
                throw syntax(i, "invalid escape: expected 4 hex digits after `\\u`")
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw syntax(i, "invalid escape: lone low surrogate \\u\(hex4Text(unit)) (expected a high surrogate before it)")
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard i &+ 7 < n, p[i &+ 6] == 0x5C, p[i &+ 7] == 0x75, let low = hex4(at: i &+ 8),
                      low >= 0xDC00 && low <= 0xDFFF else {
                    throw syntax(i, "invalid escape: lone high surrogate \\u\(hex4Text(unit)) (expected a low surrogate \\uDC00…\\uDFFF after it)")
                }
                return i &+ 12
            }
            return i &+ 6
        default:
            throw syntax(i, "invalid escape \(found(i &+ 1)) after `\\`: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    @inline(__always)
    func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c &- 0x30)
        case 0x41...0x46: UInt32(c &- 0x37)
        case 0x61...0x66: UInt32(c &- 0x57)
        default: nil
        }
    }

    func hex4(at i: Int) -> UInt32? {
        guard i &+ 4 <= n, let a = hexValue(p[i]), let b = hexValue(p[i &+ 1]),
              let c = hexValue(p[i &+ 2]), let d = hexValue(p[i &+ 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// Validates one multi-byte UTF-8 sequence starting at `i` (RFC 3629: no
    /// overlongs, no surrogates, at most U+10FFFF); returns the offset after it.
    @inline(__always)
    func scanUTF8Sequence(at i: Int) throws(JSONLineProblem) -> Int {
        let b0 = p[i]
        func continuation(_ k: Int, _ lower: UInt8 = 0x80, _ upper: UInt8 = 0xBF) -> Bool {
            i &+ k < n && p[i &+ k] >= lower && p[i &+ k] <= upper
        }
        if b0 >= 0xC2 && b0 <= 0xDF {
            if continuation(1) { return i &+ 2 }
        } else if b0 >= 0xE0 && b0 <= 0xEF {
            if continuation(1, b0 == 0xE0 ? 0xA0 : 0x80, b0 == 0xED ? 0x9F : 0xBF) && continuation(2) { return i &+ 3 }
        } else if b0 >= 0xF0 && b0 <= 0xF4 {
            if continuation(1, b0 == 0xF0 ? 0x90 : 0x80, b0 == 0xF4 ? 0x8F : 0xBF) && continuation(2) && continuation(3) {
                return i &+ 4
            }
        }
        throw JSONLineProblem(kind: .utf8, offset: i, message: "string holds bytes that are not valid UTF-8 (byte 0x\(hex2(b0)))")
    }

    /// Decodes the escapes of a string's content `start..<end` (validated by
    /// ``scanString(at:)``) and appends the UTF-8 bytes to `scratch`.
    package func decodeString(_ start: Int, _ end: Int, into scratch: RawBuffer) {
        var i = start
        var run = start
        while i < end {
            guard p[i] == 0x5C else { i &+= 1; continue }
            if run < i { scratch.append(p + run, byteCount: i &- run) }
            let e = p[i &+ 1]
            switch e {
            case 0x62: scratch.append(UInt8(0x08)); i &+= 2
            case 0x66: scratch.append(UInt8(0x0C)); i &+= 2
            case 0x6E: scratch.append(UInt8(0x0A)); i &+= 2
            case 0x72: scratch.append(UInt8(0x0D)); i &+= 2
            case 0x74: scratch.append(UInt8(0x09)); i &+= 2
            case 0x75:
                var scalar = hex4(at: i &+ 2)!
                i &+= 6
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hex4(at: i &+ 2)!
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                    i &+= 6
                }
                appendUTF8(scalar, to: scratch)
            default: scratch.append(e); i &+= 2   // " \ /
            }
            run = i
        }
        if run < end { scratch.append(p + run, byteCount: end &- run) }
    }

    func appendUTF8(_ scalar: UInt32, to out: RawBuffer) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: numbers and literals

    /// Scans a number at `i` by the JSON grammar
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; returns its end and whether
    /// it is an integer (no fraction, no exponent).
    @inline(__always)
    package func scanNumber(at start: Int) throws(JSONLineProblem) -> (end: Int, isInteger: Bool) {
        var i = start
        if p[i] == 0x2D { i &+= 1 }
        guard i < n, p[i] &- 0x30 < 10 else {
            throw syntax(i, "invalid number: expected a digit after `-`, found \(found(i))")
        }
        if p[i] == 0x30 {
            i &+= 1
            if i < n, p[i] &- 0x30 < 10 {
                throw syntax(start, "invalid number: a leading zero must not be followed by digits")
            }
        } else {
            while i < n, p[i] &- 0x30 < 10 { i &+= 1 }
        }
        var isInteger = true
        if i < n, p[i] == 0x2E {
            isInteger = false
            i &+= 1
            guard i < n, p[i] &- 0x30 < 10 else {
                throw syntax(i, "invalid number: expected a digit after `.`, found \(found(i))")
            }
            while i < n, p[i] &- 0x30 < 10 { i &+= 1 }
        }
        if i < n, p[i] | 0x20 == 0x65 {
            isInteger = false
            i &+= 1
            if i < n, p[i] == 0x2B || p[i] == 0x2D { i &+= 1 }
            guard i < n, p[i] &- 0x30 < 10 else {
                throw syntax(i, "invalid number: expected a digit in the exponent, found \(found(i))")
            }
            while i < n, p[i] &- 0x30 < 10 { i &+= 1 }
        }
        return (i, isInteger)
    }

    /// Checks that `word` (`true`, `false`, `null`) is at `i`; returns its end.
    @inline(__always)
    package func scanLiteral(_ word: StaticString, at i: Int) throws(JSONLineProblem) -> Int {
        let count = word.utf8CodeUnitCount
        var k = 0
        while k < count {
            guard i &+ k < n, p[i &+ k] == word.utf8Start[k] else {
                throw syntax(i &+ k, "expected `\(word)`, found \(found(i &+ k))")
            }
            k &+= 1
        }
        return i &+ count
    }

    // MARK: nested values

    /// Validates any JSON value at `i` (used for nested objects and arrays, whose
    /// text is kept as written); returns its end.
    package func skipValue(at i: Int, depth: Int) throws(JSONLineProblem) -> Int {
        guard i < n else { throw syntax(i, "expected a JSON value, found end of line") }
        switch p[i] {
        case 0x22: return try scanString(at: i).end
        case 0x7B, 0x5B:
            guard depth < JSONScanner.maximumDepth else {
                throw syntax(i, "values nested deeper than \(JSONScanner.maximumDepth) levels are not supported")
            }
            let isObject = p[i] == 0x7B
            let close: UInt8 = isObject ? 0x7D : 0x5D
            var j = skipWhitespace(i &+ 1)
            if j < n && p[j] == close { return j &+ 1 }
            while true {
                if isObject {
                    guard j < n, p[j] == 0x22 else { throw syntax(j, "expected a string key, found \(found(j))") }
                    j = skipWhitespace(try scanString(at: j).end)
                    guard j < n, p[j] == 0x3A else { throw syntax(j, "expected `:` after the key, found \(found(j))") }
                    j = skipWhitespace(j &+ 1)
                }
                j = skipWhitespace(try skipValue(at: j, depth: depth &+ 1))
                guard j < n else {
                    throw syntax(j, "expected `,` or `\(isObject ? "}" : "]")`, found end of line")
                }
                if p[j] == close { return j &+ 1 }
                guard p[j] == 0x2C else {
                    throw syntax(j, "expected `,` or `\(isObject ? "}" : "]")`, found \(found(j))")
                }
                j = skipWhitespace(j &+ 1)
            }
        case 0x74: return try scanLiteral("true", at: i)
        case 0x66: return try scanLiteral("false", at: i)
        case 0x6E: return try scanLiteral("null", at: i)
        case 0x2D, 0x30...0x39: return try scanNumber(at: i).end
        default: throw syntax(i, "expected a JSON value, found \(found(i))")
        }
    }
}

private let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

/// Two uppercase hex digits.
func hex2(_ byte: UInt8) -> String {
    String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]], as: UTF8.self)
}

private func hex4Text(_ unit: UInt32) -> String {
    hex2(UInt8(unit >> 8)) + hex2(UInt8(unit & 0xFF))
}
