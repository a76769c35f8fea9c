import Testing
@testable import SluiceCore

/// Seeded random bools with about `nullRate` nulls.
func randomBools(_ n: Int, seed: UInt64, nullRate: Double = 0.25) -> [Bool?] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in rng.nextUnit() < nullRate ? nil : rng.next() & 1 == 1 }
}

/// Seeded random short strings (some non-ASCII, some empty) with about `nullRate` nulls.
func randomStrings(_ n: Int, seed: UInt64, nullRate: Double = 0.2) -> [String?] {
    var rng = SplitMix64(seed: seed)
    let pieces = ["a", "b", "ab", " ", "é", "Ü", "x-y", ""]
    return (0..<n).map { _ in
        guard rng.nextUnit() >= nullRate else { return nil }
        return (0..<Int(rng.next(below: 5))).map { _ in pieces[Int(rng.next(below: UInt64(pieces.count)))] }.joined()
    }
}

/// SQL's three-valued `and`/`or`, row by row: the model of ``ColumnExecutor/kleene(isAnd:_:_:count:)``.
private func kleeneModel(_ isAnd: Bool, _ x: Bool?, _ y: Bool?) -> Bool? {
    if isAnd {
        if x == false || y == false { return false }
        if let x, let y { return x && y }
        return nil
    }
    if x == true || y == true { return true }
    if let x, let y { return x || y }
    return nil
}

private func values(_ bools: [Bool?]) -> [Value] { bools.map { $0.map(Value.bool) ?? .null } }
private func values(_ strings: [String?]) -> [Value] { strings.map { $0.map(Value.string) ?? .null } }

extension ColumnExecutorTests {
    @Test("three-valued and/or agree with a row-wise model, with nulls and scalar operands", arguments: kernelSizes)
    func kleeneModelSweep(n: Int) {
        let xs = randomBools(n, seed: UInt64(n) + 11), ys = randomBools(n, seed: UInt64(n) + 12)
        let a = Column(bool: xs), b = Column(bool: ys)
        for isAnd in [true, false] {
            let out = ColumnExecutor.kleene(isAnd: isAnd, a, b, count: n)
            #expect(out.allValues == values(zip(xs, ys).map { kleeneModel(isAnd, $0, $1) }), "isAnd \(isAnd)")
            // Null slots hold zero.
            out.withUnsafeValues(as: UInt8.self) { v in for i in 0..<n where out.isNull(i) { #expect(v[i] == 0) } }
            // A one-row operand (true, false, null) stands for every row, on either side.
            guard n != 1 else { continue }
            for scalar: Bool? in [true, false, nil] {
                let s = Column(bool: [scalar])
                #expect(ColumnExecutor.kleene(isAnd: isAnd, s, b, count: n).allValues == values(ys.map { kleeneModel(isAnd, scalar, $0) }))
                #expect(ColumnExecutor.kleene(isAnd: isAnd, a, s, count: n).allValues == values(xs.map { kleeneModel(isAnd, $0, scalar) }))
            }
        }
        // No nulls: the plain bitwise loop.
        let full = Column(bool: xs.map { $0 ?? true })
        #expect(ColumnExecutor.kleene(isAnd: true, full, full, count: n).allValues == values(xs.map { $0 ?? true }))
    }

    @Test("is null / is not null read the validity and are never null", arguments: kernelSizes)
    func isNullModel(n: Int) {
        let xs = randomInts(n, seed: UInt64(n) + 21, nullRate: 0.4)
        let x = Column(int64: xs)
        #expect(ColumnExecutor.isNull(x, negated: false, count: n).allValues == xs.map { .bool($0 == nil) })
        #expect(ColumnExecutor.isNull(x, negated: true, count: n).allValues == xs.map { .bool($0 != nil) })
        #expect(ColumnExecutor.isNull(x.slice(n / 3..<n), negated: false, count: n - n / 3).allValues == xs[(n / 3)...].map { .bool($0 == nil) })
        if n != 1 {
            #expect(ColumnExecutor.isNull(Column(int64: [nil]), negated: false, count: n).allValues == Array(repeating: .bool(true), count: n))
        }
    }

    @Test("string output: nulls propagate, `false` nulls a row, scalars broadcast, mixed operand types", arguments: kernelSizes)
    func stringOutputModel(n: Int) {
        let ss = randomStrings(n, seed: UInt64(n) + 31), ts = randomStrings(n, seed: UInt64(n) + 32)
        let ks = randomInts(n, seed: UInt64(n) + 33, range: 3)
        let s = Column(string: ss), t = Column(string: ts), k = Column(int64: ks)
        // Unary: reversed bytes; rows whose text is "ab" become null.
        let reversed = ColumnExecutor.strings(s, count: n, capacity: 0) { bytes, out in
            if Array(bytes) == Array("ab".utf8) { return false }
            for b in bytes.reversed() { out.append(byte: b) }
            return true
        }
        #expect(reversed.allValues == values(ss.map { $0.flatMap { $0 == "ab" ? nil : String(decoding: Array($0.utf8).reversed(), as: UTF8.self) } }))
        // Binary over two strings, the second a scalar on the left or right.
        let joined = ColumnExecutor.strings(s, BytesOperand.self, t, BytesOperand.self, count: n, capacity: 0) { x, y, out in
            out.append(x); out.append(byte: 0x7C); out.append(y); return true
        }
        #expect(joined.allValues == values(zip(ss, ts).map { x, y in x.flatMap { x in y.map { x + "|" + $0 } } }))
        if n != 1 {
            let dash = Column(string: ["-"])
            let right = ColumnExecutor.strings(s, BytesOperand.self, dash, BytesOperand.self, count: n, capacity: 0) { x, y, out in
                out.append(x); out.append(y); return true
            }
            #expect(right.allValues == values(ss.map { $0.map { $0 + "-" } }))
            let none = ColumnExecutor.strings(dash, BytesOperand.self, Column(string: [nil]), BytesOperand.self, count: n, capacity: 0) { _, _, _ in true }
            #expect(none.count == n && none.nullCount == n)
        }
        // Ternary with an int64 operand: the text repeated k times; k < 0 is null.
        let repeated = ColumnExecutor.strings(s, BytesOperand.self, k, ValuesOperand<Int64>.self, t, BytesOperand.self, count: n, capacity: 0) { x, times, sep, out in
            guard times >= 0 else { return false }
            for r in 0..<Int(times) { if r > 0 { out.append(sep) }; out.append(x) }
            return true
        }
        let model: [String?] = (0..<n).map { i in
            guard let x = ss[i], let times = ks[i], let sep = ts[i], times >= 0 else { return nil }
            return Array(repeating: x, count: Int(times)).joined(separator: sep)
        }
        #expect(repeated.allValues == values(model))
    }

    @Test("concatenation: `||` nulls the row, concat() skips null parts", arguments: kernelSizes)
    func concatenateModel(n: Int) {
        let ss = randomStrings(n, seed: UInt64(n) + 41), ts = randomStrings(n, seed: UInt64(n) + 42)
        let parts = [Column(string: ss), Column(string: ["@"]), Column(string: ts)]
        let strict = ColumnExecutor.concatenate(parts, count: n, skippingNulls: false)
        let lenient = ColumnExecutor.concatenate(parts, count: n, skippingNulls: true)
        #expect(strict.allValues == values(zip(ss, ts).map { x, y in x.flatMap { x in y.map { x + "@" + $0 } } }))
        if n != 1 {
            #expect(lenient.allValues == values(zip(ss, ts).map { x, y in (x ?? "") + "@" + (y ?? "") }))
            let withNull = ColumnExecutor.concatenate([Column(string: ss), Column(string: [nil])], count: n, skippingNulls: true)
            #expect(withNull.allValues == values(ss.map { $0 ?? "" }))
        }
    }

    @Test("choosing a source per row (coalesce, case when) agrees with a row-wise model", arguments: kernelSizes)
    func selectModel(n: Int) {
        let a = randomInts(n, seed: UInt64(n) + 51, nullRate: 0.5), b = randomInts(n, seed: UInt64(n) + 52, nullRate: 0.5)
        let sa = randomStrings(n, seed: UInt64(n) + 53, nullRate: 0.5), sb = randomStrings(n, seed: UInt64(n) + 54, nullRate: 0.5)
        let flags = randomBools(n, seed: UInt64(n) + 55)
        let fallback: Int64 = 7
        // coalesce(a, b, 7)
        let ints = [Column(int64: a), Column(int64: b), Column(int64: [fallback])]
        var choice = [Int](repeating: -1, count: n)
        for (k, source) in ints.enumerated() { ColumnExecutor.assign(k, whereValid: source, to: &choice, replacing: -1) }
        let coalesced = ColumnExecutor.select(ints, choice, type: .int64)
        #expect(coalesced.allValues == (0..<n).map { i in .int64(a[i] ?? b[i] ?? fallback) })
        // case when flag then sa else sb end: a null flag is not true.
        let strings = [Column(string: sa), Column(string: sb)]
        choice = [Int](repeating: -1, count: n)
        ColumnExecutor.assign(0, where: Column(bool: flags), to: &choice, replacing: -1)
        for i in choice.indices where choice[i] < 0 { choice[i] = 1 }
        let chosen = ColumnExecutor.select(strings, choice, type: .string)
        #expect(chosen.allValues == values((0..<n).map { flags[$0] == true ? sa[$0] : sb[$0] }))
        // A negative choice is null; other fixed widths (bool, float64) copy their values too.
        let negative = (0..<n).map { $0 % 3 == 0 ? -1 : 0 }
        let nulled = ColumnExecutor.select([Column(int64: a), Column(int64: b)], negative, type: .int64)
        #expect(nulled.allValues == (0..<n).map { i in negative[i] < 0 ? .null : (a[i].map(Value.int64) ?? .null) })
        let bools = ColumnExecutor.select([Column(bool: flags), Column(bool: [true])], negative.map { $0 < 0 ? 1 : 0 }, type: .bool)
        #expect(bools.allValues == values((0..<n).map { negative[$0] < 0 ? true : flags[$0] }))
        let floats = ColumnExecutor.select([Column(float64: b.map { $0.map(Double.init) })], negative, type: .float64)
        #expect(floats.allValues == (0..<n).map { i in negative[i] < 0 ? .null : (b[i].map { .float64(Double($0)) } ?? .null) })
    }
}
