import Foundation
import SluiceCore
import Testing
@testable import SluicePipeline

@Suite("Trigger rules")
struct TriggerRuleTests {
    static func run(extractFails: Bool, _ ws: Workspace) async throws -> (RunSummary, [String: TaskState]) {
        try ws.write("notify.sh", "echo \"$SLUICE_UPSTREAM_STATES|$SLUICE_UPSTREAM_EXTRACT_STATE|$SLUICE_UPSTREAM_EXTRACT_ERROR\" > notified.txt\n")
        let p = try ws.pipeline("""
        pipeline: rules
        tasks:
          extract: { shell: "\(extractFails ? "echo boom >&2; exit 4" : "true")" }
          other: { shell: "true" }
          notify: { after: [extract, other], trigger_rule: one_failed, shell: "sh notify.sh" }
          all_failed: { after: [extract, other], trigger_rule: all_failed, shell: "true" }
          none_failed: { after: [extract, other], trigger_rule: none_failed, shell: "true" }
          one_success: { after: [extract, other], trigger_rule: one_success, shell: "true" }
          after_notify: { after: [notify], shell: "true" }
        """)
        let runner = PipelineRunner(pipeline: p, store: try ws.store(), clock: ManualClock())
        runner.artifactsRoot = ws.path("artifacts")
        let summary = try await runner.run(RunRequest(logicalDate: day("2024-01-02")))
        return (summary, Dictionary(uniqueKeysWithValues: summary.tasks.map { ($0.task, $0.state) }))
    }

    @Test("a failure: one_failed and one_success run and see the upstream states and errors; none_failed and all_failed do not")
    func onFailure() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let (summary, states) = try await Self.run(extractFails: true, ws)
        #expect(!summary.succeeded, "the failed extract still fails the run")
        #expect(states == ["extract": .failed, "other": .success, "notify": .success, "all_failed": .skipped,
                           "none_failed": .upstreamFailed, "one_success": .success, "after_notify": .success])
        let seen = try String(contentsOfFile: ws.path("notified.txt"), encoding: .utf8)
        #expect(seen.hasPrefix("extract=failed,other=success|failed|"), "\(seen)")
        #expect(seen.contains("exited with status 4"), "\(seen)")
    }

    @Test("all succeed: the failure handlers are skipped, and skipped tasks do not fail the run")
    func onSuccess() async throws {
        let ws = try Workspace(); defer { ws.remove() }
        let (summary, states) = try await Self.run(extractFails: false, ws)
        #expect(summary.succeeded)
        #expect(states == ["extract": .success, "other": .success, "notify": .skipped, "all_failed": .skipped,
                           "none_failed": .success, "one_success": .success, "after_notify": .skipped])
        #expect(!FileManager.default.fileExists(atPath: ws.path("notified.txt")))
    }

    @Test("rules on upstream states", arguments: [
        (TriggerRule.oneFailed, [TaskState.success, .upstreamFailed], nil as TaskState?),
        (.oneFailed, [.success, .success], .skipped),
        (.allFailed, [.failed, .timedOut], nil),
        (.allFailed, [.failed, .success], .skipped),
        (.noneFailed, [.success, .skipped], nil),
        (.noneFailed, [.success, .cancelled], .upstreamFailed),
        (.oneSuccess, [.failed, .success], nil),
        (.oneSuccess, [.failed, .skipped], .upstreamFailed),
        (.allSuccess, [.success, .skipped], .skipped),
        (.allDone, [.failed, .upstreamFailed], nil),
    ])
    func rules(_ rule: TriggerRule, _ upstream: [TaskState], _ expected: TaskState?) {
        let (blocker, state) = rule.blocker(upstream: upstream)
        #expect((blocker == nil ? nil : state) == expected)
    }
}
