/// Appends values of one type and produces a ``Column``.
///
/// Appends are amortised O(1) into a contiguous buffer; validity costs nothing
/// until the first null. A builder owns its buffers: do not copy it and keep
/// using both copies.
///
/// ```swift
/// var builder = ColumnBuilder(type: .string)
/// builder.append(string: "ada@example.com")
/// builder.appendNull()
/// let emails = builder.finish()       // 2 rows, 1 null
/// ```
public struct ColumnBuilder {
    /// The type of the column being built.
    public let type: DataType
    @usableFromInline var values: RawBuffer
    @usableFromInline var bytes: RawBuffer?
    @usableFromInline var validity = ValidityBuilder()

    /// Creates a builder with room for `capacity` values.
    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        values = RawBuffer(capacity: Swift.max(capacity, 1) * type.byteWidth + (type.isVariableWidth ? 8 : 0))
        if type.isVariableWidth {
            values.append(Int64(0))
            bytes = RawBuffer(capacity: capacity * 8)
        }
    }

    /// Rows appended so far.
    @inlinable public var count: Int { validity.count }

    /// Appends a null row.
    @inlinable public mutating func appendNull() {
        switch type {
        case .bool: values.append(UInt8(0))
        case .int64, .timestamp: values.append(Int64(0))
        case .float64: values.append(Double(0))
        case .date: values.append(Int32(0))
        case .string, .binary: values.append(Int64(bytes!.count))
        case .decimal: values.append(Int128(0))
        }
        validity.appendNull()
    }

    @inlinable public mutating func append(int64 value: Int64) {
        appendValid(value, accepted: type == .int64, "append(int64:)")
    }

    @inlinable public mutating func append(float64 value: Double) {
        appendValid(value, accepted: type == .float64, "append(float64:)")
    }

    @inlinable public mutating func append(bool value: Bool) {
        appendValid(UInt8(value ? 1 : 0), accepted: type == .bool, "append(bool:)")
    }

    /// Appends a date as days since 1970-01-01.
    @inlinable public mutating func append(date value: Int32) {
        appendValid(value, accepted: type == .date, "append(date:)")
    }

    /// Appends a timestamp as microseconds since the epoch, UTC.
    @inlinable public mutating func append(timestamp value: Int64) {
        appendValid(value, accepted: type == .timestamp, "append(timestamp:)")
    }

    /// Appends a decimal as its unscaled value at the column's scale (the caller
    /// guarantees it fits the precision).
    @inlinable public mutating func append(decimal unscaled: Int128) {
        appendValid(unscaled, accepted: type.isDecimal, "append(decimal:)")
    }

    /// The body of every fixed-width `append`: checks that the builder's type `accepted`
    /// the value (else a precondition failure naming `method`), stores it, marks it valid.
    @inlinable @inline(__always)
    mutating func appendValid<T: BitwiseCopyable>(_ value: T, accepted: Bool, _ method: StaticString) {
        precondition(accepted, "\(method) on a \(type) builder")
        values.append(value)
        validity.appendValid()
    }

    /// Appends the bytes of a `binary` value.
    public mutating func append(bytes value: [UInt8]) {
        value.withUnsafeBytes { append(bytes: $0) }
    }

    /// Appends the bytes of a `binary` value (readers inside the package, without a copy).
    @inlinable package mutating func append(bytes value: UnsafeRawBufferPointer) {
        appendVariable(value, accepted: type == .binary, "append(bytes:)")
    }

    /// Appends a string given as UTF-8 bytes (the caller guarantees valid UTF-8).
    @inlinable package mutating func append(utf8 value: UnsafeRawBufferPointer) {
        appendVariable(value, accepted: type == .string, "append(utf8:)")
    }

    /// The body of the variable-width `append`s: the bytes, then the end offset.
    @inlinable @inline(__always)
    mutating func appendVariable(_ value: UnsafeRawBufferPointer, accepted: Bool, _ method: StaticString) {
        precondition(accepted, "\(method) on a \(type) builder")
        let bytes = self.bytes!
        if let base = value.baseAddress, value.count > 0 { bytes.append(base, byteCount: value.count) }
        values.append(Int64(bytes.count))
        validity.appendValid()
    }

    /// Appends a string.
    public mutating func append(string value: String) {
        var value = value
        value.withUTF8 { append(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Appends a value, converting int64 → float64, date → timestamp, and int64 or a
    /// decimal of another scale → decimal when exact. Returns `false`, appending
    /// nothing, when the value does not fit the type (or the decimal's precision).
    @discardableResult
    public mutating func append(_ value: Value) -> Bool {
        switch (type, value) {
        case (_, .null): appendNull()
        case let (.bool, .bool(v)): append(bool: v)
        case let (.int64, .int64(v)): append(int64: v)
        case let (.float64, .float64(v)): append(float64: v)
        case let (.float64, .int64(v)): append(float64: Double(v))
        case let (.string, .string(v)): append(string: v)
        case let (.date, .date(v)): append(date: v)
        case let (.timestamp, .timestamp(v)): append(timestamp: v)
        case let (.timestamp, .date(v)): append(timestamp: Int64(v) * 86_400_000_000)
        case let (.decimal(p, s), .decimal(v)):
            guard let u = Decimal128.rescaled(v.unscaled, from: v.scale, to: s, precision: p) else { return false }
            append(decimal: u)
        case let (.decimal(p, s), .int64(v)):
            guard let u = Decimal128.rescaled(Int128(v), from: 0, to: s, precision: p) else { return false }
            append(decimal: u)
        case let (.binary, .binary(v)): v.withUnsafeBytes { append(bytes: $0) }
        default: return false
        }
        return true
    }

    /// Appends row `index` of `column`, which must have this builder's type.
    public mutating func append(from column: Column, at index: Int) {
        precondition(column.type == type, "appending a \(column.type) value to a \(type) builder")
        if column.isNull(index) { appendNull(); return }
        switch type {
        case .string:
            column.withUnsafeStrings { append(utf8: UnsafeRawBufferPointer($0[index])) }
        case .binary:
            column.withUnsafeStrings { append(bytes: UnsafeRawBufferPointer($0[index])) }
        case .decimal: append(decimal: column.withUnsafeValues(as: Int128.self) { $0[index] })
        case .bool: append(bool: column.withUnsafeValues(as: UInt8.self) { $0[index] } != 0)
        case .int64: append(int64: column.withUnsafeValues(as: Int64.self) { $0[index] })
        case .float64: append(float64: column.withUnsafeValues(as: Double.self) { $0[index] })
        case .date: append(date: column.withUnsafeValues(as: Int32.self) { $0[index] })
        case .timestamp: append(timestamp: column.withUnsafeValues(as: Int64.self) { $0[index] })
        }
    }

    /// Appends every row of `column` (same type) with bulk copies.
    public mutating func append(contentsOf column: Column) {
        precondition(column.type == type, "appending a \(column.type) column to a \(type) builder")
        guard column.count > 0 else { return }
        if type.isVariableWidth {
            column.withUnsafeStrings { view in
                let first = view.offsets[0], last = view.offsets[column.count]
                let bytes = self.bytes!
                let shift = Int64(bytes.count) - first
                bytes.append(UnsafeRawPointer(view.bytes + Int(first)), byteCount: Int(last - first))
                values.reserve(extra: column.count * 8)
                for i in 1...column.count { values.append(view.offsets[i] + shift) }
            }
        } else {
            let width = type.byteWidth
            values.append(column.values.pointer + column.start * width, byteCount: column.count * width)
        }
        if let bits = column.validity {
            for i in 0..<column.count {
                if bits.isValid(i) { validity.appendValid() } else { validity.appendNull() }
            }
        } else {
            validity.appendValid(count: column.count)
        }
    }

    /// The column built so far. The builder must not be used afterwards.
    public func finish() -> Column {
        if type.isVariableWidth {
            return Column(offsets: values, bytes: bytes!, count: count, validity: validity.finish(), type: type)
        }
        return Column(type: type, values: values, count: count, validity: validity.finish())
    }
}
