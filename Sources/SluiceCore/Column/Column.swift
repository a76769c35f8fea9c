/// A typed, immutable column of values with Arrow-like storage.
///
/// Values live in one contiguous buffer (strings: `Int64` offsets plus one UTF-8
/// byte buffer); nulls in an optional ``Bitmap`` where `nil` means none. Slicing
/// shares the value buffers and copies only the (small) validity bits, so a
/// slice costs O(rows / 64).
///
/// Kernels reach the buffers through ``withUnsafeValues(as:_:)`` and
/// ``withUnsafeStrings(_:)`` — dispatch on ``type`` once, then loop over raw memory.
///
/// ```swift
/// let totals = Column(float64: [12.5, nil, 99.0])
/// totals.nullCount                     // 1
/// totals.value(at: 0)                  // .float64(12.5)
/// let sum = totals.withUnsafeValues(as: Double.self) { $0.reduce(0, +) }  // nulls hold 0
/// ```
public struct Column: Sendable {
    /// The logical type of every value.
    public let type: DataType
    /// Number of rows.
    public let count: Int
    /// Fixed-width values, or string offsets (`count + 1` of them).
    @usableFromInline let values: RawBuffer
    /// Index of this column's first element in `values` (non-zero for slices).
    @usableFromInline let start: Int
    /// UTF-8 bytes of a string column; offsets are absolute into it.
    @usableFromInline let bytes: RawBuffer?
    /// Which rows hold values; `nil` when none is null.
    public let validity: Bitmap?
    /// Number of null rows.
    public let nullCount: Int

    /// Wraps a fixed-width values buffer (not `string` or `binary`). The buffer must hold at
    /// least `count` values and is never written again.
    package init(type: DataType, values: RawBuffer, count: Int, validity: Bitmap?) {
        precondition(!type.isVariableWidth, "\(type) columns need offsets and bytes: use init(offsets:bytes:count:validity:type:)")
        precondition(values.count >= count * type.byteWidth, "values buffer holds \(values.count) bytes, \(count) \(type) values need \(count * type.byteWidth)")
        precondition(validity == nil || validity!.count == count, "validity covers \(validity!.count) rows, column has \(count)")
        self.type = type
        self.count = count
        self.values = values
        self.start = 0
        self.bytes = nil
        let nulls = validity?.nullCount ?? 0
        self.validity = nulls == 0 ? nil : validity
        self.nullCount = nulls
    }

    /// Wraps a string (or `binary`) column: `offsets` holds `count + 1` `Int64` offsets
    /// into `bytes` (value `i` is `bytes[offsets[i]..<offsets[i+1]]`, valid UTF-8 for strings).
    package init(offsets: RawBuffer, bytes: RawBuffer, count: Int, validity: Bitmap?, type: DataType = .string) {
        precondition(type.isVariableWidth, "\(type) columns are fixed-width: use init(type:values:count:validity:)")
        precondition(offsets.count >= (count + 1) * 8, "offsets buffer too small for \(count) strings")
        precondition(validity == nil || validity!.count == count, "validity covers \(validity!.count) rows, column has \(count)")
        self.type = type
        self.count = count
        self.values = offsets
        self.start = 0
        self.bytes = bytes
        let nulls = validity?.nullCount ?? 0
        self.validity = nulls == 0 ? nil : validity
        self.nullCount = nulls
    }

    @usableFromInline init(type: DataType, count: Int, values: RawBuffer, start: Int, bytes: RawBuffer?, validity: Bitmap?, nullCount: Int) {
        self.type = type
        self.count = count
        self.values = values
        self.start = start
        self.bytes = bytes
        self.validity = validity
        self.nullCount = nullCount
    }

    /// Whether row `index` is null. `index` must be in `0..<count`.
    @inlinable public func isNull(_ index: Int) -> Bool {
        precondition(index >= 0 && index < count, "row \(index) out of range 0..<\(count)")
        guard let validity else { return false }
        return !validity.isValid(index)
    }

    /// The fixed-width values as a typed buffer of `count` elements; null rows hold
    /// an unspecified value (zero when written by Sluice's builders).
    ///
    /// `T` must match the layout of ``type`` (`Int64` for int64 and timestamp,
    /// `Double` for float64, `Int32` for date, `UInt8` for bool, `Int128` unscaled for decimal).
    ///
    /// Public on purpose: a library user's kernel reads a column at memory speed. The
    /// pointer is scoped to `body` (the column is kept alive until it returns); do not
    /// let it escape. Inside the package, ``unsafeValuesAddress(as:)`` is the unscoped form.
    @inlinable
    public func withUnsafeValues<T: BitwiseCopyable, R>(as _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(!type.isVariableWidth && MemoryLayout<T>.stride == type.byteWidth, "\(type) column read as \(T.self)")
        let base = values.pointer.assumingMemoryBound(to: T.self) + start
        return try withExtendedLifetime(values) {
            try body(UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// The strings of a string column (or the bytes of a `binary` one) as offsets and bytes.
    ///
    /// Public on purpose, like ``withUnsafeValues(as:_:)``: the view and the buffers its
    /// subscript returns are valid only inside `body`.
    @inlinable
    public func withUnsafeStrings<R>(_ body: (StringsView) throws -> R) rethrows -> R {
        precondition(type.isVariableWidth, "\(type) column read as strings")
        let view = StringsView(
            offsets: values.pointer.assumingMemoryBound(to: Int64.self) + start,
            bytes: bytes!.pointer.assumingMemoryBound(to: UInt8.self),
            count: count)
        return try withExtendedLifetime((values, bytes)) { try body(view) }
    }

    /// The address of the first value, valid for as long as this column or any copy
    /// of it is alive (column buffers never move once built). For code that walks
    /// several columns in step, such as row-oriented writers; prefer
    /// ``withUnsafeValues(as:_:)`` elsewhere.
    @inlinable
    package func unsafeValuesAddress<T: BitwiseCopyable>(as _: T.Type) -> UnsafePointer<T> {
        precondition(!type.isVariableWidth && MemoryLayout<T>.stride == type.byteWidth, "\(type) column read as \(T.self)")
        return values.pointer.assumingMemoryBound(to: T.self) + start
    }

    /// The strings of a string column, valid for as long as this column or any copy
    /// of it is alive (see ``unsafeValuesAddress(as:)``).
    @inlinable
    package func unsafeStrings() -> StringsView {
        precondition(type.isVariableWidth, "\(type) column read as strings")
        return StringsView(offsets: values.pointer.assumingMemoryBound(to: Int64.self) + start,
                           bytes: bytes!.pointer.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Rows `range` of this column, sharing its value buffers.
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) out of 0..<\(count)")
        let sliced = validity?.slice(range)
        let nulls = sliced?.nullCount ?? 0
        return Column(type: type, count: range.count, values: values, start: start + range.lowerBound,
                      bytes: bytes, validity: nulls == 0 ? nil : sliced, nullCount: nulls)
    }

    /// Bytes of memory this column references (shared buffers counted whole).
    public var allocatedByteCount: Int {
        values.capacity + (bytes?.capacity ?? 0) + (validity?.words.count ?? 0) * 8
    }
}

/// Read-only access to the strings of a string column, valid inside
/// ``Column/withUnsafeStrings(_:)``. Its raw `offsets` and `bytes` pointers are `package`:
/// outside Sluice a row is read only through the subscript or ``string(at:)``.
public struct StringsView {
    /// `count + 1` offsets; row `i` spans `offsets[i]..<offsets[i+1]` of `bytes`.
    @usableFromInline package let offsets: UnsafePointer<Int64>
    @usableFromInline package let bytes: UnsafePointer<UInt8>
    public let count: Int

    @inlinable init(offsets: UnsafePointer<Int64>, bytes: UnsafePointer<UInt8>, count: Int) {
        self.offsets = offsets
        self.bytes = bytes
        self.count = count
    }

    /// The UTF-8 bytes of row `index` (unchecked; empty for nulls), valid only inside the
    /// ``Column/withUnsafeStrings(_:)`` call that gave this view.
    @inlinable public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let lower = Int(offsets[index]), upper = Int(offsets[index &+ 1])
        return UnsafeBufferPointer(start: bytes + lower, count: upper &- lower)
    }

    /// Row `index` as a Swift `String` (allocates: not for hot loops).
    @inlinable public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}
