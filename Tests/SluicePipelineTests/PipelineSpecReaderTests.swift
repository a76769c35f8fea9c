import Foundation
import SluiceCore
import SluiceSpec
import Testing
@testable import SluicePipeline

@Suite("Pipeline spec on SluiceSpec")
struct PipelineSpecReaderTests {
    @Test("every problem of a pipeline file is reported together, sorted by location")
    func collectsEveryProblem() throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline("""
        pipeline: many
        max_parallel_tasks: 0
        tasks:
          a:
            shell: "true"
            retrys: 2
          b:
            shell: "true"
            timeout: 1e300s
            trigger_rule: all_dne
        """) }
        #expect(error?.code == .invalidSpec)
        #expect(error?.line == 2)
        #expect(error?.diagnostics.map(\.line) == [2, 6, 9, 10])
        let text = error?.description ?? ""
        #expect(text.contains("pipeline.yaml:2:21: error: max_parallel_tasks must be in 1…10000, found 0"))
        #expect(text.contains("pipeline.yaml:6:5: error: unknown key \"retrys\" in task \"a\"\n  hint: did you mean `retries`?"))
        #expect(text.contains("pipeline.yaml:9:14: error: timeout is longer than the limit of 10 years"))
        #expect(text.contains("hint: did you mean `all_done`?"))
        #expect(!text.contains("error: error:"))
    }

    @Test("hostile durations and counts are refused when read", arguments: [
        "timeout: inf", "timeout: .nan", "timeout: 1e16s", "timeout: 0s", "retry_delay: -5s", "retries: 1e9",
        "retries: 99999999999999999999", "retry_delay: \"5\\0s\"", "max_retry_delay: [1]",
    ])
    func hostileSettings(setting: String) throws {
        let ws = try Workspace(); defer { ws.remove() }
        let error = pipelineError { _ = try ws.pipeline("pipeline: p\ndefaults: { \(setting) }\ntasks:\n  a: { shell: \"true\" }\n") }
        #expect(error?.code == .invalidSpec)
        #expect(error?.line == 2)
    }

    @Test("an alias bomb in a pipeline is a located error, fast")
    func aliasBomb() throws {
        let ws = try Workspace(); defer { ws.remove() }
        var yaml = "pipeline: p\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
        for i in 1...9 { yaml += "x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "tasks:\n  a: { shell: \"true\" }\n"
        let started = Date()
        let error = pipelineError { _ = try ws.pipeline(yaml) }
        #expect(error?.message.contains("more than 200000 YAML nodes") == true)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("the key definitions are the parser's allowed keys")
    func keysDriveParsing() {
        #expect(Pipeline.topKeys.contains("max_parallel_tasks"))
        #expect(Pipeline.settingKeys == ["retries", "retry_delay", "retry_backoff", "max_retry_delay", "retry_jitter", "timeout"])
        #expect(Pipeline.reference.markdown.contains("| `timeout` | duration > 0 |"))
    }
}
