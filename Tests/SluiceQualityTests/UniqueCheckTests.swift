import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("unique")
struct UniqueCheckTests {
    @Test("99 distinct of 100 passes at 0.99 (exactly met), 98 fails")
    func boundary() throws {
        let check = try UniqueCheck(columns: ["id"])   // default 0.99
        var ids = (0..<100).map { Int64($0) }
        ids[50] = 0
        let one = try evaluate(check, on: table("id", Column(int64: ids)))
        #expect(one.outcome == .passed)
        #expect(one.observed == 0.99)
        #expect(one.comparison == .atLeast)
        ids[51] = 0
        let two = try evaluate(check, on: table("id", Column(int64: ids)))
        #expect(two.outcome == .failed)
        #expect(two.failingRows == 2)
        #expect(two.samples.map(\.row) == [51, 52])   // the repeats, not the first occurrence
    }

    @Test("duplicate nulls: nulls are rows but not values, and not repeats")
    func duplicateNulls() throws {
        let t = table("id", Column(int64: [1, 2, nil, nil]))
        let result = try evaluate(try UniqueCheck(columns: ["id"], threshold: 1), on: t)
        #expect(result.observed == 0.5)              // the seed: nunique / len
        #expect(result.outcome == .failed)
        #expect(result.failingRows == 0)
        #expect(result.message.contains("2 nulls"))
        let allNull = try evaluate(try UniqueCheck(columns: ["id"]), on: table("id", Column(int64: [nil, nil])))
        #expect(allNull.observed == 0)
        #expect(allNull.outcome == .failed)
    }

    @Test("NaN equals NaN and -0.0 equals 0.0 when counting distinct values")
    func floats() throws {
        let t = table("x", Column(float64: [.nan, .nan, 0.0, -0.0, 1.5]))
        let result = try evaluate(try UniqueCheck(columns: ["x"], threshold: 0), on: t)
        #expect(result.observed == 3.0 / 5.0)
        #expect(try failingIndices(UniqueCheck(columns: ["x"]), on: t) == [1, 3])
    }

    @Test("several columns: distinct combinations, nulls grouped together")
    func multiColumn() throws {
        let t = try Table([
            ("a", Column(int64: [1, 1, 2, 1, nil, nil])),
            ("b", Column(string: ["x", "y", "x", "x", "z", "z"])),
        ])
        let check = try UniqueCheck(columns: ["a", "b"], threshold: 1)
        let result = try evaluate(check, on: t)
        #expect(result.observed == 4.0 / 6.0)
        #expect(result.name == "unique(a, b)")
        #expect(try failingIndices(check, on: t) == [3, 5])
    }

    @Test("several columns over many hash partitions: the model's distinct count and later repeats")
    func multiColumnPartitions() throws {
        let size = 8 * DistinctRows.partitionRows + 13
        var rng = SplitMix64(seed: 77)
        let a: [Int64?] = (0..<size).map { _ in rng.chance(probability: 0.05) ? nil : Int64(rng.next(below: 3_000)) }
        let b: [String?] = (0..<size).map { _ in rng.chance(probability: 0.05) ? nil : ["p", "q", "r", "s", "t"][rng.next(below: 5)] }
        let t = try Table([("a", Column(int64: a)), ("b", Column(string: b))])
        struct Pair: Hashable { var a: Int64?; var b: String? }
        var seen = Set<Pair>()
        var repeats: [Int] = []
        for row in 0..<size where !seen.insert(Pair(a: a[row], b: b[row])).inserted { repeats.append(row) }
        let check = try UniqueCheck(columns: ["a", "b"], threshold: 1)
        #expect(try failingIndices(check, on: t) == repeats)
        #expect(try evaluate(check, on: t).observed == Double(seen.count) / Double(size))
    }

    @Test("sparse keys (hash set) and dense keys (bitmap) give the same answers, Int64.min included")
    func sparseAndDense() throws {
        var rng = SplitMix64(seed: 77)
        let dense: [Int64?] = (0..<5_000).map { _ in rng.chance(probability: 0.05) ? nil : Int64(rng.next(below: 4_000)) }
        let spread = dense.map { $0.map { $0 == 0 ? Int64.min : $0 == 1 ? Int64.max : $0 &* 0x1234_5678_9AB } }
        for values in [dense, spread] {
            var seen = Set<Int64>(), repeats: [Int] = []
            for (i, v) in values.enumerated() { if let v, !seen.insert(v).inserted { repeats.append(i) } }
            let t = table("k", Column(int64: values))
            #expect(try failingIndices(UniqueCheck(columns: ["k"]), on: t) == repeats)
            let reference = Column(int64: Array(seen.prefix(seen.count / 2)))
            let members = Set(seen.prefix(seen.count / 2))
            let check = try ReferentialCheck(column: "k", reference: reference, referenceName: "r.k")
            #expect(try failingIndices(check, on: t) == values.indices.filter { values[$0].map { !members.contains($0) } ?? false })
        }
    }

    @Test("several columns that include a key column are distinct on every row")
    func combinationWithKey() throws {
        let t = try Table([("s", Column(string: ["x", "x", "x", "y"])), ("id", Column(int64: [4, 3, 2, 1]))])
        let result = try evaluate(try UniqueCheck(columns: ["s", "id"], threshold: 1), on: t)
        #expect(result.observed == 1)
        #expect(result.failingRows == 0)
        let repeated = try Table([("s", Column(string: ["x", "x", "x", "y"])), ("id", Column(int64: [4, 4, 2, 1]))])
        #expect(try failingIndices(UniqueCheck(columns: ["s", "id"]), on: repeated) == [1])
    }

    @Test("empty table is not evaluated")
    func empty() throws {
        #expect(try evaluate(try UniqueCheck(columns: ["x"]), on: table("x", Column(string: []))).outcome == .notEvaluated)
    }

    @Test("distinct counts match a naive Set model for every type", arguments: sizes)
    func randomModel(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) &* 7 &+ 3)
        let strings: [String?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : "k\(rng.next(below: 40))é" }
        let ints: [Int64?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : Int64(rng.next(below: 50)) - 25 }
        let dates: [Int32?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : Int32(rng.next(below: 30)) }
        let t = try Table([("s", Column(string: strings)), ("i", Column(int64: ints)), ("d", Column(date: dates))])
        func naive<T: Hashable>(_ values: [T?]) -> (distinct: Int, repeats: [Int]) {
            var seen = Set<T>(), repeats: [Int] = []
            for (i, v) in values.enumerated() { if let v, !seen.insert(v).inserted { repeats.append(i) } }
            return (seen.count, repeats)
        }
        for (name, model) in [("s", naive(strings)), ("i", naive(ints)), ("d", naive(dates))] {
            let check = try UniqueCheck(columns: [name], threshold: 0)
            #expect(try failingIndices(check, on: t) == model.repeats, "\(name)")
            if size > 0 { #expect(try evaluate(check, on: t).observed == Double(model.distinct) / Double(size)) }
        }
        // Several columns against a naive tuple model.
        struct Key: Hashable { var s: String?; var i: Int64? }
        let keys = (0..<size).map { Optional(Key(s: strings[$0], i: ints[$0])) }
        let check = try UniqueCheck(columns: ["s", "i"], threshold: 0)
        #expect(try failingIndices(check, on: t) == naive(keys).repeats)
    }
}
