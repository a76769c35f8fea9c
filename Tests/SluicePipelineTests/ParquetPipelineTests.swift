import Foundation
import SluiceCore
import SluiceFormats
import Testing
@testable import SluicePipeline

/// Pipeline extract filters that skip Parquet row groups, and `partition_by` loads.
@Suite("Parquet in pipelines")
struct ParquetPipelineTests {
    /// 4 row groups of 100 rows: ds 2024-06-01 … 2024-06-04, v = (0..<400) × `scale`.
    private func writeEvents(_ path: String, scale: Int64 = 1) throws {
        let rows = 400
        let ds = (0..<rows).map { "2024-06-0\($0 / 100 + 1)" }
        let table = try Table([("ds", Column(string: ds)), ("v", Column(int64: (0..<rows).map { Int64($0) * scale }))])
        var options = ParquetWriteOptions()
        options.rowGroupSize = 100
        var writer = ParquetWriter(output: try OutputFile(path: path), options: options)
        try writer.write(table)
        try writer.finish()
    }

    @Test("a file extract with a filter keeps the matching rows and skips the row groups statistics rule out")
    func extractFilterSkipsRowGroups() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try writeEvents(ws.path("events.parquet"))
        let p = try ws.pipeline("""
        pipeline: filtered
        tasks:
          read: { extract: { file: events.parquet, filter: "ds = '{{ ds }}' and v % 2 = 0" } }
          save:
            after: [read]
            load: { file: "out/{{ ds }}.csv" }
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-06-03")))
        #expect(summary.succeeded)
        let (table, _) = try TableFile.read(path: ws.path("out/2024-06-03.csv"))
        #expect(table.rowCount == 50)
        #expect(try table.column("v").withUnsafeValues(as: Int64.self) { Array($0) } == Array(stride(from: 200, to: 300, by: 2)))
        let log = try runner.store.tries(pipeline: "filtered", runID: summary.run.runID, task: "read").last?.log ?? ""
        #expect(log.contains("skipped 3 of 4 row groups"), "\(log)")
    }

    @Test("a filter on a query extract, or partition_by on a table load, is a spec error")
    func misplacedKeys() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError {
            _ = try ws.pipeline("""
            pipeline: bad
            connections: { db: "sqlite::memory:" }
            tasks:
              read: { extract: { connection: db, query: "SELECT 1 AS x", filter: "x = 1" } }
              save: { after: [read], load: { connection: db, table: t, partition_by: [x] } }
            """)
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("`filter:` applies to a `file:` extract"), "\(text)")
        #expect(text.contains("`partition_by:` applies to a `file:` load"), "\(text)")
    }

    @Test("a partition_by load replaces exactly the partitions of the run's rows; other dates stay")
    func partitionByReplacesOnePartition() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        try writeEvents(ws.path("events.parquet"))
        let p = try ws.pipeline("""
        pipeline: lake
        tasks:
          read: { extract: { file: events.parquet, filter: "ds = '{{ ds }}'" } }
          save:
            after: [read]
            load: { file: lake/events/, partition_by: ds }
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        for date in ["2024-06-01", "2024-06-02"] {
            let summary = try await runner.run(RunRequest(logicalDate: day(date)))
            let failure = try ["read", "save"].compactMap { try runner.store.tries(pipeline: "lake", runID: summary.run.runID, task: $0).last?.error }
            #expect(summary.succeeded, "\(failure)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: ws.path("lake/events")).sorted()
        #expect(files == ["ds=2024-06-01", "ds=2024-06-02"])
        // Rerun one date with other values: that partition is replaced, the other kept.
        try writeEvents(ws.path("events.parquet"), scale: 10)
        #expect(try await runner.run(RunRequest(logicalDate: day("2024-06-02"), rerun: true)).succeeded)
        let (dataset, _) = try TableFile.read(path: ws.path("lake/events"))
        #expect(dataset.rowCount == 200)
        let sums = try dataset.filtering("ds = '2024-06-02'").column("v").withUnsafeValues(as: Int64.self) { $0.reduce(0, +) }
        #expect(sums == 10 * (100..<200).reduce(0, +))
        let kept = try dataset.filtering("ds = '2024-06-01'").column("v").withUnsafeValues(as: Int64.self) { $0.reduce(0, +) }
        #expect(kept == (0..<100).reduce(0, +))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: ws.path("lake/events")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}
