/// A byte buffer that writers format into through a raw pointer: a capacity
/// check per value (``reserve(_:)``), then plain stores.
///
/// The one formatter of values as text: writers format into it and hand full buffers
/// to an output file (`drain(to:)` in SluiceFormats); casts to string, and the text of
/// dates and timestamps (``formatDate(daysSinceEpoch:)``), use it too.
///
/// A public type whose members are `package` and `@inlinable`: its writers (CSV, JSON
/// Lines, COPY, the stream encoders) live in other modules, and only inlinable members
/// of a public type are inlined there — a per-value call costs the writers a third.
public struct ByteWriter {
    @usableFromInline package var base: UnsafeMutablePointer<UInt8>   // set only by `grow`
    @usableFromInline var capacity: Int
    @usableFromInline package var count = 0

    @inlinable package init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// Frees the memory; the writer must not be used afterwards.
    @inlinable package func deallocate() { base.deallocate() }

    /// Makes room for `n` more bytes.
    @inlinable @inline(__always) package mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count + n) }
    }

    @usableFromInline @inline(never) mutating func grow(_ needed: Int) {
        let bigger = Swift.max(needed, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = bigger
    }

    /// Appends one byte (room must have been reserved).
    @inlinable @inline(__always) package mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Appends `n` bytes (room must have been reserved).
    @inlinable @inline(__always) package mutating func put(_ source: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: source, count: n)
        count &+= n
    }

    /// Appends a static ASCII word, reserving room.
    @inlinable package mutating func put(_ word: StaticString) {
        reserve(word.utf8CodeUnitCount)
        put(word.utf8Start, word.utf8CodeUnitCount)
    }

    /// The bytes written so far.
    @inlinable package var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes written so far as text.
    @inlinable package var text: String { String(decoding: written, as: UTF8.self) }

    // MARK: Numbers and times

    /// Decimal digits of `value` (reserves room).
    @inlinable @inline(__always) package mutating func put(int64 value: Int64) {
        reserve(20)
        if value < 0 { put(UInt8(ascii: "-")) }
        putDigits(value.magnitude, minimumWidth: 1)
    }

    /// At least `minimumWidth` digits, zero-padded (room must have been reserved: 20 bytes).
    @inlinable @inline(__always) package mutating func putDigits(_ value: UInt64, minimumWidth: Int) {
        var width = 1
        var limit: UInt64 = 10
        while width < 20 && value >= limit {
            width &+= 1
            limit = limit &* 10
        }
        width = Swift.max(width, minimumWidth)
        var v = value
        var i = count &+ width &- 1
        while i >= count {
            base[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            i &-= 1
        }
        count &+= width
    }

    /// `value` as JSON: a number when finite, else the string `"NaN"`, `"Infinity"` or
    /// `"-Infinity"` — JSON has no such numbers; pandas, Spark and Sluice's JSON Lines
    /// reader read these strings back as floats.
    @inlinable package mutating func put(jsonFloat64 value: Double) {
        if value.isFinite { put(float64: value); return }
        reserve(12)
        put(value.isNaN ? "\"NaN\"" : value.sign == .minus ? "\"-Infinity\"" : "\"Infinity\"")
    }

    /// The shortest text that reads back to `value` (`12.5`, `100.0`, `nan`, `inf`).
    @inlinable package mutating func put(float64 value: Double) {
        reserve(32)
        // Plain decimals where Swift's own description uses them (1e-4 ≤ |v| < 1e15),
        // so the text matches `formatDouble`; the rest go through it.
        if value.isFinite && value.magnitude < 1e15 && (value == 0 || value.magnitude >= 1e-4) {
            var scale = 1.0
            var digits = 0
            while digits <= 8 {
                let rounded = (value * scale).rounded()
                if rounded / scale == value {
                    if value.sign == .minus { put(UInt8(ascii: "-")) }
                    let integer = UInt64(rounded.magnitude)
                    let unit = UInt64(scale)
                    putDigits(integer / unit, minimumWidth: 1)
                    put(UInt8(ascii: "."))
                    putDigits(digits == 0 ? 0 : integer % unit, minimumWidth: Swift.max(digits, 1))
                    return
                }
                scale *= 10
                digits += 1
            }
        }
        for byte in formatDouble(value).utf8 {
            reserve(1)
            put(byte)
        }
    }

    /// `YYYY-MM-DD` (reserves room).
    @inlinable package mutating func put(date days: Int32) {
        reserve(24)
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        putDate(y, m, d)
    }

    @inlinable @inline(__always) mutating func putDate(_ y: Int, _ m: Int, _ d: Int) {
        if y < 0 { put(UInt8(ascii: "-")) }
        putDigits(UInt64(y.magnitude), minimumWidth: 4)
        put(UInt8(ascii: "-"))
        putDigits(UInt64(m), minimumWidth: 2)
        put(UInt8(ascii: "-"))
        putDigits(UInt64(d), minimumWidth: 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, the fraction only when non-zero (reserves room).
    @inlinable package mutating func put(timestamp micros: Int64) {
        reserve(48)
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            days -= 1
            rest += 86_400_000_000
        }
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        putDate(y, m, d)
        let seconds = UInt64(rest / 1_000_000)
        var fraction = UInt64(rest % 1_000_000)
        put(UInt8(ascii: "T"))
        putDigits(seconds / 3600, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds / 60 % 60, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds % 60, minimumWidth: 2)
        if fraction != 0 {
            var width = 6
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            put(UInt8(ascii: "."))
            putDigits(fraction, minimumWidth: width)
        }
        put(UInt8(ascii: "Z"))
    }
}
