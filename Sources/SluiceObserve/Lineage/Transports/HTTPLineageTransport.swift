#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// POSTs each event as JSON to an OpenLineage endpoint (Marquez: `/api/v1/lineage`), with
/// `Authorization: Bearer <api key>` when one is set. A failed try (no connection, a 5xx or
/// 429 answer) is retried with exponential backoff; a 4xx answer is not (the event will
/// not become valid). After the last try the error is thrown for the log — never to the run.
public struct HTTPLineageTransport: LineageTransport {
    /// Sends one request; returns the status code.
    public typealias Post = @Sendable (_ url: String, _ headers: [(String, String)], _ body: [UInt8], _ timeoutSeconds: Double) throws -> Int

    public let url: String
    let apiKey: String?
    public let tries: Int
    public let timeoutSeconds: Double
    /// The wait before the second try; doubled for each further one.
    public let backoffSeconds: Double
    let post: Post
    let sleep: @Sendable (Double) -> Void

    public init(url: String, apiKey: String? = nil, tries: Int = 3, timeoutSeconds: Double = 5, backoffSeconds: Double = 0.5,
                post: @escaping Post = SocketHTTP.post, sleep: @escaping @Sendable (Double) -> Void = { usleep(UInt32($0 * 1_000_000)) }) {
        self.url = url
        self.apiKey = apiKey
        self.tries = max(1, tries)
        self.timeoutSeconds = timeoutSeconds
        self.backoffSeconds = backoffSeconds
        self.post = post
        self.sleep = sleep
    }

    public func send(_ event: OpenLineageEvent, json: String) throws {
        var headers = [("Content-Type", "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer " + apiKey)) }
        let body = Array(json.utf8)
        var lastProblem = ""
        for attempt in 1...tries {
            do {
                let status = try post(url, headers, body, timeoutSeconds)
                if (200..<300).contains(status) { return }
                lastProblem = "HTTP \(status)"
                if (400..<500).contains(status), status != 429, status != 408 { break }
            } catch {
                lastProblem = "\(error)"
            }
            if attempt < tries { sleep(backoffSeconds * Double(1 << (attempt - 1))) }
        }
        throw LineageDeliveryError(message: "POST \(SocketHTTP.masked(url)) gave up after \(tries) tr\(tries == 1 ? "y" : "ies"): \(lastProblem)")
    }
}

/// A minimal blocking HTTP/1.1 client over POSIX sockets, for plain `http://` endpoints.
public enum SocketHTTP {
    /// POSTs `body` and returns the status code.
    ///
    /// - Throws: ``LineageDeliveryError`` when the host cannot be resolved, reached or read in time.
    @Sendable
    public static func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double) throws -> Int {
        guard url.hasPrefix("http://") else {
            throw LineageDeliveryError(message: "\(masked(url)): only http:// endpoints are supported (put a TLS proxy in front for https)")
        }
        var rest = Substring(url.dropFirst("http://".count))
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var host = authority, port = "80"
        if let colon = authority.lastIndex(of: ":") { host = String(authority[..<colon]); port = String(authority[authority.index(after: colon)...]) }
        rest = ""
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else {
            throw LineageDeliveryError(message: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var fd: Int32 = -1
        var pointer: UnsafeMutablePointer<addrinfo>? = first
        while let info = pointer {
            fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: .init((timeoutSeconds - Double(Int(timeoutSeconds))) * 1e6))
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { break }
                close(fd)
                fd = -1
            }
            pointer = info.pointee.ai_next
        }
        guard fd >= 0 else { throw LineageDeliveryError(message: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var request = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineageDeliveryError(message: "sending to \(host):\(port) failed: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !response.contains(10) {   // the status line is all we need
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 4096, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        let line = String(decoding: response.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw LineageDeliveryError(message: "\(host):\(port) gave no HTTP answer")
        }
        return status
    }

    /// The URL with any `user:password@` masked.
    static func masked(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }
}
