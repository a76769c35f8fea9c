import Testing
import SluiceCore
@testable import SluiceTransform

@Suite("Bucket against a naive model")
struct BucketModelTests {
    /// pd.cut for one value: intervals (e[i-1], e[i]] (or [e[i-1], e[i]) when not right), the
    /// outer edge closed by include_lowest; outside, null and NaN give nil.
    static func naive(_ x: Double?, _ edges: [Double], right: Bool, includeLowest: Bool) -> Int? {
        guard let x, !x.isNaN else { return nil }
        for i in 1..<edges.count {
            let inside = right ? (edges[i - 1] < x && x <= edges[i]) : (edges[i - 1] <= x && x < edges[i])
            if inside { return i - 1 }
        }
        if includeLowest && right && x == edges[0] { return 0 }
        if includeLowest && !right && x == edges[edges.count - 1] { return edges.count - 2 }
        return nil
    }

    @Test("random values, nulls and NaN at and between edges", arguments: [0, 1, 63, 64, 65, 3000])
    func model(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 3)
        let edges: [Double] = [-50, 0, 100, 1000, .infinity]
        let values: [Double?] = (0..<size).map { _ in
            switch rng.next(below: 6) {
            case 0: nil
            case 1: edges[rng.next(below: 4)]
            case 2: .nan
            default: Double(Int(rng.next(below: 300_000)) - 100_000) / 100
            }
        }
        let table = try Table([("v", Column(float64: values))])
        let labels = ["neg", "", "Bronze", "Silver"]   // an empty label is a value, not null
        for right in [true, false] {
            for includeLowest in [true, false] {
                let out = try Step.bucket(BucketSpec(column: "v", into: "b", edges: edges, labels: labels, right: right, includeLowest: includeLowest)).apply(to: table)
                let expected: [Value] = values.map { v in Self.naive(v, edges, right: right, includeLowest: includeLowest).map { .string(labels[$0]) } ?? .null }
                #expect(try out.column("b").allValues == expected, "right \(right), include_lowest \(includeLowest)")
            }
        }
    }
}
