import Foundation
import Testing
@testable import SluiceObserve
import SluicePipeline
import SluiceTestSupport

@Suite("PipelineLint")
struct PipelineLintTests {
    @Test("the seed example passes every checklist line")
    func seedPasses() throws {
        let report = PipelineLint(pipeline: try seedPipeline())
        #expect(report.items.map(\.id) == ["idempotent", "error_handling", "retries", "data_quality", "monitoring", "alerts", "documentation", "lineage"])
        for item in report.items { #expect(item.passed, "\(item.line): \(item.reason)") }
        #expect(report.items[0].reason.contains("upsert on id"))
    }

    @Test("a careless pipeline misses each line with a reason and a fix")
    func carelessMisses() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            pipeline: careless
            connections: { db: "postgres://app@db.internal/app", local: "sqlite:out.db" }
            tasks:
              extract:
                extract: { connection: db, query: "SELECT id, user_id, amount FROM payments" }
              load:
                after: [extract]
                load: { connection: local, table: payments, mode: append }
              summarise:
                sql: { connection: local, statements: ["INSERT INTO totals SELECT user_id, sum(amount) FROM payments GROUP BY user_id"] }
                after: [load]
            """
        let file = directory.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let report = PipelineLint(pipeline: try Pipeline.load(path: file.path), project: "/nonexistent/sluice.yaml")
        #expect(!report.passed)
        let byID = Dictionary(uniqueKeysWithValues: report.items.map { ($0.id, $0) })
        for id in ["idempotent", "error_handling", "retries", "data_quality", "monitoring", "alerts", "documentation", "lineage"] {
            #expect(byID[id]?.passed == false, "\(id) should miss")
            #expect(byID[id]?.fix?.isEmpty == false, "\(id) has no fix")
        }
        #expect(byID["idempotent"]!.reason.contains("task load appends to payments with no key"))
        #expect(byID["idempotent"]!.reason.contains("task summarise runs an INSERT"))
        #expect(byID["retries"]!.reason == "extract reaches the network with no retries")
        #expect(byID["data_quality"]!.reason == "load load has no check task before it")
        #expect(byID["documentation"]!.reason == "missing the pipeline's `description:`, the pipeline's `owner:`, a `description:` on tasks extract, load, summarise")
        #expect(report.text().contains("[ ] Lineage tracked — no lineage transport"))
        #expect(report.json()["passed"] == false)
    }

    @Test("a gate without the seed's kinds misses; referential is asked for where an _id column is loaded")
    func gateKinds() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            pipeline: orders
            tasks:
              extract:
                extract: { connection: db, query: "SELECT id, user_id, SUM(total) AS total FROM orders GROUP BY id, user_id" }
              quality:
                after: [extract]
                check: { checks: [ { not_null: id } ] }
              load:
                after: [quality]
                load: { file: out.csv }
            connections: { db: "sqlite:src.db" }
            """
        let file = directory.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let item = PipelineLint(pipeline: try Pipeline.load(path: file.path)).items.first { $0.id == "data_quality" }!
        #expect(!item.passed)
        #expect(item.reason == "the gate before load has no uniqueness checks, range checks, referential integrity")
    }

    @Test("alert rules in either form, channels from the project file")
    func alertForms() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "alerts:\n  channels:\n    local: { command: \"cat >> alerts.jsonl\" }\n  rules:\n    - failure\n    - sla_miss\n"
            .write(to: directory.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        try "pipeline: p\ntasks:\n  hello: { shell: echo hi }\n".write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let report = PipelineLint(pipeline: try Pipeline.load(path: directory.appendingPathComponent("p.yaml").path))
        #expect(report.alerts.events == ["failure", "sla_miss"])
        #expect(report.alerts.channels == 1)
        let alerts = report.items.first { $0.id == "alerts" }!
        #expect(!alerts.passed && alerts.reason == "no rule on quality")
    }
}
