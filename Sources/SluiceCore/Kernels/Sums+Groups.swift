extension Sums {
    /// Per-group exact sums of an integer-backed column (`Int64`, or `Int128` for
    /// decimals); `nil` when a group's total leaves the type. The rules of ``Sums``:
    /// null rows (`row(i) < 0`) are skipped, a group with no value sums to zero.
    ///
    /// Input row `i` belongs to group `codes[i]` and reads source row `row(i)`.
    @inlinable
    // Pre-specialized: see ``Extremes/rows(_:least:codes:groups:row:)``.
    @_specialize(where T == Int64, Rows == DirectRows)
    @_specialize(where T == Int64, Rows == GatheredRows)
    @_specialize(where T == Int128, Rows == DirectRows)
    @_specialize(where T == Int128, Rows == GatheredRows)
    package static func exact<T: FixedWidthInteger & BitwiseCopyable, Rows: SourceRows>(_ values: UnsafePointer<T>, codes: UnsafeBufferPointer<Int>, groups: Int,
                                                                     row: Rows) -> [T]? {
        var sums = [T](repeating: 0, count: groups)
        var overflow = false
        sums.withUnsafeMutableBufferPointer { sums in
            for i in 0..<codes.count {
                let r = row(i)
                guard r >= 0 else { continue }
                let g = codes[i]
                let (s, o) = sums[g].addingReportingOverflow(values[r])
                sums[g] = s
                overflow = overflow || o
            }
        }
        return overflow ? nil : sums
    }

    /// Per-group float64 sums that are exact for decimal data (money): when every value
    /// has at most 6 decimals (and magnitude below 10¹²), the values are summed as
    /// integers in units of 10^-s for the smallest such scale `s` (60.10 + 39.90 is
    /// exactly 100.0); otherwise each group gets a ``CompensatedSum``, in which NaN
    /// propagates. Null rows (`row(i) < 0`) are skipped.
    @inlinable
    @_specialize(where Rows == DirectRows)
    @_specialize(where Rows == GatheredRows)
    package static func decimalExact<Rows: SourceRows>(_ values: UnsafePointer<Double>, codes: UnsafeBufferPointer<Int>, groups: Int,
                                     row: Rows) -> [Double] {
        let n = codes.count
        // The decimal scale: the smallest s ≤ 6 such that every value is an integer number of 10^-s.
        var scale = 0
        var scaleFactor = 1.0
        var exact = true
        for i in 0..<n {
            let r = row(i)
            if r < 0 { continue }
            let x = values[r]
            guard x.isFinite, Swift.abs(x) < 1e12 else { exact = false; break }
            while scale <= 6 {
                let scaled = x * scaleFactor
                if (roundedHalfAway(scaled) / scaleFactor) == x { break }
                scale += 1
                scaleFactor *= 10
            }
            if scale > 6 { exact = false; break }
        }
        if exact {
            var sums = [Int64](repeating: 0, count: groups)
            var overflow = false
            sums.withUnsafeMutableBufferPointer { sums in
                for i in 0..<n {
                    let r = row(i)
                    if r < 0 { continue }
                    let (s, o) = sums[codes[i]].addingReportingOverflow(Int64(roundedHalfAway(values[r] * scaleFactor)))
                    sums[codes[i]] = s
                    overflow = overflow || o
                }
            }
            if !overflow { return sums.map { Double($0) / scaleFactor } }
        }
        var sums = [CompensatedSum](repeating: CompensatedSum(), count: groups)
        sums.withUnsafeMutableBufferPointer { sums in
            for i in 0..<n {
                let r = row(i)
                if r >= 0 { sums[codes[i]].add(values[r]) }
            }
        }
        return sums.map(\.value)
    }
}

/// `x.rounded()` (to nearest, halves away from zero) without the libm call for
/// magnitudes below 2^51: adding and subtracting 1.5 · 2^52 rounds to nearest even,
/// and a half that went toward zero is moved away from it. (A result of zero may have
/// the other sign than `rounded()`'s, which the sums above cannot observe.)
@inlinable @inline(__always)
package func roundedHalfAway(_ x: Double) -> Double {
    guard Swift.abs(x) < 0x1p51 else { return x.rounded() }
    let magic = 0x1.8p52
    let r = (x + magic) - magic
    let d = r - x    // exact (Sterbenz, or r = 0)
    if d == -0.5 && x > 0 { return r + 1 }
    if d == 0.5 && x < 0 { return r - 1 }
    return r
}
