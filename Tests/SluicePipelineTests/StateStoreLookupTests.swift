import Foundation
import SluiceCore
import SluiceSQL
import Testing
@testable import SluicePipeline

/// What the CLI's `status`, `logs` and `clear` ask the state store: a run by id, a task's
/// tries, the tasks a clear resets; a name that matches nothing is a usage error with
/// "did you mean".
@Suite("StateStore lookups")
struct StateStoreLookupTests {
    static func ranPipeline(_ ws: Workspace) async throws -> (Pipeline, StateStore) {
        var p = Pipeline(name: "lookups")
        p.defaults = TaskSettings(retries: 1, retryDelay: 1_000_000)
        let calls = Counter()
        p.addTask("extract") { _ in
            if calls.increment("extract") == 1 { throw SQLError(.connection, message: "cannot connect to postgres://127.0.0.1:1/db: Connection refused") }
            return TaskOutput()
        }
        p.addTask("transform", after: ["extract"]) { _ in TaskOutput() }
        p.addTask("load", after: ["transform"]) { _ in TaskOutput() }
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        _ = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        return (p, runner.store)
    }

    @Test("a run by id, with or without its pipeline; an unknown id suggests the nearest")
    func runByID() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let (_, store) = try await Self.ranPipeline(ws)
        #expect(try store.run(id: "2024-01-02", pipeline: "lookups").state == .success)
        #expect(try store.run(id: "2024-01-02", pipeline: nil).pipeline == "lookups")
        let typo = pipelineError { _ = try store.run(id: "2024-01-03", pipeline: "lookups") }
        #expect(typo?.category == .usage)
        #expect(typo?.message == "pipeline lookups has no run 2024-01-03")
        #expect(typo?.hint == "did you mean 2024-01-02?")
        #expect(pipelineError { _ = try store.run(id: "2023-01-01", pipeline: nil) }?.message == "no run 2023-01-01 in the state store")
    }

    @Test("a task's newest try or a chosen one, with the count; unknown tasks and tries are named")
    func tries() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let (_, store) = try await Self.ranPipeline(ws)
        let run = try store.run(id: "2024-01-02", pipeline: "lookups")
        let newest = try store.tries(of: "extract", in: run, number: nil)
        #expect(newest.count == 2 && newest.chosen.tryNumber == 2 && newest.chosen.state == .success)
        #expect(try store.tries(of: "extract", in: run, number: 1).chosen.state == .failed)
        #expect(pipelineError { _ = try store.tries(of: "extract", in: run, number: 3) }?.message == "task extract has tries 1, 2, not 3")
        let unknown = pipelineError { _ = try store.tries(of: "extrct", in: run, number: nil) }
        #expect(unknown?.hint == "did you mean extract?")
        let summary = try store.summary(of: run, pipeline: nil)
        #expect(Set(summary.tasks.map(\.task)) == ["extract", "transform", "load"])
    }

    @Test("clearing a task reaches everything downstream of it; an unknown task is a usage error")
    func cleared() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let (pipeline, _) = try await Self.ranPipeline(ws)
        #expect(Set(try pipeline.tasksCleared(by: "transform")) == ["transform", "load"])
        let typo = pipelineError { _ = try pipeline.tasksCleared(by: "lod") }
        #expect(typo?.category == .usage && typo?.hint == "did you mean load?")
    }
}
