import Foundation
import Testing
import SluiceTestSupport

/// Two `sluice stream run` of one file input (issue 13 §1).
@Suite("sluice stream run input lock")
struct StreamLockCLITests {
    @Test("a second run of the same file stream refuses to start while the first holds the input")
    func secondRunRefuses() async throws {
        try await offPool(Self.race)
    }

    @Sendable static func race() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(at: dir) }
        try (1...50).map { "{\"user_id\":\"u\($0)\",\"event_type\":\"click\",\"timestamp\":\($0)}" }.joined(separator: "\n")
            .appending("\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        try """
        stream: events
        input: { file: in.jsonl }
        processors:
          - validate: { required: [user_id] }
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """.write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let first = Process()
        first.executableURL = CLI.binary
        first.arguments = ["stream", "run", "spec.yaml", "--follow", "--quiet"]
        first.currentDirectoryURL = dir
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { first.terminate(); first.waitUntilExit() }
        // Wait until the first run has read the input (its output holds every record).
        let out = dir.appendingPathComponent("out.jsonl")
        for _ in 0..<200 where ((try? String(contentsOf: out, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 50 {
            usleep(50_000)
        }
        let second = try CLI.run(["stream", "run", "spec.yaml", "--quiet"], in: dir)
        #expect(second.status != 0)
        #expect(second.stderr.contains("another `sluice stream run` (process \(first.processIdentifier)) is reading this input"), "\(second.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 50)
        first.terminate(); first.waitUntilExit()
        // Once the first is gone, a run starts and finds nothing new.
        let third = try CLI.run(["stream", "run", "spec.yaml", "--quiet"], in: dir)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 50)
    }
}
