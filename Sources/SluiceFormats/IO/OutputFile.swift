#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered output that appears all at once: bytes go to a temporary file next
/// to the destination, and ``commit()`` renames it into place. If the writer fails
/// or is abandoned, the destination is untouched and the temporary file removed —
/// nothing is ever half-written.
///
/// The temporary file (`<path>.sluice-tmp-<pid>`) is created exclusively and never
/// through a symbolic link (`O_CREAT|O_EXCL|O_NOFOLLOW`); temporaries that killed
/// processes left beside `path` are removed first. Replacing an existing file keeps
/// its permission bits and group.
///
/// `path` `-` writes to standard output instead, and a path that names something
/// other than a regular file — `/dev/null`, a FIFO, `/dev/stdout` — is written to
/// directly (no atomicity there: a device cannot be replaced, and must not be).
public final class OutputFile {
    /// The destination path (`-` for standard output).
    public let path: String
    private let temporaryPath: String?
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var committed = false
    /// A device or FIFO opened directly (closed when done; standard output is not).
    private var ownsDescriptor = false
    /// Bytes written so far.
    public private(set) var bytesWritten = 0
    static let flushThreshold = 1 << 20

    /// Opens a temporary file beside `path`.
    ///
    /// - Throws: ``FormatError`` `.io` when the directory is not writable, the temporary
    ///   cannot be created exclusively, or the path contains a NUL byte.
    public init(path: String) throws {
        self.path = path
        try checkPathHasNoNUL(path)
        buffer.reserveCapacity(OutputFile.flushThreshold + 65_536)
        if path == "-" {
            temporaryPath = nil
            descriptor = 1
            return
        }
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw FormatError(.io, file: path, message: "cannot open output: \(String(cString: strerror(errno)))")
            }
            temporaryPath = nil
            ownsDescriptor = true
            return
        }
        let existing = stat(path, &info) == 0 ? info : nil
        Self.removeAbandonedTemporaries(of: path)
        let temp = path + Self.temporaryInfix + "\(getpid())"
        unlink(temp)   // ours from an earlier process with this pid, or planted: never written through
        let mode = existing.map { mode_t($0.st_mode & 0o7777) } ?? 0o644
        descriptor = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw FormatError(.io, file: path, message: "cannot create the temporary output \(temp): \(reason)",
                              hint: errno == EEXIST || errno == ELOOP
                                ? "something else created \(temp) meanwhile; remove it and check who writes this directory"
                                : "check that the directory exists and is writable")
        }
        if let existing {
            // Keep what the file was: its group (when we may) and its exact mode (open applied the umask).
            _ = fchown(descriptor, uid_t.max, existing.st_gid)
            _ = fchmod(descriptor, mode_t(existing.st_mode & 0o7777))
        }
        temporaryPath = temp
    }

    static let temporaryInfix = ".sluice-tmp-"

    /// Removes `<path>.sluice-tmp-<pid>` files whose process no longer exists.
    static func removeAbandonedTemporaries(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + temporaryInfix
        guard let dir = opendir(directory.isEmpty ? "/" : directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((directory.isEmpty ? "" : directory) + "/" + name) }
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        if !committed, let temporaryPath {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count >= OutputFile.flushThreshold {
            try flush()
            try writeAll(bytes)
            bytesWritten += bytes.count
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= OutputFile.flushThreshold { try flush() }
    }

    /// Appends bytes from an array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends a string's UTF-8.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Gives direct access to the pending buffer, for writers that format in place.
    public func withBuffer<R>(_ body: (inout [UInt8]) throws -> R) throws -> R {
        let result = try body(&buffer)
        if buffer.count >= OutputFile.flushThreshold { try flush() }
        return result
    }

    /// Writes out the pending bytes.
    public func flush() throws {
        try buffer.withUnsafeBytes { try writeAll($0) }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            let n = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError(.io, file: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Flushes, syncs and renames the temporary file into place.
    public func commit() throws {
        try flush()
        guard let temporaryPath else { committed = true; return }
        guard fsync(descriptor) == 0 else {
            throw FormatError(.io, file: path, message: "fsync failed: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            committed = true
            throw FormatError(.io, file: path, message: "cannot move output into place: \(reason)")
        }
        committed = true
    }
}

/// Throws when `path` contains a NUL byte (the system would silently cut it there).
///
/// - Throws: ``FormatError`` `.io` saying so.
public func checkPathHasNoNUL(_ path: String) throws {
    guard path.utf8.contains(0) else { return }
    let shown = path.unicodeScalars.map { $0 == "\0" ? "\\0" : String($0) }.joined()
    throw FormatError(.io, file: shown, message: "the path contains a NUL byte (\\0), which no file name can hold",
                      hint: "remove the \\0 from the path (or from the value templated into it)")
}
