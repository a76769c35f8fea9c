import Foundation
import SluiceCore
import SluiceTransform
import Testing
@testable import SluicePipeline

/// A transform task's steps are parsed when the pipeline is loaded and run through
/// `Transform.apply` (lazy tables, "step N:" in errors).
@Suite("Parsed transform steps in pipelines")
struct ParsedStepsTests {
    static let yaml = """
    pipeline: shop
    params: { day: "2024-01-02" }
    tasks:
      users: { extract: { file: users.csv } }
      orders: { extract: { file: "orders-{{ params.day }}.csv" } }
      totals:
        after: [users, orders]
        input: users
        transform:
          - join: { file: orders, on: { id: user_id }, how: left }
          - aggregate: { by: [id], compute: { n: count(total), spent: sum(total) } }
          - derive: { big: "spent > 10" }
          - join: { file: "extra-{{ params.day }}.csv", on: [id] }
          - sort: [id]
      save: { after: [totals], load: { file: out.csv } }
    """

    func write(_ ws: Workspace) throws {
        try ws.write("users.csv", "id,name\n1,ann\n2,bob\n3,cy\n")
        try ws.write("orders-2024-01-02.csv", "user_id,total\n1,5\n1,7\n2,3\n")
        try ws.write("extra-2024-01-02.csv", "id,tier\n1,gold\n2,silver\n3,none\n")
    }

    @Test("the steps are parsed at load: kinds, table names as written, and where each is written")
    func stepsAreParsedAtLoad() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let pipeline = try ws.pipeline(Self.yaml)
        guard case .transform(let action)? = pipeline.task(named: "totals")?.action else {
            Issue.record("totals is not a transform task")
            return
        }
        #expect(action.transform.steps.map(\.name) == ["join", "aggregate", "derive", "join", "sort"])
        #expect(action.transform.tableReferences.map(\.name) == ["orders", "extra-{{ params.day }}.csv"])
        let first = action.transform.tableReferences[0].location
        #expect(first.file == ws.path("pipeline.yaml"))
        #expect(first.line == 10 && first.column == 23)
        #expect(action.transform.locations.count == 5)
        #expect(action.transform.locations[2].step.line == 12)
        #expect(action.transform.locations[2].values["big"]?.line == 12)
    }

    @Test("a bad step is reported when the pipeline is loaded (validate), at file:line:column")
    func badStepIsLocatedAtLoad() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline(Self.yaml.replacingOccurrences(of: "\"spent > 10\"", with: "\"spent > > 10\"")) }
        #expect(error?.code == .invalidSpec)
        #expect(error?.line == 12)
        #expect(error?.column == 24)
        #expect(error?.description.contains("pipeline.yaml:12:24") == true)

        let unknown = pipelineError { _ = try ws.pipeline(Self.yaml.replacingOccurrences(of: "how: left", with: "how: lefty")) }
        #expect(unknown?.line == 10)
        #expect(unknown?.hint?.contains("left") == true)
    }

    @Test("a run reads the upstream task and the templated file the steps name, and applies them in order")
    func runReadsNamedTables() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try write(ws)
        let pipeline = try ws.pipeline(Self.yaml)
        let summary = try await PipelineRunner(pipeline: pipeline, store: try ws.store(), clock: ManualClock())
            .run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(summary.succeeded)
        let out = try String(contentsOfFile: ws.path("out.csv"), encoding: .utf8)
        #expect(out == "id,n,spent,big,tier\n1,2,12,true,gold\n2,1,3,false,silver\n3,0,,,none\n")
    }

    @Test("a step failing at run time names its step number")
    func runErrorNamesTheStep() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try write(ws)
        try ws.write("extra-2024-01-02.csv", "id,tier\nx,gold\n")
        let pipeline = try ws.pipeline(Self.yaml)
        let summary = try await PipelineRunner(pipeline: pipeline, store: try ws.store(), clock: ManualClock())
            .run(RunRequest(logicalDate: day("2024-01-02")))
        #expect(!summary.succeeded)
        let error = summary.tasks.first { $0.task == "totals" }?.error ?? ""
        #expect(error.contains("step 4"))
        #expect(error.contains("join key \"id\""))
    }
}
