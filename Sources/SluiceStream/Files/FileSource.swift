import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON Lines records from a file (or standard input, `-`), resuming after
/// the position stored in a ``PositionFile``. With `follow`, waits at the end of
/// the file for more lines, like `tail -f`; a line is only read once its `\n` is there.
final class FileSource: RecordSource {
    let path: String
    let follow: Bool
    let position: PositionFile?
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Valid bytes in `buffer` start at `bufferStart`.
    private var bufferStart = 0
    /// File offset of `buffer[bufferStart]`, and lines before it.
    private var offset: Int64 = 0
    private var line: Int64 = 0
    private var atEOF = false
    private var acknowledged: (offset: Int64, line: Int64)?
    private var committed: (offset: Int64, line: Int64)?
    private let chunk = 1 << 20
    private let zeroChunk: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
        p.initialize(repeating: 0, count: 1 << 20)
        return p
    }()

    init(path: String, follow: Bool, position: PositionFile?) throws {
        self.path = path
        self.follow = follow && path != "-"
        self.position = path == "-" ? nil : position
        if path == "-" {
            fd = 0
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw StreamError(.io, message: "\(path): cannot open the input: \(String(cString: strerror(errno)))",
                                  hint: "check the path in the spec's `input: { file: … }`")
            }
        }
        if let stored = try self.position?.load() {
            var info = stat()
            if fstat(fd, &info) == 0, Int64(info.st_size) >= stored.offset, lseek(fd, off_t(stored.offset), SEEK_SET) >= 0 {
                offset = stored.offset
                line = stored.line
                committed = stored
            } else {
                printWarning("\(path): the stored position (byte \(stored.offset)) is past the end of the file; reading from the start")
            }
        }
        buffer.reserveCapacity(chunk * 2)
    }

    var isFinished: Bool { atEOF && !follow && bufferStart == buffer.count }

    var lag: Int64? { nil }

    /// Reads more bytes; returns false at the end of the file.
    private func fill() throws -> Bool {
        if bufferStart > 0 {
            buffer.removeSubrange(0..<bufferStart)
            bufferStart = 0
        }
        let old = buffer.count
        var n = 0
        var failure: Int32 = 0
        buffer.withUnsafeMutableBufferPointer { _ in }   // keep uniqueness before growing
        // Grow without touching the new bytes, then read into them.
        buffer.reserveCapacity(old + chunk)
        buffer.append(contentsOf: UnsafeBufferPointer(start: zeroChunk, count: chunk))
        buffer.withUnsafeMutableBytes { raw in
            n = Glibc.read(fd, raw.baseAddress! + old, chunk)
            if n < 0 { failure = errno }
        }
        buffer.removeLast(chunk - Swift.max(n, 0))
        if n < 0 {
            if failure == EINTR { return true }
            throw StreamError(.io, message: "\(path): read failed: \(String(cString: strerror(failure)))")
        }
        return n > 0
    }

    func read(max: Int, timeout: Duration) throws -> RawBatch? {
        let batch = RawBatch(origin: path, isKafka: false, capacity: max)
        let deadline = ContinuousClock.now + timeout
        while batch.count < max {
            // Split the complete lines in the buffer.
            let progressed: Bool = buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var start = bufferStart
                var any = false
                while batch.count < max, start < raw.count,
                      let nl = memchr(base + start, 0x0A, raw.count - start) {
                    let end = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                    line += 1
                    batch.append(UnsafeRawBufferPointer(start: base + start, count: end - start), offset: line)
                    offset += Int64(end + 1 - start)
                    start = end + 1
                    any = true
                }
                bufferStart = start
                return any
            }
            if batch.count >= max { break }
            if atEOF && !follow {
                // A last line without `\n` is a record too.
                if bufferStart < buffer.count {
                    line += 1
                    buffer.withUnsafeBytes { raw in
                        batch.append(UnsafeRawBufferPointer(rebasing: raw[bufferStart...]), offset: line)
                    }
                    offset += Int64(buffer.count - bufferStart)
                    bufferStart = buffer.count
                }
                break
            }
            if try fill() { continue }
            if !follow { atEOF = true; continue }
            if progressed || batch.count > 0 || ContinuousClock.now >= deadline { break }
            try? Task.checkCancellation()
            usleep(20_000)
            if ContinuousClock.now >= deadline { break }
        }
        if batch.count == 0 { return nil }
        batch.fileEnd = (offset, line)
        return batch
    }

    func acknowledge(_ batch: RawBatch) {
        if let end = batch.fileEnd { acknowledged = (end.byteOffset, end.line) }
    }

    func commit(final: Bool) throws {
        guard let position, let acknowledged, committed.map({ $0 != acknowledged }) ?? true else { return }
        try position.store(offset: acknowledged.offset, line: acknowledged.line)
        committed = acknowledged
    }

    func close() {
        if fd > 0 { Glibc.close(fd) }
    }

    deinit { zeroChunk.deallocate() }
}

/// Prints a warning line on standard error.
func printWarning(_ message: String) {
    let text = "warning: " + message + "\n"
    text.utf8CString.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count - 1) }
}
