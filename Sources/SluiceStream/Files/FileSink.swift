#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends JSON Lines records to a file (or standard output, `-`). Records are
/// acknowledged when a ``checkpoint()`` has written and fsynced them. On open, a
/// torn last line left by a crash is cut off (its record was never acknowledged,
/// so it will be written again).
final class FileSink: RecordSink {
    let name: String
    let path: String
    private let fd: Int32
    private let tracker: DeliveryTracker
    private let index: Int
    /// Tickets and counts written since the last fsync.
    private var unsynced: [(ticket: Int, count: Int)] = []
    /// Whether fsync applies (regular files; not pipes, terminals or /dev/null).
    private var syncs = false

    init(name: String, path: String, tracker: DeliveryTracker, index: Int) throws {
        self.name = name
        self.path = path
        self.tracker = tracker
        self.index = index
        if path == "-" {
            fd = 1
            return
        }
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StreamError(.io, message: "\(path): cannot open the \(name) file: \(String(cString: strerror(errno)))",
                              hint: "check that the directory exists and is writable")
        }
        var info = stat()
        syncs = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        if syncs { try cutTornLine() }
    }

    /// Truncates the file after its last `\n`.
    private func cutTornLine() throws {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return }
        var end = Int64(info.st_size)
        var byte: UInt8 = 0
        guard pread(fd, &byte, 1, off_t(end - 1)) == 1, byte != 0x0A else { return }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while end > 0 {
            let start = Swift.max(0, end - Int64(chunk.count))
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - start), off_t(start)) }
            guard n > 0 else { break }
            if let i = chunk[0..<n].lastIndex(of: 0x0A) { end = start + Int64(i) + 1; break }
            end = start
        }
        printWarning("\(path): cut a torn last line (\(Int64(info.st_size) - end) bytes) left by an earlier crash; its record will be written again")
        guard ftruncate(fd, off_t(end)) == 0 else {
            throw StreamError(.io, message: "\(path): cannot cut the torn last line: \(String(cString: strerror(errno)))")
        }
    }

    private func writeAll(_ p: UnsafeRawPointer, _ n: Int) throws {
        var done = 0
        while done < n {
            let w = write(fd, p + done, n - done)
            if w < 0 {
                if errno == EINTR { continue }
                throw StreamError(.io, message: "\(path): write failed: \(String(cString: strerror(errno)))")
            }
            done += w
        }
    }

    func send(_ records: EncodedRecords, ticket: Int) throws {
        guard records.count > 0 else { return }
        let bytes = records.bytes
        try writeAll(bytes.baseAddress!, bytes.count)
        unsynced.append((ticket, records.count))
    }

    func send(record: [UInt8], ticket: Int, row: Int) throws {
        try (record + [0x0A]).withUnsafeBytes { try writeAll($0.baseAddress!, $0.count) }
        unsynced.append((ticket, 1))
    }

    func checkpoint() throws {
        guard !unsynced.isEmpty else { return }
        if syncs, fsync(fd) != 0 {
            throw StreamError(.io, message: "\(path): fsync failed: \(String(cString: strerror(errno)))")
        }
        for (ticket, count) in unsynced { tracker.acknowledge(ticket, sink: index, count: count) }
        unsynced.removeAll(keepingCapacity: true)
    }

    func drain(timeout: Duration) throws { try checkpoint() }

    func poll(timeout: Duration) throws { try checkpoint() }

    func close() {
        if fd > 1 { Glibc.close(fd) }
    }
}
