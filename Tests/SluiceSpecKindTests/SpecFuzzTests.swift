import Foundation
import SluiceCore
import SluicePipeline
import SluiceQuality
import SluiceSpec
import SluiceStream
import SluiceTransform
import SluiceTestSupport
import Testing

/// A seeded mutation fuzzer with a fixed time budget: it mutates the seed corpus
/// (`Fixtures/fuzz/`) by flipping, inserting, deleting, duplicating and splicing bytes
/// and by inserting tokens that stress the parser, and hands every input to `body`.
/// The same seed gives the same inputs; the budget keeps `make test` bounded.
struct MutationFuzzer {
    var random: SplitMix64
    let seeds: [[UInt8]]
    let tokens: [[UInt8]]

    init(seed: UInt64, seeds: [String], tokens: [String]) {
        random = SplitMix64(seed: seed)
        self.seeds = seeds.map { Array($0.utf8) }
        self.tokens = tokens.map { Array($0.utf8) }
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }

    /// One mutated input: a seed with 1 to 8 mutations.
    mutating func next() -> [UInt8] {
        var bytes = seeds[below(seeds.count)]
        for _ in 0..<(1 + below(8)) {
            let at = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + below(16))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count), end = min(bytes.count, start + 1 + below(64))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            case 4:
                let other = seeds[below(seeds.count)]
                if !other.isEmpty { let start = below(other.count); bytes.insert(contentsOf: other[start..<min(other.count, start + below(80))], at: at) }
            case 5: bytes = Array(bytes.prefix(at))          // truncated
            default: bytes.insert(contentsOf: tokens[below(tokens.count)], at: at)
            }
        }
        return bytes
    }

    /// Runs `body` on mutated inputs until `budget` is spent (at least `minimum` inputs);
    /// returns the count and the slowest input's time.
    mutating func run(budget: Duration, minimum: Int = 200, _ body: (String) -> Void) -> (inputs: Int, slowest: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var slowest = Duration.zero
        while count < minimum || clock.now - start < budget {
            let input = String(decoding: next(), as: UTF8.self)
            let began = clock.now
            body(input)
            slowest = max(slowest, clock.now - began)
            count += 1
        }
        return (count, slowest)
    }
}

@Suite("Spec fuzzing")
struct SpecFuzzTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")
    /// Seconds per target; `SLUICE_FUZZ_SECONDS` runs longer locally.
    static let budget = Duration.seconds(Double(ProcessInfo.processInfo.environment["SLUICE_FUZZ_SECONDS"] ?? "") ?? 2)
    static let yamlTokens = ["&a ", "*a", "[", "]", "{", "}", ": ", "- ", "\n", "\n  ", "'", "\"", ".nan", ".inf", "-.inf", "1e400",
                             "99999999999999999999", "1e300s", "-1", "\\0", "\u{0}", "{{ ds }}", "${X}", "!!binary ", "? ", "|\n", ">-\n",
                             "<<: *a\n", "%YAML 1.1\n", "---\n", "...\n", "#", "\t", "ü", "\u{FEFF}", String(repeating: "[", count: 200)]

    static let expressionTokens = ["(", ")", "((((((((", "'", "\"", " and ", " or ", " not ", "-", "--", "||", "case when ", " end", "1e400",
                                   "9223372036854775808", ",", "cast(", " as ", "int64", "\u{0}", "%", "/0", "null", "ü", "\\"]
    static let cronTokens = ["*", "/", "-", ",", "L", "#", "?", "MON", "JAN", "99999999999999999999", "-1", "0", "60", "@", " ", "\u{0}", "*/0"]

    static func seeds(_ kind: String) throws -> [String] {
        let folder = directory.appendingPathComponent(kind)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
    }

    static func lines(_ file: String) throws -> [String] {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// What is wrong with a spec error, if anything: it must be a Sluice error that says
    /// where (a file at least) and what.
    static func located(_ error: any Error, _ input: String) -> String? {
        guard let error = error as? any SluiceError else { return "not a Sluice error: \(error) for \(input.prefix(200))" }
        if error.message.isEmpty { return "empty message for \(input.prefix(200))" }
        // A file position, or (a stream's binding errors) the processor by number.
        let located = error.location?.file != nil || error.message.contains("processor ")
        if !(located || error is TransformError || error is CoreError || error is ExpressionError) { return "no location: \(error) for \(input.prefix(200))" }
        if error.description.contains("error: error:") { return "\(error)" }
        return nil
    }

    /// Fuzzes `parse` off the cooperative pool; every problem found, the input count and the slowest input.
    static func fuzz(seed: UInt64, seeds: [String], tokens: [String], _ parse: @escaping @Sendable (String) -> String?) async throws
        -> (problems: [String], count: Int, slowest: Duration) {
        try await offPool {
            var fuzzer = MutationFuzzer(seed: seed, seeds: seeds, tokens: tokens)
            var problems: [String] = []
            let (count, slowest) = fuzzer.run(budget: Self.budget) { input in
                if let problem = parse(input), problems.count < 20 { problems.append(problem) }
            }
            return (problems, count, slowest)
        }
    }

    @Test("pipeline specs")
    func pipelines() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 11, seeds: try Self.seeds("pipeline"), tokens: Self.yamlTokens) { input in
            do { _ = try Pipeline.parse(input, file: "/nonexistent/fuzz/pipeline.yaml"); return nil } catch { return Self.located(error, input) }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }

    @Test("suite specs")
    func suites() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 12, seeds: try Self.seeds("suite"), tokens: Self.yamlTokens) { input in
            do { _ = try SuiteSpec.parse(input, file: "checks.yaml"); return nil } catch { return Self.located(error, input) }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }

    @Test("stream specs")
    func streams() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 13, seeds: try Self.seeds("stream"), tokens: Self.yamlTokens) { input in
            do {
                let spec = try StreamSpec(yaml: input, file: "spec.yaml", environment: ["KAFKA_BROKERS": "127.0.0.1:1"])
                _ = try StreamProcessor(spec)
                return nil
            } catch { return Self.located(error, input) }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }

    @Test("transform steps")
    func steps() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 14, seeds: try Self.seeds("steps"), tokens: Self.yamlTokens) { input in
            do { _ = try Transform(yaml: input, file: "steps.yaml", loadTable: { _ in Table.empty }); return nil } catch { return Self.located(error, input) }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }

    @Test("expressions")
    func expressions() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 15, seeds: try Self.lines("expressions.txt"), tokens: Self.expressionTokens) { input in
            do { _ = try Expression(parsing: input); return nil } catch let error as ExpressionError {
                return error.message.isEmpty || error.position < 0 ? "bad error \(error) for \(input)" : nil
            } catch { return "not an ExpressionError: \(error)" }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }

    @Test("cron expressions")
    func cron() async throws {
        let (problems, count, slowest) = try await Self.fuzz(seed: 16, seeds: try Self.lines("cron.txt"), tokens: Self.cronTokens) { input in
            do { _ = try CronExpression(input).description; return nil } catch let error as ScheduleError {
                return error.message.isEmpty ? "empty message for \(input)" : nil
            } catch { return "not a ScheduleError: \(error)" }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(count >= 200 && slowest < .seconds(2))
    }
}
