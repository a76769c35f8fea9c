extension Extremes {
    /// Per group, the source row holding its least (`least`) or greatest value, `-1` for
    /// a group with none: the rules of ``Extremes`` (null rows and NaN skipped; the first
    /// of equal values wins).
    ///
    /// Input row `i` belongs to group `codes[i]` and reads source row `row(i)`, `-1` when
    /// its value is null (a join's output reads its source through row indices).
    @inlinable
    // Pre-specialized for the aggregate step's row shapes: a caller in another module was
    // measured running the generic body (a grouped min/max/sum 25% slower) although it is @inlinable.
    @_specialize(where T == Int64, Rows == DirectRows)
    @_specialize(where T == Int64, Rows == GatheredRows)
    @_specialize(where T == Int32, Rows == DirectRows)
    @_specialize(where T == Int32, Rows == GatheredRows)
    @_specialize(where T == UInt8, Rows == DirectRows)
    @_specialize(where T == UInt8, Rows == GatheredRows)
    @_specialize(where T == Double, Rows == DirectRows)
    @_specialize(where T == Double, Rows == GatheredRows)
    @_specialize(where T == Int128, Rows == DirectRows)
    @_specialize(where T == Int128, Rows == GatheredRows)
    package static func rows<Rows: SourceRows>(_ values: UnsafePointer<T>, least: Bool, codes: UnsafeBufferPointer<Int>, groups: Int,
                             row: Rows) -> [Int] {
        least ? rowPerGroup(codes: codes, groups: groups, row: row, accepts: { values[$0].isOrdered }, prefers: { values[$0] < values[$1] })
              : rowPerGroup(codes: codes, groups: groups, row: row, accepts: { values[$0].isOrdered }, prefers: { values[$0] > values[$1] })
    }
}

extension StringExtremes {
    /// Per group, the source row holding its byte-wise least (`least`) or greatest value,
    /// `-1` for a group with none (see ``Extremes/rows(_:least:codes:groups:row:)``).
    @inlinable
    @_specialize(where Rows == DirectRows)
    @_specialize(where Rows == GatheredRows)
    package static func rows<Rows: SourceRows>(_ view: StringsView, least: Bool, codes: UnsafeBufferPointer<Int>, groups: Int,
                             row: Rows) -> [Int] {
        rowPerGroup(codes: codes, groups: groups, row: row, accepts: { _ in true }) { r, c in
            let order = compareBytes(view[r], view[c])
            return least ? order < 0 : order > 0
        }
    }
}

/// The per-group choice loop of the grouped min/max: for each input row `i` whose source
/// row `r = row(i)` is not null (`r >= 0`) and `accepts(r)`, group `codes[i]` takes `r`
/// when it has no row yet or `prefers(r, current)` (so the first of equals stays).
@inlinable
package func rowPerGroup<Rows: SourceRows>(codes: UnsafeBufferPointer<Int>, groups: Int, row: Rows,
                         accepts: (Int) -> Bool, prefers: (Int, Int) -> Bool) -> [Int] {
    var chosen = [Int](repeating: -1, count: groups)
    chosen.withUnsafeMutableBufferPointer { chosen in
        for i in 0..<codes.count {
            let r = row(i)
            guard r >= 0, accepts(r) else { continue }
            let g = codes[i], c = chosen[g]
            if c < 0 || prefers(r, c) { chosen[g] = r }
        }
    }
    return chosen
}
