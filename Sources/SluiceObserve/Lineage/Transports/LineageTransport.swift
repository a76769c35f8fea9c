#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// Where OpenLineage events go. `send` is called on the lineage observer's own thread,
/// one event at a time, in order; it may block (network) but must not fail the run: it
/// throws only to have the failure logged.
public protocol LineageTransport: Sendable {
    func send(_ event: OpenLineageEvent, json: String) throws
}

/// Appends each event as one JSON line to a file (created if missing). Each line is one
/// `write(2)` on a descriptor opened with `O_APPEND`, so concurrent writers never interleave
/// within a line.
public struct FileLineageTransport: LineageTransport {
    public let path: String

    public init(path: String) { self.path = path }

    public func send(_ event: OpenLineageEvent, json: String) throws {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try? makeLineageDirectories(String(path[..<slash])) }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ObserveError(.io, file: path, message: "lineage: cannot open \(path): \(String(cString: strerror(errno)))",
                                            hint: "check that the lineage file's directory exists and is writable") }
        defer { close(fd) }
        let bytes = Array((json + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ObserveError(.io, file: path, message: "lineage: cannot write \(path): \(String(cString: strerror(errno)))",
                                  hint: "check the disk space and permissions of the lineage file")
            }
            written += n
        }
    }
}

/// Prints each event as one JSON line (default: standard error).
public struct ConsoleLineageTransport: LineageTransport {
    let print: @Sendable (String) -> Void

    public init(print: @escaping @Sendable (String) -> Void = { line in
        let text = line + "\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }) {
        self.print = print
    }

    public func send(_ event: OpenLineageEvent, json: String) throws { print(json) }
}

/// Creates `path` and its parents.
func makeLineageDirectories(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw ObserveError(.io, file: current, message: "lineage: cannot create directory \(current): \(String(cString: strerror(errno)))",
                               hint: "check the permissions of its parent directory")
        }
    }
}
