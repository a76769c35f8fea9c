import Foundation
import Testing
@testable import SluiceStream

/// Runs `records` (one per line) through a spec with the given processors.
private func process(_ processors: String, _ records: [String], outputs: String = "", settings: String = "") throws -> ProcessedBatch {
    let yaml = """
    stream: t
    input: { file: in.jsonl }
    processors:
    \(processors)
    output: { file: out.jsonl }
    \(outputs)
    dead_letter: { file: dlq.jsonl }
    \(settings)
    """
    let processor = try StreamProcessor(try StreamSpec(yaml: yaml))
    let batch = RawBatch(origin: "in.jsonl", isKafka: false)
    for (i, r) in records.enumerated() { batch.append(Array(r.utf8), offset: Int64(i + 1)) }
    return processor.process(batch)
}

private let userEventProcessors = """
  - validate:
      required: [user_id, event_type, timestamp]
      types: { user_id: string, event_type: string }
  - enrich:
      fields:
        processed_at: now()
        event_id: "user_id || '_' || timestamp"
      defaults:
        metadata: {}
  - map:
      id: event_id
      user_id: user_id
      event_type: event_type
      timestamp: timestamp
      metadata: metadata
"""

@Suite("StreamProcessor")
struct StreamProcessorTests {
    @Test("the seed's processor: ids, defaults, JSON kept as written")
    func userEvents() throws {
        let result = try process(userEventProcessors, [
            #"{"user_id":"u1","event_type":"click","timestamp":"2024-01-01T00:00:00Z","metadata":{"a":[1,2]},"extra":true}"#,
            #"{"timestamp":1704067200,"event_type":"view","user_id":"u\"2\u00e9"}"#,
        ])
        #expect(result.deadLetters.count == 0)
        #expect(result.outputs[0].text == """
        {"id":"u1_2024-01-01T00:00:00Z","user_id":"u1","event_type":"click","timestamp":"2024-01-01T00:00:00Z","metadata":{"a":[1,2]}}
        {"id":"u\\"2é_1704067200","user_id":"u\\"2é","event_type":"view","timestamp":1704067200,"metadata":{}}

        """)
    }

    @Test("a float field reads NaN and infinities written as JSON strings and writes them back the same way")
    func nonFiniteFloats() throws {
        let result = try process("""
          - validate:
              types: { x: float64 }
          - enrich:
              fields:
                y: "x * 2"
        """, [#"{"x":"NaN"}"#, #"{"x":"-Infinity"}"#, #"{"x":1.5}"#, #"{"x":"many"}"#])
        #expect(result.deadLetters.count == 1)
        #expect(result.outputs[0].text == """
        {"x":"NaN","y":"NaN"}
        {"x":"-Infinity","y":"-Infinity"}
        {"x":1.5,"y":3.0}

        """)
    }

    @Test("required: a missing field and a field held as null get their own messages; present values of any JSON type pass")
    func requiredPresence() throws {
        let result = try process("""
          - validate: { required: [a, b] }
        """, [#"{"a":1,"b":{"x":null}}"#, #"{"a":null,"b":[1]}"#, #"{"b":"x"}"#, #"{"a":null}"#, #"{"a":false,"b":""}"#])
        #expect(result.outputs[0].rows == [0, 4])
        #expect(result.outputs[0].text == "{\"a\":1,\"b\":{\"x\":null}}\n{\"a\":false,\"b\":\"\"}\n")
        let errors = result.deadLetters.text.split(separator: "\n").compactMap { field("error", in: String($0)) }
        #expect(errors == [#"required field "a" is null"#, #"missing required field "a""#,
                           #"missing required field "b"; required field "a" is null"#])
    }

    @Test("examples/user_events keeps the seed's rules: any JSON type, ids from the values as written, metadata defaulted")
    func exampleFollowsSeed() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/user_events/spec.yaml")
        let spec = try StreamSpec(yaml: try String(contentsOf: url, encoding: .utf8), file: "spec.yaml")
        guard case .validate(let v) = spec.processors[0] else { Issue.record("not validate"); return }
        #expect(v.types.isEmpty, "the seed has no type rules")
        let processor = try StreamProcessor(spec)
        let batch = RawBatch(origin: "events.jsonl", isKafka: false)
        let records = [
            #"{"user_id":42,"event_type":"click","timestamp":1704067200.50,"metadata":{"k":[1]}}"#,
            #"{"user_id":"u2","event_type":["x"],"timestamp":"2024-01-01T00:00:00Z","extra":1}"#,
            #"{"user_id":"u3","event_type":"view"}"#,
        ]
        for (i, r) in records.enumerated() { batch.append(Array(r.utf8), offset: Int64(i + 1)) }
        let result = processor.process(batch)
        let lines = result.outputs[0].text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(field("id", in: lines[0]) == "42_1704067200.50")
        #expect(lines[0].contains(#""user_id":42,"#) && lines[0].contains(#""timestamp":1704067200.50,"#))
        #expect(lines[0].hasSuffix(#""metadata":{"k":[1]}}"#))
        #expect(field("id", in: lines[1]) == #"u2_2024-01-01T00:00:00Z"#)
        #expect(lines[1].contains(#""event_type":["x"]"#) && lines[1].hasSuffix(#""metadata":{}}"#) && !lines[1].contains("extra"))
        #expect(field("error", in: result.deadLetters.text.trimmingCharacters(in: .newlines)) == #"missing required field "timestamp""#)
    }

    @Test("bad records go to the DLQ with an envelope; the rest go on")
    func deadLetters() throws {
        let huge = #"{"user_id":"u","event_type":"e","timestamp":"t","pad":""# + String(repeating: "x", count: 3000) + "\"}"
        let records = [
            #"{"user_id":"u1","event_type":"click","timestamp":"t1"}"#,
            #"{"user_id":"u2","event_type":"click""#,                   // malformed
            #"{"event_type":"click","timestamp":"t3"}"#,               // missing user_id
            #"{"user_id":null,"event_type":"click"}"#,                 // null and missing
            #"{"user_id":"u5","event_type":7,"timestamp":"t5"}"#,      // wrong type
            "",                                                         // empty line
            "  \r",                                                     // blank
            "[1,2]",                                                    // not an object
            huge,                                                       // too big
            "{\"user_id\":\"\u{FF}\"}".replacingOccurrences(of: "\u{FF}", with: "x"),
            #"{"user_id":"u11","event_type":"click","timestamp":"t11"}"#,
        ]
        var batchRecords = records.map { Array($0.utf8) }
        batchRecords[9] = Array(#"{"user_id":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)   // not UTF-8
        let processor = try StreamProcessor(try StreamSpec(yaml: """
        input: { file: in.jsonl }
        processors:
        \(userEventProcessors)
        output: { file: out.jsonl }
        dead_letter: { file: dlq.jsonl }
        settings: { max_record_bytes: 2048 }
        """))
        let batch = RawBatch(origin: "in.jsonl", isKafka: false)
        for (i, r) in batchRecords.enumerated() { batch.append(r, offset: Int64(i + 1)) }
        let result = processor.process(batch)
        let ids = result.outputs[0].text.split(separator: "\n").compactMap { field("id", in: String($0)) }
        #expect(ids == ["u1_t1", "u11_t11"])
        let envelopes = result.deadLetters.text.split(separator: "\n").map { object(String($0))! }
        #expect(envelopes.count == 9)
        let byLine = Dictionary(uniqueKeysWithValues: envelopes.map { (($0["source"] as! [String: Any])["line"] as! Int, $0) })
        #expect(Set(byLine.keys) == [2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(byLine[2]?["processor"] as? String == "parse")
        #expect(byLine[2]?["step"] as? Int == 0)
        #expect(byLine[2]?["error"] as? String == "invalid JSON at byte 37: expected `,` or `}`, found end of record")
        #expect(byLine[2]?["original"] as? String == records[1])
        #expect(byLine[3]?["error"] as? String == #"missing required field "user_id""#)
        #expect(byLine[3]?["processor"] as? String == "validate")
        #expect(byLine[3]?["step"] as? Int == 1)
        #expect(byLine[4]?["error"] as? String == #"missing required field "timestamp"; required field "user_id" is null"#)
        #expect(byLine[5]?["error"] as? String == #"field "event_type": expected string, found number 7"#)
        #expect(byLine[5]?["processor"] as? String == "validate")
        #expect(byLine[6]?["error"] as? String == "empty record")
        #expect(byLine[6]?["original"] as? String == "")
        #expect(byLine[7]?["original"] as? String == "  \r")
        #expect((byLine[8]?["error"] as? String)?.contains("expected `{`") == true)
        #expect(byLine[9]?["error"] as? String == "record is \(huge.utf8.count) bytes, more than max_record_bytes (2048)")
        #expect(byLine[9]?["original"] as? String == huge)
        #expect(byLine[10]?["original"] == nil)
        #expect(byLine[10]?["original_base64"] as? String == Data(batchRecords[9]).base64EncodedString())
        #expect((byLine[10]?["error"] as? String)?.contains("not valid UTF-8") == true)
        let source = byLine[3]?["source"] as? [String: Any]
        #expect(source?["file"] as? String == "in.jsonl")
        #expect((byLine[3]?["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test("validate check, filter and route work on whole columns", arguments: [0, 1, 63, 64, 65, 1000])
    func filterAndRoute(count: Int) throws {
        let records = (0..<count).map { #"{"n":\#($0),"kind":"\#($0 % 3 == 0 ? "a" : "b")"}"# }
        let result = try process("""
          - validate: { types: { n: int64 }, check: "n <> 7", message: "seven is not allowed" }
          - filter: "n % 2 = 0 or kind = 'a'"
          - route:
              - { when: "kind = 'a'", to: alpha }
        """, records, outputs: "outputs: { alpha: { file: a.jsonl } }\nfields: [n, kind]")   // `kind` is read, not validated: declared
        let kept = (0..<count).filter { $0 != 7 && ($0 % 2 == 0 || $0 % 3 == 0) }
        let alpha = kept.filter { $0 % 3 == 0 }, main = kept.filter { $0 % 3 != 0 }
        func ns(_ e: EncodedRecords) -> [Int] { e.text.split(separator: "\n").map { Int(field("n", in: String($0))!)! } }
        #expect(ns(result.outputs[1]) == alpha)
        #expect(ns(result.outputs[0]) == main)
        #expect(result.deadLetters.count == (count > 7 ? 1 : 0))
        #expect(result.filtered == (0..<count).filter { $0 != 7 }.count - kept.count)
        if count > 7 { #expect(field("error", in: result.deadLetters.text.trimmingCharacters(in: .newlines)) == "seven is not allowed") }
        // Per-record output boundaries and rows match.
        for (i, row) in result.outputs[0].rows.enumerated() {
            #expect(field("n", in: String(decoding: result.outputs[0].record(i), as: UTF8.self)) == String(row))
        }
    }

    @Test("an expression that fails on some rows dead-letters only those rows")
    func rowErrors() throws {
        let result = try process("""
          - validate: { types: { n: int64 } }
          - enrich: { fields: { big: "n * 1000000000000" } }
        """, [#"{"n":1}"#, #"{"n":9000000000}"#, #"{"n":3}"#])
        #expect(result.outputs[0].rows == [0, 2])
        #expect(result.deadLetters.rows == [1])
        #expect(field("processor", in: result.deadLetters.text.trimmingCharacters(in: .newlines)) == "enrich")
        #expect(field("big", in: String(decoding: result.outputs[0].record(1), as: UTF8.self)) == "3000000000000")
    }

    @Test("typed fields are written back as JSON of their type; without map every field passes through as the record had it")
    func passThrough() throws {
        let result = try process("""
          - validate: { types: { at: timestamp, ok: bool, x: float64 } }
          - enrich: { fields: { day: "date_trunc('day', at)" } }
        """, [#"{"id":1,"at":"2024-03-04T05:06:07Z","ok":true,"x":1.5,"tags":["a"],"s":"q\"\n"}"#, #"{"id":2,"new":null}"#])
        #expect(result.outputs[0].text == """
        {"id":1,"at":"2024-03-04T05:06:07Z","ok":true,"x":1.5,"tags":["a"],"s":"q\\"\\n","day":"2024-03-04T00:00:00Z"}
        {"id":2,"new":null,"day":null}

        """)
    }
}
