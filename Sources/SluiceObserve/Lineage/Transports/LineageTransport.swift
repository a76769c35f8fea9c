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
        guard fd >= 0 else { throw LineageDeliveryError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array((json + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineageDeliveryError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
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

/// A transport failed to deliver an event.
public struct LineageDeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "lineage: \(message)" }
}

/// Creates `path` and its parents.
func makeLineageDirectories(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw LineageDeliveryError(message: "cannot create directory \(current)")
        }
    }
}
