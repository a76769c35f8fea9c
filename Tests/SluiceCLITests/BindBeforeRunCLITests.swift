import Foundation
import SluiceTestSupport
import Testing

/// `sluice backfill` and `sluice schedule` bind column references before any interval runs,
/// with the same located report as `sluice validate`.
@Suite("Binding before backfill and schedule")
struct BindBeforeRunCLITests {
    /// A daily pipeline whose transform has a typo (`amout`); `marker` is an independent
    /// shell task that shows whether anything ran.
    static func workspace(extractPath: String, sum: String = "amout") throws -> URL {
        let dir = try temporaryDirectory("cli")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        for ds in ["2024-01-01", "2024-01-02", "2024-01-03"] {
            try "id,user_id,amount\n1,1,5.5\n2,2,7\n".write(to: dir.appendingPathComponent("data/orders-\(ds).csv"), atomically: true, encoding: .utf8)
        }
        try "id,user_id,amount\n1,1,5.5\n".write(to: dir.appendingPathComponent("data/orders.csv"), atomically: true, encoding: .utf8)
        try """
        pipeline: daily
        schedule: "@daily"
        start_date: 2024-01-01
        connections: { wh: "sqlite:wh.db" }
        tasks:
          marker:
            shell: touch ran.marker
          extract:
            extract: { file: "\(extractPath)" }
          totals:
            after: [extract]
            transform:
              - aggregate: { by: [user_id], compute: { revenue: sum(\(sum)) } }
          load:
            after: [totals]
            load: { connection: wh, table: totals, mode: upsert, key: [user_id] }
        """.write(to: dir.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    static func expectNothingRan(_ dir: URL) {
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran.marker").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("wh.db").path))
    }

    @Test("backfill: a column typo fails before the first interval, located, with did-you-mean (the path uses {{ ds }})")
    func backfill() throws {
        let dir = try Self.workspace(extractPath: "data/orders-{{ ds }}.csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        // `validate` cannot read a path that needs a run's values; backfill binds with the first interval's.
        let result = try CLI.run(["backfill", "pipeline.yaml", "--start-date", "2024-01-01", "--end-date", "2024-01-03"], in: dir)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("pipeline.yaml:13:9: error: task \"totals\": step 1 (aggregate): "), "\(result.stderr)")
        #expect(result.stderr.contains("amout"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean `amount`?"), "\(result.stderr)")
        Self.expectNothingRan(dir)
        let runs = try CLI.run(["runs", "pipeline.yaml"], in: dir)
        #expect(!runs.stdout.contains("2024-01-0"), "\(runs.stdout)")
    }

    @Test("schedule --once: a column typo stops the scheduler before it starts a run")
    func schedule() throws {
        let dir = try Self.workspace(extractPath: "data/orders.csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLI.run(["schedule", "pipeline.yaml", "--once"], in: dir)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("pipeline.yaml:13:9: error: task \"totals\": step 1 (aggregate): "), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean `amount`?"), "\(result.stderr)")
        Self.expectNothingRan(dir)
    }

    @Test("backfill binds against the first interval it will run: a succeeded day whose file is gone does not stop it")
    func skipsSucceededDays() throws {
        let dir = try Self.workspace(extractPath: "data/orders-{{ ds }}.csv", sum: "amount")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLI.run(["run", "pipeline.yaml", "--date", "2024-01-01"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/orders-2024-01-01.csv"))
        let result = try CLI.run(["backfill", "pipeline.yaml", "--start-date", "2024-01-01", "--end-date", "2024-01-03"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 succeeded, 0 failed, 1 skipped"), "\(result.stdout)")
    }
}
