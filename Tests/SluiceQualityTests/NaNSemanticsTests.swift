import SluiceCore
import Testing
@testable import SluiceQuality

/// What every check does with NaN (and ±infinity), as the README states: NaN is a value,
/// not a null; it equals itself for distinctness and membership (as in pandas' `nunique`,
/// `isin` and SQL's `IS NOT DISTINCT FROM`); it lies outside every range and fails every
/// comparison.
@Suite("NaN semantics of checks")
struct NaNSemanticsTests {
    let values = table("x", Column(float64: [1, .nan, .nan, nil, .infinity, -0.0, 0.0]))

    @Test("not_null: NaN is a value, only null counts")
    func notNull() throws {
        #expect(try failingIndices(NotNullCheck(column: "x", threshold: 0), on: values) == [3])
    }

    @Test("unique: NaN equals NaN (the second is a repeat), -0.0 equals 0.0, nulls are not counted")
    func unique() throws {
        #expect(try failingIndices(UniqueCheck(columns: ["x"], threshold: 1), on: values) == [2, 6])
        let result = try evaluate(UniqueCheck(columns: ["x"], threshold: 1), on: values)
        #expect(result.observed == 4.0 / 7.0)   // 1, NaN, inf, 0 distinct of 7 rows
    }

    @Test("range: NaN lies outside every range, infinities compare as numbers, null is not outside")
    func range() throws {
        #expect(try failingIndices(RangeCheck(column: "x", min: .int64(0), max: .int64(10)), on: values) == [1, 2, 4])
        #expect(try failingIndices(RangeCheck(column: "x", min: .int64(-1)), on: values) == [1, 2])
    }

    @Test("accepted_values and referential: NaN matches a NaN in the list or reference, nothing else")
    func membership() throws {
        #expect(try failingIndices(AcceptedValuesCheck(column: "x", values: [.float64(1), .float64(0)]), on: values) == [1, 2, 4])
        #expect(try failingIndices(AcceptedValuesCheck(column: "x", values: [.float64(.nan), .float64(1), .float64(0), .float64(.infinity)]), on: values) == [])
        let reference = Column(float64: [1, 0, .infinity])
        #expect(try failingIndices(ReferentialCheck(column: "x", reference: reference, referenceName: "r.x"), on: values) == [1, 2])
        let withNaN = Column(float64: [1, 0, .infinity, .nan])
        #expect(try failingIndices(ReferentialCheck(column: "x", reference: withNaN, referenceName: "r.x"), on: values) == [])
    }

    @Test("expression: every comparison with NaN is false, so the row fails; is not null holds")
    func expression() throws {
        #expect(try failingIndices(ExpressionCheck("x >= 0"), on: values) == [1, 2, 3])
        #expect(try failingIndices(ExpressionCheck("x >= 0", nullsPass: true), on: values) == [1, 2])
        #expect(try failingIndices(ExpressionCheck("x is not null"), on: values) == [3])
    }
}
