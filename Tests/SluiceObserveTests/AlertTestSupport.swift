import Foundation
import SluiceCore
@testable import SluiceObserve

/// A channel that records what it was given, failing the first `failures` sends.
final class RecordingChannel: AlertChannel, @unchecked Sendable {
    let lock = Lock()
    var alerts: [Alert] = []
    var failures: Int
    var attempts = 0
    init(failures: Int = 0) { self.failures = failures }
    var kind: String { "webhook" }
    func send(_ alert: Alert) throws {
        try lock.locked {
            attempts += 1
            if failures > 0 {
                failures -= 1
                throw ObserveError(.delivery, message: "refused (test)")
            }
            alerts.append(alert)
        }
    }
    var sent: [Alert] { lock.locked { alerts } }
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    let lock = Lock()
    var lines: [String] = []
    func append(_ line: String) { lock.locked { lines.append(line) } }
    var all: [String] { lock.locked { lines } }
}

/// A helper process that prints its port on its first line (the fixture servers).
final class FixtureServer {
    let process = Process()
    let port: Int

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    init(python: String, script: String, arguments: [String]) throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-port-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.fixture(script), portFile] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil && Date() < deadline && process.isRunning {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            throw ObserveError(.io, message: "\(script) did not start")
        }
        self.port = port
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The venv Python (aiosmtpd) from `SLUICE_TEST_PYTHON`, else python3 for stdlib-only fixtures.
func testPython(needsPackages: Bool) throws -> String {
    if let python = ProcessInfo.processInfo.environment["SLUICE_TEST_PYTHON"] { return python }
    if needsPackages { throw ObserveError(.io, message: "set SLUICE_TEST_PYTHON=\"$(bash scripts/test-venv.sh)\" (make test does)") }
    return "/usr/bin/python3"
}

func jsonLines(_ url: URL) -> [[String: Any]] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
}
