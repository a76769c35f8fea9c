#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// A small HTTP/1.1 server for `GET /metrics` (and `GET /` with a link to it), on its own
/// thread, one connection at a time, `Connection: close`. Enough for Prometheus scrapes;
/// not a general web server.
///
/// ```swift
/// let server = try MetricsServer(host: "127.0.0.1", port: 9464) { metrics.registry.exposition() }
/// print(server.port)      // the bound port (useful with port 0)
/// server.stop()
/// ```
public final class MetricsServer: @unchecked Sendable {   // `listener`/`stopped` are set before the thread starts, then guarded by `lock`
    public let host: String
    /// The port actually bound.
    public private(set) var port: Int = 0
    private let render: @Sendable () -> String
    private var listener: Int32 = -1
    private let lock = Lock()
    private var stopped = false

    /// Binds and starts serving.
    ///
    /// - Parameters:
    ///   - host: an IPv4 address to listen on (`127.0.0.1` by default: only this machine).
    ///   - port: 0 picks a free port (read it from ``port``).
    ///   - render: the exposition, produced per scrape.
    /// - Throws: ``ObserveError`` `.io` when the address cannot be bound (in use, not local).
    public init(host: String = "127.0.0.1", port: Int, render: @escaping @Sendable () -> String) throws {
        self.host = host
        self.render = render
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ObserveError(.io, message: "cannot open a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw ObserveError(.invalidConfiguration, message: "metrics address \(host) is not an IPv4 address", hint: "use e.g. 127.0.0.1:9464")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ObserveError(.io, message: "cannot serve metrics on \(host):\(port): \(reason)",
                               hint: "pick another port with --metrics-address HOST:PORT, or --no-metrics")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        do {
            try WorkerThread.start(name: "the metrics server", detached: true) { [self] in acceptLoop() }
        } catch {
            close(fd)
            throw error
        }
    }

    /// `http://127.0.0.1:9464/metrics`.
    public var url: String { "http://\(host):\(port)/metrics" }

    /// Stops accepting; a scrape in progress finishes.
    public func stop() {
        let fd: Int32 = lock.locked {
            defer { stopped = true }
            return stopped ? -1 : listener
        }
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    private func acceptLoop() {
        while true {
            let fd = lock.locked { stopped ? -1 : listener }
            guard fd >= 0 else { return }
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return   // closed by stop()
            }
            serve(client)
            close(client)
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while request.count < 65_536 {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            request += chunk[0..<n]
            if containsHeaderEnd(request) { break }
        }
        let line = request.prefix { $0 != 13 && $0 != 10 }.split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
        let (status, type, body): (String, String, String)
        if line.count < 3 || !line[2].hasPrefix("HTTP/1.") {
            (status, type, body) = ("400 Bad Request", "text/plain; charset=utf-8", "bad request\n")
        } else if line[0] != "GET" && line[0] != "HEAD" {
            (status, type, body) = ("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET\n")
        } else {
            let path = line[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            switch path {
            case "/metrics": (status, type, body) = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", render())
            case "/": (status, type, body) = ("200 OK", "text/html; charset=utf-8", "<a href=\"/metrics\">metrics</a>\n")
            default: (status, type, body) = ("404 Not Found", "text/plain; charset=utf-8", "not found: try /metrics\n")
            }
        }
        let bodyBytes = Array(body.utf8)
        var response = Array("HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n".utf8)
        if line.first != "HEAD" { response += bodyBytes }
        var sent = 0
        while sent < response.count {
            let n = response.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
    }

    private func containsHeaderEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return true }
        return false
    }
}

