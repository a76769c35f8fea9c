import Foundation
import SluiceCore
import Testing
@testable import SluiceObserve
import SluiceTestSupport

extension Alert {
    static func sample(status: Status = .firing) -> Alert {
        var alert = Alert(rule: "failure", event: "failure", severity: "critical", subjectKind: "pipeline", subject: "nightly",
                          runID: "2024-01-02", logicalDate: 1_704_153_600_000_000, summary: "nightly 2024-01-02 failed (extract)",
                          details: "extract: source down\n.dot line", startedAt: 1_704_240_000_000_000,
                          link: "http://127.0.0.1:8080/pipelines/nightly/runs/2024-01-02")
        alert.status = status
        return alert
    }
}

@Suite("Alert channels", .serialized)
struct AlertChannelTests {
    @Test("webhook: the documented JSON, retried after a 500, a ${VAR} secret in the URL masked in errors")
    func webhook() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hooks.jsonl")
        let server = try FixtureServer(python: try testPython(needsPackages: false), script: "capture_server.py", arguments: [out.path, "1"])
        defer { server.stop() }
        let env = ["HOOK_TOKEN": "s3cr3t-token"]
        let channel = try ChannelSpec.webhook(url: "http://127.0.0.1:\(server.port)/hooks/${HOOK_TOKEN}", headers: ["X-Team": "data"])
            .makeChannel(environment: env, name: "ops")
        let first = #expect(throws: ObserveError.self) { try channel.send(.sample()) }
        #expect(first?.description.contains("500") == true)
        #expect(first?.description.contains("s3cr3t-token") == false, "\(String(describing: first))")
        try channel.send(.sample())
        let received = jsonLines(out)
        #expect(received.count == 1)
        #expect(received.first?["path"] as? String == "/hooks/s3cr3t-token")
        #expect((received.first?["headers"] as? [String: String])?["X-Team"] == "data")
        let body = try #require((received.first?["body"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(body["schema_version"] as? Int == 1)
        #expect(body["status"] as? String == "firing" && body["rule"] as? String == "failure" && body["subject"] as? String == "nightly")
        #expect(body["run_id"] as? String == "2024-01-02" && body["logical_date"] as? String == "2024-01-02T00:00:00Z")
        #expect(body["test"] as? Bool == false && body["task"] is NSNull)
        // An unreachable webhook: the error names the host, never the secret path.
        let dead = try ChannelSpec.webhook(url: "http://127.0.0.1:1/hooks/${HOOK_TOKEN}", headers: [:]).makeChannel(environment: env, name: "ops")
        let unreachable = #expect(throws: ObserveError.self) { try dead.send(.sample()) }
        #expect(unreachable?.description.contains("127.0.0.1:1") == true && unreachable?.description.contains("s3cr3t") == false,
                "\(String(describing: unreachable))")
    }

    @Test("Slack-compatible webhook: text plus section and context blocks")
    func slack() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("slack.jsonl")
        let server = try FixtureServer(python: try testPython(needsPackages: false), script: "capture_server.py", arguments: [out.path, "0"])
        defer { server.stop() }
        try ChannelSpec.slack(url: "http://127.0.0.1:\(server.port)/services/T/B/X").makeChannel(environment: [:], name: "chat").send(.sample(status: .resolved))
        let body = try #require((jsonLines(out).first?["body"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect((body["text"] as? String)?.contains("[RESOLVED] nightly 2024-01-02 failed") == true)
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["section", "section", "context"])
        #expect(((blocks[1]["text"] as? [String: Any])?["text"] as? String)?.contains("source down") == true)
    }

    @Test("Alertmanager: a real Alertmanager lists the alert with its labels and generatorURL; resolved ends it")
    func alertmanager() throws {
        guard let base = ProcessInfo.processInfo.environment["SLUICE_TEST_ALERTMANAGER_URL"] else {
            Issue.record("no Alertmanager: run through scripts/with-observability.sh (make test does)")
            return
        }
        var alert = Alert.sample()
        alert.subject = "am_\(UUID().uuidString.prefix(8))"
        alert.task = "extract"
        let channel = try ChannelSpec.alertmanager(url: base).makeChannel(environment: [:], name: "am")
        try channel.send(alert)
        func listed() throws -> [[String: Any]] {
            let data = try Data(contentsOf: URL(string: base + "/api/v2/alerts?filter=pipeline%3D%22\(alert.subject)%22")!)
            return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        }
        #expect(try waitUntil { try listed().count == 1 })
        let found = try #require(try listed().first)
        let labels = try #require(found["labels"] as? [String: String])
        #expect(labels == ["alertname": "SluiceFailure", "pipeline": alert.subject, "rule": "failure", "severity": "critical",
                           "source": "sluice", "task": "extract"])
        #expect(found["generatorURL"] as? String == alert.link)
        #expect((found["annotations"] as? [String: String])?["summary"] == alert.summary)
        #expect((found["status"] as? [String: Any])?["state"] as? String == "active")
        alert.status = .resolved
        try channel.send(alert)
        #expect(try waitUntil { try listed().isEmpty }, "a resolved alert leaves the active list")
    }

    @Test("email: a real SMTP server (aiosmtpd) receives the mail with subject, recipients and body")
    func email() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try FixtureServer(python: try testPython(needsPackages: true), script: "smtp_server.py", arguments: [dir.path])
        defer { server.stop() }
        let channel = try ChannelSpec.email(smtp: "smtp://127.0.0.1:\(server.port)", from: "sluice@example.com", to: ["oncall@example.com", "data@example.com"])
            .makeChannel(environment: [:], name: "mail")
        try channel.send(.sample())
        #expect(try waitUntil { FileManager.default.fileExists(atPath: dir.appendingPathComponent("1.json").path) })
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("1.json"))) as? [String: Any]
        #expect(envelope?["from"] as? String == "sluice@example.com")
        #expect(envelope?["to"] as? [String] == ["oncall@example.com", "data@example.com"])
        let mail = try String(contentsOf: dir.appendingPathComponent("1.eml"), encoding: .utf8)
        #expect(mail.contains("Subject: [sluice] nightly 2024-01-02 failed (extract)"))
        #expect(mail.contains("extract: source down") && mail.contains("\n.dot line") && mail.contains("run: 2024-01-02"))
        // Nobody listening: a delivery error, with the password masked.
        let dead = try ChannelSpec.email(smtp: "smtp://alerts:${SMTP_PASSWORD}@127.0.0.1:1", from: "a@x", to: ["b@x"])
            .makeChannel(environment: ["SMTP_PASSWORD": "hunter2-hunter2"], name: "mail")
        let error = #expect(throws: ObserveError.self) { try dead.send(.sample()) }
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test("command: the alert JSON on stdin and SLUICE_ALERT_* variables; a non-zero exit is a failed delivery")
    func command() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = try ChannelSpec.command("cat > alert.json; env | grep ^SLUICE_ALERT_ | sort > alert.env")
            .makeChannel(environment: ["PATH": "/usr/bin:/bin"], name: "page")
        var command = channel as! CommandChannel
        command.directory = dir.path
        try command.send(.sample())
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("alert.json"))) as? [String: Any]
        #expect(json?["rule"] as? String == "failure" && json?["schema_version"] as? Int == 1)
        let env = try String(contentsOf: dir.appendingPathComponent("alert.env"), encoding: .utf8)
        #expect(env.contains("SLUICE_ALERT_PIPELINE=nightly\n") && env.contains("SLUICE_ALERT_RUN_ID=2024-01-02\n")
                && env.contains("SLUICE_ALERT_STATUS=firing\n") && env.contains("SLUICE_ALERT_SEVERITY=critical\n"))
        let failing = CommandChannel(command: "echo nope >&2; exit 3", environment: [:])
        let error = #expect(throws: ObserveError.self) { try failing.send(.sample()) }
        #expect(error?.description.contains("status 3") == true && error?.description.contains("nope") == true)
    }
}
