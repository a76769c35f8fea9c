import Testing
@testable import SluiceCore

@Suite("Value")
struct ValueTests {
    @Test("descriptions")
    func descriptions() {
        #expect(Value.null.description == "null")
        #expect(Value.bool(true).description == "true")
        #expect(Value.int64(-5).description == "-5")
        #expect(Value.float64(12.5).description == "12.5")
        #expect(Value.float64(.nan).description == "nan")
        #expect(Value.string("a b").description == "a b")
        #expect(Value.date(0).description == "1970-01-01")
        #expect(Value.timestamp(1_500_000).description == "1970-01-01T00:00:01.5Z")
    }

    @Test("types and null")
    func types() {
        #expect(Value.null.dataType == nil && Value.null.isNull)
        #expect(!Value.string("").isNull)
        let values: [Value] = [.bool(true), .int64(1), .float64(1), .string("1"), .date(1), .timestamp(1)]
        #expect(values.map(\.dataType) == [.bool, .int64, .float64, .string, .date, .timestamp])
    }

    @Test("equality: NaN equals NaN, cases never mix")
    func equality() {
        #expect(Value.float64(.nan) == .float64(.nan))
        #expect(Value.float64(0) == .float64(-0.0))
        #expect(Value.int64(1) != .float64(1))
        #expect(Value.date(1) != .timestamp(1))
        #expect(Value.string("") != .null)
    }

    @Test("equal values hash equally")
    func hashing() {
        let pairs: [(Value, Value)] = [
            (.float64(.nan), .float64(-.nan)), (.float64(0), .float64(-0.0)), (.float64(.nan), .float64(Double(bitPattern: 0x7FF8_0000_0000_0001))),
            (.string("é"), .string("e\u{301}")), (.null, .null),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(a.hashValue == b.hashValue, "\(a) vs \(b)")
        }
        #expect(Set<Value>([.float64(0), .float64(-0.0), .float64(.nan), .float64(.nan)]).count == 2)
    }
}

@Suite("CoreError")
struct CoreErrorTests {
    @Test("description with and without a hint; codes match")
    func description() {
        #expect(CoreError(.invalidValue, message: "bad").description == "error: bad")
        #expect(CoreError(.unknownColumn, message: "no x", hint: "try y").description == "error: no x\n  hint: try y")
        #expect(CoreError.Code.unknownType.description == "unknownType")
        #expect(CoreError.Code.unknownType != .unknownColumn)
        #expect(CoreError(.invalidValue, message: "a") == CoreError(.invalidValue, message: "a"))
    }
}
