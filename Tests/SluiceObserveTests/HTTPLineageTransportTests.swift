import Foundation
import Testing
@testable import SluiceObserve
import SluiceCore
import SluiceTestSupport

/// A tiny HTTP/1.1 receiver on 127.0.0.1 (an OpenLineage endpoint stand-in): answers each
/// request with the next scripted status (then 201) and records method, path, headers and body.
final class LineageReceiver: @unchecked Sendable {   // `requests`, `statuses` guarded by `lock`
    struct Request { var path: String; var headers: [String: String]; var body: String }
    let lock = Lock()
    var requests: [Request] = []
    var statuses: [Int]
    let fd: Int32
    let port: Int

    init(statuses: [Int]) throws {
        self.statuses = statuses
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestSetupError(message: "cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    func serve() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var expected: Int?
            while true {
                let n = recv(client, &buffer, buffer.count, 0)
                guard n > 0 else { break }
                data += buffer[0..<n]
                if expected == nil, let end = find(data, [13, 10, 13, 10]) {
                    let head = String(decoding: data[..<end], as: UTF8.self)
                    let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    expected = end + 4 + length
                }
                if let expected, data.count >= expected { break }
            }
            let end = find(data, [13, 10, 13, 10]) ?? data.count
            let lines = String(decoding: data[..<end], as: UTF8.self).split(separator: "\r\n")
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                if let colon = line.firstIndex(of: ":") { headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
            let path = lines.first.map { String($0.split(separator: " ")[1]) } ?? ""
            let body = String(decoding: data[min(end + 4, data.count)...], as: UTF8.self)
            let status = lock.locked {
                requests.append(Request(path: path, headers: headers, body: body))
                return statuses.isEmpty ? 201 : statuses.removeFirst()
            }
            let answer = "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = answer.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(client)
        }
    }

    func find(_ data: [UInt8], _ pattern: [UInt8]) -> Int? {
        guard data.count >= pattern.count else { return nil }
        for i in 0...(data.count - pattern.count) where Array(data[i..<i + pattern.count]) == pattern { return i }
        return nil
    }

    var received: [Request] { lock.locked { requests } }
}

@Suite("HTTPLineageTransport")
struct HTTPLineageTransportTests {
    @Test("posts every event in order with the API key, retrying 503s with backoff")
    func postsInOrder() async throws {
        // The 2nd event's first two tries get 503, then it is accepted.
        let receiver = try LineageReceiver(statuses: [201, 503, 503])
        defer { receiver.stop() }
        let waits = LockedList()
        let http = HTTPLineageTransport(url: "http://127.0.0.1:\(receiver.port)/api/v1/lineage", apiKey: "k-123", tries: 3,
                                        backoffSeconds: 0.01, sleep: { waits.append($0); usleep(UInt32($0 * 1e6)) })
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = try LineageObserverTests.makePipeline(in: directory)
        let collected = CollectingTransport()
        _ = try await LineageObserverTests.run(pipeline, in: directory, transports: [http, collected])
        let requests = receiver.received
        #expect(requests.count == collected.lines.count + 2)
        #expect(requests.allSatisfy { $0.path == "/api/v1/lineage" && $0.headers["authorization"] == "Bearer k-123" && $0.headers["content-type"] == "application/json" })
        // Retries resend the same event; after them, the order is the events' order.
        #expect(requests[1].body == requests[2].body && requests[2].body == requests[3].body)
        var delivered: [String] = []
        for request in requests where delivered.last != request.body { delivered.append(request.body) }
        #expect(delivered == collected.lines)
        #expect(waits.values == [0.01, 0.02])
    }

    @Test("an endpoint that is down gives up after the tries; a 400 is not retried")
    func givesUp() throws {
        let receiver = try LineageReceiver(statuses: [400])
        let port = receiver.port
        let event = OpenLineageEvent(.start, time: 0, runID: "01900000-0000-7000-8000-000000000000", job: .init(namespace: "sluice", name: "x"))
        let http = HTTPLineageTransport(url: "http://127.0.0.1:\(port)/api/v1/lineage", tries: 3, backoffSeconds: 0, sleep: { _ in })
        #expect(throws: ObserveError.self) { try http.send(event, json: event.json().rendered()) }
        #expect(receiver.received.count == 1)
        receiver.stop()
        let down = HTTPLineageTransport(url: "http://127.0.0.1:\(port)/api/v1/lineage", apiKey: "secret-key", tries: 2, backoffSeconds: 0, sleep: { _ in })
        do {
            try down.send(event, json: event.json().rendered())
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("gave up after 2 tries"), "\(error)")
            #expect(!"\(error)".contains("secret-key"))
        }
    }
}

final class LockedList: @unchecked Sendable {   // `values` guarded by `lock`
    let lock = Lock()
    private var list: [Double] = []
    func append(_ value: Double) { lock.locked { list.append(value) } }
    var values: [Double] { lock.locked { list } }
}
