import Foundation
import SluiceCore
import SluiceSQL
import SluiceTestSupport
import Testing
@testable import SluicePipeline

/// A state store that fails for real: a SQLite trigger, added through a second connection,
/// refuses the write (no switch in the product).
private func refuse(_ statement: String, on table: String, in ws: Workspace) throws {
    let connection = try SQLConnection(url: try ConnectionURL("sqlite:" + ws.path("state.db")))
    _ = try connection.execute(SQLTemplate(
        "CREATE TRIGGER refuse_\(statement.lowercased()) BEFORE \(statement) ON \(table) BEGIN SELECT RAISE(ABORT, 'disk refuses (test)'); END"))
}

@Suite("State-store failures are reported, not swallowed")
struct StateStoreFailureTests {
    static func failures(_ recorder: RecordingObserver) -> [StateStoreFailed] {
        recorder.events.compactMap { if case .stateStoreFailed(let e) = $0 { e } else { nil } }
    }

    @Test("a try whose end cannot be recorded fails, with a run event, an observer event and the store's error")
    func finishTry() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "finish")
        p.defaults = TaskSettings(retries: 2, retryDelay: 0)
        p.addTask("work") { _ in
            calls.increment("work")
            try refuse("UPDATE", on: "sluice_task_tries", in: ws)
            return TaskOutput()
        }
        p.addTask("after", after: ["work"]) { _ in calls.increment("after"); return TaskOutput() }
        let recorder = RecordingObserver()
        let progress = Locked<[String]>([])
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.observer = recorder
        runner.onEvent = { event in
            if case .stateStoreFailed(let task, let operation, let error) = event { progress.append("\(task ?? "-") \(operation): \(error)") }
        }
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        #expect(calls.count("work") == 1, "a permanent store error is not retried")
        #expect(calls.count("after") == 0)
        let work = try #require(summary.tasks.first { $0.task == "work" })
        #expect(work.state == .failed)
        #expect(work.error?.contains("state store write finish_try for task \"work\" of run finish 2024-01-02 failed") == true, "\(work.error ?? "")")
        #expect(work.error?.contains("disk refuses (test)") == true)
        let failed = Self.failures(recorder)
        #expect(failed.map(\.operation) == ["finish_try"])
        #expect(failed.first?.task == "work" && failed.first?.pipeline == "finish" && failed.first?.run?.runID == "2024-01-02")
        #expect(failed.first?.error.category == "permanent_io")
        #expect(progress.value.count == 1 && progress.value[0].hasPrefix("work finish_try: state store write finish_try"), "\(progress.value)")
        let tried = recorder.events.compactMap { if case .taskTryFinished(let e) = $0 { e } else { nil } }
        #expect(tried.map(\.outcome) == [.failed] && tried.first?.willRetry == false)
    }

    @Test("a try that cannot be claimed does not run and fails the task")
    func startTry() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let store = try ws.store()
        try refuse("INSERT", on: "sluice_task_tries", in: ws)
        let calls = Counter()
        var p = Pipeline(name: "claim")
        p.addTask("work") { _ in calls.increment("work"); return TaskOutput() }
        let recorder = RecordingObserver()
        let runner = PipelineRunner(pipeline: p, store: store, clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.observer = recorder
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        #expect(calls.count("work") == 0)
        let work = try #require(summary.tasks.first)
        #expect(work.state == .failed)
        #expect(work.error?.contains("state store write start_try for task \"work\" of run claim 2024-01-02 failed: ") == true, "\(work.error ?? "")")
        #expect(Self.failures(recorder).map(\.operation) == ["start_try"])
    }

    @Test("a check result that cannot be stored is reported; the run still succeeds")
    func recordChecks() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id\n1\n2\n")
        let p = try ws.pipeline("""
        pipeline: checked
        tasks:
          extract: { extract: { file: data.csv } }
          check:
            after: [extract]
            check:
              checks:
                - not_null: id
        """)
        let store = try ws.store()
        try refuse("INSERT", on: "sluice_check_results", in: ws)
        let recorder = RecordingObserver()
        let runner = PipelineRunner(pipeline: p, store: store, clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.observer = recorder
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.succeeded)
        let failed = Self.failures(recorder)
        #expect(failed.map(\.operation) == ["record_checks"] && failed.first?.task == "check", "\(failed)")
    }

    @Test("a store error keeps its category: transient stays transient (retried), anything else is permanent I/O")
    func category() {
        let run = RunIdentity(pipeline: "p", runID: "2024-01-02", logicalDate: 0, intervalStart: 0, intervalEnd: 0)
        let transient = PipelineRunner.stateWriteError(PipelineError(.runLocked, message: "busy"), operation: .finishTry, run: run, task: "t")
        #expect(transient.category == .transientIO && transient.code == .state)
        let other = PipelineRunner.stateWriteError(CoreError(.unknownColumn, message: "x"), operation: .heartbeat, run: run, task: nil)
        #expect(other.category == .permanentIO)
        #expect(other.message == "state store write heartbeat for run p 2024-01-02 failed: x")
    }
}
