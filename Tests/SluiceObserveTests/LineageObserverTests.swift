import Foundation
import Testing
@testable import SluiceObserve
import SluiceCore
import SluicePipeline
import SluiceTestSupport

/// Collects what the transports got.
final class CollectingTransport: LineageTransport, @unchecked Sendable {   // `events` guarded by `lock`
    let lock = Lock()
    var events: [OpenLineageEvent] = []
    var lines: [String] = []
    func send(_ event: OpenLineageEvent, json: String) throws {
        lock.locked {
            events.append(event)
            lines.append(json)
        }
    }
}

@Suite("LineageObserver")
struct LineageObserverTests {
    /// A small pipeline over files: extract a CSV, derive, check, load a CSV.
    static func makePipeline(in directory: URL, failingLoad: Bool = false) throws -> Pipeline {
        try "id,email,total\n1, A@X.COM ,10.5\n2,b@y.com,200\n3,,5\n".write(to: directory.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        let yaml = """
            pipeline: files_demo
            description: Users from a CSV, cleaned and checked
            owner: data
            lineage: { file: lineage.jsonl }
            tasks:
              extract:
                description: read the users
                extract: { file: users.csv }
              transform:
                after: [extract]
                transform:
                  - derive: { email: "lower(trim(email))" }
                  - bucket: { column: total, into: tier, edges: [0, 100, .inf], labels: [low, high] }
              quality:
                after: [transform]
                check:
                  checks:
                    - not_null: email
                      threshold: 0.5
                    - unique: id
              load:
                after: [quality]
                load: { file: \(failingLoad ? "missing-dir/" : "")out/users_clean.csv }
            """
        let file = directory.appendingPathComponent("pipeline.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        if failingLoad {   // a file where the directory should be: the load cannot write
            try "x".write(to: directory.appendingPathComponent("missing-dir"), atomically: true, encoding: .utf8)
        }
        return try Pipeline.load(path: file.path)
    }

    static func run(_ pipeline: Pipeline, in directory: URL, transports: [any LineageTransport]) async throws -> LineageObserver {
        let observer = LineageObserver(pipelines: [pipeline], engineVersion: "0.1.0", transports: transports, seed: 42, log: { _ in })
        let store = try StateStore(url: "sqlite:" + directory.appendingPathComponent("state.db").path)
        let runner = PipelineRunner(pipeline: pipeline, store: store)
        var settings = pipeline.defaults
        settings.retries = 0
        runner.observer = observer
        _ = try await runner.run(RunRequest(logicalDate: 1_717_200_000_000_000))
        return observer
    }

    @Test("a run gives START/COMPLETE for the pipeline and each task, in order, children pointing at the pipeline run")
    func runEvents() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = try Self.makePipeline(in: directory)
        let file = directory.appendingPathComponent("lineage.jsonl").path
        let collected = CollectingTransport()
        _ = try await Self.run(pipeline, in: directory, transports: [collected, FileLineageTransport(path: file)])
        let events = collected.events
        let summary = events.map { "\($0.job.name) \($0.eventType.rawValue)" }
        #expect(summary == ["files_demo START",
                            "files_demo.extract START", "files_demo.extract COMPLETE",
                            "files_demo.transform START", "files_demo.transform COMPLETE",
                            "files_demo.quality START", "files_demo.quality COMPLETE",
                            "files_demo.load START", "files_demo.load COMPLETE",
                            "files_demo COMPLETE"])
        let pipelineRun = events[0].runID
        #expect(events.last?.runID == pipelineRun)
        for event in events.dropFirst().dropLast() {
            #expect(event.json()["run"]?["facets"]?["parent"]?["run"]?["runId"] == .string(pipelineRun))
        }
        #expect(Set(events.dropFirst().dropLast().map(\.runID)).count == 4)
        // The check task's COMPLETE carries its checks; the load's COMPLETE its rows and bytes.
        let quality = events[6].json()
        guard case .array(let inputs)? = quality["inputs"], case .array(let assertions)? = inputs.first?["inputFacets"]?["dataQualityAssertions"]?["assertions"] else {
            Issue.record("no assertions: \(quality.rendered())"); return
        }
        #expect(assertions.map { $0["assertion"] } == ["not_null", "unique"])
        #expect(inputs.first?["inputFacets"]?["dataQualityMetrics"]?["columnMetrics"]?["email"]?["nullCount"] == .integer(1))
        #expect(inputs.first?["inputFacets"]?["dataQualityMetrics"]?["columnMetrics"]?["id"]?["distinctCount"] == .integer(3))
        #expect(inputs.first?["inputFacets"]?["dataQualityMetrics"]?["rowCount"] == .integer(3))
        let load = events[8].json()
        guard case .array(let outputs)? = load["outputs"] else { Issue.record("no outputs"); return }
        #expect(outputs[0]["name"] == .string(directory.appendingPathComponent("out/users_clean.csv").standardizedFileURL.path))
        #expect(outputs[0]["outputFacets"]?["outputStatistics"]?["rowCount"] == .integer(3))
        guard case .integer(let bytes)? = outputs[0]["outputFacets"]?["outputStatistics"]?["size"] else { Issue.record("no size"); return }
        #expect(bytes > 20)
        // The pipeline's COMPLETE: end-to-end lineage of the output file back to the input file.
        let complete = events[9].json()
        guard case .array(let pipelineOutputs)? = complete["outputs"] else { Issue.record("no outputs"); return }
        let tier = pipelineOutputs[0]["facets"]?["columnLineage"]?["fields"]?["tier"]?["inputFields"]
        guard case .array(let tierInputs)? = tier else { Issue.record("no tier lineage"); return }
        #expect(tierInputs.first?["field"] == "total")
        #expect(tierInputs.first?["name"] == .string(directory.appendingPathComponent("users.csv").standardizedFileURL.path))
        // The file transport wrote the same lines, and they pass the spec checks.
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == collected.lines)
        let (status, output) = try runPythonScript("openlineage-check.py", [openLineageSchemas, file])
        #expect(status == 0, "\(output)")
    }

    @Test("a failed task gives FAIL with its error, and the pipeline FAIL")
    func failure() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var pipeline = try Self.makePipeline(in: directory, failingLoad: true)
        pipeline.defaults.retries = 0
        let collected = CollectingTransport()
        _ = try await Self.run(pipeline, in: directory, transports: [collected])
        let summary = collected.events.map { "\($0.job.name) \($0.eventType.rawValue)" }
        #expect(summary.suffix(3) == ["files_demo.load START", "files_demo.load FAIL", "files_demo FAIL"])
        let loadFail = collected.events[collected.events.count - 2].json()
        guard case .string(let message)? = loadFail["run"]?["facets"]?["errorMessage"]?["message"] else { Issue.record("no error"); return }
        #expect(message.contains("missing-dir"), "\(message)")
        #expect(collected.events.last?.json()["run"]?["facets"]?["errorMessage"] != nil)
    }

    @Test("a transport that fails is logged and does not fail the run")
    func failingTransport() async throws {
        struct Broken: LineageTransport { func send(_ event: OpenLineageEvent, json: String) throws { throw ObserveError(.delivery, message: "lineage: down") } }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = try Self.makePipeline(in: directory)
        let collected = CollectingTransport()
        let observer = try await Self.run(pipeline, in: directory, transports: [Broken(), collected])
        #expect(observer.failures == 10)
        #expect(collected.events.count == 10)
        #expect(collected.events.last?.eventType == .complete)
    }

    @Test("a stream is one run: START, RUNNING with counts, COMPLETE")
    func stream() throws {
        let collected = CollectingTransport()
        let observer = LineageObserver(pipelines: [], engineVersion: "0.1.0", transports: [collected], seed: 1, log: { _ in })
        observer.runningInterval = 10_000_000
        let input = EventDataset(kind: .table, connection: "kafka://127.0.0.1:9092", name: "user-events")
        let output = EventDataset(kind: .file, name: "/tmp/processed.jsonl")
        let dlq = EventDataset(kind: .table, connection: "kafka://127.0.0.1:9092", name: "user-events-dlq")
        observer.observe(.streamStarted(StreamStarted(stream: "user_events", input: input, outputs: [output], deadLetter: dlq, time: 0)))
        for second in 1...25 {
            observer.observe(.streamBatchCommitted(StreamBatchCommitted(stream: "user_events", recordsIn: 10, recordsOut: 9, deadLettered: 1, filtered: 0,
                                                                        batchLatencies: [0.01], lagByPartition: [:], time: Int64(second) * 1_000_000)))
        }
        observer.observe(.streamStopped(StreamStopped(stream: "user_events", recordsIn: 250, recordsOut: 225, deadLettered: 25, filtered: 0, retries: 0,
                                                      durationSeconds: 25, error: nil, time: 26_000_000)))
        #expect(collected.events.map(\.eventType) == [.start, .running, .running, .complete])
        #expect(Set(collected.events.map(\.runID)).count == 1)
        let running = collected.events[1].json()
        #expect(running["inputs"] == .array([.object([("namespace", "kafka://127.0.0.1:9092"), ("name", "user-events"),
            ("facets", .object([("dataSource", Facet.dataSource(.kafka(topic: "user-events", brokers: "127.0.0.1:9092")).json)])),
            ("inputFacets", .object([("inputStatistics", Facet.inputStatistics(rows: 100, bytes: nil).json)]))])]))
        #expect(collected.events[3].json()["job"]?["facets"]?["jobType"]?["processingType"] == "STREAMING")
    }

    @Test("the project file's lineage settings apply under the pipeline's own; a relative file is the project's")
    func projectSettings() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sub = directory.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try "lineage: { file: events/lineage.jsonl, namespace: analytics }\n".write(to: directory.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        try "pipeline: p\ntasks:\n  hello: { shell: echo hi }\n".write(to: sub.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let pipeline = try Pipeline.load(path: sub.appendingPathComponent("p.yaml").path)
        let project = try #require(try LineageObserver.projectSettings(near: pipeline.directory))
        #expect(project.file == directory.path + "/events/lineage.jsonl")
        let configured = LineageObserver.configured(for: [pipeline], project: project, engineVersion: "0.1.0", log: { _ in })
        let observer = try #require(configured)
        #expect(observer.transports.compactMap { ($0 as? FileLineageTransport)?.path } == [directory.path + "/events/lineage.jsonl"])
        #expect(PipelineLint(pipeline: pipeline).items.first { $0.id == "lineage" }?.passed == true)
        try "lineage: { url: ftp://x }\n".write(to: directory.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: PipelineError.self) { try LineageObserver.projectSettings(near: pipeline.directory) }
    }
}
