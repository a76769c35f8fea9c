import Testing
import SluiceCore
@testable import SluiceTransform

/// Orders two non-null values of the same type.
private func compareValues(_ a: Value, _ b: Value) -> Int {
    switch (a, b) {
    case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.date(let x), .date(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
    case (.float64(let x), .float64(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : x == y ? 0 : 1
    default: fatalError("mixed types")
    }
}

@Suite("Sort against a naive model")
struct SortTests {
    @Test("integer-like first keys, both directions, nulls first or last, ties on later keys", arguments: [0, 1, 63, 64, 65, 2000])
    func model(size: Int) throws {
        var rng = SplitMix64(seed: UInt64(size) + 41)
        func maybe<T>(_ v: T) -> T? { rng.next(below: 6) == 0 ? nil : v }
        var ints: [Int64?] = [], days: [Int32?] = [], flags: [Bool?] = [], stamps: [Int64?] = [], names: [String?] = []
        for _ in 0..<size {
            let extreme = rng.next(below: 20) == 0
            ints.append(maybe(extreme ? (rng.next(below: 2) == 0 ? .min : .max) : Int64(rng.next(below: 30)) - 15))
            days.append(maybe(Int32(rng.next(below: 40)) - 20))
            flags.append(maybe(rng.next(below: 2) == 0))
            stamps.append(maybe(Int64(rng.next(below: 10)) * 1_000_000_007))
            names.append(maybe(["b", "a", "ab", "", "é"][rng.next(below: 5)]))
        }
        let table = try Table([("i", Column(int64: ints)), ("d", Column(date: days)), ("f", Column(bool: flags)),
                               ("t", Column(timestamp: stamps)), ("s", Column(string: names))])
        let orders: [[SortKey]] = [
            [SortKey("i")], [SortKey("i", descending: true)], [SortKey("i", nullsFirst: true)], [SortKey("i", descending: true, nullsFirst: false)],
            [SortKey("d"), SortKey("s", descending: true)], [SortKey("f", descending: true), SortKey("i")],
            [SortKey("t", nullsFirst: true), SortKey("f"), SortKey("s")], [SortKey("s"), SortKey("i")],
        ]
        for keys in orders {
            let sorted = try Step.sort(keys).apply(to: table)
            let expected = (0..<size).sorted { a, b in
                for key in keys {
                    let column = try! table.column(key.column)
                    let x = column.unsafeValue(at: a), y = column.unsafeValue(at: b)
                    if x.isNull || y.isNull {
                        if x.isNull && y.isNull { continue }
                        return x.isNull == key.nullsFirst
                    }
                    let c = compareValues(x, y) * (key.descending ? -1 : 1)
                    if c != 0 { return c < 0 }
                }
                return a < b
            }
            #expect(sorted == table.gathering(expected), "\(keys.map(\.column))")
        }
    }
}
