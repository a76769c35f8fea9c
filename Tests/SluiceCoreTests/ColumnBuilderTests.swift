import Testing
@testable import SluiceCore
import SluiceTestSupport

/// `builder.append(value)` as a plain function, so `#expect` can wrap it.
private func append(_ builder: inout ColumnBuilder, _ value: Value) -> Bool { builder.append(value) }

@Suite("ColumnBuilder")
struct ColumnBuilderTests {
    @Test("append(Value) converts int64→float64 and date→timestamp, refuses mismatches")
    func valueConversions() {
        var floats = ColumnBuilder(type: .float64)
        #expect(append(&floats, .int64(-7)))
        #expect(append(&floats, .float64(0.25)))
        #expect(append(&floats, .null))
        #expect(!append(&floats, .string("1")))
        #expect(!append(&floats, .bool(true)))
        #expect(floats.count == 3)
        #expect(floats.finish() == Column(float64: [-7, 0.25, nil]))

        var stamps = ColumnBuilder(type: .timestamp)
        #expect(append(&stamps, .date(-1)))
        #expect(append(&stamps, .timestamp(12)))
        #expect(!append(&stamps, .int64(12)))
        #expect(stamps.finish() == Column(timestamp: [-86_400_000_000, 12]))

        let all: [Value] = [.bool(true), .int64(1), .float64(1), .string("1"), .date(1), .timestamp(1)]
        for type in DataType.allCases {
            var builder = ColumnBuilder(type: type)
            let accepted = all.filter { builder.append($0) }.compactMap(\.dataType)
            var expected: Set<DataType> = [type]
            if type == .float64 { expected.insert(.int64) }
            if type == .timestamp { expected.insert(.date) }
            if type.isDecimal { expected = [.int64] }   // an int64 fits a decimal exactly; a float never converts implicitly
            if type == .binary { expected = [] }
            #expect(Set(accepted) == expected, "\(type)")
            #expect(builder.count == expected.count)
        }
    }

    @Test("append(contentsOf:) of columns and slices equals the concatenated model", arguments: DataType.allCases, sizes)
    func appendContents(type: DataType, count: Int) throws {
        let model = randomValues(type, count: count, nullRate: 0.3, seed: UInt64(count) &+ 1234)
        let source = buildColumn(type, model)
        var rng = SplitMix64(seed: UInt64(count) &+ 99)
        // A prefix of plain values first, so that string offsets must be shifted.
        let prefix = randomValues(type, count: 3, nullRate: 0.0, seed: 5)
        var builder = ColumnBuilder(type: type)
        for value in prefix { builder.append(value) }
        var expected = prefix
        var position = 0
        while position < count {
            let n = min(Int.random(in: 1...80, using: &rng), count - position)
            let range = position..<(position + n)
            if rng.chance(0.3) {
                for i in range { builder.append(from: source, at: i) }
            } else {
                builder.append(contentsOf: source.slice(range))
            }
            builder.append(contentsOf: source.slice(range).slice(0..<0))
            expected += model[range]
            position += n
        }
        builder.append(contentsOf: source)
        expected += model
        let result = builder.finish()
        #expect(matches(result, expected, type))
        #expect(result == (try Column(type: type, values: expected)))
    }

    @Test("append(from:at:) copies single rows of slices", arguments: DataType.allCases)
    func appendFrom(type: DataType) {
        let model = randomValues(type, count: 200, nullRate: 0.3, seed: 8)
        let slice = buildColumn(type, model).slice(37..<170)
        var builder = ColumnBuilder(type: type)
        for i in stride(from: slice.count - 1, through: 0, by: -1) { builder.append(from: slice, at: i) }
        #expect(matches(builder.finish(), Array(model[37..<170].reversed()), type))
    }

    @Test("builders start with a capacity and grow")
    func capacity() {
        var builder = ColumnBuilder(type: .string, capacity: 2)
        for i in 0..<1000 { builder.append(string: String(repeating: "x", count: i % 7)) }
        builder.appendNull()
        let column = builder.finish()
        #expect(column.count == 1001 && column.nullCount == 1)
        #expect(column.value(at: 999) == .string(String(repeating: "x", count: 999 % 7)))
    }
}
