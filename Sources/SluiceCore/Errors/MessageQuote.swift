/// A value from the input quoted for an error message: in double quotes, cut to `limit`
/// bytes of UTF-8 (never inside a character; `…` marks the cut), with quotes and control
/// characters escaped (`\"`, `\0`, `\n`, `\r`, `\t`, others as `\x1b`) so the message
/// stays one line and the quoted text is unambiguous. Bytes that are not UTF-8 show as
/// `�`. The one escaper for input values in messages (readers, spec files).
///
/// ```swift
/// quotedForMessage("a\tb\"c")                                  // "a\tb\"c"  (quotes included)
/// quotedForMessage(String(repeating: "x", count: 70), limit: 3) // "xxx…"
/// ```
public func quotedForMessage(_ text: String, limit: Int = 60) -> String {
    "\"" + escapedForMessage(text, limit: limit) + "\""
}

/// `bytes` quoted for an error message, as ``quotedForMessage(_:limit:)`` quotes text
/// (`package`: readers inside Sluice quote their buffers; library users pass text).
package func quotedForMessage(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 60) -> String {
    "\"" + escapedForMessage(bytes, limit: limit) + "\""
}

/// What ``quotedForMessage(_:limit:)`` puts between the quotes, for a message that
/// shows the value bare (a number that is out of range).
public func escapedForMessage(_ text: String, limit: Int = 60) -> String {
    var text = text
    return text.withUTF8 { escapedForMessage($0, limit: limit) }
}

/// What ``quotedForMessage(_:limit:)`` puts between the quotes, from bytes.
package func escapedForMessage(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 60) -> String {
    var cut = Swift.min(Swift.max(limit, 0), bytes.count)
    if cut < bytes.count {
        // Back up to the start of the character the cut falls in (at most 3 continuation bytes).
        var backed = 0
        while cut > 0 && backed < 3 && bytes[cut] & 0xC0 == 0x80 { cut -= 1; backed += 1 }
    }
    let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<cut]), as: UTF8.self)
    let escaped = escaping(shown) { scalar in
        switch scalar {
        case "\"": "\\\""
        case "\0": "\\0"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: scalar.value < 0x20 || scalar.value == 0x7F ? "\\x" + hexDigits(scalar.value, width: 2) : nil
        }
    }
    return escaped + (cut < bytes.count ? "…" : "")
}
