import CRdKafka
import Foundation
import Testing
import SluiceFormats
@testable import SluiceStream
import SluiceTestSupport

/// Input records: generated user events (a few percent bad) plus hand-made edge cases.
private func inputRecords(events: Int, seed: UInt64) throws -> [[UInt8]] {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("events.jsonl")
    _ = try UserEventsGenerator(events: events, seed: seed).write(to: path.path)
    var records = try lines(path).map { Array($0.utf8) }
    records.append([0x7B, 0xFF, 0x7D])   // not UTF-8
    records.append(Array((#"{"user_id":"big","event_type":"e","timestamp":"t","pad":""# + String(repeating: "y", count: 5000) + "\"}").utf8))
    return records
}

/// Checks that every input message is in the output or the DLQ, exactly as the rules
/// say, and returns how often each input position was delivered.
private func checkDelivery(input: [ReadMessage], output: [ReadMessage], deadLetters: [ReadMessage],
                           maxRecordBytes: Int = 1 << 20) -> [String: Int] {
    var expectedIDs: [String: Int] = [:]
    var expectedDead = Set<String>()
    for m in input {
        if m.text.utf8.count <= maxRecordBytes, let id = expectedOutcome(m.text) { expectedIDs[id, default: 0] += 1 }
        else { expectedDead.insert("\(m.partition):\(m.offset)") }
    }
    var ids: [String: Int] = [:]
    for m in output { ids[field("id", in: m.text)!, default: 0] += 1 }
    var dead: [String: Int] = [:]
    for m in deadLetters {
        let source = object(m.text)!["source"] as! [String: Any]
        dead["\(source["partition"] as! Int):\(source["offset"] as! Int)", default: 0] += 1
    }
    #expect(Set(ids.keys) == Set(expectedIDs.keys))
    #expect(ids.allSatisfy { $0.value >= expectedIDs[$0.key]! })
    #expect(Set(dead.keys) == expectedDead)
    return dead.merging(ids) { $0 + $1 }
}

@Suite("Kafka streams (mock cluster)")
struct KafkaStreamTests {
    static var brokers: String { TestCluster.shared.bootstrapServers }

    func spec(raw: String, out: String, dlq: String, group: String, settings: String = "settings: { batch_size: 2000, commit_interval: 200ms }",
              outputProperties: String = "") -> String {
        userEventsSpec(input: "{ kafka: { topic: \(raw), group: \(group), brokers: \"\(Self.brokers)\" } }",
                       output: "{ kafka: { topic: \(out), brokers: \"\(Self.brokers)\"\(outputProperties) } }",
                       deadLetter: "{ kafka: { topic: \(dlq), brokers: \"\(Self.brokers)\" } }", settings: settings)
    }

    @Test("no loss: N records in → each in the output or the DLQ as the rules say, offsets committed")
    func noLoss() throws {
        let raw = try TestCluster.topic("raw", partitions: 4), out = try TestCluster.topic("out", partitions: 4)
        let dlq = try TestCluster.topic("dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        try produce(try inputRecords(events: 6_000, seed: 11), to: raw)
        let counters = try StreamRunner(spec: try StreamSpec(yaml: spec(raw: raw, out: out, dlq: dlq, group: group)),
                                        options: .init(stopAtEnd: true)).run()
        let input = try readAll(raw, partitions: 4), output = try readAll(out, partitions: 4), dead = try readAll(dlq, partitions: 1)
        #expect(input.count == 6_002 && counters.input == 6_002)
        #expect(output.count + dead.count == input.count)           // no retries here: exactly once
        _ = checkDelivery(input: input, output: output, deadLetters: dead)
        // A DLQ envelope names the topic, partition and offset and keeps the original bytes.
        let byPosition = Dictionary(uniqueKeysWithValues: input.map { ("\($0.partition):\($0.offset)", $0) })
        for m in dead {
            let e = object(m.text)!
            let source = e["source"] as! [String: Any]
            #expect(source["topic"] as? String == raw)
            let original = byPosition["\(source["partition"] as! Int):\(source["offset"] as! Int)"]!
            if let text = e["original"] as? String { #expect(text == original.text) }
            else { #expect(e["original_base64"] as? String == Data([0x7B, 0xFF, 0x7D]).base64EncodedString()) }
        }
        let committed = try committedOffsets(group: group, topic: raw, partitions: 4)
        for p in 0..<4 {
            let last = input.filter { $0.partition == p }.map(\.offset).max()
            #expect(last != nil)
            #expect(committed[Int32(p)] == last.map { $0 + 1 } ?? -1001)
        }
    }

    @Test("sluice stream produce sends every line of a file as one message, bad lines included, bytes unchanged")
    func produceCommand() throws {
        let raw = try TestCluster.topic("produced", partitions: 2)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = [#"{"user_id":"u1","event_type":"click","timestamp":"t"}"#, #"{"cut":"#, "", "plain é text", #"{"a":[1,2]}"#]
        try (lines.joined(separator: "\n") + "\r\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let process = try startSluice(["stream", "produce", "in.jsonl", "--brokers", Self.brokers, "--topic", raw], in: dir)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let sent = try readAll(raw, partitions: 2)
        #expect(sent.map(\.text).sorted() == lines.sorted())
    }

    @Test("injected broker errors on produce, fetch and commit are retried; nothing is lost")
    func injectedErrors() throws {
        let raw = try TestCluster.topic("raw", partitions: 2), out = try TestCluster.topic("out", partitions: 2)
        let dlq = try TestCluster.topic("dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        try produce(try inputRecords(events: 3_000, seed: 12), to: raw)
        // NOT_LEADER_OR_FOLLOWER (6), REQUEST_TIMED_OUT (7), COORDINATOR_NOT_AVAILABLE (15).
        TestCluster.shared.injectErrors(apiKey: 0, errors: [6, 7, 6, 7, 6, 7])           // Produce
        TestCluster.shared.injectErrors(apiKey: 1, errors: [6, 6])                       // Fetch
        TestCluster.shared.injectErrors(apiKey: 8, errors: [15, 7])                      // OffsetCommit
        let runner = try StreamRunner(spec: try StreamSpec(yaml: spec(raw: raw, out: out, dlq: dlq, group: group,
                                                                      settings: "settings: { batch_size: 500, commit_interval: 50ms }")),
                                      options: .init(stopAtEnd: true))
        try runner.run()
        let input = try readAll(raw, partitions: 2), output = try readAll(out, partitions: 2), dead = try readAll(dlq, partitions: 1)
        #expect(input.count == 3_002)
        _ = checkDelivery(input: input, output: output, deadLetters: dead)
        let committed = try committedOffsets(group: group, topic: raw, partitions: 2)
        for p in 0..<2 {
            let count = input.filter { $0.partition == p }.count
            #expect(count > 0)
            #expect(committed[Int32(p)] == (count > 0 ? Int64(count) : -1001))
        }
    }

    @Test("--stop-at-end on a caught-up group ends within seconds (right after the previous member left), reading nothing")
    func stopAtEndWhenCaughtUp() throws {
        let raw = try TestCluster.topic("raw", partitions: 3), out = try TestCluster.topic("out", partitions: 3)
        let dlq = try TestCluster.topic("dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        try produce(try inputRecords(events: 600, seed: 15), to: raw)
        // The default session timeout: librdkafka's mock coordinator holds a join for up to session.timeout.ms − 1 s
        // (44 s) after a group's last member left; a caught-up run must not join at all.
        let yaml = spec(raw: raw, out: out, dlq: dlq, group: group)
        let first = try StreamRunner(spec: try StreamSpec(yaml: yaml), options: .init(stopAtEnd: true)).run()
        #expect(first.input == 602)
        // Caught up: a second run of the same group (its last member left a moment ago) has nothing to read.
        let started = ContinuousClock.now
        let second = try StreamRunner(spec: try StreamSpec(yaml: yaml), options: .init(stopAtEnd: true)).run()
        let elapsed = ContinuousClock.now - started
        #expect(second.input == 0 && second.output == 0)
        #expect(elapsed < .seconds(15), "a caught-up --stop-at-end run took \(elapsed)")
        let committed = try committedOffsets(group: group, topic: raw, partitions: 3)
        #expect(committed.values.reduce(0, +) == 602)   // the first run's commits stand
    }

    @Test("a record the output keeps refusing is dead-lettered after max_attempts; the rest go on")
    func deadLetterAfterAttempts() throws {
        let raw = try TestCluster.topic("raw", partitions: 1), out = try TestCluster.topic("out", partitions: 1)
        let dlq = try TestCluster.topic("dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        let records = try inputRecords(events: 500, seed: 13)
            + [Array((#"{"user_id":"big-"# + String(repeating: "z", count: 3000) + #"","event_type":"e","timestamp":"t"}"#).utf8)]
        try produce(records, to: raw)
        // The output producer refuses messages over 2,000 bytes: the 5,000-byte record can never be delivered there.
        let runner = try StreamRunner(spec: try StreamSpec(yaml: spec(raw: raw, out: out, dlq: dlq, group: group,
                                                                      settings: "settings: { max_attempts: 3, retry_backoff: 10ms }",
                                                                      outputProperties: ", properties: { message.max.bytes: \"2000\" }")),
                                      options: .init(stopAtEnd: true))
        let counters = try runner.run()
        #expect(counters.retries == 3)
        let dead = try readAll(dlq, partitions: 1).map { object($0.text)! }
        let refused = dead.filter { $0["processor"] as? String == "output" }
        #expect(refused.count == 1)
        #expect((refused.first?["error"] as? String)?.hasPrefix("delivery to output failed after 3 attempts: ") == true)
        #expect((refused.first?["original"] as? String)?.contains("\"user_id\":\"big-zzz") == true)
        #expect(refused.first?["step"] as? Int == 4)
        let output = try readAll(out, partitions: 1)
        #expect(output.count + dead.count == records.count)
    }

    @Test("killed between produce and commit: the restart leaves no gap and duplicates only the uncommitted tail")
    func crashAndRestart() async throws {
        let raw = try TestCluster.topic("raw", partitions: 3), out = try TestCluster.topic("out", partitions: 3)
        let dlq = try TestCluster.topic("dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        try produce(try inputRecords(events: 8_000, seed: 14), to: raw)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A short session timeout so the restarted member need not wait long for the killed one to expire.
        try spec(raw: raw, out: out, dlq: dlq, group: group, settings: "settings: { batch_size: 1000, commit_interval: 0s }")
            .replacingOccurrences(of: "group: \(group),", with: "group: \(group), properties: { session.timeout.ms: \"6000\" },")
            .write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        // The first run holds still after sending its fourth batch; once those records reached the
        // output (delivered, never acknowledged, so never committed) it is killed.
        try await runAndKill(specPath: dir.appendingPathComponent("spec.yaml").path, afterBatches: 4) { sent in
            #expect(sent >= 4)
            let arrived = try waitUntil { try readAll(out, partitions: 3).count + readAll(dlq, partitions: 1).count >= sent }
            #expect(arrived)
        }
        let committed = try committedOffsets(group: group, topic: raw, partitions: 3)

        let second = try startSluice(["stream", "run", "spec.yaml", "--stop-at-end"], in: dir)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let input = try readAll(raw, partitions: 3), output = try readAll(out, partitions: 3), dead = try readAll(dlq, partitions: 1)
        _ = checkDelivery(input: input, output: output, deadLetters: dead)
        // Count deliveries per input position (output records are matched to inputs by id).
        var idPositions: [String: [String]] = [:]
        for m in input { if let id = expectedOutcome(m.text) { idPositions[id, default: []].append("\(m.partition):\(m.offset)") } }
        var deliveries: [String: Int] = [:]
        var outputIDs: [String: Int] = [:]
        for m in output { outputIDs[field("id", in: m.text)!, default: 0] += 1 }
        for (id, n) in outputIDs {
            let positions = idPositions[id]!
            for p in positions { deliveries[p, default: 0] += n / positions.count }
        }
        for m in dead {
            let source = object(m.text)!["source"] as! [String: Any]
            deliveries["\(source["partition"] as! Int):\(source["offset"] as! Int)", default: 0] += 1
        }
        var duplicates = 0
        for m in input {
            let n = deliveries["\(m.partition):\(m.offset)", default: 0]
            let committedOffset = committed[m.partition].map { $0 < 0 ? 0 : $0 } ?? 0
            #expect(n >= 1, "record \(m.partition):\(m.offset) was lost")
            if m.offset < committedOffset { #expect(n == 1, "committed record \(m.partition):\(m.offset) delivered \(n) times") }
            if n > 1 { duplicates += 1 }
        }
        #expect(duplicates >= 1)   // the delivered, unacknowledged fourth batch came again
    }
}

