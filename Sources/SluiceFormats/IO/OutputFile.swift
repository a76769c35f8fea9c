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
    /// - Throws: ``FormatError`` `.io` when the directory is not writable.
    public init(path: String) throws {
        self.path = path
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
        let temp = path + ".sluice-tmp-\(getpid())"
        descriptor = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FormatError(.io, file: path, message: "cannot create output file: \(String(cString: strerror(errno)))",
                              hint: "check that the directory exists and is writable")
        }
        temporaryPath = temp
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        if !committed, let temporaryPath {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
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
