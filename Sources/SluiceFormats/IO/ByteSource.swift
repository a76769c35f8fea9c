#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader gets its bytes: a file, standard input, or memory.
///
/// Readers pull chunks of whatever size the source gives and must produce the
/// same table however the input is split (tests feed 1-byte chunks).
public protocol ByteSource {
    /// The name used in error messages (`data/users.csv`, `<stdin>`).
    var name: String { get }
    /// Reads up to `buffer.count` bytes; returns 0 at end of input.
    ///
    /// Public with a pointer on purpose: a library user's own source (a socket, a
    /// decompressor) fills the reader's window in place, without a copy per chunk. The
    /// buffer is the reader's, valid only during the call: a conformer writes into it and
    /// never keeps it.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes from a file, read with `read(2)` into the caller's buffer (no mapping, so
/// memory stays bounded by the reader's window whatever the file's size).
public final class FileByteSource: ByteSource {
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading.
    ///
    /// - Throws: ``FormatError`` `.io` naming the file and the system's reason.
    public init(path: String) throws {
        try checkPathHasNoNUL(path)
        name = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        ownsDescriptor = true
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw FormatError(.io, file: path, message: "cannot open file: \(reason)",
                              hint: errno == ENOENT ? "check the path; the current directory is \(currentDirectory())" : nil)
        }
    }

    /// Opens `path` positioned at byte `offset` (a second reader of the same file).
    public convenience init(path: String, offset: Int) throws {
        try self.init(path: path)
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw FormatError(.io, file: path, message: "cannot seek to byte \(offset)")
        }
    }

    /// Reads standard input.
    public static func standardInput() -> FileByteSource { FileByteSource(descriptor: 0, name: "<stdin>") }

    private init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The file's size in bytes, when it is a regular file.
    public var size: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FormatError(.io, file: name, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Moves back to the start of the file (for a second pass).
    ///
    /// - Throws: ``FormatError`` `.io` when the input cannot seek (a pipe).
    public func rewind() throws {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw FormatError(.io, file: name, message: "cannot seek back to the start of the input")
        }
    }
}

/// Bytes from memory, handed out in chunks of the given sizes (cycled), to test
/// that readers do not depend on where reads split the input.
public struct MemoryByteSource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private let chunkSizes: [Int]
    private var position = 0
    private var chunkIndex = 0

    /// - Parameters:
    ///   - bytes: the whole input.
    ///   - chunkSizes: sizes of successive reads, cycled; empty means one read of everything.
    public init(_ bytes: [UInt8], chunkSizes: [Int] = [], name: String = "<memory>") {
        self.bytes = bytes
        self.chunkSizes = chunkSizes.filter { $0 > 0 }
        self.name = name
    }

    /// UTF-8 text as a source.
    public init(_ text: String, chunkSizes: [Int] = [], name: String = "<memory>") {
        self.init(Array(text.utf8), chunkSizes: chunkSizes, name: name)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var n = Swift.min(buffer.count, bytes.count - position)
        if !chunkSizes.isEmpty {
            n = Swift.min(n, chunkSizes[chunkIndex % chunkSizes.count])
            chunkIndex += 1
        }
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
}

@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always) func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

extension FileByteSource {
    /// The whole of a (small) file: specs, queries, zone files.
    ///
    /// - Throws: ``FormatError`` naming the file when it cannot be opened or read.
    public static func readAll(path: String) throws -> [UInt8] {
        let source = try FileByteSource(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
