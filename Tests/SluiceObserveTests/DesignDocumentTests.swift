import Foundation
import Testing
@testable import SluiceObserve
import SluicePipeline
import SluiceTestSupport

@Suite("DesignDocument")
struct DesignDocumentTests {
    @Test("the seed pipeline's document has every section of the seed's Response Format, filled from the spec")
    func markdownSections() throws {
        let document = DesignDocument(pipeline: try seedPipeline())
        let md = document.markdown()
        var last = md.startIndex
        for heading in ["## Data Pipeline Design: user_analytics", "### Overview", "### Architecture", "### Components", "#### Source", "#### Extraction",
                        "#### Transformation", "#### Loading", "### Implementation", "#### File: `", "### Data Quality", "### Monitoring",
                        "### Schedule", "### Lineage", "### Recent Runs", "### Checklist"] {
            guard let range = md.range(of: heading, range: last..<md.endIndex) else { Issue.record("missing or out of order: \(heading)"); continue }
            last = range.upperBound
        }
        #expect(md.contains("ETL pipeline for user analytics"))
        #expect(md.contains("- Owner: data-engineering"))
        #expect(md.contains("users, orders → extract → transform → quality → load → user_analytics"))
        #expect(md.contains("- SQLite: `users` via `sqlite:data/source.db`"))
        #expect(md.contains("- extract: incremental (the query reads `{{ ds }}`)"))
        #expect(md.contains("- Frequency: Daily at 00:00 UTC"))
        #expect(md.contains("- transform: set `email` to `lower(trim(email))`"))
        #expect(md.contains("- transform: bucket `total_spent` into `customer_segment` at edges 0, 100, 1000, inf as Bronze, Silver, Gold"))
        #expect(md.contains("- Target: SQLite table `user_analytics` (connection `warehouse`)\n- Load strategy: upsert on id"))
        #expect(md.contains("- [x] Null checks: not_null(id) (critical), not_null(email) (warning)"))
        #expect(md.contains("- [x] Range checks: range(total_spent) (error)"))
        #expect(md.contains("- [ ] Referential integrity"))
        #expect(md.contains("- [x] Pipeline failure\n- [x] Data quality issues\n- [x] SLA breach"))
        #expect(md.contains("| user_analytics | Daily | 00:00 UTC |"))
        #expect(md.contains("| user_analytics | total_spent | orders.total | DIRECT AGGREGATION: SUM(o.total) |"))
        #expect(md.contains("```sql\n-- The seed extract step"))
        #expect(md.contains("```mermaid\nflowchart LR\n"))
    }

    @Test("secrets in connections never reach the document; full extraction is recognised")
    func masking() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            pipeline: pg
            schedule: "30 2 * * *"
            connections: { db: "postgres://app:hunter2secret@db.internal:5433/shop" }
            tasks:
              extract:
                extract: { connection: db, query: "SELECT id, total FROM orders" }
              load:
                after: [extract]
                load: { file: "out/{{ ds }}/orders.csv" }
            """
        let file = directory.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let document = DesignDocument(pipeline: try Pipeline.load(path: file.path))
        for text in [document.markdown(), document.html()] {
            #expect(!text.contains("hunter2secret"))
        }
        let md = document.markdown()
        #expect(md.contains("postgres://app:***@db.internal:5433/shop"))
        #expect(md.contains("- extract: full (the query does not use the run's interval)"))
        #expect(md.contains("| pg | Daily | 02:30 UTC |"))
        #expect(md.contains("Load strategy: one file per interval, written atomically"))
    }

    @Test("HTML is one self-contained file with the DAG as inline SVG")
    func html() throws {
        let html = DesignDocument(pipeline: try seedPipeline()).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"))
        // Sources, tasks and the destination are all drawn, with one edge per dependency.
        for label in ["users", "orders", "extract", "transform", "quality", "load", "user_analytics"] { #expect(html.contains(">\(label)</text>")) }
        #expect(html.components(separatedBy: "marker-end=\"url(#arrow)\"").count - 1 == 6)
    }

    @Test("run statistics: percentiles, failure rate, last success")
    func statistics() {
        let runs = [RunStatistics.Run(runID: "d5", state: "success", seconds: 5, rows: 100, endedAt: 5),
                    RunStatistics.Run(runID: "d4", state: "failed", seconds: 50, rows: nil, endedAt: 4),
                    RunStatistics.Run(runID: "d3", state: "success", seconds: 3, rows: 300, endedAt: 3),
                    RunStatistics.Run(runID: "d2", state: "success", seconds: 2, rows: 200, endedAt: 2),
                    RunStatistics.Run(runID: "d1", state: "running", seconds: nil, rows: nil, endedAt: nil)]
        let stats = RunStatistics(runs)
        #expect(stats.durationPercentile(50) == 3)
        #expect(stats.durationPercentile(95) == 50)
        #expect(stats.failureRate == 0.25)
        #expect(stats.lastSuccess?.runID == "d5")
        #expect(stats.meanRows == 200)
    }

    @Test("a directory of pipelines gets one document each and an index")
    func site() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a", "b"] {
            try "pipeline: \(name)\ndescription: pipeline \(name)\ntasks:\n  hello: { shell: echo hi }\n"
                .write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        try "alerts: {}\n".write(to: directory.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        let pipelines = DesignDocument.pipelines(inDirectory: directory.path)
        #expect(pipelines.map(\.name) == ["a", "b"])
        var warnings: [String] = []
        let written = try DesignDocument.writeSite(for: pipelines, format: .html, to: directory.path + "/site") { warnings.append($0) }
        #expect(warnings.isEmpty)
        #expect(written.map { $0.split(separator: "/").last! } == ["a.html", "b.html", "index.html"])
        let index = try String(contentsOfFile: directory.path + "/site/index.html", encoding: .utf8)
        #expect(index.contains("<a href=\"a.html\">a</a>") && index.contains("pipeline b"))
    }
}
