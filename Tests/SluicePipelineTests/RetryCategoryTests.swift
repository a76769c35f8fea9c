import Foundation
import SluiceCore
import SluiceFormats
import SluiceQuality
import SluiceSQL
import Testing
@testable import SluicePipeline

/// The retry policy reads the error's category: only transient I/O errors are retried.
@Suite("Retry by error category")
struct RetryCategoryTests {
    /// Runs one task that throws `error` on its first two tries, with 3 retries of 60 s each.
    static func run(throwing error: any Error & Sendable) async throws -> (tries: [TryRecord], sleeps: [Int64], calls: Int) {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "category")
        p.defaults = TaskSettings(retries: 3, retryDelay: 60_000_000)
        p.addTask("work") { _ in
            if calls.increment("work") <= 2 { throw error }
            return TaskOutput()
        }
        let clock = ManualClock()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        runner.artifactsRoot = ws.path("artifacts")
        _ = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        let tries = try runner.store.tries(pipeline: "category", runID: "2024-01-02", task: "work")
        return (tries, clock.sleeps.filter { $0 == 60_000_000 }, calls.count("work"))
    }

    @Test("a spec or usage error (a column typo) fails at once and says why")
    func usageIsNotRetried() async throws {
        let typo = CoreError(.unknownColumn, message: "no column \"amout\" in table (columns: id, amount)", hint: "did you mean `amount`?")
        let (tries, sleeps, calls) = try await Self.run(throwing: typo)
        #expect(calls == 1)
        #expect(sleeps.isEmpty)
        #expect(tries.map(\.state) == [.failed])
        #expect(tries[0].error?.contains("not retried: spec or usage error") == true)
        #expect(tries[0].log?.contains("not retried: spec or usage error") == true)
    }

    @Test("a data error (a bad row) fails at once")
    func dataIsNotRetried() async throws {
        let bad = FormatError(.typeMismatch, file: "users.csv", line: 14, column: 22, message: "column \"age\" expects int64, found \"thirty\"")
        let (tries, sleeps, calls) = try await Self.run(throwing: bad)
        #expect(calls == 1 && sleeps.isEmpty)
        #expect(tries[0].error?.hasPrefix("users.csv:14:22: error: column \"age\"") == true)
        #expect(tries[0].error?.contains("not retried: data error") == true)
    }

    @Test("a duplicate key (a constraint violation) fails at once")
    func duplicateKeyIsNotRetried() async throws {
        let duplicate = SQLError(.query, message: "SQLite: UNIQUE constraint failed: users.id (while inserting)", sqlState: "2067")
        #expect(duplicate.category == .data)
        let (tries, sleeps, calls) = try await Self.run(throwing: duplicate)
        #expect(calls == 1 && sleeps.isEmpty)
        #expect(tries[0].error?.contains("not retried: data error") == true)
    }

    @Test("a failed quality gate fails at once and keeps its results")
    func gateIsNotRetried() async throws {
        let gate = QualityGateFailure(results: [], failOn: .error)
        let (tries, sleeps, calls) = try await Self.run(throwing: gate)
        #expect(calls == 1 && sleeps.isEmpty)
        #expect(tries[0].error?.contains("not retried: data error") == true)
    }

    @Test("a permanent I/O error (a missing file) fails at once")
    func permanentIsNotRetried() async throws {
        let missing = FormatError(.io, file: "in.csv", message: "cannot open in.csv: No such file or directory")
        let (tries, sleeps, calls) = try await Self.run(throwing: missing)
        #expect(calls == 1 && sleeps.isEmpty)
        #expect(tries[0].error?.contains("not retried: permanent I/O error") == true)
    }

    @Test("a transient error (database busy) is retried by the task's policy")
    func transientIsRetried() async throws {
        let busy = SQLError(.query, message: "SQLite: database is locked (while inserting)", sqlState: "5")
        #expect(busy.category == .transientIO)
        let (tries, sleeps, calls) = try await Self.run(throwing: busy)
        #expect(calls == 3)
        #expect(sleeps.count == 2)
        #expect(tries.map(\.state) == [.failed, .failed, .success])
        #expect(tries[0].error?.contains("not retried") == false)
    }

    @Test("a refused connection is retried")
    func refusedIsRetried() async throws {
        let refused = SQLError(.connection, message: "cannot connect to postgres://127.0.0.1:1/db: Connection refused")
        #expect(refused.category == .transientIO)
        let (_, sleeps, calls) = try await Self.run(throwing: refused)
        #expect(calls == 3 && sleeps.count == 2)
    }

    @Test("an internal error (a cancelled try) is not retried")
    func internalIsNotRetried() async throws {
        let cancelled = PipelineError(.cancelled, message: "task \"work\" was cancelled")
        let (_, sleeps, calls) = try await Self.run(throwing: cancelled)
        #expect(calls == 1 && sleeps.isEmpty)
    }

    @Test("a column typo in a pipeline's transform waits for nothing")
    func transformTypoFailsAtOnce() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id,amount\n1,5\n2,7\n")
        let p = try ws.pipeline("""
        pipeline: typo
        defaults: { retries: 3, retry_delay: 187s }
        tasks:
          extract: { extract: { file: data.csv } }
          transform:
            after: [extract]
            transform:
              - derive: { total: "amout * 2" }
        """)
        let clock = ManualClock()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        #expect(summary.tasks[1].tries == 1)
        #expect(!clock.sleeps.contains(187_000_000))
        let tries = try runner.store.tries(pipeline: "typo", runID: "2024-01-02", task: "transform")
        #expect(tries[0].error?.contains("not retried: spec or usage error") == true)
    }
}

/// Failures of one pipeline stay in that pipeline.
@Suite("Scheduler isolation and failure categories in events")
struct FailureIsolationTests {
    @Test("a pipeline that cannot be scheduled does not stop the scheduler or the other pipelines")
    func brokenStateIsIsolated() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let clock = ManualClock(start: day("2024-01-03") + 3_600_000_000)
        var entries: [Scheduler.Entry] = []
        for name in ["broken", "healthy"] {
            var p = Pipeline(name: name)
            // Built in Swift, so nothing validated it: minute 61 never comes.
            p.schedule = name == "broken" ? "61 * * * *" : "@daily"
            p.startDate = day("2024-01-01")
            p.addTask("work") { _ in calls.increment(name); return TaskOutput() }
            let store = try StateStore(url: "sqlite:" + ws.path("\(name).db"))
            let runner = PipelineRunner(pipeline: p, store: store, clock: clock)
            runner.artifactsRoot = ws.path("artifacts")
            entries.append(Scheduler.Entry(pipeline: p, runner: runner))
        }
        let scheduler = Scheduler(entries: entries, clock: clock)
        final class Errors: @unchecked Sendable { let lock = Lock(); var list: [String] = [] }   // list guarded by lock
        let errors = Errors()
        scheduler.onEvent = { event in
            if case .runError(let p, _, let error) = event { errors.lock.locked { errors.list.append(p + ": " + error) } }
        }
        let started = try scheduler.tick()
        await scheduler.drain()
        #expect(started == ["2024-01-02"])
        #expect(calls.count("healthy") == 1 && calls.count("broken") == 0)
        let reported = errors.lock.locked { errors.list }
        #expect(reported.count == 1 && reported.first?.hasPrefix("broken: error: ") == true, "\(reported)")
    }

    @Test("a try's event says the failure's category")
    func eventCategory() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = Pipeline(name: "events")
        p.addTask("typo") { _ in throw CoreError(.unknownColumn, message: "no column \"amout\"") }
        let recorder = RecordingObserver()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        runner.observer = recorder
        _ = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        let finished = recorder.events.compactMap { if case .taskTryFinished(let e) = $0 { e } else { nil } }
        #expect(finished.first?.error?.category == "spec")
        #expect(finished.first?.willRetry == false)
    }
}
