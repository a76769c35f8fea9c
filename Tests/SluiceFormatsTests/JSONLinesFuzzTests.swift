import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFormats

/// The committed seed corpus: small JSON Lines files with every inferred type, escapes and
/// surrogate pairs, edge numbers, widening, a byte order mark with `\r\n` line ends, and
/// nesting. Reproducers of anything the fuzzer finds are added here.
private let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jsonl-corpus").path

/// A JSON Lines read's outcome: the one ``ReadOutcome`` of the CSV fuzz tests.
extension ReadOutcome {
    /// Reads `bytes` split into reads of `chunkSizes`; a ``FormatError`` is an outcome, any
    /// other error escapes and fails the test.
    init(_ bytes: [UInt8], options: JSONLinesReadOptions, chunkSizes: [Int] = []) throws {
        do {
            let result = try readJSONLines(bytes, chunkSizes: chunkSizes, options: options)
            self = .table(result.table, result.report)
        } catch let error as FormatError {
            self = .error(error.code, line: error.line, column: error.column, message: error.message)
        }
    }
}

@Suite("JSONLinesReader: fuzz")
struct JSONLinesFuzzTests {
    /// Byte strings JSON readers trip on: hostile numbers, escapes, UTF-8, structure.
    static let tokens: [[UInt8]] = [
        "1e400", "-1e400", "1e-400", "99999999999999999999", "-9223372036854775809", "9223372036854775808", "-0", "0.",
        ".5", "01", "1e", "-", "+1", "NaN", "Infinity", "\"NaN\"", "\"-Infinity\"", "1.7976931348623157e309",
        "\\u", "\\u12", "\\uD800", "\\uDC00", "\\uD83D\\uDE00", "\\uD83D\\u0041", "\\x", "\\", "\\\"", "\"", "\"\"",
        "{", "}", "[", "]", ":", ",", "{}", "[]", "null", "nul", "true", "tru", "false", "\n", "\r\n", "\r", " ", "\t",
        "\"k\":", "\"2024-02-30\"", "\"2024-01-01T25:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"",
        String(repeating: "[", count: 300), String(repeating: "{\"a\":", count: 300),
    ].map { Array($0.utf8) } + [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0x00], [0x80],
    ]

    static func corpus() throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: corpusDirectory).sorted().map { try readFile(corpusDirectory + "/" + $0) }
    }

    /// One to six mutations of a seed: bit flips, token insertions, deletions, duplicated
    /// ranges, splices from another seed, truncation, and stray line breaks (the CSV fuzz
    /// test passes its own tokens).
    static func mutate(_ corpus: [[UInt8]], _ random: inout SplitMix64, tokens: [[UInt8]] = tokens) -> [UInt8] {
        func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }
        var bytes = corpus[below(corpus.count)]
        for _ in 0..<(1 + below(6)) {
            let at = below(bytes.count + 1)
            switch below(8) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1, 2: bytes.insert(contentsOf: tokens[below(tokens.count)], at: at)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + below(12))
                bytes.removeSubrange(min(at, end)..<end)
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count), end = min(bytes.count, start + 1 + below(60))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            case 5:
                let other = corpus[below(corpus.count)]
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + below(80))], at: at)
            case 6: bytes = Array(bytes.prefix(at))
            default: bytes.insert(0x0A, at: at)
            }
        }
        return bytes
    }

    static func options(_ random: inout SplitMix64) -> JSONLinesReadOptions {
        var options = JSONLinesReadOptions()
        if random.next() % 3 == 0 { options.inferenceRows = 1 + Int(random.next() % 3) }
        if random.next() % 3 == 0 { options.batchSize = 1 + Int(random.next() % 3) }
        if random.next() % 2 == 0 { options.badLines = .skip }
        if random.next() % 6 == 0 { options.schemaOverride = Schema([Field("id", [.string, .int64, .float64, .decimal(precision: 10, scale: 2)][Int(random.next() % 4)])]) }
        return options
    }

    @Test("every seed of the committed corpus reads (leaving out its bad lines)")
    func corpusReads() throws {
        let corpus = try Self.corpus()
        try #require(corpus.count >= 5)
        for bytes in corpus { #expect(try readJSONLines(bytes, options: .init(badLines: .skip)).table.rowCount > 0) }
    }

    @Test("a key seen only on a skipped sampled line is a string column, and may be overridden (found by the fuzzer: it crashed)")
    func keyOnlyOnSkippedLine() throws {
        let bytes = try readFile(corpusDirectory + "/repro-key-on-skipped-line.jsonl")
        let skipped = try readJSONLines(bytes, options: .init(badLines: .skip))
        #expect(skipped.schema == Schema([Field("id", .int64), Field("zz", .string)]))
        #expect(skipped.table.rowCount == 2 && skipped.report.skippedRows == 1)
        let overridden = try readJSONLines(bytes, options: .init(schemaOverride: Schema([Field("zz", .int64)]), badLines: .skip))
        #expect(overridden.schema == Schema([Field("id", .int64), Field("zz", .int64)]))
        #expect(overridden.table.columns[1].nullCount == 2)
        // The same whether or not a good line follows the bad one.
        let followed = try readJSONLines(bytes + Array("{\"id\":4}\n".utf8), options: .init(badLines: .skip))
        #expect(followed.schema == skipped.schema)
    }

    @Test("mutated seeds (5 s): a table or a FormatError located to line and column, the same whatever the read split")
    func fuzz() throws {
        let corpus = try Self.corpus()
        var random = SplitMix64(seed: 11)
        var outcomes: [String: Int] = [:]
        var tries = 0
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline || tries < 300 {
            let bytes = Self.mutate(corpus, &random)
            let options = Self.options(&random)
            tries += 1
            let whole = try ReadOutcome(bytes, options: options)
            let byteByByte = try ReadOutcome(bytes, options: options, chunkSizes: [1])
            #expect(whole == byteByByte, "input \(tries): \(bytes)")
            let chunked = try ReadOutcome(bytes, options: options, chunkSizes: randomChunkSizes(seed: UInt64(tries), maximum: 17))
            #expect(whole == chunked, "input \(tries): \(bytes)")
            switch whole {
            case .table: outcomes["table", default: 0] += 1
            case .error(let code, let line, let column, let message):
                outcomes["\(code)", default: 0] += 1
                #expect(!message.isEmpty)
                if code == .unknownColumn && options.schemaOverride != nil && line == 0 { continue }   // the override names no sampled key
                // Located: a line of the input, a column within it (bytes from 1, at most one past its end).
                let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                #expect(line >= 1 && line <= lines.count, "\(whole) for \(bytes)")
                if line >= 1 && line <= lines.count {
                    #expect(column >= 1 && column <= lines[line - 1].count + 1, "\(whole) for \(bytes)")
                }
            }
        }
        #expect(tries >= 300)
        #expect(outcomes["table", default: 0] > tries / 20, "\(outcomes)")
        #expect(outcomes.keys.count >= 4, "\(outcomes)")
    }

    @Test("a 100,000-level nested value is a located error naming the limit, in bounded time, not a stack overflow")
    func deepNesting() throws {
        let clock = ContinuousClock()
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let deep = Array(("{\"v\":" + String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000) + "}\n").utf8)
            let started = clock.now
            let error = try #require(jsonLinesError(deep))
            #expect(error.code == .malformedJSON && error.line == 1)
            #expect(error.message.contains("nested deeper than \(JSONScanner.maximumDepth) levels"), "\(error.message)")
            #expect(clock.now - started < .seconds(2))
            // Skipped under the skip policy, the next line still reads.
            let skipped = try readJSONLines(deep + Array("{\"v\":1}\n".utf8), options: .init(badLines: .skip))
            #expect(skipped.table.rowCount == 1 && skipped.report.skippedRows == 1)
        }
    }
}
