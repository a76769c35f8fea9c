import Foundation
import SluiceFormats
import Testing
import SluiceTestSupport

/// The observability servers scripts/with-observability.sh started for this test run.
struct ObservabilityServers {
    let prometheus: String
    let targets: String
    let pushgateway: String

    static func required() throws -> ObservabilityServers {
        let env = ProcessInfo.processInfo.environment
        guard let prometheus = env["SLUICE_TEST_PROMETHEUS_URL"], let targets = env["SLUICE_TEST_PROMETHEUS_TARGETS"],
              let pushgateway = env["SLUICE_TEST_PUSHGATEWAY_URL"] else {
            throw TestFailure("no Prometheus/Pushgateway: run the tests through scripts/with-observability.sh (make test does)")
        }
        return ObservabilityServers(prometheus: prometheus, targets: targets, pushgateway: pushgateway)
    }

    /// Makes Prometheus scrape exactly these `host:port` targets (file service discovery).
    func scrape(_ targets: [String], label: String) throws {
        let list = targets.map { "\"\($0)\"" }.joined(separator: ",")
        let json = "[{\"targets\":[\(list)],\"labels\":{\"test\":\"\(label)\"}}]"
        let temporary = self.targets + ".tmp"
        try json.write(toFile: temporary, atomically: false, encoding: .utf8)
        _ = rename(temporary, self.targets)
    }

    /// The value of a PromQL query that returns one sample, polled until it equals `expected` (or 40 s pass).
    func waitForValue(_ query: String, equals expected: Double) throws -> Double? {
        var last: Double?
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            last = try value(query)
            if last == expected { return last }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return last
    }

    func value(_ query: String) throws -> Double? {
        var components = URLComponents(string: prometheus + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: query)]
        let data = try Data(contentsOf: components.url!)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let payload = object["data"] as? [String: Any], let result = payload["result"] as? [[String: Any]],
              let first = result.first, let sample = first["value"] as? [Any], sample.count == 2,
              let text = sample[1] as? String else { return nil }
        return Double(text)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A `sluice` process running in the background, its standard error in a file.
final class BackgroundSluice {
    let process = Process()
    let log: URL

    init(_ arguments: [String], in directory: URL) throws {
        log = directory.appendingPathComponent("sluice-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The `host:port` from the `metrics: serving http://HOST:PORT/metrics` line.
    func metricsTarget() throws -> String {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let range = stderr.range(of: "metrics: serving http://") {
                let rest = stderr[range.upperBound...]
                if let end = rest.range(of: "/metrics") { return String(rest[..<end.lowerBound]) }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("sluice did not serve metrics: \(stderr)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

@Suite("Prometheus scrapes sluice", .serialized)
struct PrometheusTests {
    static let pipeline = """
    pipeline: scraped
    schedule: "@daily"
    start_date: 2024-01-01
    defaults: { retries: 1, retry_delay: 0s }
    connections: { warehouse: "sqlite:warehouse.db" }
    tasks:
      extract: { extract: { file: in.csv } }
      load: { after: [extract], load: { connection: warehouse, table: users, mode: replace } }
      flaky: { shell: "test -f marker || { touch marker; exit 1; }" }
    """

    static func workspace(_ pipelineName: String) throws -> URL {
        let dir = try temporaryDirectory("cli")
        try "id,email\n1,a@x\n2,b@x\n3,c@x\n".write(to: dir.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        try pipeline.replacingOccurrences(of: "pipeline: scraped", with: "pipeline: \(pipelineName)")
            .write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("sluice schedule: Prometheus sees the rows loaded, the failed try and the run's success")
    func scheduler() throws {
        let servers = try ObservabilityServers.required()
        let dir = try Self.workspace("scraped")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sluice = try BackgroundSluice(["schedule", "p.yaml", "--metrics-address", "127.0.0.1:0"], in: dir)
        defer { sluice.stop() }
        let target = try sluice.metricsTarget()
        try servers.scrape([target], label: "schedule")
        let selector = "instance=\"\(target)\",pipeline=\"scraped\""
        #expect(try servers.waitForValue("sluice_task_rows_out_total{\(selector),task=\"load\"}", equals: 3) == 3, "\(sluice.stderr)")
        #expect(try servers.waitForValue("sluice_task_tries_total{\(selector),task=\"flaky\",outcome=\"failed\"}", equals: 1) == 1)
        #expect(try servers.waitForValue("sluice_task_retries_total{\(selector),task=\"flaky\"}", equals: 1) == 1)
        #expect(try servers.waitForValue("sluice_pipeline_runs_total{\(selector),outcome=\"success\"}", equals: 1) == 1)
        #expect(try servers.waitForValue("sluice_task_duration_seconds_count{\(selector),task=\"load\",outcome=\"success\"}", equals: 1) == 1)
        #expect((try servers.value("sluice_pipeline_last_success_timestamp_seconds{\(selector)}") ?? 0) > 1.7e9)
    }

    @Test("sluice stream run: Prometheus sees the records in and the dead-letter count")
    func stream() throws {
        let servers = try ObservabilityServers.required()
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("events.jsonl")
        let summary = try UserEventsGenerator(events: 3_000, seed: 5).write(to: input.path)
        try """
        stream: scraped_events
        input: { file: events.jsonl }
        processors:
          - validate:
              required: [user_id, event_type, timestamp]
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        settings: { batch_size: 500, commit_interval: 100ms }
        """.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let sluice = try BackgroundSluice(["stream", "run", "s.yaml", "--follow", "--quiet", "--metrics-address", "127.0.0.1:0"], in: dir)
        defer { sluice.stop() }
        let target = try sluice.metricsTarget()
        try servers.scrape([target], label: "stream")
        let selector = "instance=\"\(target)\",stream=\"scraped_events\""
        #expect(try servers.waitForValue("sluice_stream_records_in_total{\(selector)}", equals: 3_000) == 3_000, "\(sluice.stderr)")
        // What the stream itself wrote to its dead-letter file is what Prometheus must count.
        let dlqLines = (try? String(contentsOf: dir.appendingPathComponent("dlq.jsonl"), encoding: .utf8))?.split(separator: "\n").count ?? -1
        #expect(dlqLines == summary.bad && dlqLines > 0)
        let dlq = Double(dlqLines)
        #expect(try servers.waitForValue("sum(sluice_stream_records_dead_lettered_total{\(selector)})", equals: dlq) == dlq)
        #expect(try servers.waitForValue("sluice_stream_records_out_total{\(selector)}", equals: 3_000 - dlq) == 3_000 - dlq)
        #expect(try servers.waitForValue("sluice_stream_running{\(selector)}", equals: 1) == 1)
        #expect((try servers.value("sum(sluice_stream_batch_latency_seconds_count{\(selector)})") ?? 0) >= 6)
    }

    @Test("sluice run --pushgateway and --metrics-file: pushed metrics reach Prometheus; promtool accepts the textfile")
    func oneShot() throws {
        let servers = try ObservabilityServers.required()
        let dir = try Self.workspace("pushed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["run", "p.yaml", "--date", "2024-01-02", "--pushgateway", servers.pushgateway, "--metrics-file", "run.prom"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("warning"), "\(run.stderr)")
        let selector = "job=\"sluice\",pipeline=\"pushed\""
        #expect(try servers.waitForValue("sluice_task_rows_out_total{\(selector),task=\"load\"}", equals: 3) == 3)
        #expect(try servers.waitForValue("sluice_task_tries_total{\(selector),task=\"flaky\",outcome=\"failed\"}", equals: 1) == 1)
        let textfile = try String(contentsOf: dir.appendingPathComponent("run.prom"), encoding: .utf8)
        #expect(textfile.contains("sluice_pipeline_runs_total{pipeline=\"pushed\",outcome=\"success\"} 1"))
        let promtool = Process()
        promtool.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SLUICE_TEST_PROMTOOL"] ?? "/usr/bin/promtool")
        promtool.arguments = ["check", "metrics"]
        promtool.standardInput = try FileHandle(forReadingFrom: dir.appendingPathComponent("run.prom"))
        let out = Pipe()
        promtool.standardOutput = out
        promtool.standardError = out
        try promtool.run()
        let lint = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        promtool.waitUntilExit()
        #expect(promtool.terminationStatus == 0 && lint.isEmpty, "\(lint)")
    }

    @Test("sluice check --metrics-file: outcomes by severity and measured values, named by the suite")
    func checkTextfile() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,email\n1,a@x\n2,\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "checks:\n  - not_null: email\n    severity: warning\n  - row_count: { min: 1 }\n".write(to: dir.appendingPathComponent("users.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", "d.csv", "--suite", "users.yaml", "--metrics-file", "c.prom"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("c.prom"), encoding: .utf8)
        #expect(text.contains("sluice_check_results_total{pipeline=\"users\",check=\"not_null(email)\",kind=\"not_null\",severity=\"warning\",outcome=\"failed\"} 1"), "\(text)")
        #expect(text.contains("sluice_check_observed_value{pipeline=\"users\",check=\"row_count\",kind=\"row_count\"} 2"), "\(text)")
    }
}
