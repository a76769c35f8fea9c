import Foundation
import SluiceCore
import SluicePipeline
import SluiceSQL
import SluiceTestSupport
import Testing
@testable import SluiceObserve

/// Gives `table` the wrong shape before a ``StateStore`` opens the file (its
/// `CREATE TABLE IF NOT EXISTS` keeps it), so every read and write of it fails for real.
private func breakTable(_ table: String, at path: String) throws {
    let connection = try SQLConnection(url: try ConnectionURL("sqlite:" + path))
    _ = try connection.execute(SQLTemplate("CREATE TABLE \(table) (broken INTEGER)"))
}

@Suite("State-store failures of the alert observer and the docs are reported, not swallowed")
struct ObserverStateStoreFailureTests {
    /// A temporary directory with a state store whose alert-notification table is broken.
    static func storeWithBrokenAlertHistory() throws -> (URL, StateStore) {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("state.db").path
        try breakTable("sluice_alert_notifications", at: path)
        return (dir, try StateStore(url: "sqlite:" + path))
    }

    @Test("alert history that cannot be read or recorded is counted and logged; the alert is still sent and the run is unaffected")
    func alertHistory() async throws {
        let (dir, store) = try Self.storeWithBrokenAlertHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = RecordingChannel()
        let log = LogLines()
        let metrics = SluiceMetrics()
        let spec = try alertsSpec("rules: [ failure ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, metrics: metrics,
                                   log: { log.append($0) }, sleep: { _ in })
        let summary = try await AlertObserverTests.run(try AlertObserverTests.pipeline(dir, fail: true), store: store,
                                                       observer: alerts, dir: dir)
        #expect(!summary.succeeded)
        #expect(summary.tasks.first { $0.task == "extract" }?.error?.contains("source down") == true, "the run's own failure, not the store's")
        #expect(channel.sent.map(\.rule) == ["failure"], "the alert goes out without its history")
        #expect(metrics.registry.value(metrics.stateStoreFailures, ["nightly", "read_notifications"]) == 1)
        #expect(metrics.registry.value(metrics.stateStoreFailures, ["nightly", "record_notification"]) == 1)
        let warnings = log.all
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("warning: state store read_notifications for pipeline nightly failed: ") })
        #expect(warnings.contains { $0.hasPrefix("warning: state store record_notification for pipeline nightly failed: ") })
    }

    @Test("a resolve whose history cannot be read falls back to this process's firing alerts")
    func resolveWithoutHistory() async throws {
        let (dir, store) = try Self.storeWithBrokenAlertHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = RecordingChannel()
        let metrics = SluiceMetrics()
        let spec = try alertsSpec("rules: [ failure ]\nwebhook: http://unused")
        let alerts = AlertObserver(spec: spec, channels: ["webhook": channel], store: store, metrics: metrics,
                                   log: { _ in }, sleep: { _ in })
        _ = try await AlertObserverTests.run(try AlertObserverTests.pipeline(dir, fail: true), store: store, observer: alerts, dir: dir)
        _ = try await AlertObserverTests.run(try AlertObserverTests.pipeline(dir, fail: false), store: store, observer: alerts,
                                             date: 1_704_240_000_000_000, dir: dir)
        #expect(channel.sent.map(\.status) == [.firing, .resolved])
        // Reads: the failure's dedupe, the success's resolve, the resolved notification's dedupe.
        #expect(metrics.registry.value(metrics.stateStoreFailures, ["nightly", "read_notifications"]) == 3)
    }

    static func pipelineFile(in dir: URL) throws -> Pipeline {
        let file = dir.appendingPathComponent("pipeline.yaml")
        try "pipeline: docs_history\ntasks:\n  hello: { shell: echo hi }\n".write(to: file, atomically: true, encoding: .utf8)
        return try Pipeline.load(path: file.path)
    }

    @Test("a run history that cannot be read is stated in the document and warned about, never shown as 'no runs yet'")
    func docsHistoryUnreadable() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.pipelineFile(in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".sluice"), withIntermediateDirectories: true)
        try breakTable("sluice_runs", at: dir.appendingPathComponent(".sluice/state.db").path)
        var warnings: [String] = []
        let document = DesignDocument.withHistory(of: pipeline) { warnings.append($0) }
        #expect(document.history.isEmpty)
        let reason = try #require(document.historyUnavailable)
        #expect(reason.hasPrefix("state store read_runs for pipeline docs_history failed: "), "\(reason)")
        #expect(warnings == ["warning: run history unavailable: " + reason])
        let md = document.markdown()
        #expect(md.contains("Run history unavailable: state store read_runs for pipeline docs_history failed: "))
        #expect(!md.contains("No runs recorded yet"))
    }

    @Test("a state store file that is not a database is reported the same way")
    func docsStoreNotADatabase() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.pipelineFile(in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".sluice"), withIntermediateDirectories: true)
        try String(repeating: "not a database ", count: 200).write(to: dir.appendingPathComponent(".sluice/state.db"), atomically: true, encoding: .utf8)
        var warnings: [String] = []
        let site = try DesignDocument.writeSite(for: [pipeline], format: .md, to: dir.appendingPathComponent("site").path) { warnings.append($0) }
        #expect(site.count == 2)
        #expect(warnings.count == 1 && warnings[0].hasPrefix("warning: run history unavailable: state store read_runs for pipeline docs_history failed: "),
                "\(warnings)")
        let md = try String(contentsOfFile: dir.appendingPathComponent("site/docs_history.md").path, encoding: .utf8)
        #expect(md.contains("Run history unavailable: "))
    }

    @Test("no state store beside the pipeline: no history, no warning")
    func docsNoStore() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var warnings: [String] = []
        let document = DesignDocument.withHistory(of: try Self.pipelineFile(in: dir)) { warnings.append($0) }
        #expect(document.history.isEmpty && document.historyUnavailable == nil && warnings.isEmpty)
        #expect(document.markdown().contains("No runs recorded yet"))
    }

    @Test("a readable history is read")
    func docsHistoryRead() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.pipelineFile(in: dir)
        let store = try StateStore(url: StateStore.defaultURL(for: pipeline))
        let runner = PipelineRunner(pipeline: pipeline, store: store)
        runner.artifactsRoot = dir.appendingPathComponent("artifacts").path
        _ = try await runner.run(RunRequest(logicalDate: 1_704_153_600_000_000))
        var warnings: [String] = []
        let document = DesignDocument.withHistory(of: pipeline) { warnings.append($0) }
        #expect(document.history.map(\.state) == ["success"] && warnings.isEmpty && document.historyUnavailable == nil)
    }
}
