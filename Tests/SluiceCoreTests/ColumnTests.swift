import Testing
@testable import SluiceCore
import SluiceTestSupport

/// Builds a column through `ColumnBuilder.append(_: Value)`.
func buildColumn(_ type: DataType, _ values: [Value]) -> Column {
    var builder = ColumnBuilder(type: type)
    for value in values {
        let appended = builder.append(value)
        #expect(appended)
    }
    #expect(builder.count == values.count)
    return builder.finish()
}

/// Checks every accessor of `column` against `model`, returning false at the first difference.
func matches(_ column: Column, _ model: [Value], _ type: DataType) -> Bool {
    guard column.type == type, column.count == model.count else { return false }
    guard column.nullCount == model.filter(\.isNull).count else { return false }
    guard (column.validity == nil) == (column.nullCount == 0) else { return false }
    for (i, expected) in model.enumerated() {
        if column.isNull(i) != expected.isNull { return false }
        if column.value(at: i) != expected || column.unsafeValue(at: i) != expected { return false }
    }
    if column.value(at: -1) != nil || column.value(at: model.count) != nil { return false }
    return column.allValues == model
}

@Suite("Column")
struct ColumnTests {
    @Test("values round-trip for every type and size", arguments: DataType.allCases, sizes)
    func roundTrip(type: DataType, count: Int) throws {
        for nullRate in [0.0, 0.3, 1.0] {
            let model = randomValues(type, count: count, nullRate: nullRate, seed: UInt64(count) &* 7 &+ UInt64(type.hashValue & 0xFFFF))
            let column = buildColumn(type, model)
            #expect(matches(column, model, type))
            #expect(try Column(type: type, values: model) == column)
        }
    }

    @Test("withUnsafeValues exposes the values, zero for nulls", arguments: sizes)
    func unsafeValues(count: Int) {
        let seed = UInt64(count) &+ 1000
        func check<T: BitwiseCopyable & Equatable>(_ type: DataType, _ t: T.Type, zero: T, _ extract: (Value) -> T) {
            let model = randomValues(type, count: count, nullRate: 0.25, seed: seed)
            let column = buildColumn(type, model)
            let raw = column.withUnsafeValues(as: T.self) { Array($0) }
            #expect(raw.count == count)
            #expect(raw == model.map { $0.isNull ? zero : extract($0) })
        }
        check(.int64, Int64.self, zero: 0) { if case .int64(let v) = $0 { v } else { -1 } }
        check(.timestamp, Int64.self, zero: 0) { if case .timestamp(let v) = $0 { v } else { -1 } }
        check(.date, Int32.self, zero: 0) { if case .date(let v) = $0 { v } else { -1 } }
        check(.bool, UInt8.self, zero: 0) { if case .bool(let v) = $0 { v ? 1 : 0 } else { 9 } }
        let model = randomValues(.float64, count: count, nullRate: 0.25, seed: seed)
        let raw = buildColumn(.float64, model).withUnsafeValues(as: Double.self) { $0.map(\.bitPattern) }
        #expect(raw == model.map { if case .float64(let v) = $0 { v.bitPattern } else { 0 } })
    }

    @Test("withUnsafeStrings exposes offsets and UTF-8 bytes", arguments: sizes)
    func unsafeStrings(count: Int) {
        let model = randomValues(.string, count: count, nullRate: 0.25, seed: UInt64(count) &+ 3)
        let column = buildColumn(.string, model)
        column.withUnsafeStrings { view in
            #expect(view.count == count)
            #expect(view.offsets[0] == 0)
            for (i, value) in model.enumerated() {
                let expected = if case .string(let s) = value { s } else { "" }
                if view.string(at: i) != expected || !view[i].elementsEqual(expected.utf8) || view.offsets[i] > view.offsets[i + 1] {
                    Issue.record("row \(i): \(view.string(at: i).debugDescription) != \(expected.debugDescription)")
                    return
                }
            }
        }
    }

    @Test("unicode, empty and NUL strings survive", arguments: [0, 1, 63, 64, 65])
    func unicodeStrings(extra: Int) {
        let strings: [String?] = ["", "é", "e\u{301}", "日本語", "👩‍👩‍👧", "\u{0}a\u{0}", nil, ""] + (0..<extra).map { "row \($0) ✓" }
        let column = Column(string: strings)
        #expect(column.allValues == strings.map { $0.map(Value.string) ?? .null })
        #expect(column.nullCount == 1)
        #expect(column.value(at: 0) == .string(""))
        #expect(column.isNull(6) && !column.isNull(0))
    }

    @Test("typed initialisers", arguments: sizes)
    func typedInitialisers(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let ints: [Int64?] = (0..<count).map { _ in rng.chance(0.2) ? nil : Int64.random(in: .min ... .max, using: &rng) }
        #expect(Column(int64: ints).allValues == ints.map { $0.map(Value.int64) ?? .null })
        let doubles: [Double?] = (0..<count).map { _ in rng.chance(0.2) ? nil : Double(bitPattern: rng.next()) }
        #expect(Column(float64: doubles).allValues == doubles.map { $0.map(Value.float64) ?? .null })
        let bools: [Bool?] = (0..<count).map { _ in rng.chance(0.2) ? nil : rng.chance(0.5) }
        #expect(Column(bool: bools).allValues == bools.map { $0.map(Value.bool) ?? .null })
        let dates: [Int32?] = (0..<count).map { _ in rng.chance(0.2) ? nil : Int32.random(in: .min ... .max, using: &rng) }
        #expect(Column(date: dates).allValues == dates.map { $0.map(Value.date) ?? .null })
        let stamps: [Int64?] = (0..<count).map { _ in rng.chance(0.2) ? nil : Int64.random(in: .min ... .max, using: &rng) }
        #expect(Column(timestamp: stamps).allValues == stamps.map { $0.map(Value.timestamp) ?? .null })
        #expect(Column(timestamp: stamps).type == .timestamp && Column(date: dates).type == .date)
    }

    @Test("Column(type:values:) converts int64 and date, and names the first bad row")
    func typedValues() throws {
        #expect(try Column(type: .float64, values: [.int64(3), .null, .float64(0.5)]) == Column(float64: [3, nil, 0.5]))
        #expect(try Column(type: .timestamp, values: [.date(1), .timestamp(5)]) == Column(timestamp: [86_400_000_000, 5]))
        let error = #expect(throws: CoreError.self) {
            try Column(type: .int64, values: [.int64(1), .null, .string("x")])
        }
        #expect(error?.code == .typeMismatch)
        #expect(error?.message == "row 2: a int64 column cannot hold string value x")
        #expect(throws: CoreError.self) { try Column(type: .int64, values: [.float64(1)]) }
        #expect(throws: CoreError.self) { try Column(type: .date, values: [.timestamp(0)]) }
        #expect(throws: CoreError.self) { try Column(type: .bool, values: [.int64(1)]) }
        #expect(throws: CoreError.self) { try Column(type: .string, values: [.bool(true)]) }
    }

    @Test("slices and nested slices equal the model", arguments: DataType.allCases, sizes)
    func slicing(type: DataType, count: Int) throws {
        let model = randomValues(type, count: count, nullRate: 0.3, seed: UInt64(count) &+ 77)
        let column = buildColumn(type, model)
        var rng = SplitMix64(seed: UInt64(count) &+ 5)
        for _ in 0..<20 {
            let a = Int.random(in: 0...count, using: &rng), b = Int.random(in: 0...count, using: &rng)
            let outer = min(a, b)..<max(a, b)
            let slice = column.slice(outer)
            let expected = Array(model[outer])
            #expect(matches(slice, expected, type))
            #expect(slice == (try Column(type: type, values: expected)))
            let c = Int.random(in: 0...outer.count, using: &rng), d = Int.random(in: 0...outer.count, using: &rng)
            let inner = min(c, d)..<max(c, d)
            let nested = slice.slice(inner)
            let nestedModel = Array(expected[inner])
            #expect(matches(nested, nestedModel, type))
            #expect(nested == column.slice((outer.lowerBound + inner.lowerBound)..<(outer.lowerBound + inner.upperBound)))
        }
        #expect(column.slice(0..<count) == column)
        #expect(column.slice(count..<count).count == 0)
    }

    @Test("gathering equals the model: any rows, -1 as null, consecutive rows shared", arguments: DataType.allCases, sizes)
    func gathering(type: DataType, count: Int) throws {
        let model = randomValues(type, count: count, nullRate: 0.3, seed: UInt64(count) &+ 91)
        let column = buildColumn(type, model)
        var rng = SplitMix64(seed: UInt64(count) &+ 13)
        func expected(_ rows: [Int], _ base: [Value]) -> [Value] { rows.map { $0 < 0 ? .null : base[$0] } }
        // Arbitrary rows, repeats and nulls.
        let any = (0..<(count * 2)).map { _ in Int.random(in: -1..<Swift.max(count, 1), using: &rng) }.map { count == 0 ? -1 : $0 }
        #expect(matches(column.gathering(any), expected(any, model), type))
        // Consecutive rows: the whole column, ranges of it and ranges of a slice.
        #expect(matches(column.gathering(Array(0..<count)), model, type))
        for _ in 0..<10 {
            let a = Int.random(in: 0...count, using: &rng), b = Int.random(in: 0...count, using: &rng)
            let range = Array(Swift.min(a, b)..<Swift.max(a, b))
            #expect(matches(column.gathering(range), expected(range, model), type))
            let slice = column.slice(Swift.min(a, b)..<count)
            let inner = Array(0..<Swift.min(range.count, slice.count))
            #expect(matches(slice.gathering(inner), expected(inner, Array(model[Swift.min(a, b)...])), type))
            // Almost consecutive: one index off, or one null, is gathered normally.
            if range.count > 1 {
                var broken = range
                broken[range.count / 2] = Int.random(in: 0..<2, using: &rng) == 0 ? -1 : range[0]
                #expect(matches(column.gathering(broken), expected(broken, model), type))
            }
        }
    }

    @Test("equality is logical")
    func equality() throws {
        #expect(Column(float64: [.nan, 1, nil]) == Column(float64: [.nan, 1, nil]))
        #expect(Column(float64: [.nan]) != Column(float64: [1]))
        #expect(Column(int64: [1, nil, 3]) != Column(int64: [1, 2, 3]))
        #expect(Column(int64: [1, nil, 3]) != Column(int64: [nil, 1, 3]))
        // Nulls at different rows, same null count and same stored zeros.
        #expect(Column(int64: [nil, 0]) != Column(int64: [0, nil]))
        #expect(Column(string: [nil, ""]) != Column(string: ["", nil]))
        #expect(Column(int64: [1, 2]) != Column(float64: [1, 2]))
        #expect(Column(date: [1]) != Column(timestamp: [1]))
        #expect(Column(int64: [1, 2]) != Column(int64: [1, 2, 3]))
        #expect(Column(string: ["ab", "c"]) != Column(string: ["a", "bc"]))
        #expect(Column(bool: [true, false]) != Column(bool: [true, true]))
        #expect(Column(string: []) == ColumnBuilder(type: .string).finish())
        // An all-valid slice of a column with nulls equals a column without validity.
        let withNulls = Column(string: [nil, "x", "y", nil])
        let middle = withNulls.slice(1..<3)
        #expect(middle.validity == nil && middle.nullCount == 0)
        #expect(middle == Column(string: ["x", "y"]))
    }

    @Test("allocatedByteCount counts value, byte and validity storage")
    func allocatedBytes() {
        let column = Column(int64: Array(repeating: 1, count: 1000) + [nil])
        #expect(column.allocatedByteCount >= 1001 * 8 + 16 * 8)
    }

    @Test("large columns keep their values across buffer growth")
    func largeColumns() {
        let count = 400_000
        var ints = ColumnBuilder(type: .int64)
        var strings = ColumnBuilder(type: .string)
        for i in 0..<count {
            ints.append(int64: Int64(i) * 3)
            strings.append(string: "value-\(i)")
        }
        let intColumn = ints.finish(), stringColumn = strings.finish()
        #expect(intColumn.withUnsafeValues(as: Int64.self) { buffer in buffer.indices.allSatisfy { buffer[$0] == Int64($0) * 3 } })
        #expect(stringColumn.withUnsafeStrings { view in (0..<count).allSatisfy { view.string(at: $0) == "value-\($0)" } })
        #expect(stringColumn.value(at: count - 1) == .string("value-\(count - 1)"))
    }

    @Test("reading past the end stops the process")
    func isNullOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            _ = Column(int64: [1]).isNull(1)
        }
    }
}
