import Foundation
import SluiceCore
import Testing
@testable import SluiceObserve
@testable import SluicePipeline
import SluiceTestSupport

/// `promtool` from the test environment (scripts/with-observability.sh), else from PATH.
func promtoolCheck(_ text: String) throws -> (status: Int32, output: String) {
    let tool = ProcessInfo.processInfo.environment["SLUICE_TEST_PROMTOOL"] ?? "/usr/bin/promtool"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["check", "metrics"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("Metrics registry")
struct MetricsRegistryTests {
    @Test("counters, gauges and histograms in the text format, labels escaped")
    func exposition() {
        let r = MetricsRegistry()
        let c = r.counter("x_total", help: "Things.\nTwo lines.", labels: ["name"])
        let g = r.gauge("y_seconds", help: "A gauge.")
        let h = r.histogram("z_seconds", help: "A histogram.", labels: ["k"], buckets: [0.1, 1])
        r.add(c, 2, ["a\"b\\c\nd"])
        r.add(c, 1, ["plain"])
        r.set(g, 1.5)
        for v in [0.05, 0.5, 5] { r.observe(h, v, ["v"]) }
        #expect(r.exposition() == """
        # HELP x_total Things.\\nTwo lines.
        # TYPE x_total counter
        x_total{name="a\\"b\\\\c\\nd"} 2
        x_total{name="plain"} 1
        # HELP y_seconds A gauge.
        # TYPE y_seconds gauge
        y_seconds 1.5
        # HELP z_seconds A histogram.
        # TYPE z_seconds histogram
        z_seconds_bucket{k="v",le="0.1"} 1
        z_seconds_bucket{k="v",le="1"} 2
        z_seconds_bucket{k="v",le="+Inf"} 3
        z_seconds_sum{k="v"} 5.55
        z_seconds_count{k="v"} 3

        """)
        #expect(r.value(c, ["plain"]) == 1)
        #expect(r.value(h, ["v"]) == 3)
    }

    @Test("a pipeline run's metrics: rows, tries by outcome, retries, run outcome, last success; promtool accepts them")
    func pipelineMetrics() async throws {
        let dir = try temporaryDirectory("observe")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,v\n1,a\n2,b\n3,c\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        try """
        pipeline: metered
        defaults: { retries: 1, retry_delay: 0s }
        tasks:
          extract: { extract: { file: in.csv } }
          quality:
            after: [extract]
            check: { checks: [ { row_count: { min: 1 }, severity: critical } ] }
          load: { after: [quality], load: { file: out.csv } }
          flaky: { shell: "test -f marker || { touch marker; exit 1; }" }
        """.write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let pipeline = try Pipeline.load(path: dir.appendingPathComponent("p.yaml").path)
        let metrics = SluiceMetrics()
        let runner = PipelineRunner(pipeline: pipeline, store: try StateStore(url: "sqlite:" + dir.appendingPathComponent("s.db").path))
        runner.observer = metrics
        let summary = try await runner.run(RunRequest(logicalDate: 1_704_153_600_000_000))
        #expect(summary.succeeded)
        let r = metrics.registry
        #expect(r.value(metrics.rowsOut, ["metered", "load"]) == 3)
        #expect(r.value(metrics.rowsOut, ["metered", "extract"]) == 3)
        #expect(r.value(metrics.bytesWritten, ["metered", "load"]) == Double("id,v\n1,a\n2,b\n3,c\n".utf8.count))
        #expect(r.value(metrics.taskTries, ["metered", "flaky", "shell", "failed"]) == 1)
        #expect(r.value(metrics.taskTries, ["metered", "flaky", "shell", "success"]) == 1)
        #expect(r.value(metrics.taskRetries, ["metered", "flaky"]) == 1)
        #expect(r.value(metrics.runs, ["metered", "success"]) == 1)
        #expect(r.value(metrics.runsInProgress, ["metered"]) == 0)
        #expect((r.value(metrics.lastSuccess, ["metered"]) ?? 0) > 1.7e9)
        #expect(r.value(metrics.checks, ["metered", "row_count", "row_count", "critical", "passed"]) == 1)
        #expect(r.value(metrics.checkObserved, ["metered", "row_count", "row_count"]) == 3)
        let text = r.exposition()
        #expect(!text.contains("2024-01-02") && !text.contains(dir.path), "no run ids or paths as label values")
        let check = try promtoolCheck(text)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.isEmpty, "promtool lint: \(check.output)")
    }

    @Test("the /metrics server answers GET /metrics with the exposition, 404 elsewhere")
    func server() throws {
        let r = MetricsRegistry()
        r.add(r.counter("hits_total", help: "Hits."), 7)
        let server = try MetricsServer(host: "127.0.0.1", port: 0) { r.exposition() }
        defer { server.stop() }
        #expect(server.port > 0)
        let ok = try HTTPClient.send("GET", url: server.url)
        #expect(ok.status == 200 && ok.body.contains("hits_total 7"))
        #expect(try HTTPClient.send("GET", url: "http://127.0.0.1:\(server.port)/nope").status == 404)
        // A second server on the same port is refused with a hint.
        #expect(throws: ObserveError.self) { try MetricsServer(host: "127.0.0.1", port: server.port) { "" } }
    }

    @Test("the textfile is replaced whole")
    func textfile() throws {
        let r = MetricsRegistry()
        r.set(r.gauge("g", help: "G."), 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(UUID().uuidString).prom").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try MetricsExport.writeTextfile(r, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == r.exposition())
        #expect(throws: ObserveError.self) { try MetricsExport.writeTextfile(r, to: "/nonexistent-dir/x.prom") }
    }

    @Test("secrets in URLs are masked", arguments: [
        ("https://hooks.slack.com/services/T0/B0/xyz", "https://hooks.slack.com/***"),
        ("smtp://user:pw@mail.example:587", "smtp://user:***@mail.example:587"),
        ("http://127.0.0.1:9091", "http://127.0.0.1:9091"),
        ("http://127.0.0.1:9091/", "http://127.0.0.1:9091/"),
    ])
    func masking(_ pair: (String, String)) {
        #expect(Secrets.maskURL(pair.0) == pair.1)
    }

    @Test("channel ${VAR} values and URL passwords go into the one Secrets registry when a channel is built")
    func channelSecretsRegistered() throws {
        let tag = UUID().uuidString.prefix(8)
        // Upper-case around the hex tag: no secret another test registers (e.g. "pw") is inside these.
        let token = "TOK\(tag)", password = "PWD\(tag)", literal = "LIT\(tag)"
        let channels: [(String, ChannelSpec)] = [
            ("hook", .webhook(url: "http://127.0.0.1:1/hooks/${HOOK_TOKEN}", headers: [:])),
            ("mail", .email(smtp: "smtp://alerts:${SMTP_PW}@127.0.0.1:25", from: "a@example.com", to: ["b@example.com"])),
            ("am", .alertmanager(url: "http://sluice:\(literal)@127.0.0.1:9093")),
        ]
        #expect(Secrets.mask("a \(token) b \(password) c \(literal)") == "a \(token) b \(password) c \(literal)")
        for (name, spec) in channels {
            _ = try spec.makeChannel(environment: ["HOOK_TOKEN": token, "SMTP_PW": password], name: name)
        }
        #expect(Secrets.mask("a \(token) b \(password) c \(literal)") == "a *** b *** c ***")
    }
}

@Suite("Dropped events")
struct DroppedEventsTests {
    /// Blocks on its first event until released, so everything after it queues up.
    final class Stuck: EventObserver, @unchecked Sendable {   // `seen` guarded by `lock`; `gate` is a semaphore
        let gate = DispatchSemaphore(value: 0)
        let lock = Lock()
        var seen = 0
        func observe(_ event: SluiceEvent) {
            let first = lock.locked { seen += 1; return seen == 1 }
            if first { gate.wait() }
        }
    }

    @Test("a slow observer under backpressure: drops are counted in sluice_events_dropped_total{observer}; promtool accepts it")
    func countsDrops() throws {
        let observability = Observability()
        let stuck = Stuck()
        let buffered = observability.buffered(stuck, name: "alerts", capacity: 2)
        #expect(observability.metrics.registry.exposition().contains("sluice_events_dropped_total{observer=\"alerts\"} 0"))
        let event = SluiceEvent.streamStopped(StreamStopped(stream: "s", recordsIn: 0, recordsOut: 0, deadLettered: 0, filtered: 0,
                                                            retries: 0, durationSeconds: 0, error: nil, time: 0))
        buffered.observe(event)
        // Wait until the observer's thread holds the first event, so the buffer's room is known exactly.
        let deadline = Date().addingTimeInterval(10)
        while stuck.lock.locked({ stuck.seen }) == 0 && Date() < deadline { usleep(1_000) }
        for _ in 0..<7 { buffered.observe(event) }   // 2 fit the buffer, 5 are dropped
        #expect(buffered.dropped == 5)
        let text = observability.metrics.registry.exposition()
        #expect(text.contains("# TYPE sluice_events_dropped_total counter"))
        #expect(text.contains("sluice_events_dropped_total{observer=\"alerts\"} 5"), "\(text)")
        stuck.gate.signal()
        #expect(buffered.flush(timeoutSeconds: 10))
        #expect(stuck.lock.locked { stuck.seen } == 3)
        let check = try promtoolCheck(text)
        #expect(check.status == 0, "\(check.output)")
    }
}
