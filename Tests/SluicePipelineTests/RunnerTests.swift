import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluicePipeline

struct Failure: Error, CustomStringConvertible { var description: String }

@Suite("Pipeline runner")
struct RunnerTests {
    @Test func retriesAreCountedAndRecordedWithConstantDelay() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "flaky")
        p.defaults = TaskSettings(retries: 3, retryDelay: 5 * 60_000_000)
        p.addTask("flaky") { _ in
            if calls.increment("flaky") < 3 { throw Failure(description: "transient") }
            return TaskOutput()
        }
        let clock = ManualClock()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        runner.artifactsRoot = ws.path("artifacts")
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.succeeded)
        #expect(calls.count("flaky") == 3)
        let tries = try runner.store.tries(pipeline: "flaky", runID: "2024-01-02", task: "flaky")
        #expect(tries.map(\.state) == [.failed, .failed, .success])
        #expect(tries[0].error?.contains("transient") == true)
        #expect(summary.tasks.first?.tries == 3)
        // Two retries, each after retry_delay (the heartbeat sleeps are longer than any of these).
        #expect(clock.sleeps.filter { $0 == 300_000_000 }.count == 2)
    }

    @Test func exponentialBackoffDoublesUpToTheCapWithJitterBounds() {
        var exact = TaskSettings(retries: 5, retryDelay: 10_000_000, retryBackoff: .exponential, maxRetryDelay: 60_000_000, retryJitter: false)
        var random = SplitMix64(seed: 1)
        #expect((2...6).map { exact.delay(beforeTry: $0, random: &random) } == [10_000_000, 20_000_000, 40_000_000, 60_000_000, 60_000_000])
        exact.retryJitter = true
        for tryNumber in 2...6 {
            let full = min(10_000_000 << (tryNumber - 2), 60_000_000)
            for _ in 0..<50 {
                let d = exact.delay(beforeTry: tryNumber, random: &random)
                #expect(d >= full / 2 && d <= full)
            }
        }
    }

    @Test func exhaustedRetriesFailTheRunAndMarkDownstream() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "broken")
        p.defaults = TaskSettings(retries: 2, retryDelay: 1_000_000, retryBackoff: .exponential, retryJitter: false)
        p.addTask("extract") { _ in calls.increment("extract"); throw Failure(description: "source down") }
        p.addTask("load", after: ["extract"]) { _ in calls.increment("load"); return TaskOutput() }
        p.addTask("cleanup", after: ["load"], triggerRule: .allDone) { _ in calls.increment("cleanup"); return TaskOutput() }
        let clock = ManualClock()
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        runner.artifactsRoot = ws.path("artifacts")
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        #expect(calls.count("extract") == 3)
        #expect(calls.count("load") == 0)
        #expect(calls.count("cleanup") == 1)
        let states = Dictionary(uniqueKeysWithValues: summary.tasks.map { ($0.task, $0.state) })
        #expect(states == ["extract": .failed, "load": .upstreamFailed, "cleanup": .success])
        #expect(clock.sleeps.contains(1_000_000) && clock.sleeps.contains(2_000_000))
    }

    @Test func timeoutCancelsTheAttemptAndCountsAsAFailedTry() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline("""
        pipeline: slow
        tasks:
          sleepy:
            shell: "echo started; sleep 600; echo never"
            timeout: 1.5s
            retries: 1
            retry_delay: 0s
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store())
        let started = Date()
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        // The shell sleeps 600 s, so only a cancelled attempt ends sooner (its log then lacks "never").
        // Generous because on 2 cores other suites' synchronous tests can hold the shared concurrency
        // threads for minutes (the timeout fires only when one is free); the 1.5 s timeout leaves a
        // loaded machine time to start the shell and print "started".
        #expect(Date().timeIntervalSince(started) < 590, "the sleep was not cancelled")
        #expect(!summary.succeeded)
        let tries = try runner.store.tries(pipeline: "slow", runID: "2024-01-02", task: "sleepy")
        #expect(tries.map(\.state) == [.timedOut, .timedOut])
        #expect(tries[0].log?.contains("started") == true)
        #expect(tries[0].log?.contains("never") == false)
        #expect(tries[0].error?.contains("timeout") == true)
    }

    @Test func swiftTaskTimeoutIsCooperative() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = Pipeline(name: "coop")
        p.addTask("spin", settings: TaskSettings(timeout: 200_000)) { context in
            while !context.isCancelled { try await Task.sleep(nanoseconds: 5_000_000) }
            try context.checkCancelled()
            return TaskOutput()
        }
        let runner = PipelineRunner(pipeline: p, store: try ws.store())
        runner.artifactsRoot = ws.path("artifacts")
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.tasks.first?.state == .failed)
        #expect(try runner.store.tries(pipeline: "coop", runID: "2024-01-02", task: "spin").map(\.state) == [.timedOut])
    }

    @Test func secondRunIsANoOpAndRerunRunsAgain() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "once")
        p.addTask("make") { _ in calls.increment("make"); return TaskOutput(table: try Table([("x", Column(int64: [1, 2]))])) }
        p.addTask("use", after: ["make"]) { context in
            calls.increment("use")
            return TaskOutput(rowsIn: try context.input().rowCount)
        }
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let first = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(first.succeeded && !first.alreadySucceeded)
        #expect(first.tasks.first { $0.task == "use" }?.rowsIn == 2)
        let second = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(second.alreadySucceeded)
        #expect(calls.count("make") == 1 && calls.count("use") == 1)
        let third = try await runner.run(RunRequest(logicalDate: day("2024-01-02"), rerun: true))
        #expect(third.succeeded && !third.alreadySucceeded)
        #expect(calls.count("make") == 2 && calls.count("use") == 2)
    }

    @Test func resumeRunsOnlyFailedAndNotYetRunTasks() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let broken = Counter()
        broken.increment("on")
        var p = Pipeline(name: "resume")
        p.addTask("extract") { _ in calls.increment("extract"); return TaskOutput(table: try Table([("x", Column(int64: [1, 2, 3]))])) }
        p.addTask("transform", after: ["extract"]) { context in
            calls.increment("transform")
            if broken.count("on") == 1 { throw Failure(description: "bug") }
            return TaskOutput(table: try context.input())
        }
        p.addTask("load", after: ["transform"]) { context in calls.increment("load"); return TaskOutput(rowsIn: try context.input().rowCount) }
        let store = try ws.store()
        let runner = PipelineRunner(pipeline: p, store: store, clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let failed = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!failed.succeeded)
        #expect(FileManager.default.fileExists(atPath: ws.path("artifacts/resume/2024-01-02/extract.\(PipelineRunner.artifactExtension)")))
        broken.increment("on")
        // A new runner (a new process, as far as it knows) reads the extract's table from its artifact.
        let again = PipelineRunner(pipeline: p, store: store, clock: ManualClock())
        again.artifactsRoot = ws.path("artifacts")
        let resumed = try await again.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(resumed.succeeded)
        #expect(resumed.executed == ["transform", "load"])
        #expect(calls.count("extract") == 1 && calls.count("transform") == 2 && calls.count("load") == 1)
        #expect(resumed.tasks.first { $0.task == "load" }?.rowsIn == 3)
        #expect(try store.tries(pipeline: "resume", runID: "2024-01-02", task: "transform").map(\.tryNumber) == [1, 2])
        // Artifacts of a succeeded run are removed.
        #expect(!FileManager.default.fileExists(atPath: ws.path("artifacts/resume/2024-01-02")))
    }

    @Test func independentTasksRunConcurrentlyWithinTheBound() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        final class Gauge: @unchecked Sendable {
            let lock = Lock(); var now = 0; var peak = 0
            func enter() { lock.locked { now += 1; peak = max(peak, now) } }
            func leave() { lock.locked { now -= 1 } }
        }
        let gauge = Gauge()
        var p = Pipeline(name: "fan")
        p.maxParallelTasks = 3
        for i in 0..<8 {
            p.addTask("t\(i)") { _ in
                gauge.enter(); defer { gauge.leave() }
                try await Task.sleep(nanoseconds: 50_000_000)
                return TaskOutput()
            }
        }
        let runner = PipelineRunner(pipeline: p, store: try ws.store())
        runner.artifactsRoot = ws.path("artifacts")
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-01-02"))).succeeded)
        #expect(gauge.peak == 3)
    }

    @Test func failedQualityGateIsNotRetriedAndStopsTheLoad() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("data.csv", "id,total\n1,5\n2,-3\n,7\n")
        let p = try ws.pipeline("""
        pipeline: gated
        defaults: { retries: 3, retry_delay: 0s }
        tasks:
          extract: { extract: { file: data.csv } }
          gate:
            after: [extract]
            check:
              checks:
                - not_null: id
                  threshold: 0
                  severity: critical
          load:
            after: [gate]
            load: { file: "out/{{ ds }}.csv" }
        """)
        let store = try ws.store()
        let runner = PipelineRunner(pipeline: p, store: store, clock: ManualClock())
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        #expect(summary.tasks.map(\.state) == [.success, .failed, .upstreamFailed])
        #expect(summary.tasks[1].tries == 1)
        #expect(summary.checks.count == 1 && summary.checks[0].outcome == "failed" && summary.checks[0].failingRows == 1)
        #expect(!FileManager.default.fileExists(atPath: ws.path("out/2024-01-02.csv")))
    }

    @Test func templatedPathsAndShellEnvironment() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try FileManager.default.createDirectory(atPath: ws.path("in/2024-01-02"), withIntermediateDirectories: true)
        try ws.write("in/2024-01-02/orders.csv", "id,total\n1,5\n2,7\n")
        let p = try ws.pipeline("""
        pipeline: paths
        params: { region: eu }
        tasks:
          extract: { extract: { file: "in/{{ ds }}/orders.csv" } }
          load:
            after: [extract]
            load: { file: "out/{{ ds_nodash }}-{{ params.region }}.csv" }
          note:
            after: [load]
            shell: 'echo "$DS $DS_NODASH $DATA_INTERVAL_START $PARAMS_REGION" > note.txt'
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02"), params: ["region": "us"]))
        #expect(summary.succeeded)
        #expect(try String(contentsOfFile: ws.path("out/20240102-us.csv"), encoding: .utf8) == "id,total\n1,5\n2,7\n")
        #expect(try String(contentsOfFile: ws.path("note.txt"), encoding: .utf8) == "2024-01-02 20240102 2024-01-02T00:00:00Z us\n")
    }

    @Test func backfillOverThirtyDaysRerunsOnlyTheFailedDays() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let failing: Set<String> = ["2024-01-05", "2024-01-17", "2024-01-30"]
        let healed = Counter()
        var p = Pipeline(name: "daily")
        p.schedule = "@daily"
        p.addTask("work") { context in
            calls.increment(context.variables.ds)
            if failing.contains(context.variables.ds) && healed.count("yes") == 0 { throw Failure(description: "bad day") }
            return TaskOutput()
        }
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let first = try await runner.backfill(from: day("2024-01-01"), to: day("2024-01-30"), parallel: 4)
        #expect(first.succeeded.count == 27)
        #expect(first.failed == failing.sorted())
        healed.increment("yes")
        let second = try await runner.backfill(from: day("2024-01-01"), to: day("2024-01-30"), parallel: 4)
        #expect(second.succeeded == failing.sorted())
        #expect(second.skipped.count == 27)
        for d in 1...30 {
            let ds = "2024-01-" + (d < 10 ? "0" : "") + String(d)
            #expect(calls.count(ds) == (failing.contains(ds) ? 2 : 1), "\(ds)")
        }
        let all = try await runner.backfill(from: day("2024-01-01"), to: day("2024-01-03"), policy: .all)
        #expect(all.succeeded.count == 3)
    }

    @Test func aLiveOwnerLocksTheRun() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = Pipeline(name: "locked")
        p.addTask("t") { _ in TaskOutput() }
        let store = try ws.store()
        let now = SystemClock().now()
        try store.ensureRun(pipeline: "locked", runID: "2024-01-02", logicalDate: day("2024-01-02"), interval: (day("2024-01-02"), day("2024-01-03")), trigger: "manual", now: now)
        // Another host's process holds it with a fresh heartbeat.
        try store.execute("UPDATE sluice_runs SET owner = 'elsewhere:1', heartbeat = {{ n }}, state = 'running'", ["n": .int64(now)])
        let runner = PipelineRunner(pipeline: p, store: store)
        runner.artifactsRoot = ws.path("artifacts")
        await #expect(throws: PipelineError.self) { try await runner.run(RunRequest(logicalDate: day("2024-01-02"))) }
        // Once its heartbeat is stale, the run can be taken over.
        try store.execute("UPDATE sluice_runs SET heartbeat = {{ n }}", ["n": .int64(now - 120_000_000)])
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-01-02"))).succeeded)
    }
}

@Suite("Pipeline SQL tasks")
struct SQLTaskTests {
    @Test func eltWithBoundValuesAndReplacePartitionConverges() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline("""
        pipeline: elt
        schedule: "@daily"
        connections: { db: "sqlite:warehouse.db" }
        tasks:
          stage:
            sql:
              connection: db
              statements:
                - "CREATE TABLE IF NOT EXISTS events (id INTEGER, ds TEXT, note TEXT)"
                - "DELETE FROM events WHERE ds = {{ ds }}"
                - "INSERT INTO events VALUES (1, {{ ds }}, {{ run_id }}), (2, {{ ds }}, 'x''; DROP TABLE events; --')"
          extract:
            after: [stage]
            extract: { connection: db, query: "SELECT id, ds, note FROM events WHERE ds = {{ ds }} ORDER BY id" }
          load:
            after: [extract]
            load: { connection: db, table: daily_copy, mode: replace_partition, partition: "ds={{ ds }}" }
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        for date in ["2024-01-02", "2024-01-03", "2024-01-02"] {
            let summary = try await runner.run(RunRequest(logicalDate: day(date), rerun: true))
            #expect(summary.succeeded, "\(summary.tasks.map { $0.error ?? "" })")
            #expect(summary.tasks.first { $0.task == "extract" }?.rowsOut == 2)
        }
        let db = try SQLConnection(url: try ConnectionURL("sqlite:" + ws.path("warehouse.db")))
        let copy = try db.extract(SQLTemplate("SELECT ds, count(*) AS n FROM daily_copy GROUP BY ds ORDER BY ds"))
        #expect(copy.row(0) == [.string("2024-01-02"), .int64(2)])
        #expect(copy.row(1) == [.string("2024-01-03"), .int64(2)])
        let notes = try db.extract(SQLTemplate("SELECT note FROM events WHERE id = 2 AND ds = '2024-01-02'"))
        #expect(notes.row(0) == [.string("x'; DROP TABLE events; --")])
    }
}
