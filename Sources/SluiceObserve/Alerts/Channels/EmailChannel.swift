#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SluiceCore
import SluiceQuality

/// Mail over SMTP to a relay (`smtp://[user:${PASSWORD}@]host[:port]`): EHLO, AUTH PLAIN
/// when a user is given, MAIL FROM, RCPT TO each, DATA. Plain SMTP, as on a local relay or
/// a loopback test server; the password never appears in messages.
struct EmailChannel: AlertChannel {
    let smtp: ExpandedSetting
    let from: String
    let to: [String]
    var timeout = 10.0
    var kind: String { "email" }

    func send(_ alert: Alert) throws {
        guard let url = URLComponents(string: smtp.value), url.scheme == "smtp", let host = url.host, !host.isEmpty else {
            throw ObserveError(.invalidConfiguration, message: "email smtp must be smtp://[user:password@]host[:port], found \(smtp.mask(smtp.value))")
        }
        let session = try SMTPSession(host: host, port: url.port ?? 25, timeout: timeout, mask: smtp.mask)
        defer { session.close() }
        try session.expect(220)
        try session.command("EHLO sluice", expect: 250)
        if let user = url.user, !user.isEmpty {
            let password = url.password?.removingPercentEncoding ?? ""
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try session.command("AUTH PLAIN " + token, expect: 235, shown: "AUTH PLAIN ***")
        }
        try session.command("MAIL FROM:<\(from)>", expect: 250)
        for recipient in to { try session.command("RCPT TO:<\(recipient)>", expect: 250) }
        try session.command("DATA", expect: 354)
        let subject = "[sluice] \(alert.status == .resolved ? "RESOLVED: " : "")\(alert.summary)\(alert.isTest ? " (test)" : "")"
        var body = "From: \(from)\r\nTo: \(to.joined(separator: ", "))\r\nSubject: \(subject)\r\n"
        body += "Date: \(Self.rfc5322Date(currentMicroseconds()))\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        body += "X-Sluice-Rule: \(alert.rule)\r\nX-Sluice-Status: \(alert.status.rawValue)\r\n\r\n"
        let text = "\(alert.summary)\n\n\(alert.details)\n\n\(alert.subjectKind): \(alert.subject)\nrule: \(alert.rule)\nseverity: \(alert.severity)\n"
            + (alert.runID.map { "run: \($0)\n" } ?? "") + "link: \(alert.link)\n"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            body += (line.hasPrefix(".") ? "." : "") + line + "\r\n"   // dot-stuffing
        }
        try session.command(body + ".", expect: 250, shown: "(message)")
        try? session.command("QUIT", expect: 221)
    }

    static func rfc5322Date(_ micros: Int64) -> String {
        var t = time_t(micros / 1_000_000)
        var parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [Int8](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S +0000", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// One SMTP conversation over a TCP socket.
final class SMTPSession {
    let fd: Int32
    let mask: (String) -> String
    private var pending: [UInt8] = []

    init(host: String, port: Int, timeout: Double, mask: @escaping (String) -> String) throws {
        self.mask = mask
        var hints = addrinfo()
        hints.ai_family = AF_INET
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw ObserveError(.delivery, message: "cannot resolve the SMTP host \(host)")
        }
        defer { freeaddrinfo(info) }
        fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard fd >= 0, connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            if fd >= 0 { Glibc.close(fd) }
            throw ObserveError(.delivery, message: "cannot connect to the SMTP server \(host):\(port): \(reason)")
        }
    }

    func close() { _ = Glibc.close(fd) }

    /// Reads one (possibly multi-line) reply and checks its code.
    func expect(_ code: Int, after shown: String = "connect") throws {
        var reply = ""
        while true {
            let line = try readLine()
            reply += line + "\n"
            if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { break }
        }
        guard Int(reply.prefix(3)) == code else {
            throw ObserveError(.delivery, message: "SMTP server answered \(mask(reply.trimmingCharacters(in: .whitespacesAndNewlines))) to \(shown); expected \(code)")
        }
    }

    func command(_ text: String, expect code: Int, shown: String? = nil) throws {
        let bytes = Array((text + "\r\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ObserveError(.delivery, message: "the SMTP connection closed while sending") }
            sent += n
        }
        try expect(code, after: shown ?? text)
    }

    private func readLine() throws -> String {
        while true {
            if let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                pending.removeSubrange(...nl)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw ObserveError(.delivery, message: "the SMTP server closed the connection or timed out") }
            pending += chunk[0..<n]
        }
    }
}
