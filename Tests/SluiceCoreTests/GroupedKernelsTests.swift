import Testing
@testable import SluiceCore

/// Seeded group codes in `0..<groups` for `n` rows.
private func randomCodes(_ n: Int, groups: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Int(rng.next(below: UInt64(groups))) }
}

extension ExtremesTests {
    @Test("per-group min/max rows and exact sums agree with the whole-column kernels on each group", arguments: kernelSizes)
    func groupedIntegers(n: Int) {
        let groups = Swift.max(1, n / 10)
        let xs = randomInts(n, seed: UInt64(n) + 61, nullRate: 0.3, range: 1 << 40)
        let codes = randomCodes(n, groups: groups, seed: UInt64(n) + 62)
        let column = Column(int64: xs)
        let row = DirectRows(validity: column.validity)
        column.withUnsafeValues(as: Int64.self) { values in
            codes.withUnsafeBufferPointer { codes in
                let least = Extremes<Int64>.rows(values.baseAddress ?? ColumnExecutor.dangling(), least: true, codes: codes, groups: groups, row: row)
                let greatest = Extremes<Int64>.rows(values.baseAddress ?? ColumnExecutor.dangling(), least: false, codes: codes, groups: groups, row: row)
                let sums = Sums.exact(values.baseAddress ?? ColumnExecutor.dangling(), codes: codes, groups: groups, row: row)
                for g in 0..<groups {
                    // The model: the group's rows as their own column, through the whole-column kernels.
                    let members = (0..<n).filter { codes[$0] == g }
                    let own = Column(int64: members.map { xs[$0] })
                    let e = Extremes<Int64>.of(own)
                    #expect(least[g] < 0 ? e == nil : xs[least[g]] == e?.min)
                    #expect(greatest[g] < 0 ? e == nil : xs[greatest[g]] == e?.max)
                    // The first of equal values wins.
                    if least[g] >= 0 { #expect(least[g] == members.first { xs[$0] == e?.min }) }
                    #expect(sums?[g] == Sums.exact(own, as: Int64.self))
                }
            }
        }
    }

    @Test("per-group min/max skip NaN and nulls; an all-NaN group has none; float sums are exact for decimals")
    func groupedDoubles() {
        let xs: [Double?] = [.nan, 2.5, nil, -1, .infinity, .nan, .nan, 0.5, 0.25]
        let codes = [0, 0, 0, 0, 0, 1, 1, 2, 2]
        let column = Column(float64: xs)
        let row = DirectRows(validity: column.validity)
        column.withUnsafeValues(as: Double.self) { values in
            codes.withUnsafeBufferPointer { codes in
                #expect(Extremes<Double>.rows(values.baseAddress!, least: true, codes: codes, groups: 3, row: row) == [3, -1, 8])
                #expect(Extremes<Double>.rows(values.baseAddress!, least: false, codes: codes, groups: 3, row: row) == [4, -1, 7])
                let sums = Sums.decimalExact(values.baseAddress!, codes: codes, groups: 3, row: row)
                #expect(sums[0].isNaN && sums[1].isNaN && sums[2] == 0.75)
            }
        }
        // Strings: byte-wise, per group.
        let s: [String?] = [nil, "b", "Z", "é", "a", nil]
        let strings = Column(string: s)
        strings.withUnsafeStrings { view in
            [0, 0, 0, 1, 1, 1].withUnsafeBufferPointer { codes in
                // Read through row indices (a join's output): input row i is source row 5 - i.
                [5, 4, 3, 2, 1, 0].withUnsafeBufferPointer { rows in
                    let row = GatheredRows(rows: rows, validity: strings.validity)
                    #expect(StringExtremes.rows(view, least: true, codes: codes, groups: 2, row: row) == [4, 2])
                    #expect(StringExtremes.rows(view, least: false, codes: codes, groups: 2, row: row) == [3, 1])
                }
            }
        }
    }
}
