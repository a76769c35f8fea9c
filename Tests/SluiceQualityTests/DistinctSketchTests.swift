import Foundation
import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("distinct counts: exact up to a bound, HyperLogLog beyond")
struct DistinctSketchTests {
    @Test("HyperLogLog estimates within 3 standard errors", arguments: [0, 1, 100, 10_000, 200_000])
    func sketch(distinct: Int) {
        var sketch = HyperLogLog()
        var rng = SplitMix64(seed: UInt64(distinct) + 3)
        // Every value twice: repeats must not count.
        let base = rng.next()
        for _ in 0..<2 {
            for i in 0..<distinct { sketch.add(hash: KeyHash.mix(base &+ UInt64(i))) }
        }
        let error = abs(Double(sketch.estimate - distinct))
        #expect(error <= 3 * sketch.standardError * Double(distinct) + (distinct < 1000 ? 2 : 0), "estimate \(sketch.estimate) for \(distinct)")
    }

    @Test("strings: exact at the limit, estimated one past it; the set stops growing; min/max and lengths stay exact")
    func boundary() throws {
        let limit = 1_000
        func column(_ distinct: Int) -> Column {
            // Each value three times; "zz…" sorts last, "a…" first.
            Column(string: (0..<(3 * distinct)).map { i in i % distinct == 7 ? "zz" : "v\(i % distinct)" } + [nil, "a"])
        }
        let atLimit = Profiler.profile(column(limit - 1), name: "s", exactDistinctLimit: limit)   // 999 + "a" = 1000
        #expect(atLimit.distinct == limit)
        #expect(atLimit.distinctIsExact)
        #expect(atLimit.topValuesAreExact)
        let past = Profiler.profile(column(5_000), name: "s", topCount: 2, exactDistinctLimit: limit)
        #expect(!past.distinctIsExact)
        #expect(!past.topValuesAreExact)
        #expect(abs(Double(past.distinct - 5_000)) <= 3 * 0.0082 * 5_000)
        #expect(past.min == .string("a"))
        #expect(past.max == .string("zz"))
        #expect(past.nulls == 1)
        #expect(past.lengths?.min == 1)
        #expect(past.topValues.map(\.count) == [3, 3])   // counts of remembered values stay exact
        let json = ProfileReport.json(dataset: "d", rows: 15_002, profiles: [past])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let columns = parsed?["columns"] as? [[String: Any]]
        #expect(columns?[0]["distinct_exact"] as? Bool == false)
        #expect(ProfileReport.text(dataset: "d", rows: 15_002, profiles: [past]).contains("distinct ≈\(past.distinct) (HyperLogLog)"))
        // An estimated count is never taken for "all distinct" by suggest.
        let unique = Profiler.profile(Column(string: (0..<3_000).map { "u\($0)" }), name: "u", exactDistinctLimit: limit)
        #expect(!unique.distinctIsExact)
        #expect(!SuiteSuggester.suggest(dataset: nil, profiles: [unique]).contains("unique"))
        let exact = Profiler.profile(Column(string: (0..<3_000).map { "u\($0)" }), name: "u")
        #expect(SuiteSuggester.suggest(dataset: nil, profiles: [exact]).contains("- unique: \"u\""))
    }

    @Test("top values of numeric columns are kept in bounded memory and match a full sort")
    func topValues() {
        var rng = SplitMix64(seed: 9)
        let keys = (0..<5_000).map { _ in Int64(rng.next(below: 40)) }
        var counts: [Int64: Int] = [:]
        for k in keys { counts[k, default: 0] += 1 }
        let expected = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(4)
        let profile = Profiler.profile(Column(int64: keys), name: "k", topCount: 4)
        #expect(profile.topValues.map(\.value) == expected.map { .int64($0.key) })
        #expect(profile.topValues.map(\.count) == expected.map(\.value))
        #expect(Profiler.profile(Column(int64: keys), name: "k", topCount: 0).topValues.isEmpty)
    }
}
