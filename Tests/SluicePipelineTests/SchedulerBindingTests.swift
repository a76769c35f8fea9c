import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluicePipeline

/// The scheduler binds a run's column references, with that run's values, before the run starts.
@Suite("Scheduler binds before each run")
struct SchedulerBindingTests {
    @Test("a typo in a pipeline whose input path uses {{ ds }}: the run reports the located error and nothing runs")
    func typoBeforeRun() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("orders-2024-01-04.csv", "id,user_id,amount\n1,1,5.5\n")
        let p = try ws.pipeline("""
        pipeline: sched
        schedule: "@daily"
        start_date: 2024-01-04
        tasks:
          marker:
            shell: touch ran.marker
          extract:
            extract: { file: "orders-{{ ds }}.csv" }
          totals:
            after: [extract]
            transform:
              - aggregate: { by: [user_id], compute: { revenue: sum(amout) } }
        """)
        _ = try p.bindColumns()   // validate cannot read a {{ ds }} path: it passes
        let clock = ManualClock(start: day("2024-01-05") + 3_600_000_000)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        runner.artifactsRoot = ws.path("artifacts")
        let scheduler = Scheduler(entries: [Scheduler.Entry(pipeline: p, runner: runner)], clock: clock)
        final class Errors: @unchecked Sendable { let lock = Lock(); var texts: [String] = [] }   // guarded by `lock`
        let errors = Errors()
        scheduler.onEvent = { event in
            if case .runError(_, _, let error) = event { errors.lock.locked { errors.texts.append(error) } }
        }
        #expect(try scheduler.tick() == ["2024-01-04"])
        await scheduler.drain()
        let texts = errors.lock.locked { errors.texts }
        #expect(texts.count == 1)
        #expect(texts.first?.contains("pipeline.yaml:12:9: error: task \"totals\": step 1 (aggregate): ") == true, "\(texts)")
        #expect(texts.first?.contains("did you mean `amount`?") == true, "\(texts)")
        #expect(!FileManager.default.fileExists(atPath: ws.path("ran.marker")))
        #expect(try runner.store.runs(pipeline: "sched").isEmpty)
    }
}
