import Foundation
import Testing
@testable import SluiceStream

@Suite("StreamSpec")
struct StreamSpecTests {
    @Test("parses the example spec")
    func parsesExample() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/user_events/spec.yaml")
        let spec = try StreamSpec(yaml: try String(contentsOf: url, encoding: .utf8), file: "spec.yaml")
        #expect(spec.name == "user_events")
        #expect(spec.input == .file(path: "data/events.jsonl"))
        #expect(spec.processors.map(\.kind) == ["validate", "enrich", "map"])
        guard case .validate(let v) = spec.processors[0] else { Issue.record("not validate"); return }
        #expect(v.required == ["user_id", "event_type", "timestamp"])
        guard case .enrich(let e) = spec.processors[1] else { Issue.record("not enrich"); return }
        #expect(e.defaults.map(\.json) == ["{}"])
        guard case .map(let m) = spec.processors[2] else { Issue.record("not map"); return }
        #expect(m.fields.map(\.name) == ["id", "user_id", "event_type", "timestamp", "processed_at", "metadata"])
        _ = try StreamProcessor(spec)
    }

    @Test("reports every mistake with its location and a suggestion")
    func locatedDiagnostics() {
        let yaml = """
        stream: s
        input: { file: in.jsonl }
        processors:
          - validte: { required: [a] }
          - map: { id: a, total: b }
          - filter: "totl > 0"
          - route:
              - { when: "id = 'x'", to: purchses }
        output: { file: out.jsonl }
        dead_leter: { file: dlq.jsonl }
        settings: { batch_sise: 10 }
        """
        do {
            _ = try StreamSpec(yaml: yaml, file: "s.yaml")
            Issue.record("expected an error")
        } catch let error as StreamError {
            let text = error.description
            #expect(text.contains("s.yaml:4:5: error: unknown processor \"validte\"\n  hint: did you mean `validate`?"))
            #expect(text.contains("s.yaml:10:1: error: unknown key \"dead_leter\" in the stream spec\n  hint: did you mean `dead_letter`?"))
            #expect(text.contains("s.yaml:6:13: error: no field \"totl\" at this point (fields: id, total)"))
            #expect(text.contains("hint: did you mean `total`?"))
            #expect(text.contains("error: route to unknown output \"purchses\""))
            #expect(text.contains("unknown key \"batch_sise\" in settings"))
            #expect(text.contains("error: the spec needs `dead_letter`"))
            #expect(error.diagnostics.count == 6)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an expression's syntax error points into it")
    func expressionSyntax() {
        let yaml = """
        input: { file: in.jsonl }
        processors:
          - filter: "a >"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """
        #expect(throws: StreamError.self) { try StreamSpec(yaml: yaml, file: "f.yaml") }
        do { _ = try StreamSpec(yaml: yaml, file: "f.yaml") } catch let error as StreamError {
            #expect(error.diagnostics.first?.line == 3)
            #expect(error.description.contains("a >\n    ^") || error.description.contains("  a >\n"))
        } catch {}
    }

    @Test("a type error is found before any record: undeclared fields are strings")
    func bindingTypeError() throws {
        let yaml = """
        input: { file: in.jsonl }
        processors:
          - filter: "amount > 10"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """
        let spec = try StreamSpec(yaml: yaml)
        #expect(throws: StreamError.self) { try StreamProcessor(spec) }
        let typed = try StreamSpec(yaml: yaml.replacingOccurrences(of: "  - filter", with: "  - validate: { types: { amount: float64 } }\n  - filter"))
        _ = try StreamProcessor(typed)
    }

    @Test("Kafka endpoints take brokers from the top level and ${VAR} from the environment")
    func kafkaEndpoints() throws {
        let yaml = """
        kafka: { brokers: "${BROKERS}", properties: { client.id: x } }
        input: { kafka: { topic: raw, group: g } }
        processors: []
        output: { kafka: { topic: out, properties: { compression.type: zstd } } }
        dead_letter: { kafka: dlq }
        """
        let spec = try StreamSpec(yaml: yaml, environment: ["BROKERS": "127.0.0.1:9"])
        #expect(spec.input.kafka == KafkaEndpoint(topic: "raw", brokers: "127.0.0.1:9", group: "g", properties: ["client.id": "x"]))
        #expect(spec.output.kafka?.properties == ["client.id": "x", "compression.type": "zstd"])
        #expect(spec.deadLetter.kafka?.topic == "dlq")
        #expect(throws: StreamError.self) { try StreamSpec(yaml: yaml, environment: [:]) }
        #expect(throws: StreamError.self) { try StreamSpec(yaml: yaml.replacingOccurrences(of: ", group: g", with: ""), environment: ["BROKERS": "b"]) }
    }
}
