/// The logical type of a column.
///
/// Each type has one physical layout (see `docs/ARCHITECTURE.md`):
///
/// | type              | values buffer                          |
/// |-------------------|----------------------------------------|
/// | `bool`            | one `UInt8` per row (0 or 1)           |
/// | `int64`           | `Int64`                                |
/// | `float64`         | `Double`                               |
/// | `date`            | `Int32` days since 1970-01-01          |
/// | `timestamp`       | `Int64` microseconds since the Unix epoch, UTC |
/// | `string`          | `Int64` offsets (`count + 1`) into one UTF-8 byte buffer |
/// | `decimal(p,s)`    | `Int128` unscaled values (value = unscaled × 10^-s), any precision 1…38 |
/// | `binary`          | `Int64` offsets (`count + 1`) into one byte buffer, as `string` |
///
/// ```swift
/// let type = try DataType(parsing: "int64")          // .int64
/// let money = try DataType(parsing: "decimal(12,2)")  // .decimal(precision: 12, scale: 2)
/// ```
public enum DataType: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case bool
    case int64
    case float64
    case string
    case date
    case timestamp
    /// An exact decimal number with up to `precision` digits, `scale` of them after
    /// the point (`0 ≤ scale ≤ precision ≤ 38`).
    case decimal(precision: Int, scale: Int)
    /// Bytes: hex (`\x0a1b`) in text formats, base64 in JSON.
    case binary

    /// The largest decimal precision (digits an `Int128` always holds).
    public static let maxDecimalPrecision = 38

    /// One representative of every layout, for tests and listings: decimals appear
    /// as `decimal(18,2)` and `decimal(38,10)`.
    public static let allCases: [DataType] = [
        .bool, .int64, .float64, .string, .date, .timestamp,
        .decimal(precision: 18, scale: 2), .decimal(precision: 38, scale: 10), .binary,
    ]

    /// The type names `DataType(parsing:)` accepts, as shown in hints.
    public static let typeNames = ["bool", "int64", "float64", "string", "date", "timestamp", "decimal(p,s)", "binary"]

    /// The name used in schemas, `sluice schema` output and error messages
    /// (`decimal(12,2)` for decimals).
    public var description: String {
        switch self {
        case .bool: "bool"
        case .int64: "int64"
        case .float64: "float64"
        case .string: "string"
        case .date: "date"
        case .timestamp: "timestamp"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .binary: "binary"
        }
    }

    /// Bytes per value in the values buffer (for `string` and `binary`, the size of one offset).
    public var byteWidth: Int {
        switch self {
        case .bool: 1
        case .int64, .float64, .timestamp, .string, .binary: 8
        case .date: 4
        case .decimal: 16
        }
    }

    /// Whether values are numbers that arithmetic and ranges apply to.
    public var isNumeric: Bool {
        switch self {
        case .int64, .float64, .decimal: true
        default: false
        }
    }

    /// Whether this is a decimal type.
    public var isDecimal: Bool { if case .decimal = self { true } else { false } }

    /// The scale of a decimal type; `nil` for others.
    public var decimalScale: Int? { if case .decimal(_, let s) = self { s } else { nil } }

    /// Whether values live as offsets into a byte buffer (`string`, `binary`).
    public var isVariableWidth: Bool { self == .string || self == .binary }

    /// Parses a type name, accepting common aliases (`int`, `integer`, `bigint`,
    /// `double`, `float`, `text`, `varchar`, `boolean`, `datetime`, `numeric(p,s)`,
    /// `bytes`, `bytea`, `blob`). A bare `decimal`/`numeric` is `decimal(38,9)`;
    /// `decimal(p)` has scale 0.
    ///
    /// - Throws: ``CoreError`` with code `.unknownType`, suggesting the nearest name.
    public init(parsing name: String) throws {
        let trimmed = name.trimmingASCIIWhitespace()
        let key = trimmed.lowercased()
        switch key {
        case "bool", "boolean": self = .bool
        case "int64", "int", "integer", "bigint", "long", "i64": self = .int64
        case "float64", "float", "double", "real", "f64", "number": self = .float64
        case "string", "str", "text", "varchar", "utf8": self = .string
        case "date": self = .date
        case "timestamp", "datetime", "timestamptz": self = .timestamp
        case "binary", "bytes", "bytea", "blob", "varbinary": self = .binary
        case "decimal", "numeric": self = .decimal(precision: 38, scale: 9)
        default:
            if let decimal = try DataType.parseDecimal(key, original: trimmed) {
                self = decimal
                return
            }
            let names = DataType.typeNames
            throw CoreError(
                .unknownType,
                message: "unknown type \"\(trimmed)\"",
                hint: suggestion(for: key, among: names).map { "did you mean `\($0)`? Types are: \(names.joined(separator: ", "))" }
                    ?? "types are: \(names.joined(separator: ", "))"
            )
        }
    }

    /// `decimal(p,s)`, `decimal(p)`, `numeric(p,s)`; `nil` when `key` has another shape.
    private static func parseDecimal(_ key: String, original: String) throws -> DataType? {
        let compact = key.filter { $0 != " " && $0 != "\t" }
        var rest: Substring
        if compact.hasPrefix("decimal(") { rest = compact.dropFirst(8) }
        else if compact.hasPrefix("numeric(") { rest = compact.dropFirst(8) }
        else { return nil }
        guard rest.hasSuffix(")") else { return nil }
        rest = rest.dropLast()
        let parts = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let precision = Int(parts[0]), let scale = parts.count == 2 ? Int(parts[1]) : 0 else {
            throw CoreError(.unknownType, message: "type \"\(original)\" is not decimal(precision, scale)",
                            hint: "write e.g. decimal(12,2): up to \(maxDecimalPrecision) digits, 2 after the point")
        }
        guard (1...maxDecimalPrecision).contains(precision), (0...precision).contains(scale) else {
            throw CoreError(.unknownType, message: "type \"\(original)\": precision must be 1…\(maxDecimalPrecision) and scale 0…precision, found precision \(precision), scale \(scale)",
                            hint: "use at most \(maxDecimalPrecision) digits; store wider numbers as float64 or string")
        }
        return .decimal(precision: precision, scale: scale)
    }

    /// The narrowest type that holds values of both `self` and `other`.
    ///
    /// `int64` widens to `float64`, `date` to `timestamp`; decimals widen to a
    /// decimal holding both (with `int64` as `decimal(19,0)`), capped at precision 38;
    /// a decimal meeting a `float64` gives `float64`; anything else widens to `string`.
    public func widened(with other: DataType) -> DataType {
        if self == other { return self }
        switch (self, other) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        case (.decimal, .float64), (.float64, .decimal): return .float64
        case let (.decimal(p1, s1), .decimal(p2, s2)): return DataType.commonDecimal(p1, s1, p2, s2)
        case let (.decimal(p, s), .int64), let (.int64, .decimal(p, s)): return DataType.commonDecimal(p, s, 19, 0)
        default: return .string
        }
    }

    /// The decimal that holds both `decimal(p1,s1)` and `decimal(p2,s2)`: the larger
    /// scale and enough integer digits for either, capped at 38 digits.
    public static func commonDecimal(_ p1: Int, _ s1: Int, _ p2: Int, _ s2: Int) -> DataType {
        let scale = Swift.max(s1, s2)
        let integer = Swift.max(p1 - s1, p2 - s2)
        let precision = Swift.min(integer + scale, maxDecimalPrecision)
        return .decimal(precision: precision, scale: Swift.min(scale, precision))
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF.
    package func trimmingASCIIWhitespace() -> String {
        var utf8 = Substring(self).utf8
        while let first = utf8.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
            utf8 = utf8.dropFirst()
        }
        while let last = utf8.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D {
            utf8 = utf8.dropLast()
        }
        return String(Substring(utf8))
    }
}
