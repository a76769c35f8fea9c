import Testing
@testable import SluiceCore

/// Row counts the kernel tests sweep: empty, one, around one validity word, several words.
let kernelSizes = [0, 1, 63, 64, 65, 1000]

/// Seeded random int64 values with about `nullRate` nulls, in `-range...range`.
func randomInts(_ n: Int, seed: UInt64, nullRate: Double = 0.2, range: Int64 = 1000) -> [Int64?] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in rng.nextUnit() < nullRate ? nil : Int64(rng.next(below: UInt64(2 * range + 1))) - range }
}

@Suite("ColumnExecutor")
struct ColumnExecutorTests {
    @Test("binary kernels agree with a row-wise model: nulls propagate, scalars broadcast", arguments: kernelSizes)
    func binaryModel(n: Int) throws {
        let xs = randomInts(n, seed: UInt64(n) + 1), ys = randomInts(n, seed: UInt64(n) + 99)
        let a = Column(int64: xs), b = Column(int64: ys)
        let sum = ColumnExecutor.binary(a, Int64.self, b, Int64.self, to: .int64, count: n, Int64.self) { $0 &+ $1 }
        #expect(sum.allValues == zip(xs, ys).map { x, y in x.flatMap { x in y.map { .int64(x + $0) } } ?? .null })
        // A one-row operand stands for every row (on either side); a null scalar nulls every row.
        let seven = Column(int64: [7])
        let left = ColumnExecutor.binary(seven, Int64.self, b, Int64.self, to: .int64, count: n, Int64.self) { $0 - $1 }
        let right = ColumnExecutor.binary(a, Int64.self, seven, Int64.self, to: .int64, count: n, Int64.self) { $0 - $1 }
        #expect(left.count == n && right.count == n)
        if n != 1 {
            #expect(left.allValues == ys.map { $0.map { .int64(7 - $0) } ?? .null })
            #expect(right.allValues == xs.map { $0.map { .int64($0 - 7) } ?? .null })
            let none = ColumnExecutor.binary(a, Int64.self, Column(int64: [nil]), Int64.self, to: .int64, count: n, Int64.self) { $0 + $1 }
            #expect(none.nullCount == n)
        }
        // Null slots hold zero.
        sum.withUnsafeValues(as: Int64.self) { v in
            for i in 0..<n where sum.isNull(i) { #expect(v[i] == 0) }
        }
    }

    @Test("checked kernels null `.null` rows and throw for the first non-null `.failed` row", arguments: kernelSizes)
    func checkedModel(n: Int) throws {
        let xs = randomInts(n, seed: UInt64(n) + 5), ys = randomInts(n, seed: UInt64(n) + 6, range: 3)
        let a = Column(int64: xs), b = Column(int64: ys)
        struct Failure: Error { let row: Int }
        // Division: y == 0 is null, never a failure.
        let quotient = try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: n, Int64.self,
                                                         failure: ColumnExecutor.neverFails) { x, y in y == 0 ? (0, .null) : (x / y, .value) }
        let expected: [Value] = zip(xs, ys).map { x, y in
            guard let x, let y, y != 0 else { return .null }
            return .int64(x / y)
        }
        #expect(quotient.allValues == expected)
        // A failure on a null row is ignored; the first failure on a valid row is thrown.
        let firstFailing = zip(xs, ys).enumerated().first { $0.element.0 != nil && $0.element.1 != nil && $0.element.0! > 500 }?.offset
        do {
            _ = try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: n, Int64.self,
                                                 failure: { Failure(row: $0) }) { x, _ in x > 500 ? (0, .failed) : (x, .value) }
            #expect(firstFailing == nil)
        } catch let failure as Failure {
            #expect(failure.row == firstFailing)
        }
    }

    @Test("string kernels read bytes; a scalar string broadcasts")
    func strings() {
        let s = Column(string: ["b", nil, "a", "c", "b"])
        let greater = ColumnExecutor.binaryStrings(s, Column(string: ["b"]), to: .bool, count: 5, UInt8.self) { compareBytes($0, $1) > 0 ? 1 : 0 }
        #expect(greater.allValues == [.bool(false), .null, .bool(false), .bool(true), .bool(false)])
        let lengths = ColumnExecutor.unaryStrings(s, to: .int64, Int64.self) { Int64($0.count) }
        #expect(lengths.allValues == [.int64(1), .null, .int64(1), .int64(1), .int64(1)])
    }

    @Test("expressions with a literal operand equal the same expression on a broadcast column")
    func literalOperands() throws {
        let t = try Table([("a", Column(int64: randomInts(130, seed: 3))), ("k", Column(int64: [Int64?](repeating: 10, count: 130)))])
        for (literal, column) in [("a > 10", "a > k"), ("a * 10", "a * k"), ("10 - a", "k - a"), ("a / 0", "a / (k - k)"), ("a % 10", "a % k")] {
            let x = try BoundExpression(literal, schema: t.schema).evaluate(on: t).allValues
            let y = try BoundExpression(column, schema: t.schema).evaluate(on: t).allValues
            #expect(x == y, "\(literal) vs \(column)")
        }
        // Overflow against a literal names the row, as against a column.
        let big = try Table([("a", Column(int64: [nil, 1, Int64.max]))])
        let error = #expect(throws: ExpressionError.self) { try BoundExpression("a + 1", schema: big.schema).evaluate(on: big) }
        #expect(error?.message.hasPrefix("int64 overflow at row 2: 9223372036854775807 + 1") == true)
    }
}

@Suite("Extremes and Sums")
struct ExtremesTests {
    @Test("min/max/sum of int64 agree with a naive model", arguments: kernelSizes)
    func integers(n: Int) {
        let xs = randomInts(n, seed: UInt64(n) + 11, nullRate: n == 63 ? 1 : 0.3, range: 1 << 40)
        let column = Column(int64: xs)
        let valid = xs.compactMap { $0 }
        let e = Extremes<Int64>.of(column)
        #expect(e?.min == valid.min())
        #expect(e?.max == valid.max())
        #expect(Sums.exact(column, as: Int64.self) == valid.reduce(0, +))
    }

    @Test("NaN is skipped by min/max and propagates in sums; nulls are skipped")
    func doubles() {
        let column = Column(float64: [.nan, 2.5, nil, -1, .infinity, .nan])
        let e = Extremes<Double>.of(column)
        #expect(e?.min == -1 && e?.max == .infinity)
        #expect(Extremes<Double>.of(Column(float64: [.nan, nil])) == nil)
        #expect(Sums.compensated(column).isNaN)
        // Compensated: 0.1 ten times is exactly 1.0 here, not 0.9999999999999999.
        #expect(Sums.compensated(Column(float64: [Double?](repeating: 0.1, count: 10))) == 1.0)
    }

    @Test("decimal sums are exact and report overflow; strings order byte-wise")
    func decimalsAndStrings() {
        let most = Int128(Decimal128.maxUnscaled(precision: 38))   // 38 nines: twice that leaves Int128
        let d = Column(decimal: [most, nil, most], precision: 38, scale: 2)
        #expect(Sums.exact(d, as: Int128.self) == nil)
        #expect(Sums.exact(Column(decimal: [150, -25, nil], precision: 10, scale: 2), as: Int128.self) == 125)
        let s = Column(string: [nil, "b", "Z", "é", "a", nil])
        let e = StringExtremes.of(s)
        #expect(e?.minRow == 2 && e?.maxRow == 3)
        #expect(StringExtremes.of(Column(string: [nil, nil])) == nil)
    }
}

@Suite("CompiledRegex")
struct CompiledRegexTests {
    private func matches(_ pattern: String, _ text: String) throws -> Bool {
        let regex = try CompiledRegex(pattern)
        var text = text
        return text.withUTF8 { regex.matches($0) }
    }

    @Test("POSIX extended, searching, on bytes without a terminator")
    func dialect() throws {
        #expect(try matches("[0-9]+", "ab12"))
        #expect(try !matches("^[0-9]+$", "ab12"))
        #expect(try matches("^a|b$", "xb"))
        #expect(try matches("\\s", "a b"))
        #expect(try matches("^$", ""))
        #expect(try matches("é", "café"))
        // A prefix of a longer buffer: the match must not see past the value's end.
        let regex = try CompiledRegex("c$")
        let bytes: [UInt8] = Array("abcd".utf8)
        #expect(bytes.withUnsafeBufferPointer { regex.matches(UnsafeBufferPointer(rebasing: $0[0..<3])) })
    }

    @Test("an invalid pattern is one error naming the pattern and the reason")
    func invalid() {
        #expect { _ = try CompiledRegex("(") } throws: { error in
            guard let error = error as? InvalidRegex else { return false }
            return error.message.hasPrefix("invalid pattern \"(\": ") && error.hint.contains("POSIX extended")
        }
    }
}
