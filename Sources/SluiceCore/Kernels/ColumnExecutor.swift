/// What a row-wise operation made of one row: a value, a null (division by zero), or a
/// failure the caller reports as an error naming the row (overflow, a value that does
/// not fit a cast).
enum RowOutcome: UInt8 {
    case value = 0
    case null = 1
    case failed = 2
}

/// Reads row `i` of an operand: fixed-width values or the bytes of a string.
protocol ColumnReader {
    associatedtype Element
    subscript(_ i: Int) -> Element { get }
}

/// The values of a fixed-width column as a reader.
struct FixedReader<T: BitwiseCopyable>: ColumnReader {
    let base: UnsafePointer<T>
    @inline(__always) subscript(_ i: Int) -> T { base[i] }
}

extension StringsView: ColumnReader {}

/// The one place that owns the validity loop of row-wise kernels.
///
/// Given input columns and a per-value operation, the executor produces the output
/// buffer and its validity:
/// - **Nulls propagate:** a row is null when any operand is null there; null slots of
///   the output hold zero.
/// - **Broadcasting:** an operand of one row over a longer table stands for every row
///   (the evaluator passes literals this way, so `x > 100` reads no second column).
/// - **Failing rows:** an operation returning ``RowOutcome/null`` nulls its row (division
///   by zero); one returning ``RowOutcome/failed`` on a non-null row makes the executor
///   throw `failure(row)` for the first such row (overflow, an impossible cast).
///
/// Operations are generic closures specialised per call site, so each loop runs over
/// contiguous buffers with no `Value` per cell. A first pass only ORs the outcomes; rows
/// are revisited only when some outcome was not ``RowOutcome/value``.
enum ColumnExecutor {
    /// Whether `column` is a one-row operand standing for all `count` rows.
    @inline(__always) static func isScalar(_ column: Column, count: Int) -> Bool {
        column.count == 1 && count != 1
    }

    /// Rows valid in every operand (`nil` = all valid); a null scalar makes every row null.
    static func validity(_ operands: [Column], count: Int) -> Bitmap? {
        var result: Bitmap?
        for operand in operands {
            if isScalar(operand, count: count) {
                if operand.isNull(0) { return Bitmap(count: count, allValid: false) }
                continue
            }
            result = Kernels.and(result, operand.validity)
        }
        return result
    }

    // MARK: Unary

    /// `op(x[i])` for every row of `x` into a `type` column.
    @inline(__always)
    static func unary<T: BitwiseCopyable, R: BitwiseCopyable & Numeric>(
        _ x: Column, _: T.Type, to type: DataType, _: R.Type, _ op: (T) -> R
    ) -> Column {
        x.withUnsafeValues(as: T.self) { v in
            Kernels.fixed(type, R.self, count: x.count, validity: x.validity) { out in
                for i in 0..<x.count { out[i] = op(v[i]) }
            }
        }
    }

    /// `op(x[i])` for every row of a string column.
    @inline(__always)
    static func unaryStrings<R: BitwiseCopyable & Numeric>(
        _ x: Column, to type: DataType, _: R.Type, _ op: (UnsafeBufferPointer<UInt8>) -> R
    ) -> Column {
        x.withUnsafeStrings { v in
            Kernels.fixed(type, R.self, count: x.count, validity: x.validity) { out in
                for i in 0..<x.count { out[i] = op(v[i]) }
            }
        }
    }

    /// `op(x[i])` that may null a row or fail; throws `failure(row)` for the first
    /// non-null row that failed.
    @inline(__always)
    static func unaryChecked<T: BitwiseCopyable, R: BitwiseCopyable & Numeric>(
        _ x: Column, _: T.Type, to type: DataType, _: R.Type,
        failure: (Int) -> any Error, _ op: (T) -> (R, RowOutcome)
    ) throws -> Column {
        try x.withUnsafeValues(as: T.self) { v in
            try unaryChecked(FixedReader(base: v.baseAddress ?? dangling()), count: x.count, validity: x.validity,
                             to: type, R.self, failure: failure, op)
        }
    }

    /// `op(x[i])` over the bytes of a string column that may null a row or fail (see
    /// ``unaryChecked(_:_:to:_:failure:_:)``).
    @inline(__always)
    static func unaryStringsChecked<R: BitwiseCopyable & Numeric>(
        _ x: Column, to type: DataType, _: R.Type,
        failure: (Int) -> any Error, _ op: (UnsafeBufferPointer<UInt8>) -> (R, RowOutcome)
    ) throws -> Column {
        try x.withUnsafeStrings { v in
            try unaryChecked(v, count: x.count, validity: x.validity, to: type, R.self, failure: failure, op)
        }
    }

    // MARK: Binary

    /// `op(a[i], b[i])` over two fixed-width operands (either may be a one-row scalar).
    @inline(__always)
    static func binary<A: BitwiseCopyable, B: BitwiseCopyable, R: BitwiseCopyable & Numeric>(
        _ a: Column, _: A.Type, _ b: Column, _: B.Type, to type: DataType, count: Int, _: R.Type, _ op: (A, B) -> R
    ) -> Column {
        a.withUnsafeValues(as: A.self) { x in
            b.withUnsafeValues(as: B.self) { y in
                binary(FixedReader(base: x.baseAddress ?? dangling()), isScalar(a, count: count),
                       FixedReader(base: y.baseAddress ?? dangling()), isScalar(b, count: count),
                       to: type, count: count, validity: validity([a, b], count: count), op)
            }
        }
    }

    /// `op(a[i], b[i])` over the bytes of two string operands.
    @inline(__always)
    static func binaryStrings<R: BitwiseCopyable & Numeric>(
        _ a: Column, _ b: Column, to type: DataType, count: Int, _: R.Type,
        _ op: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R
    ) -> Column {
        a.withUnsafeStrings { x in
            b.withUnsafeStrings { y in
                binary(x, isScalar(a, count: count), y, isScalar(b, count: count),
                       to: type, count: count, validity: validity([a, b], count: count), op)
            }
        }
    }

    /// `op(a[i], b[i])` that may null a row or fail (see ``unaryChecked``).
    @inline(__always)
    static func binaryChecked<A: BitwiseCopyable, B: BitwiseCopyable, R: BitwiseCopyable & Numeric>(
        _ a: Column, _: A.Type, _ b: Column, _: B.Type, to type: DataType, count: Int, _: R.Type,
        failure: (Int) -> any Error, _ op: (A, B) -> (R, RowOutcome)
    ) throws -> Column {
        try a.withUnsafeValues(as: A.self) { x in
            try b.withUnsafeValues(as: B.self) { y in
                try binaryChecked(FixedReader(base: x.baseAddress ?? dangling()), isScalar(a, count: count),
                                  FixedReader(base: y.baseAddress ?? dangling()), isScalar(b, count: count),
                                  to: type, count: count, validity: validity([a, b], count: count), failure: failure, op)
            }
        }
    }

    /// `op(a[i], b[i])` over two string operands that may null a row or fail.
    @inline(__always)
    static func binaryStringsChecked<R: BitwiseCopyable & Numeric>(
        _ a: Column, _ b: Column, to type: DataType, count: Int, _: R.Type,
        failure: (Int) -> any Error, _ op: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> (R, RowOutcome)
    ) throws -> Column {
        try a.withUnsafeStrings { x in
            try b.withUnsafeStrings { y in
                try binaryChecked(x, isScalar(a, count: count), y, isScalar(b, count: count),
                                  to: type, count: count, validity: validity([a, b], count: count), failure: failure, op)
            }
        }
    }

    /// For operations that only null rows (division by zero): they never fail.
    static func neverFails(_ row: Int) -> any Error {
        preconditionFailure("an operation that only nulls rows reported a failure at row \(row)")
    }

    // MARK: Loops

    @inline(__always)
    static func unaryChecked<X: ColumnReader, R: BitwiseCopyable & Numeric>(
        _ x: X, count: Int, validity: Bitmap?, to type: DataType, _: R.Type,
        failure: (Int) -> any Error, _ op: (X.Element) -> (R, RowOutcome)
    ) throws -> Column {
        try Kernels.fixed(type, R.self, count: count) { out in
            var seen: UInt8 = 0
            for i in 0..<count {
                let (r, outcome) = op(x[i])
                out[i] = r
                seen |= outcome.rawValue
            }
            return try settle(seen, validity, count: count, failure: failure) { op(x[$0]).1 }
        }
    }

    @inline(__always)
    static func binary<X: ColumnReader, Y: ColumnReader, R: BitwiseCopyable & Numeric>(
        _ x: X, _ xIsScalar: Bool, _ y: Y, _ yIsScalar: Bool, to type: DataType, count: Int, validity: Bitmap?,
        _ op: (X.Element, Y.Element) -> R
    ) -> Column {
        Kernels.fixed(type, R.self, count: count, validity: validity) { out in
            loop(x, xIsScalar, y, yIsScalar, count: count) { i, u, v in out[i] = op(u, v) }
        }
    }

    @inline(__always)
    static func binaryChecked<X: ColumnReader, Y: ColumnReader, R: BitwiseCopyable & Numeric>(
        _ x: X, _ xIsScalar: Bool, _ y: Y, _ yIsScalar: Bool, to type: DataType, count: Int, validity: Bitmap?,
        failure: (Int) -> any Error, _ op: (X.Element, Y.Element) -> (R, RowOutcome)
    ) throws -> Column {
        try Kernels.fixed(type, R.self, count: count) { out in
            var seen: UInt8 = 0
            loop(x, xIsScalar, y, yIsScalar, count: count) { i, u, v in
                let (r, outcome) = op(u, v)
                out[i] = r
                seen |= outcome.rawValue
            }
            return try settle(seen, validity, count: count, failure: failure) {
                op(x[xIsScalar ? 0 : $0], y[yIsScalar ? 0 : $0]).1
            }
        }
    }

    /// Calls `body(i, x[i], y[i])` for every row, a scalar operand read once: one
    /// tight loop per shape, so each can be vectorised.
    @inline(__always)
    static func loop<X: ColumnReader, Y: ColumnReader>(
        _ x: X, _ xIsScalar: Bool, _ y: Y, _ yIsScalar: Bool, count: Int, _ body: (Int, X.Element, Y.Element) -> Void
    ) {
        guard count > 0 else { return }
        switch (xIsScalar, yIsScalar) {
        case (false, false): for i in 0..<count { body(i, x[i], y[i]) }
        case (false, true): let v = y[0]; for i in 0..<count { body(i, x[i], v) }
        case (true, false): let u = x[0]; for i in 0..<count { body(i, u, y[i]) }
        case (true, true): let u = x[0], v = y[0]; for i in 0..<count { body(i, u, v) }
        }
    }

    /// The output validity after a checked loop: rows whose outcome is `.null` become
    /// null; the first non-null row whose outcome is `.failed` throws `failure(row)`.
    static func settle(_ seen: UInt8, _ validity: Bitmap?, count: Int, failure: (Int) -> any Error,
                       outcome: (Int) -> RowOutcome) throws -> Bitmap? {
        guard seen != 0 else { return validity }
        var bits = validity ?? Bitmap(count: count, allValid: true)
        for i in 0..<count where bits.isValid(i) {
            switch outcome(i) {
            case .value: continue
            case .null: bits.set(i, valid: false)
            case .failed: throw failure(i)
            }
        }
        return bits
    }

    /// A non-null address for an empty buffer (never read: loops run zero times).
    @inline(__always) static func dangling<T>() -> UnsafePointer<T> {
        UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
    }
}
