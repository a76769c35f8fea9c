import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluicePipeline

@Suite("Run events")
struct RunEventTests {
    @Test("a failing task: claimed, started, every try with its outcome and retry flag, then a failed run")
    func failedRunEvents() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = Pipeline(name: "broken")
        p.defaults = TaskSettings(retries: 1, retryDelay: 1_000_000)
        p.addTask("extract") { _ in throw Failure(description: "source down") }
        p.addTask("load", after: ["extract"]) { _ in TaskOutput() }
        let recorder = RecordingObserver()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.observer = recorder
        _ = try await runner.run(RunRequest(logicalDate: day("2024-01-02"), trigger: "scheduled"))
        #expect(recorder.names == ["run_claimed", "run_started", "task_try_started", "task_try_finished",
                                   "task_try_started", "task_try_finished", "run_finished"])
        let tries = recorder.events.compactMap { if case .taskTryFinished(let e) = $0 { e } else { nil } }
        #expect(tries.map(\.tryNumber) == [1, 2])
        #expect(tries.map(\.outcome) == [.failed, .failed])
        #expect(tries.map(\.willRetry) == [true, false])
        #expect(tries.allSatisfy { $0.error?.message.contains("source down") == true && $0.kind == "swift" })
        guard case .runFinished(let finished)? = recorder.events.last else { Issue.record("no run_finished"); return }
        #expect(finished.outcome == .failed && finished.trigger == "scheduled")
        #expect(finished.failedTasks == ["extract", "load"])
        #expect(finished.run == RunIdentity(pipeline: "broken", runID: "2024-01-02", logicalDate: day("2024-01-02"),
                                            intervalStart: day("2024-01-02"), intervalEnd: day("2024-01-03")))
        #expect(finished.durationSeconds >= 0)
    }

    @Test("file → check → SQLite load: datasets with masked connections, rows, schema and check results")
    func datasetsRowsAndChecks() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("users.csv", "id,email\n1,a@x\n2,\n3,c@x\n")
        let p = try ws.pipeline("""
        pipeline: users
        connections: { warehouse: "sqlite:warehouse.db" }
        tasks:
          extract: { extract: { file: "users.csv" } }
          quality:
            after: [extract]
            check:
              checks:
                - not_null: email
                  severity: warning
          load:
            after: [quality]
            load: { connection: warehouse, table: users, mode: replace }
        """)
        let recorder = RecordingObserver()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.observer = recorder
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.succeeded)
        let finished = Dictionary(uniqueKeysWithValues: recorder.events.compactMap { event -> (String, TaskTryFinished)? in
            if case .taskTryFinished(let e) = event { (e.task, e) } else { nil }
        })
        #expect(finished["extract"]?.inputs == [EventDataset(kind: .file, name: ws.path("users.csv"))])
        #expect(finished["extract"]?.rowsOut == 3)
        let load = try #require(finished["load"])
        #expect(load.kind == "load" && load.outcome == .success && load.rowsIn == 3 && load.rowsOut == 3)
        #expect(load.outputs.count == 1 && load.outputs[0].kind == .table && load.outputs[0].name == "users")
        #expect(load.outputs[0].connection?.hasPrefix("sqlite:") == true)
        #expect(load.outputs[0].schema?.fields.map(\.name) == ["id", "email"])
        let checks = recorder.events.compactMap { if case .checkEvaluated(let e) = $0 { e } else { nil } }
        #expect(checks.count == 1)
        #expect(checks.first?.kind == "not_null" && checks.first?.columns == ["email"] && checks.first?.severity == "warning")
        #expect(checks.first?.outcome == "failed" && checks.first?.task == "quality" && checks.first?.run?.runID == "2024-01-02")
        #expect(abs((checks.first?.observed ?? 0) - 1.0 / 3.0) < 1e-9)   // the null fraction
    }

    @Test("a postgres password never reaches an event")
    func masksConnectionPasswords() throws {
        var p = Pipeline(name: "masked")
        p.connections["db"] = "postgres://app:hunter2@127.0.0.1:5/app"
        p.addTask("x") { _ in TaskOutput() }
        let task = PipelineTask(name: "extract", action: .extract(ExtractAction(source: .query(connection: "db", sql: "SELECT 1"))))
        let datasets = task.datasets(in: p, variables: .placeholder(params: [:]))
        #expect(datasets.inputs.count == 1)
        #expect(datasets.inputs[0].connection?.contains("hunter2") == false)
        #expect(datasets.inputs[0].connection?.contains("***") == true)
        #expect(datasets.inputs[0].name == "SELECT 1")
    }

    @Test("the scheduler reports an SLA miss as an event once")
    func slaMissEvent() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let p = SchedulerTests.daily("late", catchup: false, calls: calls, failOn: ["2024-01-04"], sla: 2 * 3_600_000_000)
        let (scheduler, clock) = try SchedulerTests.scheduler(p, ws, at: day("2024-01-05") + 60_000_000)
        let recorder = RecordingObserver()
        scheduler.observer = recorder
        try scheduler.tick()
        await scheduler.drain()
        try await clock.sleep(microseconds: 3 * 3_600_000_000)
        try scheduler.tick()
        try scheduler.tick()
        let misses = recorder.events.compactMap { if case .slaMissed(let e) = $0 { e } else { nil } }
        #expect(misses.map(\.run.runID) == ["2024-01-04"])
        #expect(misses.first?.deadline == day("2024-01-05") + 2 * 3_600_000_000)
        #expect(misses.first?.state == "failed")
    }
}
