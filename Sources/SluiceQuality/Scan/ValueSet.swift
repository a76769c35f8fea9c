import SluiceCore

/// A set of typed values — accepted values, or every value of a reference column —
/// that membership checks look rows up in without making a `Value` per row.
///
/// ```swift
/// let ids = ValueSet(column: try users.column("id"))
/// ids.contains(.int64(42))
/// ```
public final class ValueSet: Sendable, Hashable {
    /// What identifies the set in a ``Metric``: equal keys mean equal sets.
    public let key: String
    /// The type of the members (`int64` for bool members too is not mixed: one type per set).
    public let type: DataType
    let integers: Int64HashSet?
    let strings: BytesHashMap?
    /// Number of distinct members.
    public var count: Int { integers?.count ?? strings?.count ?? 0 }
    /// Whether the source had a null (nulls are never members: a null is not a value).
    public let sawNull: Bool

    /// Every non-null value of `column`; `key` names the set (by default a fresh,
    /// unique key, so two sets built separately are never mistaken for one).
    public init(column: Column, key: String? = nil) {
        self.key = key ?? "set-\(UInt64.random(in: 0 ... .max))"
        type = column.type
        sawNull = column.nullCount > 0
        if column.type.isVariableWidth || column.type.isDecimal {
            // Decimals: the 16 bytes of each unscaled value (one column, one scale).
            let set = BytesHashMap(expected: Swift.min(column.count, 1 << 20))
            if column.type.isDecimal {
                column.withUnsafeValues(as: Int128.self) { v in
                    for i in 0..<column.count where !column.isNull(i) { withUnsafeBytes(of: v[i]) { _ = set.insert($0.bindMemory(to: UInt8.self)) } }
                }
            } else {
                column.withUnsafeStrings { view in
                    for i in 0..<column.count where !column.isNull(i) { _ = set.insert(view[i]) }
                }
            }
            strings = set
            integers = nil
        } else {
            let set = column.type == .float64 ? Int64HashSet(expected: Swift.min(column.count, 1 << 20))
                : Int64HashSet(expected: column.count, keysIn: keyRange(of: column))
            forEachKey(of: column) { _, key in _ = set.insert(key) }
            integers = set
            strings = nil
        }
    }

    /// The given values, which must all have `type` (int64 literals are accepted for float64).
    ///
    /// - Throws: ``QualityError`` `.incompatibleType` naming the first misfit.
    public convenience init(type: DataType, values: [Value], key: String? = nil) throws {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values where !builder.append(value) {
            throw QualityError(.incompatibleType, message: "value \(value) is not a \(type)")
        }
        self.init(column: builder.finish(), key: key)
    }

    /// Whether `value` is a member (null never is).
    public func contains(_ value: Value) -> Bool {
        switch value {
        case .null: return false
        case .string(var s):
            guard let strings else { return false }
            return s.withUTF8 { strings.contains($0) }
        case .bool(let b): return type == .bool && integers!.contains(b ? 1 : 0)
        case .int64(let v):
            if type == .float64 { return integers!.contains(KeyHash.key(Double(v))) }
            return type == .int64 && integers!.contains(v)
        case .float64(let v):
            if type == .int64 { return v.rounded() == v && abs(v) < 9.2e18 && integers!.contains(Int64(v)) }
            return type == .float64 && integers!.contains(KeyHash.key(v))
        case .date(let d): return type == .date && integers!.contains(Int64(d))
        case .timestamp(let t): return type == .timestamp && integers!.contains(t)
        case .binary(let b):
            guard type == .binary, let strings else { return false }
            return b.withUnsafeBufferPointer { strings.contains($0) }
        case .decimal(let d):
            guard case .decimal(let p, let s) = type, let strings, let u = Decimal128.rescaled(d.unscaled, from: d.scale, to: s, precision: p) else { return false }
            return withUnsafeBytes(of: u) { strings.contains($0.bindMemory(to: UInt8.self)) }
        }
    }

    public static func == (lhs: ValueSet, rhs: ValueSet) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

/// Calls `body(row, key)` for every non-null row of a fixed-width column.
func forEachKey(of column: Column, _ body: (Int, Int64) -> Void) {
    func walk<T: BitwiseCopyable>(_: T.Type, _ key: (T) -> Int64) {
        column.withUnsafeValues(as: T.self) { values in
            for i in 0..<values.count where !column.isNull(i) { body(i, key(values[i])) }
        }
    }
    switch column.type {
    case .bool: walk(UInt8.self) { Int64($0) }
    case .int64, .timestamp: walk(Int64.self) { $0 }
    case .date: walk(Int32.self) { Int64($0) }
    case .float64: walk(Double.self) { KeyHash.key($0) }
    case .string, .binary, .decimal: preconditionFailure("\(column.type) column has no 64-bit keys")
    }
}
