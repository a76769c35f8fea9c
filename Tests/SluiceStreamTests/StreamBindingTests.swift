import Foundation
import SluiceTestSupport
import Testing
@testable import SluiceStream

/// Every field a stream spec's processors, routes and Kafka keys/headers name is bound
/// against the declared record fields before any record is read.
@Suite("Stream field binding")
struct StreamBindingTests {
    static func errorText(_ yaml: String) -> (text: String, count: Int)? {
        do { _ = try StreamSpec(yaml: yaml, file: "s.yaml"); return nil } catch let error as StreamError {
            return (error.description, error.diagnostics.count)
        } catch { return ("\(error)", 0) }
    }

    @Test("typos in a filter, an enrich field, a route, a validate check and a Kafka key/header: all reported at their place, with did-you-mean")
    func typosTogether() throws {
        let yaml = """
        stream: s
        input: { file: in.jsonl }
        processors:
          - validate: { required: [user_id, event_type, timestamp], check: "user_idd != ''" }
          - filter: "event_typ != 'test'"
          - enrich:
              fields: { event_id: "user_id || '_' || timestmp" }
          - route:
              - { when: "evnt_type = 'purchase'", to: purchases }
        output:
          kafka: { topic: out, brokers: "127.0.0.1:1", key: usr_id, headers: { kind: event_tpe, id: event_id } }
        outputs: { purchases: { file: p.jsonl } }
        dead_letter: { file: dlq.jsonl }
        """
        let result = try #require(Self.errorText(yaml))
        let text = result.text
        #expect(result.count == 6, "\(text)")
        #expect(text.contains("s.yaml:4:68: error: no field \"user_idd\" at this point (fields: user_id, event_type, timestamp)"), "\(text)")
        #expect(text.contains("did you mean `user_id`?"), "\(text)")
        #expect(text.contains("s.yaml:5:13: error: no field \"event_typ\" at this point"), "\(text)")
        #expect(text.contains("did you mean `event_type`?"), "\(text)")
        #expect(text.contains("s.yaml:7:27: error: no field \"timestmp\" at this point"), "\(text)")
        #expect(text.contains("did you mean `timestamp`?"), "\(text)")
        #expect(text.contains("s.yaml:9:17: error: no field \"evnt_type\""), "\(text)")
        #expect(text.contains("s.yaml:11:53: error: no field \"usr_id\" at this point (fields: user_id, event_type, timestamp, event_id)"), "\(text)")
        #expect(text.contains("s.yaml:11:78: error: no field \"event_tpe\""), "\(text)")
        // The caret points at the field inside the expression.
        #expect(text.contains("  event_typ != 'test'\n  ^"), "\(text)")
    }

    @Test("fields: declares optional input fields; a field neither declared nor added is an error that says how to declare it")
    func declaredFields() throws {
        let body = """
        input: { file: in.jsonl }
        processors:
          - validate: { required: [user_id] }
          - filter: "country = 'DE'"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """
        let undeclared = try #require(Self.errorText(body))
        #expect(undeclared.text.contains("s.yaml:4:13: error: no field \"country\" at this point (fields: user_id)"), "\(undeclared.text)")
        #expect(undeclared.text.contains("declare every field records carry in `fields:`"), "\(undeclared.text)")
        let spec = try StreamSpec(yaml: "fields: [user_id, country]\n" + body, file: "s.yaml")
        #expect(spec.fields == ["user_id", "country"])
        _ = try StreamProcessor(spec)
        // With `fields:`, a required field it does not list is a typo too.
        let typo = try #require(Self.errorText("fields: [user_id, country]\n" + body.replacingOccurrences(of: "[user_id]", with: "[user_ud]")))
        #expect(typo.text.contains("s.yaml:4:28: error: no field \"user_ud\""), "\(typo.text)")
        #expect(typo.text.contains("did you mean `user_id`?"), "\(typo.text)")
    }

    @Test("a spec that declares no input field binds only what processors add")
    func openInput() throws {
        let spec = try StreamSpec(yaml: """
        input: { file: in.jsonl }
        processors:
          - filter: "anything != 'x'"
          - map: { id: anything }
          - filter: "id != ''"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """, file: "s.yaml")
        #expect(StreamSpecParser.declaredInputFields(spec.processors, fields: spec.fields) == nil)
        let afterMap = try #require(Self.errorText("""
        input: { file: in.jsonl }
        processors:
          - map: { id: anything }
          - filter: "idd != ''"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """))
        #expect(afterMap.text.contains("s.yaml:4:13: error: no field \"idd\" at this point (fields: id)"), "\(afterMap.text)")
    }

    @Test("key and headers are refused on inputs and the dead-letter output")
    func keyPlacement() throws {
        let result = try #require(Self.errorText("""
        input: { kafka: { topic: in, group: g, brokers: "127.0.0.1:1", key: a } }
        processors: []
        output: { file: out.jsonl }
        dead_letter: { kafka: { topic: dlq, brokers: "127.0.0.1:1", headers: { h: a } } }
        """))
        #expect(result.text.contains("s.yaml:1:64: error: `key` applies to a Kafka output only"), "\(result.text)")
        #expect(result.text.contains("`key` and `headers` apply to `output` and `outputs` only"), "\(result.text)")
    }

    @Test("the user_events example binds: every field it reads is declared by its validate and defaults")
    func example() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/user_events/spec.yaml")
        let spec = try StreamSpec(yaml: try String(contentsOf: url, encoding: .utf8), file: "spec.yaml")
        #expect(StreamSpecParser.declaredInputFields(spec.processors, fields: spec.fields) == ["user_id", "event_type", "timestamp", "metadata"])
    }

    @Test("a type error found when compiling is located at its processor")
    func typeErrorLocated() throws {
        let spec = try StreamSpec(yaml: """
        input: { file: in.jsonl }
        processors:
          - validate: { required: [amount] }
          - filter: "amount > 10"
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        """, file: "t.yaml")
        do { _ = try StreamProcessor(spec); Issue.record("expected a type error") } catch let error as StreamError {
            #expect(error.diagnostics.count == 1)
            #expect(error.description.hasPrefix("t.yaml:4:5: error: processor 2 (filter): '>' cannot compare or combine string with int64"), "\(error)")
            #expect(error.description.contains("declare e.g. `types: { amount: float64 }`"), "\(error)")
        }
    }
}
