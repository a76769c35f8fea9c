import Foundation
import Testing
import SluiceCore
@testable import SluiceFormats
import SluiceTestSupport

/// What a read came to: a table and report, or an error's code and location.
enum ReadOutcome: Equatable, CustomStringConvertible {
    case table(Table, ReadReport)
    case error(FormatError.Code, line: Int, column: Int, message: String)

    init(_ bytes: [UInt8], options: CSVReadOptions, windowSize: Int? = nil, chunkSizes: [Int] = []) throws {
        do {
            let (table, report) = try readCSV(bytes, options: options, windowSize: windowSize, chunkSizes: chunkSizes)
            self = .table(table, report)
        } catch let error as FormatError {
            self = .error(error.code, line: error.line, column: error.column, message: error.message)
        }
        // Any other error escapes and fails the test.
    }

    var description: String {
        switch self {
        case .table(let table, _): "table \(table.schema) × \(table.rowCount)"
        case .error(let code, let line, let column, let message): "\(code) \(line):\(column) \(message)"
        }
    }
}

@Suite("CSVReader: fuzz")
struct CSVFuzzTests {
    /// Bytes CSV readers trip on, weighted towards structure.
    static let alphabet: [UInt8] = Array(",,,,\"\"\"\"\n\n\n\r\r0123456789.-eaNUL; \t'".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF, 0x80, 0xEF, 0xBB, 0xBF, 0]

    static func randomInput(_ rng: inout SplitMix64) -> [UInt8] {
        let length = Int.random(in: 0...250, using: &rng)
        var bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
        if rng.chance(0.3) {
            // Start from something valid-looking so later bytes reach the typed paths.
            bytes = Array("a,b,c\n1,2.5,x\n".utf8) + bytes
        }
        return bytes
    }

    static func randomOptions(_ rng: inout SplitMix64) -> CSVReadOptions {
        var options = CSVReadOptions()
        if rng.chance(0.2) { options.dialect.hasHeader = false }
        if rng.chance(0.2) { options.dialect.quote = rng.chance(0.5) ? nil : UInt8(ascii: "'") }
        if rng.chance(0.2) { options.dialect.delimiter = UInt8(ascii: ";") }
        if rng.chance(0.3) { options.dialect.nullTokens = ["NULL", "NA", ""] }
        options.badRows = [.error, .skip, .pad].randomElement(using: &rng)!
        if rng.chance(0.3) { options.batchSize = Int.random(in: 1...4, using: &rng) }
        if rng.chance(0.4) { options.inferenceRows = Int.random(in: 0...2, using: &rng) }
        if rng.chance(0.2) && !options.dialect.hasHeader {
            options.schemaOverride = Schema([Field("column_1", DataType.allCases.randomElement(using: &rng)!)])
        }
        return options
    }

    @Test("2,000 random inputs never crash: each reads or throws FormatError, whatever the split")
    func randomBytes() throws {
        var rng = SplitMix64(seed: 2024)
        var outcomes: [String: Int] = [:]
        for i in 0..<2_000 {
            let bytes = Self.randomInput(&rng)
            let options = Self.randomOptions(&rng)
            let whole = try ReadOutcome(bytes, options: options)
            let byteByByte = try ReadOutcome(bytes, options: options, chunkSizes: [1])
            #expect(whole == byteByByte, "input \(i): \(bytes)")
            // A 64-byte window gives the same result when inference cannot depend on it: the
            // input fits in the window, or no rows are sampled.
            if bytes.count <= 64 || options.inferenceRows == 0 {
                let small = try ReadOutcome(bytes, options: options, windowSize: 64, chunkSizes: randomChunkSizes(seed: UInt64(i), maximum: 9))
                #expect(whole == small, "input \(i): \(bytes)")
            } else {
                _ = try ReadOutcome(bytes, options: options, windowSize: 64, chunkSizes: [5])
            }
            switch whole {
            case .table: outcomes["table", default: 0] += 1
            case .error(let code, _, _, _): outcomes["\(code)", default: 0] += 1
            }
        }
        // The inputs reach both tables and many kinds of error.
        #expect(outcomes["table", default: 0] > 200)
        #expect(outcomes.keys.count >= 5, "\(outcomes)")
    }

    @Test("every prefix of a valid file reads or fails cleanly")
    func prefixes() throws {
        let bytes = try fixture("tricky.csv")
        for n in 0...bytes.count {
            let prefix = Array(bytes[0..<n])
            let whole = try ReadOutcome(prefix, options: CSVReadOptions())
            #expect(whole == (try ReadOutcome(prefix, options: CSVReadOptions(), chunkSizes: [1])), "prefix \(n)")
        }
    }
}

/// The committed seed corpus: quoted fields with doubled quotes and line breaks, every
/// inferred type, a byte order mark with `\r\n` line ends, null tokens, a `;` dialect.
/// Reproducers of anything the fuzzer finds are added here.
private let csvCorpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/csv-corpus").path

@Suite("CSVReader: fuzz over the committed corpus")
struct CSVCorpusFuzzTests {
    /// Byte strings CSV readers trip on: quotes, separators, line ends, hostile numbers and UTF-8.
    static let tokens: [[UInt8]] = [
        "\"", "\"\"", ",", ";", "\n", "\r\n", "\r", "\t", " ", "\",\"", "\"\n\"", "NULL", "NA", "nan", "inf", "-",
        "1e400", "99999999999999999999", "-9223372036854775809", "0.", ".5", "1e", "2024-02-30", "2024-01-01T25:00:00Z",
        "true", "TRUE", "tru", String(repeating: "\"", count: 65), String(repeating: ",", count: 300),
    ].map { Array($0.utf8) } + [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0x00], [0x80],
    ]

    static func corpus() throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: csvCorpusDirectory).sorted().map { try readFile(csvCorpusDirectory + "/" + $0) }
    }

    @Test("every seed of the committed corpus reads")
    func corpusReads() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 4)
        for seed in corpus {
            var options = CSVReadOptions()
            if seed.starts(with: Array("name;".utf8)) { options.dialect.delimiter = UInt8(ascii: ";") }
            guard case .table(let table, _) = try ReadOutcome(seed, options: options) else {
                Issue.record("a seed does not read: \(String(decoding: seed, as: UTF8.self))")
                continue
            }
            #expect(table.rowCount >= 2)
        }
    }

    @Test("mutated seeds (4 s, off the cooperative pool): a table or a FormatError located to a line of the input, the same whatever the read split")
    func fuzz() async throws {
        let corpus = try Self.corpus()
        let (tries, outcomes, problems) = try await offPool { try Self.fuzz(corpus, seconds: 4) }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(tries >= 300)
        #expect(outcomes["table", default: 0] > tries / 20, "\(outcomes)")
        #expect(outcomes.keys.count >= 3, "\(outcomes)")
    }

    /// The mutation loop: inputs tried, outcomes by kind, and what went wrong (empty when all is well).
    static func fuzz(_ corpus: [[UInt8]], seconds: Int) throws -> (Int, [String: Int], [String]) {
        var random = SplitMix64(seed: 23)
        var outcomes: [String: Int] = [:], problems: [String] = []
        var tries = 0
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline || tries < 300 {
            let bytes = JSONLinesFuzzTests.mutate(corpus, &random, tokens: tokens)
            let options = CSVFuzzTests.randomOptions(&random)
            tries += 1
            let whole = try ReadOutcome(bytes, options: options)
            if whole != (try ReadOutcome(bytes, options: options, chunkSizes: [1])) { problems.append("byte by byte differs: input \(tries): \(bytes)") }
            let chunked = try ReadOutcome(bytes, options: options, chunkSizes: randomChunkSizes(seed: UInt64(tries), maximum: 17))
            if whole != chunked { problems.append("chunked read differs: input \(tries): \(bytes)") }
            switch whole {
            case .table: outcomes["table", default: 0] += 1
            case .error(let code, let line, _, let message):
                outcomes["\(code)", default: 0] += 1
                if message.isEmpty { problems.append("empty message: \(whole) for \(bytes)") }
                // Located: a line of the input (a record may span lines; the error names one of
                // them). Lines end at `\n`, `\r\n` or a lone `\r`, as the reader counts them.
                var lines = 1
                for (i, byte) in bytes.enumerated() where byte == 0x0A || (byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
                    lines += 1
                }
                if line < 1 || line > lines { problems.append("not on a line of the input: \(whole) for \(bytes)") }
            }
        }
        return (tries, outcomes, problems)
    }
}
