import Foundation
import Testing
import SluiceTestSupport

@Suite("sluice lineage, docs, lint")
struct LineageCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/user_analytics/pipeline.yaml").path

    @Test("lineage prints the graph in every format")
    func lineage() throws {
        let text = try CLI.run(["lineage", Self.example])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("email             ← users.email  DIRECT/TRANSFORMATION lower(trim(email))"))
        let json = try CLI.run(["lineage", Self.example, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(parsed?["pipeline"] as? String == "user_analytics")
        #expect(try CLI.run(["lineage", Self.example, "--format", "mermaid"]).stdout.hasPrefix("flowchart LR"))
        #expect(try CLI.run(["lineage", Self.example, "--format", "dot"]).stdout.hasPrefix("digraph"))
        let bad = try CLI.run(["lineage", Self.example, "--format", "svg"])
        #expect(bad.status == 2 && bad.stderr.contains("--format must be one of text, json, mermaid, dot"))
    }

    @Test("docs writes Markdown or HTML; lint --strict passes the example and fails a careless pipeline")
    func docsAndLint() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = directory.appendingPathComponent("design.html").path
        let docs = try CLI.run(["docs", Self.example, "--format", "html", "--output", html])
        #expect(docs.status == 0, "\(docs.stderr)")
        #expect(docs.stderr.contains("wrote \(html)"))
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<h2>Data Quality</h2>"))
        #expect(try CLI.run(["docs", Self.example]).stdout.hasPrefix("## Data Pipeline Design: user_analytics"))

        let strict = try CLI.run(["lint", Self.example, "--strict"])
        #expect(strict.status == 0, "\(strict.stdout)\(strict.stderr)")
        #expect(strict.stdout.hasPrefix("user_analytics: 8/8 checklist lines pass"))
        let careless = directory.appendingPathComponent("careless.yaml")
        try "pipeline: careless\ntasks:\n  hello: { shell: echo hi }\n".write(to: careless, atomically: true, encoding: .utf8)
        let failing = try CLI.run(["lint", careless.path, "--strict", "--format", "json"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("\"passed\": false"))
        #expect(failing.stderr.contains("checklist line(s) miss (--strict)"))
        #expect(try CLI.run(["lint", careless.path]).status == 0)
    }

    @Test("docs with a state store it cannot read: the document says so, standard error warns, the command succeeds")
    func docsUnreadableHistory() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        try "pipeline: hist\ntasks:\n  hello: { shell: echo hi }\n".write(to: directory.appendingPathComponent("pipeline.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".sluice"), withIntermediateDirectories: true)
        try String(repeating: "not a database ", count: 100).write(to: directory.appendingPathComponent(".sluice/state.db"), atomically: true, encoding: .utf8)
        let docs = try CLI.run(["docs", "pipeline.yaml"], in: directory)
        #expect(docs.status == 0, "\(docs.stderr)")
        #expect(docs.stderr.hasPrefix("warning: run history unavailable: state store read_runs for pipeline hist failed: "), "\(docs.stderr)")
        #expect(docs.stdout.contains("Run history unavailable: state store read_runs for pipeline hist failed: "))
        #expect(!docs.stdout.contains("No runs recorded yet"))
    }

    @Test("a stream run emits START and COMPLETE to the project's lineage file, with record counts")
    func streamLineage() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("sluice.yaml", "lineage: { file: lineage.jsonl }\n")
        try write("in.jsonl", "{\"user_id\":1,\"event_type\":\"click\",\"timestamp\":\"t\"}\n{\"bad\":1}\n")
        try write("spec.yaml", "stream: demo\ninput: { file: in.jsonl }\nprocessors:\n  - validate: { required: [user_id] }\noutput: { file: out.jsonl }\ndead_letter: { file: dlq.jsonl }\n")
        let run = try CLI.run(["stream", "run", "spec.yaml", "--quiet"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOf: directory.appendingPathComponent("lineage.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"eventType\":\"START\"") == true)
        #expect(lines.last?.contains("\"eventType\":\"COMPLETE\"") == true)
        #expect(lines.last?.contains("\"inputStatistics\"") == true && lines.last?.contains("\"rowCount\":2") == true)
    }
}
