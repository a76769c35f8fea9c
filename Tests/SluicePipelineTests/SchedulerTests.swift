import Foundation
import SluiceCore
import Testing
@testable import SluicePipeline

@Suite("Scheduler")
struct SchedulerTests {
    static func daily(_ name: String, catchup: Bool, calls: Counter, failOn: Set<String> = [], sla: Int64? = nil,
                      maxActiveRuns: Int = 16, dependsOnPast: Bool = false) -> Pipeline {
        var p = Pipeline(name: name)
        p.schedule = "@daily"
        p.startDate = day("2024-01-01")
        p.catchup = catchup
        p.sla = sla
        p.maxActiveRuns = maxActiveRuns
        p.dependsOnPast = dependsOnPast
        p.addTask("work") { context in
            calls.increment(context.variables.ds)
            if failOn.contains(context.variables.ds) { throw Failure(description: "bad day") }
            return TaskOutput()
        }
        return p
    }

    static func scheduler(_ p: Pipeline, _ ws: Workspace, at now: Int64) throws -> (Scheduler, ManualClock) {
        let clock = ManualClock(start: now)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        runner.artifactsRoot = ws.path("artifacts")
        return (Scheduler(entries: [Scheduler.Entry(pipeline: p, runner: runner)], clock: clock), clock)
    }

    @Test func withoutCatchupOnlyTheLatestIntervalRuns() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let (scheduler, _) = try Self.scheduler(Self.daily("nocatch", catchup: false, calls: calls), ws, at: day("2024-01-05") + 10 * 3_600_000_000)
        #expect(try scheduler.tick() == ["2024-01-04"])
        await scheduler.drain()
        #expect(calls.count("2024-01-04") == 1 && calls.count("2024-01-03") == 0)
    }

    @Test func catchupRunsEveryMissedIntervalWithinMaxActiveRuns() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let (scheduler, _) = try Self.scheduler(Self.daily("catch", catchup: true, calls: calls, maxActiveRuns: 2), ws, at: day("2024-01-05") + 1)
        #expect(try scheduler.tick() == ["2024-01-01", "2024-01-02"])
        await scheduler.drain()
        #expect(try scheduler.tick() == ["2024-01-03", "2024-01-04"])
        await scheduler.drain()
        #expect(try scheduler.tick().isEmpty)
        for d in 1...4 { #expect(calls.count("2024-01-0\(d)") == 1) }
    }

    @Test func aRestartedSchedulerDoesNotRunAnIntervalTwice() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let p = Self.daily("restart", catchup: true, calls: calls)
        let (first, _) = try Self.scheduler(p, ws, at: day("2024-01-03") + 3_600_000_000)
        #expect(try first.tick() == ["2024-01-01", "2024-01-02"])
        await first.drain()
        // A new process, later in the same interval: nothing is due again.
        let (second, _) = try Self.scheduler(p, ws, at: day("2024-01-03") + 20 * 3_600_000_000)
        #expect(try second.tick().isEmpty)
        // A run a killed scheduler left running is resumed, not started as a second run.
        let store = try ws.store()
        try store.ensureRun(pipeline: "restart", runID: "2024-01-03", logicalDate: day("2024-01-03"),
                            interval: (day("2024-01-03"), day("2024-01-04")), trigger: "scheduled", now: day("2024-01-04"))
        try store.execute("UPDATE sluice_runs SET state = 'running', owner = {{ o }}, heartbeat = 0 WHERE run_id = '2024-01-03'",
                          ["o": .string(StateStore.hostName() + ":999999")])
        let (third, _) = try Self.scheduler(p, ws, at: day("2024-01-04") + 60_000_000)
        #expect(try third.tick() == ["2024-01-03"])
        await third.drain()
        #expect(try third.tick().isEmpty)
        #expect(calls.count("2024-01-01") == 1 && calls.count("2024-01-02") == 1 && calls.count("2024-01-03") == 1)
        #expect(try store.runs(pipeline: "restart").count == 3)
    }

    @Test func dependsOnPastWaitsForThePreviousSuccess() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let p = Self.daily("past", catchup: true, calls: calls, failOn: ["2024-01-02"], maxActiveRuns: 1, dependsOnPast: true)
        let (scheduler, _) = try Self.scheduler(p, ws, at: day("2024-01-05"))
        for _ in 0..<4 { try scheduler.tick(); await scheduler.drain() }
        #expect(calls.count("2024-01-01") == 1 && calls.count("2024-01-02") == 1)
        #expect(calls.count("2024-01-03") == 0)
    }

    @Test func slaMissIsRecordedOnce() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        let p = Self.daily("late", catchup: false, calls: calls, failOn: ["2024-01-04"], sla: 2 * 3_600_000_000)
        let (scheduler, clock) = try Self.scheduler(p, ws, at: day("2024-01-05") + 60_000_000)
        final class Misses: @unchecked Sendable { let lock = Lock(); var ids: [String] = [] }
        let misses = Misses()
        scheduler.onEvent = { event in if case .slaMiss(_, let runID, _) = event { misses.lock.locked { misses.ids.append(runID) } } }
        try scheduler.tick()
        await scheduler.drain()
        #expect(misses.ids.isEmpty)
        try await clock.sleep(microseconds: 3 * 3_600_000_000)
        try scheduler.tick()
        try scheduler.tick()
        #expect(misses.ids == ["2024-01-04"])
        #expect(try scheduler.entries[0].runner.store.slaMisses(pipeline: "late").map(\.runID) == ["2024-01-04"])
    }
}

@Suite("Scheduler shutdown")
struct SchedulerShutdownTests {
    @Test func stoppingWaitsForTheGraceThenCancelsRunningTasks() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = try ws.pipeline("""
        pipeline: stopping
        schedule: "@daily"
        start_date: 2024-01-01
        tasks:
          long: { shell: "echo begun; sleep 600; echo finished" }
        """)
        p.maxActiveRuns = 1
        let clock = ManualClock(start: day("2024-01-02") + 60_000_000)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: clock)
        let scheduler = Scheduler(entries: [Scheduler.Entry(pipeline: p, runner: runner)], clock: clock)
        final class Flag: @unchecked Sendable { let lock = Lock(); var ticks = 0 }
        let flag = Flag()
        let started = Date()
        // Stop right after the first pass has started the run; the manual clock makes the grace pass at once.
        await scheduler.run(grace: 1_000_000) { flag.lock.locked { flag.ticks += 1; return flag.ticks > 1 } }
        // The shell sleeps 600 s: only a cancelled task ends sooner. Generous because on 2 cores other
        // suites' synchronous tests can hold the shared concurrency threads for minutes.
        #expect(Date().timeIntervalSince(started) < 590, "the running shell task was not cancelled")
        let tries = try runner.store.tries(pipeline: "stopping", runID: "2024-01-01", task: "long")
        #expect(tries.count == 1)
        #expect(tries.first?.state == .cancelled || tries.first?.state == .failed)
        #expect(tries.first?.log?.contains("finished") == false)
        #expect(try runner.store.run(pipeline: "stopping", runID: "2024-01-01")?.state == .failed)
    }
}
