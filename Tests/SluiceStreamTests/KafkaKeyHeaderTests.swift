import CRdKafka
import Foundation
import SluiceTestSupport
import Testing
@testable import SluiceStream
import SluiceTestSupport

@Suite("Kafka output key and headers (mock cluster)")
struct KafkaKeyHeaderTests {
    static let records = [
        #"{"user_id":"u1","event_type":"click","timestamp":"2024-01-01T00:00:00Z","country":"DE"}"#,
        #"{"user_id":42,"event_type":"view","timestamp":"2024-01-01T00:00:01Z"}"#,
        #"{"user_id":"u3","event_type":"purchase","timestamp":"2024-01-01T00:00:02Z","country":null}"#,
        #"{"event_type":"bad","timestamp":"t"}"#,
    ]

    /// Runs the keyed stream over ``records`` into a new two-partition topic; returns it.
    static func runKeyedStream(in dir: URL) throws -> String {
        try (Self.records.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let out = try TestCluster.topic("keyed", partitions: 2)
        let brokers = TestCluster.shared.bootstrapServers
        let yaml = """
        stream: keyed
        fields: [user_id, event_type, timestamp, country]
        input: { file: "\(dir.path)/in.jsonl" }
        processors:
          - validate: { required: [user_id, event_type, timestamp] }
          - enrich: { fields: { event_id: "user_id || '_' || timestamp" } }
        output:
          kafka:
            topic: \(out)
            brokers: "\(brokers)"
            key: user_id
            headers: { event_type: event_type, source: "'sluice'", country: country, id: event_id }
        dead_letter: { file: "\(dir.path)/dlq.jsonl" }
        """
        let spec = try StreamSpec(yaml: yaml, file: "keyed.yaml")
        let counters = try StreamRunner(spec: spec, options: .init(stopAtEnd: true, positionPath: dir.appendingPathComponent("pos").path)).run()
        #expect(counters.input == 4)
        return out
    }

    @Test("key and headers from expressions over the output record, read back from the topic (record batch v2 headers)")
    func keyAndHeaders() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.runKeyedStream(in: dir)
        let messages = try readAll(out, partitions: 2)
        #expect(messages.count == 3)
        let byKey = Dictionary(uniqueKeysWithValues: messages.map { ($0.key ?? "<null>", $0) })
        #expect(Set(byKey.keys) == ["u1", "42", "u3"])
        let u1 = try #require(byKey["u1"])
        #expect(u1.headers == ["event_type": "click", "source": "sluice", "country": "DE", "id": "u1_2024-01-01T00:00:00Z"])
        #expect(u1.text.contains(#""user_id":"u1""#))
        // A JSON number as written is the key's text; a null header is left out.
        #expect(byKey["42"]?.headers["event_type"] == "view")
        #expect(byKey["42"]?.headers["country"] == nil)
        #expect(byKey["u3"]?.headers["country"] == nil)
        #expect(byKey["u3"]?.headers["source"] == "sluice")
        #expect(try lines(dir.appendingPathComponent("dlq.jsonl")).count == 1)
    }

    @Test("a third-party consumer (confluent-kafka) reads the same keys and headers")
    func thirdPartyConsumer() throws {
        guard let python = ProcessInfo.processInfo.environment["SLUICE_TEST_PYTHON"], !python.isEmpty else {
            Issue.record("SLUICE_TEST_PYTHON is not set: run `make test`, or export SLUICE_TEST_PYTHON=\"$(bash scripts/test-venv.sh)\"")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.runKeyedStream(in: dir)
        let script = """
        import json, sys
        from confluent_kafka import Consumer, TopicPartition
        c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "py-reader", "enable.partition.eof": True,
                      "enable.auto.commit": False, "log_level": 3})
        c.assign([TopicPartition(sys.argv[2], p, -2) for p in range(2)])
        ended, rows = set(), []
        while len(ended) < 2:
            m = c.poll(10)
            if m is None: sys.exit("timed out")
            if m.error():
                if m.error().code() == -191: ended.add(m.partition()); continue
                sys.exit(str(m.error()))
            rows.append({"key": m.key().decode() if m.key() is not None else None,
                         "headers": {k: v.decode() for k, v in (m.headers() or [])},
                         "value": json.loads(m.value())})
        c.close()
        print(json.dumps(sorted(rows, key=lambda r: str(r["key"]))))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, TestCluster.shared.bootstrapServers, out]
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(errorText)")
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String } == ["42", "u1", "u3"])
        #expect(rows[1]["headers"] as? [String: String] == ["event_type": "click", "source": "sluice", "country": "DE", "id": "u1_2024-01-01T00:00:00Z"])
        #expect(rows[0]["headers"] as? [String: String] == ["event_type": "view", "source": "sluice", "id": "42_2024-01-01T00:00:01Z"])
        #expect((rows[2]["value"] as? [String: Any])?["user_id"] as? String == "u3")
    }

    @Test("keys and headers are computed per batch: typed values as text, null leaves them out, a row whose key fails is dead-lettered")
    func computedPerBatch() throws {
        let spec = try StreamSpec(yaml: """
        input: { file: in.jsonl }
        processors:
          - validate: { types: { n: int64, at: timestamp }, required: [n] }
        output: { kafka: { topic: t, brokers: "127.0.0.1:1", key: "n * 1000000000000", headers: { at: at, tag: tag } } }
        dead_letter: { file: dlq.jsonl }
        fields: [n, at, tag]
        """, file: "s.yaml")
        let batch = RawBatch(origin: "in.jsonl", isKafka: false)
        for (i, record) in [#"{"n":1,"at":"2024-01-02T03:04:05Z","tag":{"a":1}}"#, #"{"n":9000000000}"#, #"{"n":3,"tag":"x"}"#].enumerated() {
            batch.append(Array(record.utf8), offset: Int64(i + 1))
        }
        let result = try StreamProcessor(spec).process(batch)
        let out = result.outputs[0]
        #expect(out.rows == [0, 2])
        #expect(out.attributeCount == 3)
        func text(_ slot: Int, _ i: Int) -> String? { out.attribute(slot, of: i).map { String(decoding: $0, as: UTF8.self) } }
        #expect(text(0, 0) == "1000000000000")
        #expect(text(1, 0) == "2024-01-02T03:04:05Z")        // a timestamp's text, no JSON quotes
        #expect(text(2, 0) == #"{"a":1}"#)                   // JSON as written
        #expect(text(0, 1) == "3000000000000")
        #expect(text(1, 1) == nil)                           // missing: the header is left out
        #expect(text(2, 1) == "x")
        #expect(result.deadLetterReasons.map(\.processor) == ["output"])
        #expect(result.deadLetterReasons.first?.row == 1)
    }
}
