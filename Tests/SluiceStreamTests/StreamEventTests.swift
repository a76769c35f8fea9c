import Foundation
import SluiceCore
import SluiceFormats
import Testing
@testable import SluiceStream
import SluiceTestSupport

@Suite("Stream events")
struct StreamEventTests {
    @Test("started, dead letters with their origin, commits whose counts add up, stopped")
    func fileStreamEvents() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("events.jsonl")
        let summary = try UserEventsGenerator(events: 2_000, seed: 11).write(to: input.path)
        let spec = try StreamSpec(yaml: userEventsSpec(input: "{ file: \(input.path) }", output: "{ file: \(dir.path)/out.jsonl }",
                                                       deadLetter: "{ file: \(dir.path)/dlq.jsonl }", settings: "settings: { batch_size: 300 }"))
        let recorder = RecordingObserver()
        let runner = try StreamRunner(spec: spec)
        runner.observer = recorder
        let counters = try runner.run()
        let events = recorder.events
        #expect(events.first?.name == "stream_started")
        #expect(events.last?.name == "stream_stopped")
        guard case .streamStarted(let started)? = events.first, case .streamStopped(let stopped)? = events.last else { return }
        #expect(started.stream == "user_events" && started.input == EventDataset(kind: .file, name: input.path))
        #expect(started.deadLetter.name == dir.path + "/dlq.jsonl")
        #expect(stopped.recordsIn == 2_000 && stopped.deadLettered == counters.deadLettered && stopped.error == nil)
        let commits = events.compactMap { if case .streamBatchCommitted(let e) = $0 { e } else { nil } }
        #expect(!commits.isEmpty)
        #expect(commits.reduce(0) { $0 + $1.recordsIn } == 2_000)
        #expect(commits.reduce(0) { $0 + $1.recordsOut } == counters.output)
        #expect(commits.reduce(0) { $0 + $1.deadLettered } == counters.deadLettered)
        #expect(commits.reduce(0) { $0 + $1.batchLatencies.count } == 7)   // ceil(2000 / 300) batches
        #expect(commits.allSatisfy { $0.lagByPartition.isEmpty })
        let sent = events.compactMap { if case .streamBatchSent(let e) = $0 { e } else { nil } }
        #expect(sent.map(\.sequence) == Array(1...7))
        #expect(sent.map(\.records) == [300, 300, 300, 300, 300, 300, 200])
        #expect(sent.last?.recordsInTotal == 2_000)
        // Each batch is reported sent before the commit that covers it.
        let firstSent = events.firstIndex { $0.name == "stream_batch_sent" }!, firstCommit = events.firstIndex { $0.name == "stream_batch_committed" }!
        #expect(firstSent < firstCommit)
        let dead = events.compactMap { if case .recordDeadLettered(let e) = $0 { e } else { nil } }
        #expect(dead.count == summary.bad + summary.numericEventType && dead.count == counters.deadLettered)   // the test spec declares event_type a string
        let dlqLines = try lines(dir.appendingPathComponent("dlq.jsonl")).map { (object($0)!["source"] as! [String: Any])["line"] as! Int }
        #expect(dead.map { Int($0.offset ?? -1) } == dlqLines)
        #expect(dead.allSatisfy { $0.origin == input.path && $0.partition == nil && !$0.error.isEmpty && !$0.processor.isEmpty })
    }
}
