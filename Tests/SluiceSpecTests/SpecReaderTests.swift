import SluiceCore
import SluiceTestSupport
import Testing
import Yams
@testable import SluiceSpec

@Suite("SpecReader")
struct SpecReaderTests {
    static func node(_ yaml: String) throws -> Node { try SpecDocument.compose(yaml, file: "s.yaml")! }

    @Test("unknown keys are all collected, with did you mean, and the known keys are still read")
    func collectsEveryProblem() throws {
        let reader = SpecReader(file: "s.yaml")
        let root = try Self.node("retrys: 3\nname: x\ntimout: 5s\n")
        let pairs = reader.mapping(root, "the spec", allowed: ["retries", "name", "timeout"]) ?? []
        #expect(pairs.map(\.key) == ["name"])
        #expect(reader.diagnostics.map(\.line) == [1, 3])
        #expect(reader.diagnostics[0].description == "s.yaml:1:1: error: unknown key \"retrys\" in the spec\n  hint: did you mean `retries`? Keys: retries, name, timeout")
        #expect(reader.diagnostics[1].hint?.hasPrefix("did you mean `timeout`?") == true)
    }

    @Test("a duplicate key is a located error")
    func duplicateKey() {
        #expect(throws: SpecDiagnostic.self) { try SpecDocument.compose("name: x\nname: y\n", file: "s.yaml") }
    }

    @Test("numbers are finite and in range", arguments: [".nan", ".inf", "-.inf", "1e400"])
    func nonFiniteNumbers(text: String) throws {
        let reader = SpecReader(file: "s.yaml")
        #expect(reader.number(try Self.node("min: \(text)")["min"]!, "min") == nil)
        #expect(reader.diagnostics.first?.code == .outOfRange)
        #expect(reader.diagnostics.first?.line == 1 && reader.diagnostics.first?.column == 6)
    }

    @Test("integers: range and overflow")
    func integers() throws {
        let reader = SpecReader(file: "s.yaml")
        #expect(reader.integer(try Self.node("n: 5")["n"]!, "n", in: 1...10) == 5)
        #expect(reader.integer(try Self.node("n: 0")["n"]!, "n", in: 1...Int.max) == nil)
        #expect(reader.diagnostics.last?.message == "n must be 1 or more, found 0")
        #expect(reader.integer(try Self.node("n: 99999999999999999999999")["n"]!, "n") == nil)
        #expect(reader.integer(try Self.node("n: 1.5")["n"]!, "n") == nil)
        #expect(reader.diagnostics.count == 3)
    }

    @Test("one duration grammar: ms, s, m, h, d, w; finite, non-negative, bounded")
    func durations() throws {
        let good: [(String, Double)] = [("500ms", 0.5), ("90s", 90), ("5m", 300), ("2h", 7200), ("1d", 86_400), ("2w", 1_209_600), ("30", 30), (" 1.5H ", 5400)]
        for (text, seconds) in good { #expect(try SpecDuration.seconds(text).get() == seconds, "\(text)") }
        let bad: [(String, SpecDuration.DurationProblem)] = [
            ("soon", .notADuration), ("inf", .notADuration), ("nans", .notADuration), ("", .notADuration), ("1e300s", .tooLong),
            ("1e16s", .tooLong), ("-5s", .negative), ("3651d", .tooLong), ("0x10s", .notADuration), ("5 parsecs", .notADuration),
        ]
        for (text, problem) in bad {
            guard case .failure(let found) = SpecDuration.seconds(text) else { Issue.record("\(text) accepted"); continue }
            #expect(found == problem, "\(text)")
        }
    }

    @Test("a duration error is located and says what is wrong")
    func durationError() throws {
        let reader = SpecReader(file: "p.yaml")
        #expect(reader.duration(try Self.node("timeout: 1e300s")["timeout"]!, "timeout") == nil)
        #expect(reader.diagnostics.first?.description == "p.yaml:1:10: error: timeout is longer than the limit of 10 years, found \"1e300s\"\n  hint: durations are 0 to 3650d")
    }

    @Test("text with NUL bytes is refused; choices get did you mean")
    func textAndChoices() throws {
        enum Mode: String, CaseIterable { case append, replace, upsert }
        let reader = SpecReader(file: "s.yaml")
        #expect(reader.string(try Self.node("a: \"x\\0y\"")["a"]!, "a") == nil)
        #expect(reader.choice(try Self.node("m: upsrt")["m"]!, "mode", as: Mode.self) == nil)
        #expect(reader.diagnostics.last?.hint == "did you mean `upsert`?")
        #expect(reader.choice(try Self.node("m: upsert")["m"]!, "mode", as: Mode.self) == .upsert)
    }

    @Test("sizes")
    func sizes() throws {
        let reader = SpecReader(file: "s.yaml")
        #expect(reader.size(try Self.node("s: 64KB")["s"]!, "s", in: 1...(1 << 30)) == 65_536)
        #expect(reader.size(try Self.node("s: 65536")["s"]!, "s", in: 1...(1 << 30)) == 65_536)
        #expect(reader.size(try Self.node("s: 9999999999999GB")["s"]!, "s", in: 1...(1 << 30)) == nil)
        #expect(reader.size(try Self.node("s: lots")["s"]!, "s", in: 1...(1 << 30)) == nil)
        #expect(reader.diagnostics.count == 2)
    }
}

@Suite("SpecDocument")
struct SpecDocumentTests {
    @Test("a billion laughs is refused fast with a located error")
    func aliasBomb() {
        let clock = ContinuousClock()
        let started = clock.now
        let error = #expect(throws: SpecDiagnostic.self) { try SpecDocument.compose(yamlAliasBomb(levels: 9), file: "bomb.yaml") }
        #expect(error?.code == .limit)
        #expect(error?.file == "bomb.yaml" && (error?.line ?? 0) > 0)
        #expect(error?.description.contains("more than 200000 YAML nodes") == true)
        #expect(clock.now - started < .seconds(5))
    }

    @Test("a spec with a few aliases is fine")
    func fewAliases() throws {
        #expect(try SpecDocument.compose(yamlAliasBomb(levels: 2), file: "ok.yaml") != nil)
    }

    @Test("bad YAML and deep nesting are located syntax errors")
    func syntax() {
        let bad = #expect(throws: SpecDiagnostic.self) { try SpecDocument.compose("a: [1, 2\nb: 3\n", file: "x.yaml") }
        #expect(bad?.code == .syntax && (bad?.line ?? 0) > 0)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let nested = #expect(throws: SpecDiagnostic.self) { try SpecDocument.compose("a: " + deep, file: "x.yaml") }
        #expect(nested?.code == .syntax)
    }
}
