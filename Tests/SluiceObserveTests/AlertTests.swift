import Foundation
import SluiceCore
import Testing
import Yams
@testable import SluiceObserve
@testable import SluicePipeline
import SluiceTestSupport

func alertsSpec(_ yaml: String, file: String = "p.yaml") throws -> AlertsSpec {
    try AlertsSpec(node: try Yams.compose(yaml: yaml)!, file: file)
}

@Suite("Alert specs")
struct AlertsSpecTests {
    @Test("long form: channels, rules with options, repeat interval, delivery")
    func longForm() throws {
        let spec = try alertsSpec("""
        channels:
          ops: { webhook: "${HOOK}", headers: { X-Token: "${TOKEN}" } }
          chat: { slack: "https://hooks.example/x" }
          am: { alertmanager: "http://127.0.0.1:9093" }
          mail: { email: { smtp: "smtp://127.0.0.1:25", from: a@x, to: [b@x, c@x] } }
          page: { command: "./notify.sh" }
        rules:
          - on: failure
          - { on: quality, severity: critical, to: [chat] }
          - { on: long_running, after: 2h }
          - { on: dlq_rate, above: 0.05, repeat_interval: 10m }
        repeat_interval: 4h
        delivery: { attempts: 5, backoff: 2s }
        """)
        #expect(spec.channels["ops"] == .webhook(url: "${HOOK}", headers: ["X-Token": "${TOKEN}"]))
        #expect(spec.channels["mail"] == .email(smtp: "smtp://127.0.0.1:25", from: "a@x", to: ["b@x", "c@x"]))
        #expect(spec.channels["page"] == .command("./notify.sh"))
        #expect(spec.rules.map(\.name) == ["failure", "quality_critical", "long_running", "dlq_rate"])
        #expect(spec.rules[1].to == ["chat"] && spec.rules[2].after == 7200 && spec.rules[3].above == 0.05 && spec.rules[3].repeatInterval == 600)
        #expect(spec.repeatInterval == 14_400 && spec.delivery.attempts == 5 && spec.delivery.backoff == 2)
    }

    @Test("short form: one channel, one rule per event")
    func shortForm() throws {
        let spec = try alertsSpec(#"{ on: [failure, quality, sla], webhook: "${ALERT_WEBHOOK_URL}" }"#)
        #expect(spec.channels == ["webhook": .webhook(url: "${ALERT_WEBHOOK_URL}", headers: [:])])
        #expect(spec.rules.map(\.event) == [.failure, .quality, .slaMiss])
    }

    @Test("mistakes are located, with a suggestion")
    func errors() throws {
        let error = #expect(throws: ObserveError.self) { try alertsSpec("rules:\n  - on: failur\nwebhook: http://x\n", file: "p.yaml") }
        #expect(error?.message.contains("p.yaml:2:9") == true, "\(String(describing: error))")
        #expect(error?.message.contains("did you mean \"failure\"") == true, "\(String(describing: error))")
        #expect(throws: ObserveError.self) { try alertsSpec("rules: [ { on: long_running } ]\nwebhook: http://x") }
        #expect(throws: ObserveError.self) { try alertsSpec("rules: [ { on: failure, to: [nope] } ]\nwebhook: http://x") }
    }

    @Test("the pipeline's section over the project file's defaults, found above the pipeline")
    func projectDefaults() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try """
        alerts:
          channels: { ops: { webhook: "http://127.0.0.1:1/a" }, chat: { slack: "http://127.0.0.1:1/b" } }
          rules: [ failure, sla_miss ]
          repeat_interval: 1h
        """.write(to: dir.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        let project = try #require(try ProjectConfig.find(near: dir.appendingPathComponent("pipelines/p.yaml").path))
        #expect(project.path == dir.appendingPathComponent("sluice.yaml").path)
        let pipeline = try alertsSpec("channels: { ops: { command: \"true\" } }\nrules: [ { on: quality, severity: warning } ]")
        let merged = pipeline.merged(over: try project.alerts)
        #expect(merged.channels["ops"] == .command("true") && merged.channels["chat"] == .slack(url: "http://127.0.0.1:1/b"))
        #expect(merged.rules.map(\.name) == ["quality_warning"])
        #expect(merged.repeatInterval == 3600)
        try "nope: 1\n".write(to: dir.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: ObserveError.self) { try ProjectConfig(path: dir.appendingPathComponent("sluice.yaml").path) }
    }
}

@Suite("Alert observer")
struct AlertObserverTests {
    static func pipeline(_ dir: URL, fail: Bool) throws -> Pipeline {
        var p = Pipeline(name: "nightly")
        p.defaults = TaskSettings(retries: 1, retryDelay: 0)
        p.addTask("extract") { _ in
            if fail { throw PipelineError(.taskFailed, message: "source down") }
            return TaskOutput()
        }
        p.addTask("load", after: ["extract"]) { _ in TaskOutput() }
        return p
    }

    static func run(_ p: Pipeline, store: StateStore, observer: any EventObserver, date: Int64 = 1_704_153_600_000_000, dir: URL) async throws -> RunSummary {
        let runner = PipelineRunner(pipeline: p, store: store)
        runner.artifactsRoot = dir.appendingPathComponent("artifacts").path
        runner.observer = observer
        return try await runner.run(RunRequest(logicalDate: date))
    }

    @Test("failure after retries alerts once per run (a resumed run that fails again is not re-sent); the next success resolves")
    func failureDedupeResolve() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StateStore(url: "sqlite:" + dir.appendingPathComponent("state.db").path)
        let channel = RecordingChannel()
        let spec = try alertsSpec("rules: [ failure, retry ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, sleep: { _ in })
        _ = try await Self.run(try Self.pipeline(dir, fail: true), store: store, observer: alerts, dir: dir)
        #expect(channel.sent.map(\.rule) == ["retry", "failure"])
        let failure = try #require(channel.sent.last)
        #expect(failure.status == .firing && failure.severity == "critical" && failure.runID == "2024-01-02")
        #expect(failure.details.contains("extract: ") && failure.details.contains("source down"))
        #expect(failure.details.contains("load: not run"))
        // A second invocation (new process: a fresh observer) resumes the run and fails again: no second failure alert.
        let again = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, sleep: { _ in })
        _ = try await Self.run(try Self.pipeline(dir, fail: true), store: store, observer: again, dir: dir)
        #expect(channel.sent.filter { $0.rule == "failure" }.count == 1)
        // The next day succeeds: "resolved" for the open rules, once.
        let third = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, sleep: { _ in })
        _ = try await Self.run(try Self.pipeline(dir, fail: false), store: store, observer: third, date: 1_704_240_000_000_000, dir: dir)
        let resolved = channel.sent.filter { $0.status == .resolved }
        #expect(resolved.map(\.rule).sorted() == ["failure", "retry"])
        #expect(resolved.allSatisfy { $0.runID == "2024-01-03" && $0.summary.contains("succeeded") })
        let records = try store.notifications(subject: "nightly")
        #expect(records.filter { $0.outcome == "delivered" }.count == channel.sent.count)
        #expect(records.contains { $0.rule == "failure" && $0.status == "firing" && $0.channel == "webhook" && $0.attempts == 1 })
    }

    @Test("quality alerts fire at or above the rule's severity")
    func qualitySeverity() {
        let channel = RecordingChannel()
        let spec = try! alertsSpec("rules: [ { on: quality, severity: error } ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], sleep: { _ in })
        let run = RunIdentity(pipeline: "p", runID: "r", logicalDate: 0, intervalStart: 0, intervalEnd: 1)
        for (name, severity, outcome) in [("a", "warning", "failed"), ("b", "error", "failed"), ("c", "critical", "failed"), ("d", "critical", "passed")] {
            alerts.observe(.checkEvaluated(CheckEvaluated(run: run, task: "quality", name: name, kind: "not_null", columns: ["x"],
                                                          severity: severity, outcome: outcome, observed: 0.5, threshold: 1, message: "m", time: 0)))
        }
        #expect(channel.sent.map(\.check) == ["b", "c"])
        #expect(channel.sent.map(\.severity) == ["error", "critical"])
    }

    @Test("an undeliverable alert is retried with backoff, logged, counted and recorded — and never throws")
    func undeliverable() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StateStore(url: "sqlite:" + dir.appendingPathComponent("state.db").path)
        let channel = RecordingChannel(failures: 100)
        let log = LogLines()
        let metrics = SluiceMetrics()
        final class Sleeps: @unchecked Sendable { let lock = Lock(); var values: [Double] = [] }
        let sleeps = Sleeps()
        var spec = try alertsSpec("rules: [ failure ]\nwebhook: http://unused\ndelivery: { attempts: 3, backoff: 1s }")
        spec.delivery.attempts = 3
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, metrics: metrics,
                                   log: { log.append($0) }, sleep: { s in sleeps.lock.locked { sleeps.values.append(s) } })
        let summary = try await Self.run(try Self.pipeline(dir, fail: true), store: store, observer: alerts, dir: dir)
        #expect(!summary.succeeded)
        #expect(channel.attempts == 3)
        #expect(sleeps.values == [1, 2])
        #expect(log.all.count == 1 && log.all[0].contains("not delivered to channel webhook after 3 attempts"))
        #expect(metrics.registry.value(metrics.alertsSent, ["webhook", "failed"]) == 1)
        let record = try #require(try store.notifications(subject: "nightly").first)
        #expect(record.outcome == "failed" && record.attempts == 3 && record.error?.contains("refused") == true)
    }

    @Test("repeat_interval throttles a rule across runs; the throttled notification is recorded")
    func throttle() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StateStore(url: "sqlite:" + dir.appendingPathComponent("state.db").path)
        let channel = RecordingChannel()
        let spec = try alertsSpec("rules: [ failure ]\nwebhook: http://unused\nrepeat_interval: 1h")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, sleep: { _ in })
        _ = try await Self.run(try Self.pipeline(dir, fail: true), store: store, observer: alerts, dir: dir)
        _ = try await Self.run(try Self.pipeline(dir, fail: true), store: store, observer: alerts, date: 1_704_240_000_000_000, dir: dir)
        #expect(channel.sent.count == 1)
        #expect(try store.notifications(subject: "nightly").first?.outcome == "throttled")
    }

    @Test("a run still going after `after` alerts at that time, without waiting for the run to end")
    func longRunning() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = RecordingChannel()
        let spec = try alertsSpec("rules: [ { on: long_running, after: 1s } ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], sleep: { _ in })
        final class Seen: @unchecked Sendable { let lock = Lock(); var whileRunning = false }
        let seen = Seen()
        var p = Pipeline(name: "slow")
        p.addTask("wait") { _ in
            // The run keeps going until the alert arrives (or a minute passes): the timer, not the run's end, sends it.
            let deadline = Date().addingTimeInterval(60)
            while channel.sent.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
            seen.lock.locked { seen.whileRunning = !channel.sent.isEmpty }
            return TaskOutput()
        }
        let summary = try await Self.run(p, store: try StateStore(url: "sqlite:" + dir.appendingPathComponent("s.db").path), observer: alerts, dir: dir)
        #expect(summary.succeeded)
        #expect(channel.sent.first?.rule == "long_running")
        #expect(seen.lock.locked { seen.whileRunning }, "the alert was sent while the run was still going")
    }

    @Test("streams: a DLQ rate above the threshold fires once until it drops, then resolves; lag likewise")
    func streamRules() {
        let channel = RecordingChannel()
        let spec = try! alertsSpec("rules: [ { on: dlq_rate, above: 0.1 }, { on: consumer_lag, above: 100 } ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], sleep: { _ in })
        func commit(_ records: Int, dead: Int, lag: Int64) {
            alerts.observe(.streamBatchCommitted(StreamBatchCommitted(stream: "events", recordsIn: records, recordsOut: records - dead,
                                                                      deadLettered: dead, filtered: 0, batchLatencies: [],
                                                                      lagByPartition: [0: lag, 1: 0], time: 0)))
        }
        commit(100, dead: 5, lag: 10)
        commit(100, dead: 50, lag: 500)
        commit(100, dead: 60, lag: 600)
        commit(100, dead: 0, lag: 0)
        #expect(channel.sent.map { "\($0.rule):\($0.status.rawValue)" } == ["dlq_rate:firing", "consumer_lag:firing", "dlq_rate:resolved", "consumer_lag:resolved"])
        #expect(channel.sent[0].summary.contains("50.0%") && channel.sent[0].subjectKind == "stream")
    }
}
