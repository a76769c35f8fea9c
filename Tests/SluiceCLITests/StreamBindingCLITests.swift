import Foundation
import SluiceTestSupport
import Testing
import SluiceTestSupport

/// `sluice stream validate` and `stream run` bind every field a stream spec names before
/// reading a record.
@Suite("Stream field binding (CLI)")
struct StreamBindingCLITests {
    static let spec = """
    stream: s
    input: { file: in.jsonl }
    processors:
      - validate: { required: [user_id, event_type] }
      - filter: "event_typ != 'test'"
      - map: { id: user_id, kind: event_type }
      - route:
          - { when: "knd = 'a'", to: alpha }
    output: { file: out.jsonl }
    outputs: { alpha: { file: alpha.jsonl } }
    dead_letter: { file: dlq.jsonl }
    """

    @Test("validate reports every field typo at file:line:column with did-you-mean (exit 2); run refuses before reading")
    func typos() throws {
        let dir = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.spec.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        try #"{"user_id":"u1","event_type":"a"}"#.appending("\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let validate = try CLI.run(["stream", "validate", "s.yaml"], in: dir)
        #expect(validate.status == 2, "\(validate.stderr)")
        #expect(validate.stderr.contains("s.yaml:5:13: error: no field \"event_typ\" at this point (fields: user_id, event_type)"), "\(validate.stderr)")
        #expect(validate.stderr.contains("did you mean `event_type`?"), "\(validate.stderr)")
        #expect(validate.stderr.contains("s.yaml:8:17: error: no field \"knd\" at this point (fields: id, kind)"), "\(validate.stderr)")
        #expect(validate.stderr.contains("did you mean `kind`?"), "\(validate.stderr)")
        let run = try CLI.run(["stream", "run", "s.yaml"], in: dir)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("s.yaml:5:13: error: no field \"event_typ\""), "\(run.stderr)")
        for name in ["out.jsonl", "alpha.jsonl", "dlq.jsonl"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) was written")
        }
        // Fixed, it validates and says what it bound against.
        try Self.spec.replacingOccurrences(of: "event_typ ", with: "event_type ").replacingOccurrences(of: "knd", with: "kind")
            .write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let fixed = try CLI.run(["stream", "validate", "s.yaml"], in: dir)
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stdout.contains("fields bound against: user_id, event_type (from validate and enrich defaults)"), "\(fixed.stdout)")
    }
}
