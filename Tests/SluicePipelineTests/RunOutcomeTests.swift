import Foundation
import SluiceCore
import Testing
@testable import SluicePipeline

@Suite("Run outcome: failed vs not run, the DAG drawing")
struct RunOutcomeTests {
    @Test("a task downstream of a failure is not run, named after the task that failed, and never listed as failed")
    func upstreamFailedIsNotFailed() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        var p = Pipeline(name: "broken")
        p.addTask("extract") { _ in throw Failure(description: "source down") }
        p.addTask("clean", after: ["extract"]) { _ in TaskOutput() }
        p.addTask("load", after: ["clean"]) { _ in TaskOutput() }
        p.addTask("side") { _ in TaskOutput() }
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.run.message == "failed: extract; not run: clean, load (upstream extract failed)")
        let states = Dictionary(uniqueKeysWithValues: summary.tasks.map { ($0.task, $0) })
        #expect(states["clean"]?.state == .upstreamFailed)
        // `load` waits on `clean`, which did not run either: the reason names the task that failed.
        #expect(states["load"]?.error == "upstream extract failed")
        #expect(states["side"]?.state == .success)
    }

    @Test("a chain is drawn on one line; parallel branches are bracketed by stage with what they run after")
    func drawing() {
        var chain = Pipeline(name: "c")
        chain.addTask("a") { _ in TaskOutput() }
        chain.addTask("b", after: ["a"]) { _ in TaskOutput() }
        chain.addTask("c", after: ["b"]) { _ in TaskOutput() }
        #expect(chain.drawing() == ["a → b → c"])

        var dag = Pipeline(name: "d")
        dag.addTask("users") { _ in TaskOutput() }
        dag.addTask("orders") { _ in TaskOutput() }
        dag.addTask("join", after: ["users", "orders"]) { _ in TaskOutput() }
        dag.addTask("load", after: ["join"]) { _ in TaskOutput() }
        dag.addTask("report", after: ["join"]) { _ in TaskOutput() }
        #expect(dag.drawing() == [
            "┌ users",
            "└ orders",
            "─ join    ← users, orders",
            "┌ load    ← join",
            "└ report  ← join",
        ])
    }
}
