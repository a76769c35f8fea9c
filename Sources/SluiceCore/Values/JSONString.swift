/// `text` as a JSON string literal: quotes, backslashes and control characters
/// escaped, everything else kept as is.
///
/// ```swift
/// jsonString("a \"b\"\n")   // "\"a \\\"b\\\"\\n\""
/// ```
public func jsonString(_ text: String) -> String {
    "\"" + escaping(text) { scalar in
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: scalar.value < 0x20 ? "\\u" + hexDigits(scalar.value, width: 4) : nil
        }
    } + "\""
}

/// `text` with each Unicode scalar that `replacement` maps replaced by what it returns
/// (`""` drops the scalar, `nil` keeps it). The one escaping loop: JSON strings,
/// Prometheus label values, XML/HTML text and control-character display are mappings.
///
/// ```swift
/// escaping("a\"b") { $0 == "\"" ? "\\\"" : nil }   // a\"b
/// ```
@inlinable
public func escaping(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
    }
    return out
}

/// `value` in lower-case hexadecimal, zero-padded to `width` digits.
public func hexDigits(_ value: UInt32, width: Int) -> String {
    let hex = String(value, radix: 16)
    return hex.count < width ? String(repeating: "0", count: width - hex.count) + hex : hex
}

/// Text escaped for XML and HTML content and attributes; characters XML 1.0 forbids are dropped.
public func markupEscaped(_ text: String) -> String {
    escaping(text) { scalar in
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        case "\n", "\t", "\r": nil
        default: scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? "" : nil
        }
    }
}
