import Foundation
import Testing
import SluiceTestSupport

/// `validate` and `run` on pipelines holding hostile values, through the built binary:
/// every outcome is an exit status (0, 1, 2), never a signal, and what `validate` accepts
/// does not fail as a spec error when it runs.
@Suite("Hostile pipeline values through the binary")
struct HostileSpecCommandTests {
    static let values = ["1e300s", "inf", ".nan", "1e16s", "-5s", "3650d", "0.001ms", "99999999999999999999", "\"5\\0s\"", "[1]", "{}", "\"\""]
    static let keys = ["timeout", "retry_delay", "max_retry_delay", "retries", "retry_backoff", "retry_jitter"]

    @Test("validate and run exit cleanly for every hostile task setting")
    func settings() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        var validated = 0
        for (index, (key, value)) in Self.keys.flatMap({ key in Self.values.map { (key, $0) } }).enumerated() {
            let name = "p\(index).yaml"
            let yaml = "pipeline: p\(index)\ndefaults: { \(key): \(value), retry_backoff: exponential }\ntasks:\n  a: { shell: \"true\" }\n  b: { shell: \"true\", after: [a] }\n"
                .replacingOccurrences(of: "retry_backoff: \(value), retry_backoff: exponential", with: "retry_backoff: \(value)")
            try yaml.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            let validate = try CLI.run(["validate", name], in: dir)
            #expect([0, 2].contains(validate.status), "\(key): \(value): validate exit \(validate.status)\n\(validate.stderr)")
            #expect(!validate.stderr.contains("error: error:"))
            guard validate.status == 0 else {
                #expect(validate.stderr.contains("\(name):2:"), "\(key): \(value): \(validate.stderr)")
                continue
            }
            validated += 1
            let run = try CLI.run(["run", name, "--date", "2024-01-02"], in: dir)
            // A tiny timeout may time the task out (exit 1); a spec error (2) or a signal may not happen.
            #expect([0, 1].contains(run.status), "\(key): \(value): run exit \(run.status)\n\(run.stderr)")
            #expect(!run.stderr.contains("failed: failed:"))
        }
        #expect(validated > 0)
    }

    @Test("an alias bomb and deep nesting are refused by validate at once")
    func bounded() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = "pipeline: p\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
        for i in 1...9 { yaml += "x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        try (yaml + "tasks:\n  a: { shell: \"true\" }\n").write(to: dir.appendingPathComponent("bomb.yaml"), atomically: true, encoding: .utf8)
        let bomb = try CLI.run(["validate", "bomb.yaml"], in: dir)
        #expect(bomb.status == 2)
        #expect(bomb.stderr.contains("more than 200000 YAML nodes"), "\(bomb.stderr)")
        let deep = "pipeline: p\ntasks:\n  e: { extract: { file: in.csv } }\n  a:\n    after: [e]\n    transform:\n      - filter: \"" + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + "\"\n"
        try deep.write(to: dir.appendingPathComponent("deep.yaml"), atomically: true, encoding: .utf8)
        let nested = try CLI.run(["validate", "deep.yaml"], in: dir)
        #expect(nested.status == 2, "\(nested.stderr)")
        #expect(nested.stderr.contains("nests more than 64 levels"), "\(nested.stderr)")
    }
}
