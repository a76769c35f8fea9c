import SluiceCore
import Testing
@testable import SluiceQuality

private func decimals(_ unscaled: [Int128?], scale: Int) -> Column { Column(decimal: unscaled, precision: 12, scale: scale) }

@Suite("decimal and binary checks")
struct DecimalCheckTests {
    @Test("range bounds are read as exact decimals and compared at the column's scale")
    func rangeBounds() throws {
        // 0.10, 0.09, 100.00, 100.01, null, -0.01
        let t = table("x", decimals([10, 9, 10_000, 10_001, nil, -1], scale: 2))
        #expect(try failingIndices(RangeCheck(column: "x", min: .float64(0.1), max: .int64(100), threshold: 0), on: t) == [1, 3, 5])
        #expect(try failingIndices(RangeCheck(column: "x", min: .string("0.095"), max: .string("100.005"), threshold: 0), on: t) == [1, 3, 5])
        #expect(try failingIndices(RangeCheck(column: "x", min: .float64(-0.005), threshold: 0), on: t) == [5])
        #expect(try failingIndices(RangeCheck(column: "x", max: .string("0.1"), threshold: 0), on: t) == [2, 3])
        let bad = #expect(throws: QualityError.self) { try evaluate(RangeCheck(column: "x", min: .string("ten")), on: t) }
        #expect(bad?.message == "range bound ten does not fit column \"x\" of type decimal(12,2)")
    }

    @Test("unique and not_null work on decimal and binary columns")
    func uniqueness() throws {
        let d = table("x", decimals([1, 2, 1, nil], scale: 2))
        #expect(try failingIndices(UniqueCheck(columns: ["x"]), on: d) == [2])
        let b = table("b", Column(binary: [[1, 2], [1], [1, 2], []]))
        #expect(try failingIndices(UniqueCheck(columns: ["b"]), on: b) == [2])
    }

    @Test("the profile of a decimal column is exact: min, max, quantiles and top values as decimals")
    func profile() throws {
        let column = decimals([125, -5, 125, nil, 99_999_999_999], scale: 2)
        let profile = Profiler.profile(column, name: "x")
        #expect(profile.type == .decimal(precision: 12, scale: 2))
        #expect(profile.min?.description == "-0.05")
        #expect(profile.max?.description == "999999999.99")
        #expect(profile.distinct == 3)
        #expect(profile.topValues.first?.0.description == "1.25")
        let bytes = Profiler.profile(Column(binary: [[0xff, 0x00], [0xff, 0x00], []]), name: "b")
        #expect(bytes.distinct == 2)
        #expect(bytes.topValues.first?.0 == .binary([0xff, 0x00]))
        #expect(bytes.lengths?.max == 2)
    }
}
