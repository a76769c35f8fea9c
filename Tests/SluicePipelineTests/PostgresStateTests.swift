import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluicePipeline

@Suite("State store on PostgreSQL")
struct PostgresStateTests {
    /// A fresh database on the test server (started by `make test`), dropped afterwards.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        guard let base = ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"], !base.isEmpty else {
            Issue.record("SLUICE_TEST_POSTGRES_URL is not set: run the tests with `make test` (scripts/with-postgres.sh starts a server)")
            return
        }
        let name = "sluice_state_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try SQLConnection(url: try ConnectionURL(base))
        try admin.execute(SQLTemplate("CREATE DATABASE \(name)"))
        defer { try? admin.execute(SQLTemplate("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
        try await body(base.replacingOccurrences(of: "/postgres?", with: "/\(name)?"))
    }

    @Test func runsAndResumesWithSharedState() async throws {
        try await Self.withDatabase { url in
            let ws = try Workspace(); defer { ws.remove() }
            let calls = Counter()
            let broken = Counter()
            var p = Pipeline(name: "shared")
            p.defaults = TaskSettings(retries: 1, retryDelay: 0)
            p.addTask("extract") { _ in calls.increment("extract"); return TaskOutput(table: try Table([("x", Column(int64: [1, 2]))])) }
            p.addTask("load", after: ["extract"]) { context in
                calls.increment("load")
                if broken.count("fixed") == 0 { throw Failure(description: "warehouse down") }
                return TaskOutput(rowsIn: try context.input().rowCount)
            }
            let runner = PipelineRunner(pipeline: p, store: try StateStore(url: url), clock: ManualClock())
            runner.artifactsRoot = ws.path("artifacts")
            let failed = try await runner.run(RunRequest(logicalDate: day("2024-03-01")))
            #expect(!failed.succeeded)
            #expect(try runner.store.tries(pipeline: "shared", runID: "2024-03-01", task: "load").map(\.state) == [.failed, .failed])
            broken.increment("fixed")
            // A second worker with its own connection resumes the same run.
            let other = PipelineRunner(pipeline: p, store: try StateStore(url: url), clock: ManualClock())
            other.artifactsRoot = ws.path("artifacts")
            let resumed = try await other.run(RunRequest(logicalDate: day("2024-03-01")))
            #expect(resumed.succeeded)
            #expect(resumed.executed == ["load"])
            #expect(calls.count("extract") == 1 && calls.count("load") == 3)
            #expect(try await runner.run(RunRequest(logicalDate: day("2024-03-01"))).alreadySucceeded)
            #expect(try other.store.runs(pipeline: "shared").map(\.state) == [.success])
        }
    }
}
