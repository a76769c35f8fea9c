import SluiceCore

/// Writes dates and timestamps as ISO-8601 bytes straight into a buffer — the same text
/// as `formatDate`/`formatTimestamp`, without a `String` per value (the bulk-load paths).
enum SQLTextFormat {
    /// Longest text `writeTimestamp` produces (`-10000-01-01T00:00:00.000001Z` fits).
    static let maxTimestampLength = 32

    /// Writes `2024-01-02`; returns the byte count (10 for years 0…9999).
    @inline(__always)
    static func writeDate(_ days: Int32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        guard (0...9999).contains(y) else { return copy(formatDate(daysSinceEpoch: days), to: p) }
        writeDigits(y, 4, p); p[4] = 45
        writeDigits(m, 2, p + 5); p[7] = 45
        writeDigits(d, 2, p + 8)
        return 10
    }

    /// Writes `2024-01-02T03:04:05Z`, with `.fraction` only when non-zero; returns the byte count.
    @inline(__always)
    static func writeTimestamp(_ micros: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var days = micros / 86_400_000_000, rest = micros % 86_400_000_000
        if rest < 0 { days -= 1; rest += 86_400_000_000 }
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        guard (0...9999).contains(y) else { return copy(formatTimestamp(microsecondsSinceEpoch: micros), to: p) }
        writeDigits(y, 4, p); p[4] = 45
        writeDigits(m, 2, p + 5); p[7] = 45
        writeDigits(d, 2, p + 8); p[10] = UInt8(ascii: "T")
        let seconds = Int(rest / 1_000_000)
        var fraction = Int(rest % 1_000_000)
        writeDigits(seconds / 3600, 2, p + 11); p[13] = 58
        writeDigits(seconds / 60 % 60, 2, p + 14); p[16] = 58
        writeDigits(seconds % 60, 2, p + 17)
        var n = 19
        if fraction != 0 {
            p[n] = 46
            var digits = 6
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            writeDigits(fraction, digits, p + n + 1)
            n += 1 + digits
        }
        p[n] = UInt8(ascii: "Z")
        return n + 1
    }

    @inline(__always)
    static func writeDigits(_ value: Int, _ width: Int, _ p: UnsafeMutablePointer<UInt8>) {
        var v = value
        var i = width - 1
        while i >= 0 { p[i] = UInt8(truncatingIfNeeded: 48 + v % 10); v /= 10; i -= 1 }
    }

    private static func copy(_ text: String, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for byte in text.utf8.prefix(maxTimestampLength) { p[n] = byte; n += 1 }
        return n
    }
}
