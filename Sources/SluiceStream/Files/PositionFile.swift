#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The durable input position of a file stream: a small sidecar file written
/// atomically (temporary file, fsync, rename, fsync of the directory), so a
/// restart resumes after the last record whose outputs were flushed and fsynced.
///
/// Content: `{"offset":1234,"line":56}` — the byte offset just past the last
/// acknowledged line, and the number of lines before it.
public struct PositionFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The stored position, or `nil` when there is none yet.
    ///
    /// - Throws: ``StreamError`` `.io` when the file exists but cannot be read or understood.
    public func load() throws -> (offset: Int64, line: Int64)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw StreamError(.io, message: "\(path): cannot read the stream position: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 256) }
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
        func number(_ key: String) -> Int64? {
            guard let r = text.range(of: "\"\(key)\":") else { return nil }
            return Int64(text[r.upperBound...].prefix { $0.isNumber })
        }
        guard let offset = number("offset"), let line = number("line") else {
            throw StreamError(.io, message: "\(path): not a stream position file (expected {\"offset\":N,\"line\":N})",
                              hint: "delete it to start from the beginning of the input")
        }
        return (offset, line)
    }

    /// Takes the exclusive lock of this position (`<path>.lock`, an `flock` held until the
    /// returned lock is released or the process exits), so two runs of one stream never read
    /// the same input at once.
    ///
    /// - Throws: ``StreamError`` `.io` naming the holder when another process holds it.
    public func lock() throws -> PositionLock {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw ioError("cannot open the position lock \(lockPath)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
            close(fd)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewline : "another process"
            if failure == EWOULDBLOCK {
                throw StreamError(.io, message: "\(path): another `sluice stream run` (process \(holder)) is reading this input and holds \(lockPath)",
                                  hint: "stop that run first; two runs of one input would both write every record")
            }
            errno = failure
            throw ioError("cannot lock \(lockPath)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.utf8CString.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count - 1, 0) }
        return PositionLock(fd: fd)
    }

    /// Replaces the stored position atomically and durably. The temporary `<path>.tmp` is
    /// created exclusively and never through a symbolic link; one a killed run left is removed first.
    ///
    /// - Throws: ``StreamError`` `.io`.
    public func store(offset: Int64, line: Int64) throws {
        let text = "{\"offset\":\(offset),\"line\":\(line)}\n"
        let temp = path + ".tmp"
        _ = unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("cannot write the stream position") }
        let ok = text.utf8CString.withUnsafeBufferPointer { p in
            write(fd, p.baseAddress, p.count - 1) == p.count - 1
        }
        guard ok, fsync(fd) == 0 else { close(fd); throw ioError("cannot write the stream position") }
        close(fd)
        guard rename(temp, path) == 0 else { throw ioError("cannot replace the stream position") }
        syncDirectory(of: path)
    }

    private func ioError(_ what: String) -> StreamError {
        StreamError(.io, message: "\(path): \(what): \(String(cString: strerror(errno)))",
                    hint: "check that the directory exists and is writable")
    }
}

/// The held lock of a stream position; released when the last reference goes.
public final class PositionLock: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

extension String {
    fileprivate var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}

/// fsyncs the directory holding `path`, so a rename in it is durable.
func syncDirectory(of path: String) {
    let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
    if fd >= 0 { _ = fsync(fd); close(fd) }
}
