import Foundation
import SluiceCore
import Testing
@testable import SluicePipeline

/// Competing runners of one run: exactly one executes it (issue 13 §1).
@Suite("Run claims")
struct RunClaimTests {
    /// Starts `pairs` pairs of runners, each on its own state-store connection, every
    /// pair racing for one logical date, and returns how often each date's task ran.
    static func race(pairs: Int, stateURL: String, pipelineName: String) async throws -> (executions: [String: Int], outcomes: [String]) {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: pipelineName)
        p.addTask("append") { context in
            calls.increment(context.variables.runID)
            usleep(2_000)   // a task takes time: the loser must not start while the winner works
            return TaskOutput()
        }
        var outcomes: [String] = []
        for pair in 0..<pairs {
            let date = day("2024-01-01") + Int64(pair) * 86_400_000_000
            let runners = try (0..<2).map { _ in
                let runner = PipelineRunner(pipeline: p, store: try StateStore(url: stateURL))
                runner.artifactsRoot = ws.path("artifacts")
                return runner
            }
            let results = await withTaskGroup(of: String.self) { group in
                for runner in runners {
                    group.addTask {
                        do {
                            let summary = try await runner.run(RunRequest(logicalDate: date))
                            return summary.alreadySucceeded ? "already" : summary.run.state.rawValue
                        } catch let error as PipelineError where error.code == .runLocked {
                            return "locked"
                        } catch {
                            return "error: \(error)"
                        }
                    }
                }
                var all: [String] = []
                for await result in group { all.append(result) }
                return all.sorted()
            }
            outcomes.append(results.joined(separator: "+"))
        }
        var executions: [String: Int] = [:]
        for pair in 0..<pairs {
            let runID = PipelineRunner.runID(for: day("2024-01-01") + Int64(pair) * 86_400_000_000)
            executions[runID] = calls.count(runID)
        }
        return (executions, outcomes)
    }

    static func expectOnce(_ result: (executions: [String: Int], outcomes: [String]), pairs: Int) {
        #expect(result.executions.count == pairs)
        let twice = result.executions.filter { $0.value != 1 }
        #expect(twice.isEmpty, "runs executed other than once: \(twice.sorted { $0.key < $1.key }.prefix(5))")
        // One runner succeeds; the other either found it held or found it done.
        let unexpected = result.outcomes.filter { $0 != "locked+success" && $0 != "already+success" }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
    }

    @Test("100 pairs of runners on SQLite state execute each run once")
    func competingRunnersOnSQLiteExecuteOnce() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        Self.expectOnce(try await Self.race(pairs: 100, stateURL: "sqlite:" + ws.path("state.db"), pipelineName: "race"), pairs: 100)
    }

    @Test("100 pairs of runners on PostgreSQL state execute each run once")
    func competingRunnersOnPostgresExecuteOnce() async throws {
        try await PostgresStateTests.withDatabase { url in
            Self.expectOnce(try await Self.race(pairs: 100, stateURL: url, pipelineName: "race"), pairs: 100)
        }
    }

    @Test("a run whose owner died shows as abandoned and the next run takes it over")
    func deadOwnerIsAbandonedAndTakenOver() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let calls = Counter()
        var p = Pipeline(name: "orphan")
        p.addTask("t") { _ in calls.increment("t"); return TaskOutput() }
        let store = try ws.store()
        let now = SystemClock().now()
        try store.ensureRun(pipeline: "orphan", runID: "2024-01-02", logicalDate: day("2024-01-02"),
                            interval: (day("2024-01-02"), day("2024-01-03")), trigger: "manual", now: now)
        // A process of this host that no longer exists, with a fresh heartbeat.
        try store.execute("UPDATE sluice_runs SET state = 'running', owner = {{ o }}, heartbeat = {{ n }}",
                          ["o": .string(StateStore.hostName() + ":999999#1"), "n": .int64(now)])
        let stuck = try #require(try store.run(pipeline: "orphan", runID: "2024-01-02"))
        #expect(StateStore.isAbandoned(stuck, now: now))
        let runner = PipelineRunner(pipeline: p, store: try ws.store())
        runner.artifactsRoot = ws.path("artifacts")
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-01-02"))).succeeded)
        #expect(calls.count("t") == 1)
        let done = try #require(try store.run(pipeline: "orphan", runID: "2024-01-02"))
        #expect(!StateStore.isAbandoned(done, now: now) && done.owner == nil)
    }

    @Test("a runner that lost its lease starts no task")
    func lostLeaseStartsNoTask() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let first = try ws.store(), second = try ws.store()
        let now = SystemClock().now()
        try first.ensureRun(pipeline: "lease", runID: "r", logicalDate: 0, interval: (0, 1), trigger: "manual", now: now)
        #expect(try first.claim(pipeline: "lease", runID: "r", now: now))
        #expect(try !second.claim(pipeline: "lease", runID: "r", now: now))
        // The first owner's heartbeat goes stale; the second takes over; the first can no longer start tries.
        #expect(try second.claim(pipeline: "lease", runID: "r", now: now + 120_000_000))
        #expect(try !first.startTry(pipeline: "lease", runID: "r", task: "t", tryNumber: 1, now: now))
        #expect(try second.startTry(pipeline: "lease", runID: "r", task: "t", tryNumber: 1, now: now))
    }
}
