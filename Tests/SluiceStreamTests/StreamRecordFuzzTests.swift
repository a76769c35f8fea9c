import Foundation
import SluiceCore
import Testing
@testable import SluiceFormats
@testable import SluiceStream

/// The committed seed corpus: one record per line (typed fields, escapes, nulls, nesting,
/// wrong types). Reproducers of anything the fuzzer finds are added here.
private let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/record-corpus").path

/// Two processors over the records: typed validation, an expression, a filter and a map;
/// and one that passes records through whole (unknown keys become fields).
private let specs = [
    """
    stream: typed
    fields: [user_id, event_type, timestamp, n, amount, ok, day, metadata]
    input: { kafka: { brokers: "127.0.0.1:1", topic: events, group: g } }
    processors:
      - validate:
          required: [user_id]
          types: { n: int64, amount: float64, ok: bool, day: date, timestamp: timestamp }
      - enrich:
          fields:
            key: "user_id || '_' || event_type"
      - filter: "n is null or n % 3 <> 0"
      - map: { key: key, n: n, amount: amount, ok: ok, day: day, metadata: metadata }
    output: { file: out.jsonl }
    dead_letter: { file: dlq.jsonl }
    """,
    """
    stream: passthrough
    input: { kafka: { brokers: "127.0.0.1:1", topic: events, group: g } }
    processors:
      - validate: { types: { n: float64 } }
    output: { file: out.jsonl }
    dead_letter: { file: dlq.jsonl }
    settings: { max_record_bytes: 600 }
    """,
]

/// Where one record went: an output, the dead-letter output (with the reason), or dropped by a filter.
enum StreamRecordFate: Equatable {
    case output
    case deadLetter(step: Int, message: String)
    case filtered
}

@Suite("Stream record decoding: fuzz")
struct StreamRecordFuzzTests {
    /// Byte strings that stress the record decoder: hostile numbers, escapes, UTF-8, structure.
    static let tokens: [[UInt8]] = [
        "1e400", "99999999999999999999", "-9223372036854775809", "-0", "01", "1.", "\\u", "\\uD800", "\\uDC00\\u0041", "\\q",
        "\"", "{", "}", "[", "]", ":", ",", "null", "tru", "\"NaN\"", "\"2024-13-01\"", "\n", "\r", "\t", " ",
        String(repeating: "[", count: 300), String(repeating: "x", count: 700),
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xB0, 0x80], [0xF0, 0x9F, 0x98], [0x00]]

    static func records() throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: corpusDirectory).sorted().flatMap { name in
            try String(contentsOfFile: corpusDirectory + "/" + name, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        }
    }

    /// A record from the corpus with up to four mutations: a flipped bit, an inserted token,
    /// a cut, a deleted range, or a piece of another record.
    static func mutated(_ records: [[UInt8]], _ random: inout SplitMix64) -> [UInt8] {
        func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }
        var record = records[below(records.count)]
        for _ in 0..<below(5) {
            let at = below(record.count + 1)
            switch below(5) {
            case 0 where !record.isEmpty: record[min(at, record.count - 1)] ^= UInt8(1 << below(8))
            case 1: record.insert(contentsOf: tokens[below(tokens.count)], at: at)
            case 2: record = Array(record.prefix(at))
            case 3 where !record.isEmpty: record.removeSubrange(min(at, record.count - 1)..<min(record.count, at + 1 + below(10)))
            default:
                let other = records[below(records.count)]
                let start = below(other.count)
                record.insert(contentsOf: other[start..<min(other.count, start + below(40))], at: at)
            }
        }
        return record
    }

    /// Where each record of `batch` went, checking that each went exactly one place and
    /// that every written record is one JSON object.
    static func fates(_ result: ProcessedBatch, count: Int) -> [StreamRecordFate?] {
        var fates = [StreamRecordFate?](repeating: nil, count: count)
        let check = JSONObjectDecoder(unknownKeys: .addColumn, unit: "record")
        for i in 0..<result.outputs[0].count {
            let row = Int(result.outputs[0].rows[i])
            #expect(fates[row] == nil, "record \(row) written twice")
            fates[row] = .output
            #expect(throws: Never.self) { try check.decode(result.outputs[0].record(i)) }
        }
        for (i, reason) in result.deadLetterReasons.enumerated() {
            #expect(fates[reason.row] == nil, "record \(reason.row) written twice")
            fates[reason.row] = .deadLetter(step: reason.step, message: reason.message)
            #expect(throws: Never.self) { try check.decode(result.deadLetters.record(i)) }
            #expect(!reason.message.isEmpty)
        }
        #expect(result.outputs[0].count + result.deadLetters.count + result.filtered == count)
        for row in fates.indices where fates[row] == nil { fates[row] = .filtered }
        return fates
    }

    @Test("mutated records in batches (4 s): each record is output, filtered or dead-lettered with a located reason, the same as alone")
    func fuzz() throws {
        let records = try Self.records()
        try #require(records.count >= 8)
        let processors = try specs.map { try StreamProcessor(try StreamSpec(yaml: $0)) }
        var random = SplitMix64(seed: 31)
        var counts: [String: Int] = [:]
        var batches = 0
        let deadline = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < deadline || batches < 100 {
            let processor = processors[batches % processors.count]
            batches += 1
            let batch = RawBatch(origin: "events", isKafka: true)
            let size = 1 + Int(random.next() % 12)
            var inputs: [[UInt8]] = []
            for i in 0..<size {
                let record = Self.mutated(records, &random)
                inputs.append(record)
                batch.append(record, partition: Int32(i % 3), offset: Int64(1000 + i))
            }
            let fates = Self.fates(processor.process(batch), count: size)
            for (row, fate) in fates.enumerated() {
                switch fate {
                case .deadLetter(let step, let message):
                    counts[step == 0 ? String(message.prefix(9)) : "step \(step)", default: 0] += 1
                    // A syntax error names a byte of the record (from 1, at most one past its end).
                    if message.hasPrefix("invalid JSON at byte ") {
                        let number = Int(message.dropFirst("invalid JSON at byte ".count).prefix { $0.isNumber }) ?? 0
                        #expect(number >= 1 && number <= inputs[row].count + 1, "\(message) for \(inputs[row])")
                    }
                case .output: counts["output", default: 0] += 1
                default: counts["filtered", default: 0] += 1
                }
                // A record's fate does not depend on the others in its batch.
                let alone = RawBatch(origin: "events", isKafka: true)
                alone.append(inputs[row], partition: 0, offset: 1)
                #expect(Self.fates(processor.process(alone), count: 1)[0] == fate, "record \(row): \(inputs[row])")
            }
        }
        #expect(batches >= 100)
        #expect(counts["output", default: 0] > 0 && counts["filtered", default: 0] > 0 && counts["invalid J", default: 0] > 0, "\(counts)")
        #expect(counts.keys.count >= 5, "\(counts)")
    }

    @Test("a 100,000-level nested record is dead-lettered with a located error naming the limit, not a stack overflow")
    func deepNesting() throws {
        let processor = try StreamProcessor(try StreamSpec(yaml: specs[0]))
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let batch = RawBatch(origin: "events", isKafka: true)
            batch.append(Array(("{\"user_id\":\"u\",\"metadata\":" + String(repeating: open, count: 100_000) + String(repeating: close, count: 100_000) + "}").utf8), offset: 7)
            batch.append(Array(#"{"user_id":"v","n":1}"#.utf8), offset: 8)
            let clock = ContinuousClock()
            let started = clock.now
            let result = processor.process(batch)
            #expect(clock.now - started < .seconds(2))
            #expect(result.outputs[0].count == 1 && result.deadLetters.count == 1)
            let reason = try #require(result.deadLetterReasons.first)
            #expect(reason.row == 0 && reason.step == 0)
            #expect(reason.message.hasPrefix(open == "[" ? "invalid JSON at byte \(26 + JSONScanner.maximumDepth):" : "invalid JSON at byte "), "\(reason.message)")
            #expect(reason.message.contains("nested deeper than \(JSONScanner.maximumDepth) levels"), "\(reason.message)")
            #expect(result.deadLetters.text.contains(#""source":{"topic":"events","partition":-1,"offset":7}"#))
        }
    }
}
