import Foundation
import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("Profiler and SuiteSuggester")
struct ProfilerTests {
    @Test("profiles match a naive model", arguments: [0, 1, 63, 64, 65, 2_000])
    func model(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 17)
        let ints: [Int64?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : Int64(rng.next(below: 30)) - 10 }
        let strings: [String?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : ["a", "bb", "héllo", "日本"][rng.next(below: 4)] }
        let doubles: [Double?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : rng.chance(probability: 0.05) ? .nan : Double(rng.next(below: 100)) / 4 }
        let table = try Table([("i", Column(int64: ints)), ("s", Column(string: strings)), ("f", Column(float64: doubles))])
        let profiles = Profiler.profile(table, topCount: 3)
        let i = profiles[0], s = profiles[1], f = profiles[2]
        let presentInts = ints.compactMap { $0 }.sorted()
        #expect(i.nulls == ints.count { $0 == nil })
        #expect(i.distinct == Set(presentInts).count)
        #expect(i.min == presentInts.first.map(Value.int64))
        #expect(i.max == presentInts.last.map(Value.int64))
        if !presentInts.isEmpty {
            let mean = presentInts.map(Double.init).reduce(0, +) / Double(presentInts.count)
            #expect(abs(i.mean! - mean) < 1e-9)
            #expect(i.quantiles.map(\.value) == Profiler.probabilities.map { p in
                .int64(presentInts[Swift.max(0, Int((p * Double(presentInts.count)).rounded(.up)) - 1)])
            })
            var counts: [Int64: Int] = [:]
            for v in presentInts { counts[v, default: 0] += 1 }
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            #expect(i.topValues.map(\.value) == top.map { .int64($0.key) })
            #expect(i.topValues.map(\.count) == top.map(\.value))
        } else {
            #expect(i.mean == nil)
            #expect(i.quantiles.isEmpty)
        }
        #expect(i.histogram.map(\.count).reduce(0, +) == presentInts.count)
        #expect(f.histogram.map(\.count).reduce(0, +) == doubles.compactMap { $0 }.count { !$0.isNaN })
        if let first = presentInts.first, let last = presentInts.last, first < last {
            #expect(i.histogram.count == 10)
            #expect(i.histogram.first?.lower == Double(first))
            #expect(i.histogram.last?.upper == Double(last))
            let width = (Double(last) - Double(first)) / 10
            #expect(i.histogram[0].count == presentInts.count { Double($0) < Double(first) + width })
        }
        let presentStrings = strings.compactMap { $0 }
        #expect(s.distinct == Set(presentStrings).count)
        #expect(s.lengths?.min == presentStrings.map(\.unicodeScalars.count).min())
        #expect(s.lengths?.max == presentStrings.map(\.unicodeScalars.count).max())
        #expect(s.min == presentStrings.min { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map(Value.string))
        let presentDoubles = doubles.compactMap { $0 }
        #expect(f.nanCount == presentDoubles.count { $0.isNaN })
        #expect(f.distinct == Set(presentDoubles.filter { !$0.isNaN }).count + (presentDoubles.contains { $0.isNaN } ? 1 : 0))
        #expect(f.max == presentDoubles.filter { !$0.isNaN }.max().map(Value.float64))
        #expect(f.nullFraction == (size == 0 ? nil : Double(doubles.count { $0 == nil }) / Double(size)))
    }

    @Test("the suggested suite parses and passes on the data it came from")
    func suggestRoundTrip() throws {
        var rng = SplitMix64(seed: 5)
        let n = 500
        let table = try Table([
            ("id", Column(int64: (0..<n).map { Int64($0) + 1 })),
            ("amount", Column(float64: (0..<n).map { _ in Double(rng.next(below: 10_000)) / 100 })),
            ("status", Column(string: (0..<n).map { _ in ["paid", "open", "a \"quoted\"\tone"][rng.next(below: 3)] })),
            ("note", Column(string: (0..<n).map { $0 % 7 == 0 ? nil : "n\($0)" })),
        ])
        let yaml = SuiteSuggester.suggest(dataset: "t.csv", profiles: Profiler.profile(table, topCount: 10))
        #expect(yaml.contains("- unique: \"id\"\n    threshold: 1.0"))
        #expect(yaml.contains("- range: { column: \"id\", min: 0, max: 550 }"))
        #expect(yaml.contains("accepted_values: { column: \"status\", values: [\"a \\\"quoted\\\"\\tone\", \"open\", \"paid\"] }"))
        #expect(!yaml.contains("not_null: \"note\""))
        #expect(!yaml.contains("accepted_values: { column: \"note\""))
        let spec = try SuiteSpec.parse(yaml, file: "checks.yaml")
        let result = try spec.makeSuite(references: [:]).run(on: table)
        #expect(result.summary.failed == 0, "\(result.results.filter { $0.outcome == .failed }.map(\.message))")
        #expect(result.summary.total >= 9)
    }

    @Test("profile JSON parses and says distinct counts are exact")
    func json() throws {
        let table = try Table([("x", Column(float64: [1, nil, .nan])), ("s", Column(string: [nil, nil, nil]))])
        let text = ProfileReport.json(dataset: "x.csv", rows: 3, profiles: Profiler.profile(table))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let columns = object["columns"] as! [[String: Any]]
        #expect(columns[0]["distinct_exact"] as? Bool == true)
        #expect(columns[0]["nan_count"] as? Int == 1)
        #expect((columns[0]["quantiles"] as! [String: String])["p50"] == "1.0")
        #expect(columns[0]["min"] as? String == "1.0")
        #expect(columns[1]["min"] is NSNull)
        #expect((columns[0]["histogram"] as! [[String: Any]]).map { $0["count"] as! Int } == [1])
    }

    @Test("profile HTML: every column, inline SVG histograms, nothing fetched")
    func html() throws {
        let table = try Table([("amount <x>", Column(float64: (0..<100).map { Double($0) })), ("name", Column(string: ["a", nil] + Array(repeating: "b", count: 98)))])
        let html = ProfileReport.html(dataset: "t.csv", rows: 100, profiles: Profiler.profile(table))
        #expect(html.contains("<h2>amount &lt;x&gt; <span class=\"type\">float64</span></h2>"))
        #expect(html.contains("<h2>name <span class=\"type\">string</span></h2>"))
        #expect(html.components(separatedBy: "<rect").count - 1 == 10)
        #expect(!html.contains("<script") && !html.contains("http"))
    }
}
