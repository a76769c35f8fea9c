import Foundation
import Testing
@testable import SluicePipeline
import SluiceCore

/// A resumed run never reuses an upstream table computed from something that has changed.
@Suite("Task fingerprints")
struct FingerprintTests {
    /// extract (file) → transform → gate on a flag file (fails until it exists) → load.
    func pipelineYAML(derive: String) -> String {
        """
        pipeline: stale
        tasks:
          extract: { extract: { file: data.csv } }
          transform:
            after: [extract]
            transform:
              - derive: { doubled: "\(derive)" }
          gate:
            after: [transform]
            shell: test -f ready.flag
          load:
            after: [gate]
            input: transform
            load: { file: out.csv }
        """
    }

    func events(_ runner: PipelineRunner) -> RecordedEvents {
        let recorded = RecordedEvents()
        runner.onEvent = { recorded.append($0) }
        return recorded
    }

    @Test("resuming with nothing changed reuses the succeeded tasks")
    func unchangedResumeReuses() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id,total\n1,5\n2,7\n")
        let p = try ws.pipeline(pipelineYAML(derive: "total * 2"))
        let first = try await PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock()).run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!first.succeeded)
        try ws.write("ready.flag", "")
        let runner = PipelineRunner(pipeline: try Pipeline.load(path: ws.path("pipeline.yaml")), store: try ws.store(), clock: ManualClock())
        let recorded = events(runner)
        let second = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(second.succeeded)
        #expect(second.executed == ["gate", "load"])
        #expect(recorded.staleTasks.isEmpty)
    }

    @Test("an edited task spec reruns that task and everything downstream, and says why")
    func editedSpecRerunsDownstream() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id,total\n1,5\n2,7\n")
        let p = try ws.pipeline(pipelineYAML(derive: "total * 2"))
        _ = try await PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock()).run(RunRequest(logicalDate: day("2024-01-02")))
        try ws.write("ready.flag", "")
        let edited = try ws.pipeline(pipelineYAML(derive: "total * 3"))
        let runner = PipelineRunner(pipeline: edited, store: try ws.store(), clock: ManualClock())
        let recorded = events(runner)
        let second = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(second.succeeded)
        #expect(second.executed == ["transform", "gate", "load"])
        #expect(recorded.staleTasks.map(\.task) == ["transform"])
        #expect(recorded.staleTasks.first?.rerunning == ["transform", "gate", "load"])
        #expect(try String(contentsOfFile: ws.path("out.csv"), encoding: .utf8) == "id,total,doubled\n1,5,15\n2,7,21\n")
    }

    @Test("a changed source file reruns the extract and everything after it")
    func changedInputRerunsExtract() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id,total\n1,5\n2,7\n")
        let p = try ws.pipeline(pipelineYAML(derive: "total * 2"))
        _ = try await PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock()).run(RunRequest(logicalDate: day("2024-01-02")))
        try ws.write("data.csv", "id,total\n1,5\n2,7\n3,9\n")
        try ws.write("ready.flag", "")
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        let recorded = events(runner)
        let second = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(second.executed == ["extract", "transform", "gate", "load"])
        #expect(recorded.staleTasks.map(\.task) == ["extract"])
        #expect(try String(contentsOfFile: ws.path("out.csv"), encoding: .utf8) == "id,total,doubled\n1,5,10\n2,7,14\n3,9,18\n")
    }

    @Test("the fingerprint covers the params a task names and its upstreams, nothing else")
    func fingerprintInputs() throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id\n1\n")
        let p = try ws.pipeline("""
        pipeline: fp
        params: { a: x, b: y }
        tasks:
          one: { extract: { file: data.csv } }
          two: { after: [one], shell: "echo {{ params.a }}" }
          three: { after: [one], shell: "echo {{ params.b }}" }
        """)
        func prints(_ params: [String: String]) -> [String: String] {
            TaskFingerprint.compute(p, variables: RunVariables(pipeline: "fp", runID: "r", logicalDate: 0, intervalStart: 0, intervalEnd: 0,
                                                              params: params)) { _ in nil }
        }
        let base = prints(["a": "x", "b": "y"]), changedA = prints(["a": "z", "b": "y"])
        #expect(base["one"] == changedA["one"] && base["three"] == changedA["three"])
        #expect(base["two"] != changedA["two"])
        #expect(base.values.allSatisfy { $0.count == 16 })
    }
}

final class RecordedEvents: @unchecked Sendable {
    private let lock = Lock()
    private var events: [RunEvent] = []
    func append(_ event: RunEvent) { lock.locked { events.append(event) } }
    var staleTasks: [(task: String, rerunning: [String])] {
        lock.locked {
            events.compactMap { if case .staleWork(let task, _, let rerunning) = $0 { (task, rerunning) } else { nil } }
        }
    }
}
