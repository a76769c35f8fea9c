/// A compiled SQL `like` pattern: `%` matches any run of characters, `_` exactly one
/// character (a Unicode scalar); `\` escapes the next character. Case-sensitive.
struct LikePattern: Sendable {
    enum Piece: Sendable, Equatable { case literal(UInt8), one, any }
    let pieces: [Piece]

    init(_ text: String) {
        var pieces: [Piece] = []
        var escaped = false
        for byte in text.utf8 {
            if escaped { pieces.append(.literal(byte)); escaped = false; continue }
            switch byte {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "%"): if pieces.last != .any { pieces.append(.any) }
            case UInt8(ascii: "_"): pieces.append(.one)
            default: pieces.append(.literal(byte))
            }
        }
        if escaped { pieces.append(.literal(UInt8(ascii: "\\"))) }
        self.pieces = pieces
    }

    /// Whether `bytes` (UTF-8) matches; greedy with one backtrack point (linear in practice).
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = 0, p = 0
        var starP = -1, starS = 0
        let n = bytes.count
        while s < n {
            if p < pieces.count {
                switch pieces[p] {
                case .literal(let b) where b == bytes[s]:
                    s += 1; p += 1; continue
                case .one:
                    s += 1
                    while s < n && bytes[s] & 0xC0 == 0x80 { s += 1 }
                    p += 1
                    continue
                case .any:
                    starP = p; starS = s; p += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starS += 1
            while starS < n && bytes[starS] & 0xC0 == 0x80 { starS += 1 }
            s = starS
        }
        while p < pieces.count && pieces[p] == .any { p += 1 }
        return p == pieces.count
    }
}
