@testable import SluiceCore
import Testing

@Suite("ColumnSummary")
struct ColumnSummaryTests {
    @Test("int64: nulls counted, exact sum, extremes; an all-null column has none")
    func integers() {
        let s = ColumnSummary(field: Field("n", .int64), column: Column(int64: [3, nil, -7, 10, nil]))
        #expect(s.name == "n" && s.type == .int64)
        #expect(s.nulls == 2 && s.sum == "6" && s.min == "-7" && s.max == "10")
        let empty = ColumnSummary(field: Field("n", .int64), column: Column(int64: [nil, nil]))
        #expect(empty.nulls == 2 && empty.sum == "0" && empty.min == nil && empty.max == nil)
    }

    @Test("decimal: sum and extremes exact at the column's scale")
    func decimals() {
        let s = ColumnSummary(field: Field("total", .decimal(precision: 10, scale: 2)),
                              column: Column(decimal: [6010, 3990, nil, -5], precision: 10, scale: 2))
        #expect(s.sum == "99.95" && s.min == "-0.05" && s.max == "60.10")
    }

    @Test("float64 skips NaN in the extremes; dates and timestamps print in ISO form; strings have no extremes")
    func otherTypes() {
        let f = ColumnSummary(field: Field("x", .float64), column: Column(float64: [1.5, .nan, -2.25]))
        #expect(f.min == "-2.25" && f.max == "1.5")
        let d = ColumnSummary(field: Field("d", .date), column: Column(date: [19_723, 0]))
        #expect(d.min == "1970-01-01" && d.max == "2024-01-01" && d.sum == nil)
        let t = ColumnSummary(field: Field("t", .timestamp), column: Column(timestamp: [0]))
        #expect(t.min == t.max && t.min?.hasPrefix("1970-01-01") == true)
        let s = ColumnSummary(field: Field("s", .string), column: Column(string: ["a", nil]))
        #expect(s.nulls == 1 && s.min == nil && s.sum == nil)
    }
}
