import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("range")
struct RangeCheckTests {
    @Test("bounds are inclusive; exactly 1% outside passes by default, more fails")
    func boundary() throws {
        let check = try RangeCheck(column: "x", min: .int64(0), max: .int64(99))
        var values: [Int64?] = (0..<100).map { Int64($0) }
        let inside = try evaluate(check, on: table("x", Column(int64: values)))
        #expect(inside.outcome == .passed)
        #expect(inside.failingRows == 0)
        values[3] = 100
        let one = try evaluate(check, on: table("x", Column(int64: values)))
        #expect(one.outcome == .passed)
        #expect(one.observed == 0.01)
        values[4] = -1
        let two = try evaluate(check, on: table("x", Column(int64: values)))
        #expect(two.outcome == .failed)
        #expect(two.samples == [SampleRow(row: 4, values: ["100"]), SampleRow(row: 5, values: ["-1"])])
    }

    @Test("a null is not out of range; NaN is; infinities compare as numbers")
    func nullsAndNaN() throws {
        let t = table("x", Column(float64: [nil, .nan, 5, .infinity, -.infinity, 10]))
        let check = try RangeCheck(column: "x", min: .int64(0), max: .float64(10), threshold: 0)
        #expect(try failingIndices(check, on: t) == [1, 3, 4])
        let open = try RangeCheck(column: "x", min: .int64(0))
        #expect(try failingIndices(open, on: t) == [1, 4])
        let allNull = try evaluate(check, on: table("x", Column(float64: [nil, nil])))
        #expect(allNull.outcome == .passed)
        #expect(allNull.observed == 0)
    }

    @Test("fractional bounds on an int64 column round inwards")
    func integerBounds() throws {
        let t = table("x", Column(int64: [0, 1, 2, 3, Int64.min, Int64.max]))
        #expect(try failingIndices(RangeCheck(column: "x", min: .float64(0.5), max: .float64(2.5)), on: t) == [0, 3, 4, 5])
        #expect(try failingIndices(RangeCheck(column: "x", min: .float64(-1e300)), on: t) == [])
    }

    @Test("dates and timestamps take ISO bounds")
    func temporal() throws {
        let day = Int32(CivilCalendar.days(year: 2024, month: 1, day: 31))
        let dates = table("d", Column(date: [day - 1, day, day + 1, nil]))
        let check = try RangeCheck(column: "d", min: .string("2024-01-31"), max: .string("2024-01-31"), threshold: 0)
        #expect(try failingIndices(check, on: dates) == [0, 2])
        let micros = Int64(day) * 86_400_000_000
        let stamps = table("t", Column(timestamp: [micros - 1, micros, micros + 3_600_000_000]))
        let stampCheck = try RangeCheck(column: "t", min: .string("2024-01-31"), max: .string("2024-01-31T00:30:00Z"))
        #expect(try failingIndices(stampCheck, on: stamps) == [0, 2])
        #expect(throws: QualityError.self) { try evaluate(RangeCheck(column: "t", min: .string("soon")), on: stamps) }
    }

    @Test("strings cannot be ranged; a range needs a bound")
    func misuse() throws {
        #expect { try evaluate(RangeCheck(column: "s", min: .int64(0)), on: table("s", Column(string: ["a"]))) } throws: { error in
            (error as? QualityError)?.code == .incompatibleType
        }
        #expect(throws: QualityError.self) { try RangeCheck(column: "x") }
    }

    @Test("empty table is not evaluated")
    func empty() throws {
        #expect(try evaluate(RangeCheck(column: "x", min: .int64(0)), on: table("x", Column(float64: []))).outcome == .notEvaluated)
    }

    @Test("out-of-range rows match a naive model", arguments: sizes)
    func randomModel(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) &+ 99)
        let doubles: [Double?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : rng.chance(probability: 0.02) ? .nan : rng.nextUnit() * 200 - 100 }
        let ints: [Int64?] = (0..<size).map { _ in rng.chance(probability: 0.1) ? nil : Int64(rng.next(below: 201)) - 100 }
        let t = try Table([("f", Column(float64: doubles)), ("i", Column(int64: ints))])
        let f = try RangeCheck(column: "f", min: .int64(-50), max: .float64(75.5))
        #expect(try failingIndices(f, on: t) == doubles.indices.filter { doubles[$0].map { !($0 >= -50 && $0 <= 75.5) } ?? false })
        let i = try RangeCheck(column: "i", min: .int64(-50), max: .int64(75))
        #expect(try failingIndices(i, on: t) == ints.indices.filter { ints[$0].map { $0 < -50 || $0 > 75 } ?? false })
    }
}
