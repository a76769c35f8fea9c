extension ColumnExecutor {
    // MARK: Three-valued logic

    /// SQL's three-valued `and` (`isAnd`) or `or` of two bool columns (either may be a
    /// one-row scalar): `false and null` is false, `true or null` is true, any other
    /// combination with a null is null.
    ///
    /// Branch-free per row, 64 rows per validity word: with `v` the validity and `x` the
    /// value of each side (a null's value read as 0), `and` is valid where
    /// `(va & vb) | (va & !xa) | (vb & !xb)` with value `xa & xb`; `or` is valid where
    /// `(va & vb) | (va & xa) | (vb & xb)` with value `xa | xb`.
    static func kleene(isAnd: Bool, _ a: Column, _ b: Column, count: Int) -> Column {
        let aScalar = isScalar(a, count: count), bScalar = isScalar(b, count: count)
        if a.validity == nil && b.validity == nil {
            return isAnd ? binary(a, UInt8.self, b, UInt8.self, to: .bool, count: count, UInt8.self) { $0 & $1 }
                         : binary(a, UInt8.self, b, UInt8.self, to: .bool, count: count, UInt8.self) { $0 | $1 }
        }
        var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
        let column = a.withUnsafeValues(as: UInt8.self) { x in
            b.withUnsafeValues(as: UInt8.self) { y in
                Kernels.fixed(.bool, UInt8.self, count: count) { out in
                    words.withUnsafeMutableBufferPointer { words in
                        for w in 0..<words.count {
                            let start = w << 6, end = Swift.min(start + 64, count)
                            let wa = validityWord(a, aScalar, w), wb = validityWord(b, bScalar, w)
                            var valid: UInt64 = 0
                            for i in start..<end {
                                let bit = UInt64(i - start)
                                let va = (wa >> bit) & 1, vb = (wb >> bit) & 1
                                let xa = UInt64(x[aScalar ? 0 : i] & 1) & va, xb = UInt64(y[bScalar ? 0 : i] & 1) & vb
                                let v = isAnd ? (va & vb) | (va & (xa ^ 1)) | (vb & (xb ^ 1)) : (va & vb) | xa | xb
                                valid |= v << bit
                                out[i] = UInt8(truncatingIfNeeded: isAnd ? xa & xb : xa | xb)
                            }
                            words[w] = valid
                        }
                    }
                    return Bitmap(words: words, count: count)
                }
            }
        }
        return column
    }

    /// Word `w` of `column`'s validity (all ones when it has no nulls; a scalar's one bit
    /// spread over the word).
    @inline(__always) static func validityWord(_ column: Column, _ scalar: Bool, _ w: Int) -> UInt64 {
        guard let validity = column.validity else { return .max }
        if scalar { return validity.isValid(0) ? .max : 0 }
        return validity.words[w]
    }

    // MARK: Null tests

    /// `x is null` (or `is not null` when `negated`): the validity words as bool values,
    /// never null.
    static func isNull(_ x: Column, negated: Bool, count: Int) -> Column {
        Kernels.fixed(.bool, UInt8.self, count: count, validity: nil) { out in
            let set: UInt8 = negated ? 1 : 0
            guard let validity = x.validity else {
                out.update(repeating: set, count: count)
                return
            }
            if isScalar(x, count: count) {
                out.update(repeating: validity.isValid(0) ? set : 1 &- set, count: count)
                return
            }
            validity.words.withUnsafeBufferPointer { words in
                for i in 0..<count {
                    let valid = UInt8(truncatingIfNeeded: words[i >> 6] >> UInt64(i & 63)) & 1
                    out[i] = negated ? valid : valid ^ 1
                }
            }
        }
    }
}
