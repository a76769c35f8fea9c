/// Calls `body(row)` for each valid row of `start..<end`, one 64-row validity word at
/// a time: all-valid words run a tight loop, zero words are skipped, mixed words visit
/// their set bits. `validity` is the column's words (`nil` when no row is null);
/// `start` must be a multiple of 64.
@inlinable @inline(__always)
package func forEachValidRow(_ start: Int, _ end: Int, _ validity: UnsafePointer<UInt64>?, _ body: (Int) throws -> Void) rethrows {
    assert(start & 63 == 0, "forEachValidRow starts at row \(start), not a multiple of 64")
    guard let validity else {
        var row = start
        while row < end { try body(row); row &+= 1 }
        return
    }
    var row = start
    while row < end {
        let n = Swift.min(64, end &- row)
        let valid = validity[row >> 6]
        if valid == .max {
            var j = 0
            while j < n { try body(row &+ j); j &+= 1 }
        } else if valid != 0 {
            var word = n == 64 ? valid : valid & ((1 << UInt64(n)) &- 1)
            while word != 0 {
                try body(row &+ word.trailingZeroBitCount)
                word &= word &- 1
            }
        }
        row &+= n
    }
}

extension Column {
    /// Calls `body` with the validity words (`nil` when no row is null), for
    /// ``forEachValidRow(_:_:_:_:)``.
    @inlinable
    package func withUnsafeValidityWords<R>(_ body: (UnsafePointer<UInt64>?) throws -> R) rethrows -> R {
        guard let validity, !validity.words.isEmpty else { return try body(nil) }
        return try validity.words.withUnsafeBufferPointer { try body($0.baseAddress) }
    }
}
