import Foundation
import SluiceTestSupport
import Testing
import SluiceTestSupport

/// The README's Kafka walk-through, as a new user runs it: a mock cluster in the background,
/// a file produced into a topic with one command, the example stream to the end.
@Suite("README Kafka walk-through (CLI)")
struct KafkaReadmeCLITests {
    @Test("mock-cluster keeps serving in the background and says what it retains; produce + stream run --stop-at-end process every event")
    func walkThrough() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cluster = Process()
        cluster.executableURL = CLI.binary
        cluster.arguments = ["stream", "mock-cluster", "--topic", "user-events-raw:4", "--topic", "user-events-processed:4", "--topic", "user-events-dlq:1"]
        cluster.currentDirectoryURL = dir
        let brokersFile = dir.appendingPathComponent("brokers.txt"), noteFile = dir.appendingPathComponent("cluster.log")
        FileManager.default.createFile(atPath: brokersFile.path, contents: nil)
        FileManager.default.createFile(atPath: noteFile.path, contents: nil)
        cluster.standardInput = FileHandle.nullDevice        // as a background job (`&`) has it
        cluster.standardOutput = try FileHandle(forWritingTo: brokersFile)
        cluster.standardError = try FileHandle(forWritingTo: noteFile)
        try cluster.run()
        defer { if cluster.isRunning { cluster.terminate(); cluster.waitUntilExit() } }
        var brokers = ""
        let deadline = Date().addingTimeInterval(20)
        while brokers.isEmpty && Date() < deadline {
            brokers = ((try? String(contentsOf: brokersFile, encoding: .utf8)) ?? "").split(separator: "\n").first.map(String.init) ?? ""
            if brokers.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(!brokers.isEmpty, "no bootstrap line")
        #expect(brokers.contains("127.0.0.1:"))
        let note = try String(contentsOf: noteFile, encoding: .utf8)
        #expect(note.contains("each partition keeps only its newest 5 MiB or 100,000 message sets"), "\(note)")

        let generate = try CLI.run(["generate", "user-events", "--events", "2000", "--output", "events.jsonl"], in: dir)
        try #require(generate.status == 0, "\(generate.stderr)")
        let lines = try Data(contentsOf: dir.appendingPathComponent("events.jsonl")).filter { $0 == 0x0A }.count   // bad lines (empty ones too) are messages
        let produce = try CLI.run(["stream", "produce", "events.jsonl", "--brokers", brokers, "--topic", "user-events-raw"], in: dir)
        #expect(produce.status == 0, "\(produce.stderr)")
        #expect(produce.stdout.contains("produced \(grouped(lines)) messages to user-events-raw"), "\(produce.stdout)")
        #expect(cluster.isRunning, "the cluster stopped: \((try? String(contentsOf: noteFile, encoding: .utf8)) ?? "")")

        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/user_events/kafka.yaml").standardized
        let validate = try CLI.run(["stream", "validate", example.path], in: dir, environment: ["KAFKA_BROKERS": brokers])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("fields bound against: user_id, event_type, timestamp, metadata"), "\(validate.stdout)")
        let started = Date()
        let run = try CLI.run(["stream", "run", example.path, "--stop-at-end"], in: dir, environment: ["KAFKA_BROKERS": brokers])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("done: in \(grouped(lines))"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
        cluster.terminate()
        cluster.waitUntilExit()
        #expect(cluster.terminationStatus == 0)
    }

    /// 1234567 → "1,234,567", as the CLI prints counts.
    func grouped(_ n: Int) -> String {
        var digits = Array(String(n)), out = ""
        while digits.count > 3 { out = "," + String(digits.suffix(3)) + out; digits.removeLast(3) }
        return String(digits) + out
    }
}
