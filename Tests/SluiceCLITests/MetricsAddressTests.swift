import Foundation
import Testing
import SluiceTestSupport

/// A listening socket on 127.0.0.1:`port` (0: a free port), held until closed.
private final class HeldPort {
    let fd: Int32
    let port: Int

    init?(_ port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { close(fd); return nil }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { close(fd) }
}

@Suite("Metrics address in use")
struct MetricsAddressTests {
    func streamWorkspace() throws -> URL {
        let dir = try temporaryDirectory("cli")
        try (1...20).map { #"{"user_id":"u\#($0)","event_type":"e","timestamp":"\#($0)"}"# }.joined(separator: "\n")
            .appending("\n").write(to: dir.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        try """
        stream: port_test
        input: { file: events.jsonl }
        processors:
          - validate: { required: [user_id] }
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("the default port 9464 taken (another stream on this host): a warning naming the address and --metrics-address; the stream runs")
    func defaultPortTaken() throws {
        let dir = try streamWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Hold 9464 ourselves; if another process holds it already, it is taken all the same.
        let held = HeldPort(9464)
        defer { withExtendedLifetime(held) {} }
        let run = try CLI.run(["stream", "run", "s.yaml", "--quiet"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: the default metrics address 127.0.0.1:9464 is not available (Address already in use); going on without /metrics"), "\(run.stderr)")
        #expect(run.stderr.contains("--metrics-address 127.0.0.1:PORT (e.g. 9465)"))
        #expect(try String(contentsOf: dir.appendingPathComponent("out.jsonl"), encoding: .utf8).split(separator: "\n").count == 20)
    }

    @Test("an address given with --metrics-address that is taken fails fast with exit 2, before reading anything")
    func explicitAddressTaken() throws {
        let dir = try streamWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try #require(HeldPort(0))
        let run = try CLI.run(["stream", "run", "s.yaml", "--quiet", "--metrics-address", "127.0.0.1:\(held.port)"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("error: --metrics-address 127.0.0.1:\(held.port): cannot serve metrics: Address already in use"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: give each process its own address with --metrics-address"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.jsonl").path))
    }
}
