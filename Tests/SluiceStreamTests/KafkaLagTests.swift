import Foundation
import Testing
@testable import SluiceStream
import SluiceCore
import SluiceTestSupport

/// The final status shows lag 0 once everything is committed; static membership (issue 13 §7).
@Suite("Kafka lag and static membership")
struct KafkaLagTests {
    final class Finals: @unchecked Sendable {   // `lags` is guarded by `lock`
        private let lock = Lock()
        private var lags: [Int64?] = []
        func append(_ lag: Int64?) { lock.locked { lags.append(lag) } }
        var all: [Int64?] { lock.locked { lags } }
    }

    static func run(raw: String, out: String, dlq: String, group: String, instanceID: String?, finals: Finals) throws -> StreamCounters {
        let brokers = TestCluster.shared.bootstrapServers
        let yaml = userEventsSpec(input: "{ kafka: { topic: \(raw), group: \(group), brokers: \"\(brokers)\", properties: { session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\" } } }",
                                  output: "{ kafka: { topic: \(out), brokers: \"\(brokers)\" } }",
                                  deadLetter: "{ kafka: { topic: \(dlq), brokers: \"\(brokers)\" } }",
                                  settings: "settings: { batch_size: 500, commit_interval: 200ms }")
        return try StreamRunner(spec: try StreamSpec(yaml: yaml), options: .init(stopAtEnd: true, instanceID: instanceID, status: { status in
            if status.isFinal { finals.append(status.lag) }
        })).run()
    }

    @Test("a restart with nothing new reads nothing and reports lag 0; so does the first run at its end")
    func finalLagIsZero() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread { continuation.resume(with: Result { try Self.restart() }) }.start()
        }
    }

    @Sendable static func restart() throws {
        let raw = try TestCluster.topic("lag", partitions: 3), out = try TestCluster.topic("lag-out", partitions: 1)
        let dlq = try TestCluster.topic("lag-dlq", partitions: 1), group = "g-\(UUID().uuidString.prefix(6))"
        let records = (0..<300).map { Array("{\"user_id\":\"u\($0)\",\"event_type\":\"click\",\"timestamp\":\($0)}".utf8) }
        try produce(records, to: raw)
        let finals = Finals()
        let first = try run(raw: raw, out: out, dlq: dlq, group: group, instanceID: "lag-consumer-1", finals: finals)
        #expect(first.input == 300)
        // The same static member comes back: nothing new to read, nothing outstanding. (The 2.0.2 mock
        // cluster keeps a member that left until its session times out, hence the short timeout.)
        let second = try run(raw: raw, out: out, dlq: dlq, group: group, instanceID: "lag-consumer-1", finals: finals)
        #expect(second.input == 0)
        #expect(finals.all == [0, 0])
    }
}
