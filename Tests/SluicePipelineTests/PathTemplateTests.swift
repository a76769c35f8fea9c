import Foundation
import SluiceCore
import Testing
@testable import SluicePipeline

/// `--param` values cannot move a templated path out of the pipeline's directory (issue 13 §4).
@Suite("Templated paths")
struct PathTemplateTests {
    static let yaml = """
    pipeline: paths
    params: { name: ok }
    tasks:
      make: { extract: { connection: db, query: "SELECT 1 AS x" } }
      save:
        after: [make]
        load: { file: "out/{{ params.name }}.csv" }
    connections: { db: "sqlite::memory:" }
    """

    @Test("a param with .. or a leading / fails the task with a clear error; nothing is written outside")
    func escapingValuesAreRefused() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline(Self.yaml)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        for (i, bad) in ["../../x", "..", "a/../../b"].enumerated() {
            let date = day("2024-01-02") + Int64(i) * 86_400_000_000
            let summary = try await runner.run(RunRequest(logicalDate: date, params: ["name": bad]))
            #expect(!summary.succeeded)
            let error = try runner.store.tries(pipeline: "paths", runID: summary.run.runID, task: "save").last?.error ?? ""
            #expect(error.contains("outside the pipeline's directory") && error.contains("--allow-outside-paths"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: ws.directory.deletingLastPathComponent().appendingPathComponent("x.csv").path))
        // Subdirectories are fine; explicitly allowed, .. is too.
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-02-01"), params: ["name": "2024/feb"])).succeeded)
        try FileManager.default.createDirectory(atPath: ws.path("out/sub"), withIntermediateDirectories: true)
        runner.allowsOutsidePaths = true
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-02-02"), params: ["name": "sub/../up"])).succeeded)
    }

    @Test("a value may not start a path with /")
    func leadingSlash() throws {
        let variables = RunVariables(pipeline: "p", runID: "r", logicalDate: 0, intervalStart: 0, intervalEnd: 1, params: ["dir": "/etc"])
        #expect(throws: PipelineError.self) { try variables.renderPath("{{ params.dir }}/x.csv") }
        #expect(try variables.renderPath("out/{{ params.dir }}/x.csv") == "out//etc/x.csv")
    }

    @Test("a NUL byte in a rendered path is an error that says so")
    func nulInRenderedPath() throws {
        let variables = RunVariables(pipeline: "p", runID: "r", logicalDate: 0, intervalStart: 0, intervalEnd: 1, params: ["name": "a\0b"])
        #expect(throws: PipelineError.self) { try variables.renderPath("out/{{ params.name }}.csv") }
        do { _ = try variables.renderPath("out/{{ params.name }}.csv") } catch {
            #expect("\(error)".contains("NUL byte"))
        }
    }

    @Test("pipeline names are validated like task names")
    func pipelineNames() throws {
        let ws = try Workspace(); defer { ws.remove() }
        for bad in ["..", "a/b", "x.y"] {
            #expect(throws: PipelineError.self) {
                _ = try ws.pipeline("pipeline: \"\(bad)\"\ntasks:\n  t: { shell: \"true\" }\n")
            }
        }
    }
}

/// `{{ params.NAME }}` in extract SQL passes validation and is bound (issue 13 §7).
@Suite("Params in SQL")
struct ParamsInSQLTests {
    @Test("{{ params.region }} in an extract query is accepted and bound as a value")
    func paramsAreBound() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline("""
        pipeline: bound
        params: { region: eu }
        connections: { db: "sqlite::memory:" }
        tasks:
          pick: { extract: { connection: db, query: "SELECT {{ params.region }} AS region, {{ ds }} AS ds" } }
          save:
            after: [pick]
            load: { file: "out.csv" }
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-01-02"), params: ["region": "x'; DROP TABLE t; --"])).succeeded)
        let written = try String(contentsOfFile: ws.path("out.csv"), encoding: .utf8)
        #expect(written.hasPrefix("region,ds\n") && written.contains("x'; DROP TABLE t; --") && written.contains("2024-01-02"), "\(written)")
    }
}
