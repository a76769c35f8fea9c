import Foundation
import SluiceSpec
import Testing
@testable import SluiceStream

/// Stream specs read through the one spec layer: bounded alias expansion, checked durations.
@Suite("StreamSpec limits")
struct StreamSpecLimitsTests {
    static func spec(enrichDefaults: String = "{ metadata: {} }", settings: String = "{}") -> String {
        """
        stream: s
        input: { file: in.jsonl }
        processors:
          - enrich: { defaults: \(enrichDefaults) }
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        settings: \(settings)
        """
    }

    @Test("aliases in enrich.defaults that expand exponentially are refused fast, located")
    func aliasBomb() {
        var anchors = "x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
        for i in 1...9 { anchors += "x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let yaml = anchors.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n"
            + Self.spec(enrichDefaults: "{ metadata: [" + anchors.split(separator: "\n").map { String($0.dropFirst(4)) }.joined(separator: ", ") + "] }")
        let started = Date()
        let error = #expect(throws: StreamError.self) { try StreamSpec(yaml: yaml, file: "bomb.yaml") }
        #expect(error?.diagnostics.first?.code == .limit)
        #expect(error?.description.hasPrefix("bomb.yaml:") == true)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("durations: one grammar, finite and bounded", arguments: ["1e16s", "inf", ".nan", "-1s", "1e300s", "99999999999999999999"])
    func hostileDurations(value: String) {
        let error = #expect(throws: StreamError.self) { try StreamSpec(yaml: Self.spec(settings: "{ commit_interval: \"\(value)\" }"), file: "s.yaml") }
        #expect(error?.diagnostics.first?.line == 7)
        #expect(error?.diagnostics.first?.message.hasPrefix("commit_interval") == true)
    }

    @Test("d and w units now work in streams too")
    func longUnits() throws {
        let spec = try StreamSpec(yaml: Self.spec(settings: "{ status_interval: 1d, retry_backoff: 250ms }"), file: "s.yaml")
        #expect(spec.settings.statusInterval == .seconds(86_400))
        #expect(spec.settings.retryBackoff == .milliseconds(250))
    }
}
