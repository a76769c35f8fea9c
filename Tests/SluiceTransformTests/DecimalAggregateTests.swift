import Testing
import SluiceCore
@testable import SluiceTransform

@Suite("Decimal aggregates")
struct DecimalAggregateTests {
    @Test("sum of a million 0.1s is exactly 100000.0 (a double sum is not); avg keeps 6 more places")
    func exactSum() throws {
        let n = 1_000_000
        let tenth = Column(decimal: [Int128?](repeating: 1, count: n), precision: 10, scale: 1)
        let groups = Column(int64: (0..<n).map { Int64($0 % 2) })
        let table = try Table([("g", groups), ("x", tenth)])
        let total = try Step.aggregate(AggregateSpec(by: [], measures: [.init("s", .sum, "x"), .init("m", .avg, "x")])).apply(to: table)
        #expect(total.schema.fields.map(\.type) == [.decimal(precision: 38, scale: 1), .decimal(precision: 38, scale: 7)])
        #expect(total.row(0).map(\.description) == ["100000.0", "0.1000000"])
        var double = 0.0
        for _ in 0..<n { double += 0.1 }
        #expect(double != 100_000)   // what float64 gives: 100000.00000133288
        let byGroup = try Step.aggregate(AggregateSpec(by: ["g"], measures: [.init("s", .sum, "x"), .init("lo", .min, "x")])).apply(to: table)
        #expect(byGroup.columns[1].allValues.map(\.description) == ["50000.0", "50000.0"])
        #expect(byGroup.columns[2].allValues.map(\.description) == ["0.1", "0.1"])
    }

    @Test("a sum past 38 digits is an overflow error, not a wrap or a float")
    func overflow() throws {
        let limit = Decimal128.maxUnscaled(precision: 38)
        let table = try Table([("x", Column(decimal: [limit, 1], precision: 38, scale: 0))])
        let error = #expect(throws: TransformError.self) {
            try Step.aggregate(AggregateSpec(by: [], measures: [.init("s", .sum, "x")])).apply(to: table)
        }
        #expect(error?.code == .overflow)
        #expect(error?.hint == "cast the column to a smaller scale, or to float64 for an approximate sum")
    }

    @Test("decimal and binary keys group, sort and deduplicate by value")
    func keys() throws {
        let table = try Table([
            ("d", Column(decimal: [5, nil, -3, 5, Decimal128.maxUnscaled(precision: 38), -3], precision: 38, scale: 2)),
            ("b", Column(binary: [[1], [], nil, [1], [0xff], [0]])),
        ])
        let counted = try Step.aggregate(AggregateSpec(by: ["d"], measures: [.init("n", .count)])).apply(to: table)
        #expect(counted.columns[1].allValues == [.int64(2), .int64(1), .int64(2), .int64(1)])
        let byBytes = try Step.aggregate(AggregateSpec(by: ["b"], measures: [.init("n", .count)])).apply(to: table)
        #expect(byBytes.rowCount == 5)
    }
}
