import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

// Small text helpers the commands share for what they print.

/// `1234567` → `1,234,567`.
func grouped(_ value: Int) -> String {
    let digits = Array(String(value.magnitude))
    var text = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return (value < 0 ? "-" : "") + text
}

/// `value` with exactly `digits` decimals, rounded half away from zero.
func fixed(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((abs(value) * scale).rounded())
    let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}

extension String {
    /// The string followed by spaces up to `width` terminal columns.
    func padding(to width: Int) -> String {
        let used = displayWidth(self)
        return used >= width ? self : self + String(repeating: " ", count: width - used)
    }

    /// Spaces up to `width` terminal columns, then the string.
    func leftPadding(to width: Int) -> String {
        let used = displayWidth(self)
        return used >= width ? self : String(repeating: " ", count: width - used) + self
    }
}

func formatSeconds(_ seconds: Double) -> String {
    let ms = (seconds * 1000).rounded()
    return ms < 1000 ? "\(Int(ms)) ms" : "\(Double(Int(seconds * 100)) / 100) s"
}

func formatBytes(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1 << 20 { return "\(bytes / 1024) KiB" }
    return "\(Double(bytes * 10 / (1 << 20)) / 10) MiB"
}
