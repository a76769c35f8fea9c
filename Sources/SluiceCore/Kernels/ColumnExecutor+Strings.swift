/// How a row-wise kernel reads an operand column: the bytes of a string or binary
/// column, the values of a fixed-width one, or no operand at all.
protocol OperandLayout {
    associatedtype Reader: ColumnReader
    /// A reader over `column`'s rows; the column must outlive it.
    static func reader(_ column: Column?) -> Reader
}

/// A string or binary operand, read as the bytes of each row.
enum BytesOperand: OperandLayout {
    @inline(__always) static func reader(_ column: Column?) -> StringsView { column!.unsafeStrings() }
}

/// A fixed-width operand read as `T` (`Int64` for int64 and timestamps, …).
enum ValuesOperand<T: BitwiseCopyable>: OperandLayout {
    @inline(__always) static func reader(_ column: Column?) -> FixedReader<T> {
        FixedReader(base: column!.unsafeValuesAddress(as: T.self))
    }
}

/// The place of an operand a kernel does not have (`substr(s, start)` has no length).
enum NoOperand: OperandLayout, ColumnReader {
    case none
    @inline(__always) static func reader(_ column: Column?) -> NoOperand { .none }
    @inline(__always) subscript(_ i: Int) -> Void { () }
}

/// An operand at table row `i`: row 0 of a one-row scalar stands for every row.
struct Broadcast<Reader: ColumnReader>: ColumnReader {
    let reader: Reader
    let isScalar: Bool
    @inline(__always) subscript(_ i: Int) -> Reader.Element { reader[isScalar ? 0 : i] }
}

extension ColumnExecutor {
    // MARK: String output

    /// `op(x[i], &out)` for every row of string column `x` into a string column: the
    /// executor owns the nulls (a null row is never passed to `op`) and the offsets;
    /// `op` appends the row's bytes and returns `false` to make the row null.
    @inline(__always)
    static func strings(_ x: Column, count: Int, capacity: Int,
                        _ op: (UnsafeBufferPointer<UInt8>, inout StringOutput) -> Bool) -> Column {
        strings(x, BytesOperand.self, nil, NoOperand.self, nil, NoOperand.self, count: count, capacity: capacity) { a, _, _, out in
            op(a, &out)
        }
    }

    /// `op(x[i], y[i], &out)` over two operands into a string column (see ``strings(_:count:capacity:_:)``).
    @inline(__always)
    static func strings<X: OperandLayout, Y: OperandLayout>(
        _ x: Column, _: X.Type, _ y: Column, _: Y.Type, count: Int, capacity: Int,
        _ op: (X.Reader.Element, Y.Reader.Element, inout StringOutput) -> Bool
    ) -> Column {
        strings(x, X.self, y, Y.self, nil, NoOperand.self, count: count, capacity: capacity) { a, b, _, out in
            op(a, b, &out)
        }
    }

    /// `op(x[i], y[i], z[i], &out)` into a string column. A row is null when any given
    /// operand is null there (or `op` returns `false`); a one-row operand is broadcast.
    /// `y` and `z` are `nil` exactly when their layout is ``NoOperand``.
    @inline(__always)
    static func strings<X: OperandLayout, Y: OperandLayout, Z: OperandLayout>(
        _ x: Column, _: X.Type, _ y: Column?, _: Y.Type, _ z: Column?, _: Z.Type, count: Int, capacity: Int,
        _ op: (X.Reader.Element, Y.Reader.Element, Z.Reader.Element, inout StringOutput) -> Bool
    ) -> Column {
        let operands = [x] + [y, z].compactMap { $0 }
        return withExtendedLifetime(operands) {
            let a = Broadcast(reader: X.reader(x), isScalar: isScalar(x, count: count))
            let b = Broadcast(reader: Y.reader(y), isScalar: y.map { isScalar($0, count: count) } ?? true)
            let c = Broadcast(reader: Z.reader(z), isScalar: z.map { isScalar($0, count: count) } ?? true)
            return buildStrings(count: count, capacity: capacity, validity: validity(operands, count: count)) { i, out in
                op(a[i], b[i], c[i], &out)
            }
        }
    }

    /// The one string-output loop: `body(i, &out)` for each row valid in `validity`,
    /// every row's end offset written, rows whose body returned `false` made null.
    @inline(__always)
    static func buildStrings(count: Int, capacity: Int, validity: Bitmap?, type: DataType = .string, _ body: (Int, inout StringOutput) -> Bool) -> Column {
        var output = StringOutput(count: count, capacity: capacity)
        var result = validity
        if let validity {
            validity.words.withUnsafeBufferPointer { words in
                for i in 0..<count {
                    if (words[i >> 6] >> UInt64(i & 63)) & 1 == 1, !body(i, &output) { result!.set(i, valid: false) }
                    output.endRow(i)
                }
            }
        } else {
            for i in 0..<count {
                if !body(i, &output) {
                    if result == nil { result = Bitmap(count: count, allValid: true) }
                    result!.set(i, valid: false)
                }
                output.endRow(i)
            }
        }
        return output.finish(validity: result, type: type)
    }

    /// The parts' bytes joined per row: `||` (`skippingNulls == false`: a null part
    /// makes the row null) or `concat()` (null parts are left out, the row is never null).
    static func concatenate(_ parts: [Column], count: Int, skippingNulls: Bool) -> Column {
        let capacity = parts.reduce(0) { $0 + byteCount($1, count: count) }
        return withExtendedLifetime(parts) {
            let readers = parts.map { Broadcast(reader: $0.unsafeStrings(), isScalar: isScalar($0, count: count)) }
            guard skippingNulls else {
                return buildStrings(count: count, capacity: capacity, validity: validity(parts, count: count)) { i, out in
                    for reader in readers { out.append(reader[i]) }
                    return true
                }
            }
            // concat(): each part appends only where it is valid.
            let valid = parts.map { part in isScalar(part, count: count) ? (part.isNull(0) ? Bitmap(count: count, allValid: false) : nil) : part.validity }
            return buildStrings(count: count, capacity: capacity, validity: nil) { i, out in
                for (reader, validity) in zip(readers, valid) where validity?.isValid(i) ?? true { out.append(reader[i]) }
                return true
            }
        }
    }

    /// The bytes `column` contributes over `count` rows (a scalar repeats).
    static func byteCount(_ column: Column, count: Int) -> Int {
        let view = column.unsafeStrings()
        let bytes = withExtendedLifetime(column) { Int(view.offsets[column.count] - view.offsets[0]) }
        return isScalar(column, count: count) ? bytes * count : bytes
    }
}

/// The growing bytes and offsets of a string column under construction.
struct StringOutput {
    let offsets: RawBuffer
    let bytes: RawBuffer
    let count: Int

    init(count: Int, capacity: Int) {
        self.count = count
        offsets = RawBuffer(heapCapacity: (count + 1) * 8)
        offsets.mutablePointer.storeBytes(of: Int64(0), as: Int64.self)
        bytes = RawBuffer(heapCapacity: Swift.max(capacity, 16))
    }

    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if n > 0 { bytes.append(UnsafeRawPointer(p), byteCount: n) }
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        if let base = buffer.baseAddress { append(base, buffer.count) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    func endRow(_ i: Int) {
        offsets.mutablePointer.assumingMemoryBound(to: Int64.self)[i + 1] = Int64(bytes.count)
    }

    func finish(validity: Bitmap?, type: DataType = .string) -> Column {
        offsets.count = (count + 1) * 8
        return Column(offsets: offsets, bytes: bytes, count: count, validity: validity, type: type)
    }
}
