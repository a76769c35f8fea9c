/// UTF-8 validation on raw bytes (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
package enum UTF8Validation {
    /// The offset of the first byte that starts an invalid sequence, or `nil` when
    /// all `n` bytes are valid UTF-8.
    @inlinable
    package static func firstInvalidOffset(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            // Skip ASCII eight bytes at a time.
            while i &+ 8 <= n, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i &+= 8
            }
            guard i < n else { return nil }
            let b0 = p[i]
            if b0 < 0x80 { i &+= 1; continue }
            if b0 >= 0xC2 && b0 <= 0xDF {
                guard i &+ 1 < n, p[i &+ 1] & 0xC0 == 0x80 else { return i }
                i &+= 2
            } else if b0 >= 0xE0 && b0 <= 0xEF {
                guard i &+ 2 < n else { return i }
                let b1 = p[i &+ 1], b2 = p[i &+ 2]
                let lower: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
                let upper: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                guard b1 >= lower && b1 <= upper, b2 & 0xC0 == 0x80 else { return i }
                i &+= 3
            } else if b0 >= 0xF0 && b0 <= 0xF4 {
                guard i &+ 3 < n else { return i }
                let b1 = p[i &+ 1], b2 = p[i &+ 2], b3 = p[i &+ 3]
                let lower: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
                let upper: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
                guard b1 >= lower && b1 <= upper, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return i }
                i &+= 4
            } else {
                return i
            }
        }
        return nil
    }
}
