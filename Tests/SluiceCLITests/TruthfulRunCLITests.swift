import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice run/validate tell the truth: summaries, hints, read-only sources, the DAG drawing")
struct TruthfulRunCLITests {
    static func write(_ text: String, _ name: String, in dir: URL) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test("a first run that fails: no 'succeeded before', downstream tasks not run (not failed), a hint that says how to rerun")
    func firstFailedRun() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write("id,total\n1,5\n", "orders.csv", in: dir)
        try Self.write("""
        pipeline: p
        tasks:
          extract:
            extract: { file: orders.csv }
          broken:
            shell: "exit 3"
          load:
            after: [extract, broken]
            input: extract
            load: { file: out.csv }
        """, "p.yaml", in: dir)
        let run = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(run.status == 1)
        #expect(!run.stdout.contains("succeeded before"), "\(run.stdout)")
        #expect(run.stdout.contains("not run (upstream broken failed)"), "\(run.stdout)")
        #expect(run.stdout.contains("(ran 2 of 3 tasks; 1 not run because an upstream task failed)"), "\(run.stdout)")
        #expect(run.stderr.contains("error: run p 2024-01-02 failed: broken; not run: load (upstream broken failed)"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: see `sluice logs 2024-01-02 broken --pipeline p.yaml`; after fixing the cause, `sluice run p.yaml --date 2024-01-02` resumes the run"), "\(run.stderr)")
        #expect(run.stderr.contains("whose spec or inputs changed"), "\(run.stderr)")

        // Fixed and run again: only what had not succeeded runs, and the summary says why.
        try Self.write(try String(contentsOf: dir.appendingPathComponent("p.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "exit 3", with: "exit 0"), "p.yaml", in: dir)
        let again = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("(ran 2 of 3 tasks; 1 had succeeded before)"), "\(again.stdout)")
    }

    @Test("validate draws parallel branches by stage, not as a chain")
    func validateDrawsBranches() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write("id\n1\n", "users.csv", in: dir)
        try Self.write("""
        pipeline: p
        tasks:
          users:
            extract: { file: users.csv }
          orders:
            extract: { file: users.csv }
          both:
            after: [users, orders]
            input: users
            load: { file: out.csv }
        """, "p.yaml", in: dir)
        let run = try CLI.run(["validate", "p.yaml"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("users → orders"), "\(run.stdout)")
        #expect(run.stdout.contains("┌ users\n  └ orders\n  ─ both    ← users, orders"), "\(run.stdout)")
    }

    @Test("extract from a mistyped SQLite path: an error naming it, exit 1, no empty database left behind")
    func missingSourceDatabase() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["extract", "--from", "sqlite:warehuose.db", "--query", "SELECT 1", "--output", "x.csv"], in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("the SQLite database warehuose.db does not exist"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("warehuose.db").path))

        try Self.write("""
        pipeline: p
        defaults: { retries: 3, retry_delay: 60s }
        connections: { wh: "sqlite:warehuose.db" }
        tasks:
          extract:
            extract: { connection: wh, query: "SELECT 1 AS one" }
        """, "p.yaml", in: dir)
        let pipelineRun = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        // Found before anything runs (the extract's columns are bound on its source): exit 1, an I/O error, not a spec one.
        #expect(pipelineRun.status == 1, "\(pipelineRun.stderr)")
        #expect(pipelineRun.stderr.contains("the SQLite database warehuose.db does not exist"), "\(pipelineRun.stderr)")
        #expect(!pipelineRun.stderr.contains("retrying"), "\(pipelineRun.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("warehuose.db").path))
    }

    @Test("a column typo fails validate and run before any task runs: located, did-you-mean, exit 2, not retried")
    func typoFailsFast() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write("id,amount\n1,5\n", "orders.csv", in: dir)
        try Self.write("""
        pipeline: p
        defaults: { retries: 3, retry_delay: 5m }
        tasks:
          extract:
            extract: { file: orders.csv }
          total:
            after: [extract]
            transform:
              - aggregate: { compute: { revenue: sum(amout) } }
          gate:
            after: [total]
            check: { checks: [ { range: { column: revenu, min: 0 } } ] }
        """, "p.yaml", in: dir)
        let validate = try CLI.run(["validate", "p.yaml"], in: dir)
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("p.yaml:9:9: error: task \"total\": step 1 (aggregate)"), "\(validate.stderr)")
        #expect(validate.stderr.contains("amout"), "\(validate.stderr)")
        let run = try CLI.run(["run", "p.yaml", "--date", "2024-06-01"], in: dir)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("p.yaml:9:9: error:"), "\(run.stderr)")
        #expect(!run.stderr.contains("✔ extract") && !run.stderr.contains("retrying"), "\(run.stderr)")

        // Fixed: `sum(amount)` binds; the check now names the aggregate's output column.
        try Self.write(try String(contentsOf: dir.appendingPathComponent("p.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "sum(amout)", with: "sum(amount)"), "p.yaml", in: dir)
        let check = try CLI.run(["validate", "p.yaml"], in: dir)
        #expect(check.status == 2)
        #expect(check.stderr.contains("p.yaml:12:24: error: task \"gate\": check range(revenu): no column \"revenu\""), "\(check.stderr)")
        #expect(check.stderr.contains("did you mean `revenue`?"), "\(check.stderr)")
    }
}
