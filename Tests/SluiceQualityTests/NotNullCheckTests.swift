import SluiceCore
import Testing
@testable import SluiceQuality

@Suite("not_null")
struct NotNullCheckTests {
    @Test("1 null in 100 rows at threshold 0.01 passes (exactly met), 2 fail")
    func boundary() throws {
        let check = try NotNullCheck(column: "x")
        var values: [Int64?] = (0..<100).map { Int64($0) }
        values[7] = nil
        let one = try evaluate(check, on: table("x", Column(int64: values)))
        #expect(one.outcome == .passed)
        #expect(one.observed == 0.01)
        #expect(one.failingRows == 1)
        #expect(one.severity == .error)   // threshold 0.01 is not below 0.01
        values[8] = nil
        let two = try evaluate(check, on: table("x", Column(int64: values)))
        #expect(two.outcome == .failed)
        #expect(two.observed == 0.02)
        #expect(two.samples.map(\.row) == [8, 9])
        #expect(two.samples.first?.values == ["null"])
    }

    @Test("severity is critical below 0.01, error at and above; explicit severity wins")
    func severityDefaults() throws {
        #expect(try NotNullCheck(column: "x", threshold: 0).severity == .critical)
        #expect(try NotNullCheck(column: "x", threshold: 0.009).severity == .critical)
        #expect(try NotNullCheck(column: "x", threshold: 0.01).severity == .error)
        #expect(try NotNullCheck(column: "x", threshold: 0.5).severity == .error)
        #expect(try NotNullCheck(column: "x", threshold: 0, severity: .warning).severity == .warning)
        #expect(throws: QualityError.self) { try NotNullCheck(column: "x", threshold: 1.5) }
    }

    @Test("all-null column fails with fraction 1; NaN is a value, not a null")
    func allNullAndNaN() throws {
        let check = try NotNullCheck(column: "x", threshold: 0)
        let allNull = try evaluate(check, on: table("x", Column(float64: [nil, nil, nil])))
        #expect(allNull.outcome == .failed)
        #expect(allNull.observed == 1)
        #expect(allNull.failingRows == 3)
        let nan = try evaluate(check, on: table("x", Column(float64: [.nan, .nan, 1])))
        #expect(nan.outcome == .passed)
        #expect(nan.observed == 0)
    }

    @Test("empty table is not evaluated, never a division by zero")
    func empty() throws {
        let result = try evaluate(try NotNullCheck(column: "x"), on: table("x", Column(int64: [])))
        #expect(result.outcome == .notEvaluated)
        #expect(result.observed == nil)
        #expect(result.failingRows == 0)
    }

    @Test("unknown column: an error with did you mean")
    func unknownColumn() throws {
        let check = try NotNullCheck(column: "emial")
        #expect { try evaluate(check, on: table("email", Column(string: ["a"]))) } throws: { error in
            let e = error as! QualityError
            return e.code == .unknownColumn && e.hint == "did you mean `email`?"
        }
    }

    @Test("failing rows match a naive model over random nulls", arguments: sizes)
    func randomNulls(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) &+ 11)
        let values: [String?] = (0..<size).map { rng.chance(probability: 0.3) ? nil : "v\($0)" }
        let t = table("s", Column(string: values))
        let check = try NotNullCheck(column: "s", threshold: 0.3)
        let expected = values.indices.filter { values[$0] == nil }
        #expect(try failingIndices(check, on: t) == expected)
        let result = try evaluate(check, on: t)
        if size == 0 {
            #expect(result.outcome == .notEvaluated)
        } else {
            #expect(result.failingRows == expected.count)
            #expect(result.observed == Double(expected.count) / Double(size))
            #expect(result.outcome == (Double(expected.count) / Double(size) <= 0.3 ? .passed : .failed))
        }
    }
}
