import Foundation
import SluiceCore
import SluiceQuality
import SluiceSQL
import Testing
@testable import SluicePipeline

/// Check tasks store their results in the state store's one results table, under a
/// dataset identity, so change checks work in pipelines and across dated files.
@Suite("Check results in the state store")
struct CheckHistoryTests {
    func pipelineYAML(name: String? = nil) -> String {
        """
        pipeline: daily
        tasks:
          extract: { extract: { file: "data/{{ ds }}.csv" } }
          quality:
            after: [extract]
            check:
        \(name.map { "      name: \($0)\n" } ?? "")      checks:
                - row_count_change: { max_pct: 20, over_last: 3 }
                - not_null: id
        """
    }

    func writeDay(_ ws: Workspace, _ date: String, rows: Int) throws {
        try FileManager.default.createDirectory(atPath: ws.path("data"), withIntermediateDirectories: true)
        try ws.write("data/\(date).csv", "id,total\n" + (0..<rows).map { "\($0),\($0 * 10)\n" }.joined())
    }

    /// Runs the pipeline for `date` on a clock `offset` seconds later than the last.
    func run(_ ws: Workspace, _ p: Pipeline, _ date: String, offset: Int64) async throws -> RunSummary {
        let clock = ManualClock(start: 1_700_000_000_000_000 + offset * 1_000_000)
        return try await PipelineRunner(pipeline: p, store: try ws.store(), clock: clock).run(RunRequest(logicalDate: day(date)))
    }

    @Test("row_count_change compares dated files of one pipeline across runs; results are rows of sluice_check_results")
    func changeAcrossDatedFiles() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline(pipelineYAML())
        try writeDay(ws, "2024-06-01", rows: 10)
        try writeDay(ws, "2024-06-02", rows: 11)
        try writeDay(ws, "2024-06-03", rows: 20)
        let first = try await run(ws, p, "2024-06-01", offset: 0)
        #expect(first.succeeded)
        #expect(first.checks.first?.outcome == "not_evaluated")
        #expect(first.checks.first?.message == "no earlier run in the history to compare row_count with")
        let second = try await run(ws, p, "2024-06-02", offset: 60)
        #expect(second.succeeded)
        #expect(second.checks.first?.outcome == "passed")
        #expect(second.checks.first?.message == "row_count 11 vs mean 10 of the last 1 run: +10.00% (<= 20.00%)")
        let third = try await run(ws, p, "2024-06-03", offset: 120)
        #expect(!third.succeeded)                                 // 20 vs mean 10.5: the gate fails
        #expect(third.checks.first?.outcome == "failed")
        // A rerun of the same date compares with the others, not with itself.
        let rerun = try await PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock(start: 1_700_000_200_000_000))
            .run(RunRequest(logicalDate: day("2024-06-03"), rerun: true))
        let again = rerun.checks.filter { $0.name == "row_count_change" }
        #expect(again.count == 2)                                  // try 1 of the first attempt, and this try
        #expect(again.last?.message.hasPrefix("row_count 20 vs mean 10.5 of the last 2 runs") == true, "\(again)")

        // One documented table: run id, dataset identity, check, measured value, outcome, severity, time.
        let db = try SQLConnection(url: ConnectionURL("sqlite:" + ws.path("state.db")))
        let rows = try db.extract(SQLTemplate("""
            SELECT run_id, dataset, check_name, observed, outcome, severity, recorded_at, pipeline, task, try_number, dataset_rows
            FROM sluice_check_results WHERE check_name = 'row_count_change' ORDER BY recorded_at, try_number
            """))
        #expect(rows.rowCount == 4)
        #expect(rows.row(1) == [.string(second.run.runID), .string("daily/quality"), .string("row_count_change"), .float64(0.1),
                                .string("passed"), .string("error"), .int64(1_700_000_060_000_000), .string("daily"), .string("quality"),
                                .int64(1), .int64(11)])
    }

    @Test("sluice check --history and a pipeline share results through a suite's name")
    func sharedWithCheckHistory() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let p = try ws.pipeline(pipelineYAML(name: "orders"))
        try writeDay(ws, "2024-06-01", rows: 10)
        // A `sluice check --history state.db` run of the same identity, as the command stores it.
        let suite = try SuiteSpec.parse("name: orders\nchecks:\n  - row_count_change: { max_pct: 20 }\n", file: ws.path("checks.yaml"))
        let checks = try suite.makeSuite(references: [:])
        let history = try QualityHistory(location: ws.path("state.db"))
        let table = try Table([("id", Column(int64: (0..<8).map { Int64($0) }))])
        try history.record(try checks.run(on: table, history: try history.history(for: checks, dataset: "orders")),
                           run: CheckRun(dataset: "orders", runID: "check__1", suite: "checks.yaml"), now: 1_600_000_000_000_000)
        // The pipeline's check task compares with it ...
        let first = try await run(ws, p, "2024-06-01", offset: 0)
        #expect(first.checks.first?.message == "row_count 10 vs mean 8 of the last 1 run: +25.00% (> 20.00%)")
        // ... and the next `sluice check` compares with the pipeline's run (newest first).
        #expect(try history.history(for: checks, dataset: "orders").values["row_count"] == [10, 8])
        let stored = try history.results(pipeline: "daily", runID: first.run.runID)
        #expect(stored.map(\.dataset) == ["orders", "orders"])
        #expect(stored.first?.metric == "row_count" && stored.first?.metricValue == 10)
    }
}
