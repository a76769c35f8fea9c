import Foundation
import Testing
@testable import SluiceObserve
import SluiceCore
import SluicePipeline
import SluiceQuality
import SluiceTestSupport

@Suite("OpenLineageEvent")
struct OpenLineageEventTests {
    static let start: Int64 = 1_717_200_000_000_000      // 2024-06-01T00:00:00Z
    static let end: Int64 = start + 86_400_000_000

    /// Events of one seed run covering every facet Sluice writes: pipeline and task
    /// START/COMPLETE/FAIL, SQL, statistics, quality metrics and assertions, column lineage.
    static func seedEvents() throws -> [OpenLineageEvent] {
        let pipeline = try seedPipeline()
        let builder = LineageEventBuilder(pipeline: pipeline, engineVersion: "0.1.0", sourceCode: "pipeline: user_analytics\n")
        var random = SplitMix64(seed: 7)
        let runID = OpenLineageEvent.makeRunID(time: start, random: &random)
        var events = [builder.pipelineEvent(.start, time: start, runID: runID, interval: (start, end))]
        let checks = [
            CheckResult(name: "row_count", kind: "row_count", columns: [], outcome: .passed, severity: .critical, observed: 100, threshold: 1,
                        comparison: .atLeast, failingRows: 0, rowCount: 100, samples: [], message: "100 rows"),
            CheckResult(name: "not_null(email)", kind: "not_null", columns: ["email"], outcome: .failed, severity: .warning, observed: 0.07,
                        threshold: 0.05, comparison: .atMost, failingRows: 7, rowCount: 100, samples: [], message: "7 nulls"),
        ]
        for (i, task) in ["extract", "transform", "quality", "load"].enumerated() {
            let taskRun = OpenLineageEvent.makeRunID(time: start + Int64(i), random: &random)
            events.append(builder.taskEvent(.start, task: task, time: start + Int64(i) * 1000, runID: taskRun, parentRunID: runID, interval: (start, end)))
            let measures = LineageEventBuilder.TaskMeasures(rowsIn: 100, rowsOut: 100, bytesOut: 4096, checks: task == "quality" ? checks : [],
                                                            columnMetrics: [("email", .init(nullCount: 7, distinctCount: 93)), ("total_spent", .init(nullCount: 0, min: 0, max: 990.5))])
            events.append(builder.taskEvent(.complete, task: task, time: start + Int64(i) * 1000 + 500, runID: taskRun, parentRunID: runID,
                                            interval: (start, end), measures: measures))
        }
        events.append(builder.taskEvent(.fail, task: "load", time: start + 9000, runID: OpenLineageEvent.makeRunID(time: start, random: &random),
                                        parentRunID: runID, interval: (start, end), error: "database is locked"))
        events.append(builder.pipelineEvent(.complete, time: start + 10_000, runID: runID, interval: (start, end),
                                            rowsWritten: [builder.lineage.outputs[0]: 100]))
        events.append(builder.pipelineEvent(.fail, time: start + 10_000, runID: runID, interval: (start, end), error: "task load failed"))
        return events
    }

    @Test("every event validates against the OpenLineage schemas and parses with openlineage-python")
    func validates() throws {
        let events = try Self.seedEvents()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("events.jsonl")
        try events.map { $0.json().rendered() + "\n" }.joined().write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try runPythonScript("openlineage-check.py", [openLineageSchemas, file.path])
        #expect(status == 0, "\(output)")
        // 11 events; each facet kind Sluice writes appears.
        #expect(output.hasPrefix("ok \(events.count) events"), "\(output)")
        let text = events.map { $0.json().rendered() }.joined(separator: "\n")
        for facet in ["nominalTime", "parent", "processing_engine", "errorMessage", "sql", "jobType", "documentation", "sourceCode", "schema",
                      "dataSource", "outputStatistics", "inputStatistics", "dataQualityMetrics", "dataQualityAssertions", "columnLineage"] {
            #expect(text.contains("\"\(facet)\":{\"_producer\""), "no \(facet) facet")
        }
    }

    @Test("a schema violation is caught by the checker")
    func checkerCatchesViolations() throws {
        var event = try Self.seedEvents()[0]
        event.runID = "not-a-uuid"
        event.runFacets.append(Facet(name: "errorMessage", schemaURL: Facet.url("1-0-1", "ErrorMessageRunFacet"), fields: [("message", "x")]))
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.jsonl")
        try (event.json().rendered() + "\n").write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try runPythonScript("openlineage-check.py", [openLineageSchemas, file.path])
        #expect(status == 1)
        #expect(output.contains("facet errorMessage: errorMessage: 'programmingLanguage' is a required property"), "\(output)")
        #expect(output.contains("runId"), "\(output)")
    }

    @Test("task events carry the pipeline run as parent, SQL, and the seed's column lineage")
    func taskFacets() throws {
        let events = try Self.seedEvents()
        let pipelineRun = events[0].runID
        let extract = events[1].json()
        #expect(extract["run"]?["facets"]?["parent"]?["run"]?["runId"] == .string(pipelineRun))
        #expect(extract["job"]?["name"] == "user_analytics.extract")
        #expect(extract["job"]?["facets"]?["sql"]?["dialect"] == "sqlite")
        guard case .string(let query)? = extract["job"]?["facets"]?["sql"]?["query"] else { Issue.record("no sql facet"); return }
        #expect(query.contains("SUM(o.total) AS total_spent"))
        let complete = events.last { $0.eventType == .complete && $0.job.name == "user_analytics" }!.json()
        guard case .array(let outputs)? = complete["outputs"] else { Issue.record("no outputs"); return }
        let lineage = outputs[0]["facets"]?["columnLineage"]?["fields"]
        #expect(lineage?["email"]?["inputFields"] == .array([.object([
            ("namespace", .string(events[0].inputs[0].name.namespace)), ("name", "users"), ("field", "email"),
            ("transformations", .array([.object([("type", "DIRECT"), ("subtype", "TRANSFORMATION"), ("description", "lower(trim(email))"), ("masking", false)])])),
        ])]))
        #expect(outputs[0]["outputFacets"]?["outputStatistics"]?["rowCount"] == .integer(100))
        let quality = events.first { $0.job.name == "user_analytics.quality" && $0.eventType == .complete }!.json()
        guard case .array(let inputs)? = quality["inputs"] else { Issue.record("no inputs"); return }
        guard case .array(let assertions)? = inputs[0]["inputFacets"]?["dataQualityAssertions"]?["assertions"] else { Issue.record("no assertions"); return }
        #expect(assertions.count == 2)
        #expect(assertions[1]["success"] == false && assertions[1]["column"] == "email" && assertions[1]["assertion"] == "not_null")
        #expect(inputs[0]["inputFacets"]?["dataQualityMetrics"]?["columnMetrics"]?["email"]?["nullCount"] == .integer(7))
        let failed = events.first { $0.eventType == .fail }!.json()
        #expect(failed["run"]?["facets"]?["errorMessage"]?["message"] == "database is locked")
    }

    @Test("run ids are version 7 UUIDs ordered by time")
    func runIDs() {
        var random = SplitMix64(seed: 1)
        let a = OpenLineageEvent.makeRunID(time: 1_000_000, random: &random)
        let b = OpenLineageEvent.makeRunID(time: 2_000_000, random: &random)
        #expect(a.count == 36 && a.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(a.split(separator: "-")[2].hasPrefix("7"))
        #expect("89ab".contains(a.split(separator: "-")[3].first!))
        #expect(a < b)
        #expect(OpenLineageEvent.timestamp(Self.start) == "2024-06-01T00:00:00.000000Z")
    }
}
