import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluicePipeline

/// A pipeline's load task with a key: `on_duplicate`, and counts in its log (issue 12).
@Suite("Keyed load tasks")
struct KeyedLoadTaskTests {
    func yaml(_ onDuplicate: String?) -> String {
        """
        pipeline: keyed
        defaults: { retries: 2, retry_delay: 1m }
        connections: { warehouse: "sqlite:w.db" }
        tasks:
          extract: { extract: { file: users.csv } }
          load:
            after: [extract]
            load: { connection: warehouse, table: users, mode: upsert, key: [id]\(onDuplicate.map { ", on_duplicate: \($0)" } ?? "") }
        """
    }

    @Test("a repeated key fails the load at once (a data error, not retried); on_duplicate: last loads and logs the counts")
    func onDuplicate() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try ws.write("users.csv", "id,name\n1,a\n2,b\n1,c\n")
        let clock = ManualClock()
        let failing = PipelineRunner(pipeline: try ws.pipeline(yaml(nil)), store: try ws.store(), clock: clock)
        failing.artifactsRoot = ws.path("artifacts")
        let first = try await failing.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!first.succeeded)
        let tries = try failing.store.tries(pipeline: "keyed", runID: first.run.runID, task: "load")
        #expect(tries.count == 1 && clock.sleeps.isEmpty)
        #expect(tries[0].error?.contains("1 row repeats the key id of an earlier row: id=1 (rows 1 and 3); nothing was written") == true, "\(tries)")
        #expect(tries[0].error?.contains("not retried: data error") == true, "\(tries)")

        let runner = PipelineRunner(pipeline: try ws.pipeline(yaml("last")), store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let second = try await runner.run(RunRequest(logicalDate: day("2024-01-03")))
        #expect(second.succeeded)
        let log = try runner.store.tries(pipeline: "keyed", runID: second.run.runID, task: "load").last?.log ?? ""
        #expect(log.contains("(upsert: 2 inserted, 1 duplicate row dropped)"), "\(log)")
        let rows = try SQLConnection(url: ConnectionURL("sqlite:" + ws.path("w.db"))).extract(SQLTemplate("SELECT name FROM users ORDER BY id"))
        #expect(rows.columns[0].unsafeValue(at: 0) == .string("c"))
    }

    @Test("on_duplicate: a typo and a missing key are spec errors at their line")
    func specErrors() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let typo = pipelineError { _ = try ws.pipeline(yaml("lats")) }
        #expect(typo?.description.contains("pipeline.yaml:8:") == true, "\(String(describing: typo))")
        #expect(typo?.description.contains("on_duplicate must be one of error, last, first, not \"lats\"") == true)
        #expect(typo?.description.contains("did you mean `last`?") == true)
        let noKey = pipelineError {
            _ = try ws.pipeline(yaml("last").replacingOccurrences(of: ", key: [id]", with: "").replacingOccurrences(of: "mode: upsert", with: "mode: append"))
        }
        #expect(noKey?.description.contains("on_duplicate needs `key:`") == true, "\(String(describing: noKey))")
    }
}
