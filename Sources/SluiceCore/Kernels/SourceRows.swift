/// Where a grouped kernel finds input row `i`'s value: a row of the source column, or -1
/// when the value is null. The per-group kernels (``Extremes/rows(_:least:codes:groups:row:)``,
/// ``Sums/exact(_:codes:groups:row:)``) are generic over it, so the same specialised loop
/// reads a built column directly or a join's output through its row indices.
@usableFromInline
package protocol SourceRows {
    func callAsFunction(_ row: Int) -> Int
}

/// Row `i` is source row `i`.
package struct DirectRows: SourceRows {
    @usableFromInline let validity: Bitmap?

    @inlinable package init(validity: Bitmap?) { self.validity = validity }

    @inlinable @inline(__always) package func callAsFunction(_ row: Int) -> Int {
        if let validity, !validity.isValid(row) { return -1 }
        return row
    }
}

/// Row `i` is source row `rows[i]` (null where negative).
package struct GatheredRows: SourceRows {
    @usableFromInline let rows: UnsafeBufferPointer<Int>
    @usableFromInline let validity: Bitmap?

    @inlinable package init(rows: UnsafeBufferPointer<Int>, validity: Bitmap?) {
        self.rows = rows
        self.validity = validity
    }

    @inlinable @inline(__always) package func callAsFunction(_ row: Int) -> Int {
        let r = rows[row]
        if r < 0 { return -1 }
        if let validity, !validity.isValid(r) { return -1 }
        return r
    }
}
