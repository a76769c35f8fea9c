import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice alerts")
struct AlertsCommandTests {
    static func workspace(failing: Bool) throws -> URL {
        let dir = try temporaryDirectory("cli")
        try """
        alerts:
          channels:
            file: { command: "cat >> alerts.jsonl" }
            hook: { webhook: "http://127.0.0.1:1/hooks/${HOOK_SECRET}" }
          rules: [ { on: failure, to: [file, hook] } ]
          delivery: { attempts: 2, backoff: 10ms }
        """.write(to: dir.appendingPathComponent("sluice.yaml"), atomically: true, encoding: .utf8)
        try """
        pipeline: alerted
        defaults: { retries: 0 }
        tasks:
          work: { shell: "\(failing ? "echo broken >&2; exit 1" : "true")" }
        """.write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a failed sluice run notifies the file channel; the unreachable webhook is a masked warning, not a different exit")
    func runAlerts() throws {
        let dir = try Self.workspace(failing: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        setenv("HOOK_SECRET", "topsecret-value", 1)
        let run = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(run.status == 1, "the run's own failure decides the exit status: \(run.stderr)")
        #expect(run.stderr.contains("not delivered to channel hook after 2 attempts"), "\(run.stderr)")
        #expect(!run.stderr.contains("topsecret-value") && !run.stdout.contains("topsecret-value"))
        let lines = try String(contentsOf: dir.appendingPathComponent("alerts.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let alert = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(alert?["rule"] as? String == "failure" && alert?["run_id"] as? String == "2024-01-02")
        #expect((alert?["details"] as? String)?.contains("command exited with status 1") == true)
        // Rerunning the same failed date (a resume) does not notify twice.
        _ = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(try String(contentsOf: dir.appendingPathComponent("alerts.jsonl"), encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test("sluice alerts test sends a sample per rule and channel and reports each")
    func alertsTest() throws {
        let dir = try Self.workspace(failing: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        setenv("HOOK_SECRET", "topsecret-value", 1)
        let run = try CLI.run(["alerts", "test", "p.yaml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("sent failure -> file"))
        #expect(run.stdout.contains("FAILED failure -> hook"))
        #expect(!run.stdout.contains("topsecret-value") && !run.stderr.contains("topsecret-value"))
        let alert = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("alerts.jsonl"))) as? [String: Any]
        #expect(alert?["test"] as? Bool == true)
        unsetenv("HOOK_SECRET")
        let missing = try CLI.run(["alerts", "test", "p.yaml"], in: dir)
        #expect(missing.status == 2 && missing.stderr.contains("HOOK_SECRET"), "\(missing.stderr)")
    }
}

@Suite("on_failure and on_success callbacks")
struct CallbackCommandTests {
    @Test("pipeline and task callbacks run with the run's details; a success runs on_success, a failure on_failure")
    func callbacks() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        pipeline: called
        on_failure: "echo \\"pipeline failed $SLUICE_ALERT_RUN_ID $SLUICE_ALERT_DETAILS\\" >> calls.txt"
        on_success: "echo pipeline ok >> calls.txt"
        tasks:
          good: { shell: "true", on_success: "echo \\"task $SLUICE_ALERT_TASK ok\\" >> calls.txt" }
          bad: { shell: "test -f pass", on_failure: "cat > bad.json" }
        """.write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let failed = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(failed.status == 1, "\(failed.stderr)")
        let calls = try String(contentsOf: dir.appendingPathComponent("calls.txt"), encoding: .utf8)
        #expect(calls.contains("task good ok\n") && calls.contains("pipeline failed 2024-01-02 failed: bad\n"), "\(calls)")
        let bad = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("bad.json"))) as? [String: Any]
        #expect(bad?["task"] as? String == "bad" && bad?["rule"] as? String == "on_failure")
        FileManager.default.createFile(atPath: dir.appendingPathComponent("pass").path, contents: nil)
        let ok = try CLI.run(["run", "p.yaml", "--date", "2024-01-02"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("calls.txt"), encoding: .utf8).hasSuffix("pipeline ok\n"))
    }
}
