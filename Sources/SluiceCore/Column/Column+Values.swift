extension Column {
    /// The value at `index`, or `nil` when `index` is out of range.
    /// A null row gives `.null`.
    public func value(at index: Int) -> Value? {
        guard index >= 0 && index < count else { return nil }
        return unsafeValue(at: index)
    }

    /// The value at `index`; `index` must be in range (checked only in debug builds).
    package func unsafeValue(at index: Int) -> Value {
        assert(index >= 0 && index < count)
        if let validity, !validity.isValid(index) { return .null }
        switch type {
        case .bool: return .bool(values.load(at: start + index, as: UInt8.self) != 0)
        case .int64: return .int64(values.load(at: start + index, as: Int64.self))
        case .float64: return .float64(values.load(at: start + index, as: Double.self))
        case .date: return .date(values.load(at: start + index, as: Int32.self))
        case .timestamp: return .timestamp(values.load(at: start + index, as: Int64.self))
        case .string: return .string(withUnsafeStrings { $0.string(at: index) })
        case .decimal(_, let scale): return .decimal(Decimal128(unscaled: values.load(at: start + index, as: Int128.self), scale: scale))
        case .binary: return .binary(withUnsafeStrings { Array($0[index]) })
        }
    }

    /// All values, in order (allocates one `Value` per row: for tests and small tables).
    public var allValues: [Value] { (0..<count).map { unsafeValue(at: $0) } }

    /// An int64 column from optional values (`nil` is null).
    public init(int64 values: [Int64?]) { self = Column.build(.int64, values) { b, v in b.append(int64: v) } }
    /// A float64 column from optional values (`nil` is null).
    public init(float64 values: [Double?]) { self = Column.build(.float64, values) { b, v in b.append(float64: v) } }
    /// A bool column from optional values (`nil` is null).
    public init(bool values: [Bool?]) { self = Column.build(.bool, values) { b, v in b.append(bool: v) } }
    /// A string column from optional values (`nil` is null).
    public init(string values: [String?]) { self = Column.build(.string, values) { b, v in b.append(string: v) } }
    /// A date column from days since 1970-01-01 (`nil` is null).
    public init(date values: [Int32?]) { self = Column.build(.date, values) { b, v in b.append(date: v) } }
    /// A timestamp column from microseconds since the epoch, UTC (`nil` is null).
    public init(timestamp values: [Int64?]) { self = Column.build(.timestamp, values) { b, v in b.append(timestamp: v) } }

    /// A `decimal(precision,scale)` column from unscaled values (`nil` is null), which must
    /// fit the precision.
    public init(decimal values: [Int128?], precision: Int, scale: Int) {
        self = Column.build(.decimal(precision: precision, scale: scale), values) { b, v in
            precondition(v.magnitude <= UInt128(Decimal128.maxUnscaled(precision: precision)), "\(v) needs more than \(precision) digits")
            b.append(decimal: v)
        }
    }
    /// A `binary` column from byte arrays (`nil` is null).
    public init(binary values: [[UInt8]?]) { self = Column.build(.binary, values) { b, v in b.append(bytes: v) } }

    /// A column of `type` from values; each non-null value must have that type
    /// (an `int64` value is accepted in a `float64` column, a `date` in a `timestamp` column).
    ///
    /// - Throws: ``CoreError`` `.typeMismatch` naming the row.
    public init(type: DataType, values: [Value]) throws {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for (row, value) in values.enumerated() {
            guard builder.append(value) else {
                throw CoreError(.typeMismatch, message: "row \(row): a \(type) column cannot hold \(value.dataType.map { "\($0)" } ?? "null") value \(value)")
            }
        }
        self = builder.finish()
    }

    private static func build<T>(_ type: DataType, _ values: [T?], _ append: (inout ColumnBuilder, T) -> Void) -> Column {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values {
            if let value { append(&builder, value) } else { builder.appendNull() }
        }
        return builder.finish()
    }
}

extension Column: Equatable {
    /// Logical equality: same type, length, nulls and values (NaN equals NaN);
    /// storage and slicing do not matter.
    public static func == (lhs: Column, rhs: Column) -> Bool {
        guard lhs.type == rhs.type, lhs.count == rhs.count, lhs.nullCount == rhs.nullCount else { return false }
        for i in 0..<lhs.count where lhs.isNull(i) != rhs.isNull(i) { return false }
        switch lhs.type {
        case .string, .binary:
            return lhs.withUnsafeStrings { a in
                rhs.withUnsafeStrings { b in
                    for i in 0..<lhs.count where !lhs.isNull(i) {
                        if !a[i].elementsEqual(b[i]) { return false }
                    }
                    return true
                }
            }
        case .float64:
            return lhs.withUnsafeValues(as: Double.self) { a in
                rhs.withUnsafeValues(as: Double.self) { b in
                    for i in 0..<lhs.count where !lhs.isNull(i) {
                        if !(a[i] == b[i] || (a[i].isNaN && b[i].isNaN)) { return false }
                    }
                    return true
                }
            }
        case .bool, .int64, .date, .timestamp, .decimal:
            for i in 0..<lhs.count where !lhs.isNull(i) {
                if lhs.unsafeValue(at: i) != rhs.unsafeValue(at: i) { return false }
            }
            return true
        }
    }
}
