/// One cell, for the edges of the system: tests, printing, literals, single-row
/// access. Hot loops never use it; they read column buffers directly.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int64(Int64)
    case float64(Double)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    /// An exact decimal (its column's scale; equal across scales: `1.5 == 1.50`).
    case decimal(Decimal128)
    /// Bytes.
    case binary([UInt8])

    /// Whether this is SQL null.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The type of a non-null value; `nil` for null.
    public var dataType: DataType? {
        switch self {
        case .null: nil
        case .bool: .bool
        case .int64: .int64
        case .float64: .float64
        case .string: .string
        case .date: .date
        case .timestamp: .timestamp
        case .decimal(let d): .decimal(precision: DataType.maxDecimalPrecision, scale: d.scale)
        case .binary: .binary
        }
    }

    /// The value as Sluice prints and writes it: ISO dates (`2024-01-02`),
    /// timestamps as `2024-01-02T03:04:05Z` (fraction only when non-zero),
    /// floats in shortest round-trip form, decimals with their scale (`12.30`),
    /// bytes as `\x` and lowercase hex, `null` for null.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let v): v ? "true" : "false"
        case .int64(let v): String(v)
        case .float64(let v): formatDouble(v)
        case .string(let v): v
        case .date(let d): formatDate(daysSinceEpoch: d)
        case .timestamp(let t): formatTimestamp(microsecondsSinceEpoch: t)
        case .decimal(let d): d.description
        case .binary(let b): BinaryText.hex(b)
        }
    }

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int64(a), .int64(b)): a == b
        case let (.float64(a), .float64(b)): a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): a == b
        case let (.date(a), .date(b)): a == b
        case let (.timestamp(a), .timestamp(b)): a == b
        case let (.decimal(a), .decimal(b)): a == b
        case let (.binary(a), .binary(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let v): hasher.combine(v)
        case .int64(let v): hasher.combine(v)
        case .float64(let v): hasher.combine(v.isNaN ? Double.nan.bitPattern : v == 0 ? 0 : v.bitPattern)  // -0.0 == 0.0
        case .string(let v): hasher.combine(v)
        case .date(let v): hasher.combine(v)
        case .timestamp(let v): hasher.combine(v)
        case .decimal(let v): hasher.combine(v)
        case .binary(let v): hasher.combine(v)
        }
    }
}
