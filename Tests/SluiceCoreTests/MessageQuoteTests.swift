@testable import SluiceCore
import Testing

@Suite("quotedForMessage")
struct MessageQuoteTests {
    @Test("quotes, escapes quotes and control characters, keeps the rest")
    func escapes() {
        #expect(quotedForMessage("plain") == "\"plain\"")
        #expect(quotedForMessage("a\"b") == "\"a\\\"b\"")
        #expect(quotedForMessage("a\nb\rc\td\0e") == "\"a\\nb\\rc\\td\\0e\"")
        #expect(quotedForMessage("esc\u{1B}del\u{7F}") == "\"esc\\x1bdel\\x7f\"")
        #expect(quotedForMessage("back\\slash é 中") == "\"back\\slash é 中\"")
        #expect(escapedForMessage("a\"b") == "a\\\"b")
    }

    @Test("cuts at the limit in bytes, never inside a character, and marks the cut", arguments: [0, 1, 59, 60, 61, 200])
    func cuts(length: Int) {
        let text = String(repeating: "x", count: length)
        let expected = length > 60 ? String(repeating: "x", count: 60) + "…" : text
        #expect(quotedForMessage(text) == "\"" + expected + "\"")
    }

    @Test("a multi-byte character across the cut is left out whole")
    func characterBoundary() {
        // 59 bytes of x, then a 3-byte character: the cut at 60 falls inside it.
        let text = String(repeating: "x", count: 59) + "中" + "y"
        #expect(escapedForMessage(text) == String(repeating: "x", count: 59) + "…")
        #expect(escapedForMessage("中中", limit: 3) == "中…")
        #expect(escapedForMessage("中中", limit: 6) == "中中")
    }

    @Test("bytes that are not UTF-8 show as the replacement character")
    func invalidBytes() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62]
        let text = bytes.withUnsafeBufferPointer { quotedForMessage($0) }
        #expect(text == "\"a\u{FFFD}b\"")
        let empty = [UInt8]().withUnsafeBufferPointer { quotedForMessage($0) }
        #expect(empty == "\"\"")
    }
}
