import Testing
import SluiceCore
@testable import SluiceTransform

/// A canonical text for one key value: equal keys give equal texts (-0.0 is 0.0,
/// every NaN is one NaN; a type tag keeps 1 and "1" apart).
private func canonical(_ value: Value) -> String {
    switch value {
    case .null: return "∅"
    case .float64(let v): return "f" + (v == 0 ? "0" : v.isNaN ? "nan" : "\(v.bitPattern)")
    case .string(let s): return "s" + s
    default: return "v\(value)"
    }
}

/// Codes the naive way: a dictionary from the tuple's text, dense in first-seen order.
private func modelCodes(_ columns: [Column], nullsMatch: Bool) -> (codes: [Int], cardinality: Int) {
    var seen: [String: Int] = [:]
    var codes: [Int] = []
    for row in 0..<(columns.first?.count ?? 0) {
        let values = columns.map { $0.unsafeValue(at: row) }
        if !nullsMatch && values.contains(.null) { codes.append(-1); continue }
        let key = values.map(canonical).joined(separator: "|")
        if let code = seen[key] { codes.append(code) } else {
            seen[key] = seen.count
            codes.append(seen.count - 1)
        }
    }
    return (codes, seen.count)
}

/// How the generated key columns relate to the first one.
private enum Shape: CaseIterable { case dependent, mostlyDependent, independent }

private func randomKeyColumns(_ n: Int, first: Int, shape: Shape, seed: UInt64) throws -> [Column] {
    var rng = SplitMix64(seed: seed)
    func maybe(_ v: Value, nulls: Int = 7) -> Value { rng.next(below: nulls) == 0 ? .null : v }
    // The first column: several value distributions that take different encoding paths.
    var ids: [Int] = []
    var firstValues: [Value] = []
    var firstType = DataType.int64
    for _ in 0..<n {
        let id = rng.next(below: Swift.max(n / 2, 1)) + 1
        ids.append(id)
        switch first {
        case 0: firstValues.append(maybe(.int64(Int64(id))))                               // narrow: direct array
        case 1: firstValues.append(maybe(.int64(Int64(id) * 1_000_000_007)))               // wide: hashed
        case 2: firstValues.append(maybe(.int64(id % 3 == 0 ? .min : id % 3 == 1 ? .max : Int64(id))))  // span overflows
        case 3: firstType = .date; firstValues.append(maybe(.date(Int32(id) - 500)))
        case 4: firstType = .bool; firstValues.append(maybe(.bool(id % 2 == 0)))
        case 5:
            firstType = .float64
            let specials: [Double] = [0.0, -0.0, .nan, -Double.nan, Double(bitPattern: 0x7ff8_0000_0000_0001), 1.5, -1.5, .infinity]
            firstValues.append(maybe(.float64(id % 4 == 0 ? specials[id % specials.count] : Double(id) / 8)))
        default: firstType = .string; firstValues.append(maybe(.string(String(repeating: "x", count: id % 11) + "\(id)")))
        }
    }
    // Further columns: a string and a timestamp derived from the id (dependent), with a few
    // exceptions (mostly dependent), or unrelated (independent); nulls throughout.
    var strings: [Value] = [], stamps: [Value] = [], flags: [Value] = []
    for id in ids {
        let breaks = shape == .independent || (shape == .mostlyDependent && rng.next(below: 20) == 0)
        let v = breaks ? rng.next(below: 6) : id
        strings.append(v % 9 == 0 ? .null : .string("user\(v)@example.com"))
        stamps.append(v % 13 == 0 ? .null : .timestamp(Int64(v) * 1_000_003))
        flags.append(breaks && rng.next(below: 2) == 0 ? .null : .bool(v % 2 == 0))
    }
    return [try Column(type: firstType, values: firstValues), try Column(type: .string, values: strings),
            try Column(type: .timestamp, values: stamps), try Column(type: .bool, values: flags)]
}

@Suite("Key encoding by refinement")
struct KeyEncoderRefinementTests {
    @Test("every first-column path and column relation against a dictionary model",
          arguments: [0, 1, 63, 64, 65, 2000])
    func model(size: Int) throws {
        for first in 0...6 {
            for shape in Shape.allCases {
                let columns = try randomKeyColumns(size, first: first, shape: shape, seed: UInt64(size * 31 + first))
                for width in 1...columns.count {
                    for nullsMatch in [true, false] {
                        let keys = Array(columns.prefix(width))
                        let encoder = KeyEncoder(keys, nullsMatch: nullsMatch)
                        let expected = modelCodes(keys, nullsMatch: nullsMatch)
                        #expect(encoder.codes == expected.codes, "first \(first), \(shape), \(width) columns, nullsMatch \(nullsMatch)")
                        #expect(encoder.cardinality == expected.cardinality)
                    }
                }
            }
        }
    }

    @Test("a dependent column adds no codes; a column that splits one group splits only it")
    func refinement() throws {
        let id = Column(int64: [7, 8, 7, 9, 8, 7])
        let email = Column(string: ["a", "b", "a", "c", "b", "a"])
        #expect(KeyEncoder([id, email], nullsMatch: true).codes == [0, 1, 0, 2, 1, 0])
        let split = Column(string: ["a", "b", "z", "c", "b", "a"])
        // (7, z) is new, after the groups seen before it: renumbered in first-seen order.
        #expect(KeyEncoder([id, split], nullsMatch: true).codes == [0, 1, 2, 3, 1, 0])
        // Nulls: equal to each other when grouping, never matching in joins.
        let nulls = Column(string: ["a", nil, "a", nil, nil, nil])
        #expect(KeyEncoder([id, nulls], nullsMatch: true).codes == [0, 1, 0, 2, 1, 3])
        #expect(KeyEncoder([id, nulls], nullsMatch: false).codes == [0, -1, 0, -1, -1, -1])
        #expect(KeyEncoder([id, nulls], nullsMatch: false).cardinality == 1)
    }

    @Test("keys that collide in the hash still compare by value")
    func collisions() throws {
        // Many groups split by many values: the split table grows and probes past collisions.
        let n = 5000
        let group = Column(int64: (0..<n).map { Int64($0 % 3) })
        let value = Column(float64: (0..<n).map { $0 % 3400 == 0 ? -0.0 : Double($0 % 1700) })
        let encoder = KeyEncoder([group, value], nullsMatch: true)
        let expected = modelCodes([group, value], nullsMatch: true)
        #expect(encoder.codes == expected.codes)
        #expect(encoder.cardinality == expected.cardinality)
    }

    @Test("a column that splits most groups is combined pairwise instead, and later columns still refine")
    func combined() throws {
        var rng = SplitMix64(seed: 5)
        let n = 4000
        let flag = Column(bool: (0..<n).map { _ in rng.next(below: 2) == 0 })
        let amounts: [Double?] = (0..<n).map { _ in rng.next(below: 9) == 0 ? nil : Double(rng.next(below: 900)) / 4 }
        let amount = Column(float64: amounts)
        // Follows the amount except in a few rows.
        let label = Column(string: amounts.map { a in rng.next(below: 50) == 0 ? "odd" : a.map { "a\($0)" } })
        var (codes, cardinality) = KeyEncoder.encode(flag, nullsMatch: true)
        var firstRows = KeyEncoder.firstRows(codes, cardinality)
        #expect(KeyEncoder.refine(&codes, &cardinality, &firstRows, by: amount, nullsMatch: true) == .splitsMostGroups)
        #expect(codes == KeyEncoder.encode(flag, nullsMatch: true).0)   // left untouched
        for nullsMatch in [true, false] {
            let encoder = KeyEncoder([flag, amount, label], nullsMatch: nullsMatch)
            let expected = modelCodes([flag, amount, label], nullsMatch: nullsMatch)
            #expect(encoder.codes == expected.codes)
            #expect(encoder.cardinality == expected.cardinality)
        }
    }

    @Test("no columns: no codes")
    func empty() {
        let encoder = KeyEncoder([], nullsMatch: true)
        #expect(encoder.codes.isEmpty && encoder.cardinality == 0)
        #expect(KeyEncoder([Column(int64: [])], nullsMatch: false).cardinality == 0)
    }
}
