#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a ``ByteSource`` into lines through a bounded window: 1 MiB by default,
/// refilled from the source and grown only to hold one longer line. A line is
/// valid until the next call to ``nextLine()``.
///
/// A class because it owns the window's memory (identity and lifetime).
final class JSONLineWindow {
    @exclusivity(unchecked) private var source: any ByteSource
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Start of the next line.
    @exclusivity(unchecked) private var start = 0
    /// End of the bytes read so far.
    @exclusivity(unchecked) private var end = 0
    /// Bytes before `scanned` (from `start`) are known to hold no `\n`.
    @exclusivity(unchecked) private var scanned = 0
    @exclusivity(unchecked) private var atEnd = false
    /// 1-based number of the line last returned.
    @exclusivity(unchecked) private(set) var lineNumber = 0

    var sourceName: String { source.name }

    init(source: any ByteSource, capacity: Int = 1 << 20) {
        self.source = source
        self.capacity = Swift.max(capacity, 16)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    /// The next line without its `\n` (a `\r` before it stays: it is JSON whitespace),
    /// or `nil` at the end of the input.
    ///
    /// - Throws: what the source throws.
    func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            if scanned < end, let found = memchr(buffer + scanned, 0x0A, end - scanned) {
                let newline = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - buffer
                let line = UnsafeBufferPointer(start: buffer + start, count: newline - start)
                start = newline + 1
                scanned = start
                lineNumber += 1
                return line
            }
            scanned = end
            if atEnd {
                guard start < end else { return nil }
                let line = UnsafeBufferPointer(start: buffer + start, count: end - start)
                start = end
                scanned = end
                lineNumber += 1
                return line
            }
            try refill()
        }
    }

    private func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            end = pending
            scanned -= start
            start = 0
        }
        if end == capacity { doubleCapacity(&buffer, count: end, capacity: &capacity) }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { atEnd = true } else { end += n }
    }
}
