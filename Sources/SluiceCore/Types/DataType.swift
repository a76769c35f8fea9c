/// The logical type of a column.
///
/// Each type has one physical layout (see `docs/ARCHITECTURE.md`):
///
/// | type        | values buffer                          |
/// |-------------|----------------------------------------|
/// | `bool`      | one `UInt8` per row (0 or 1)           |
/// | `int64`     | `Int64`                                |
/// | `float64`   | `Double`                               |
/// | `date`      | `Int32` days since 1970-01-01          |
/// | `timestamp` | `Int64` microseconds since the Unix epoch, UTC |
/// | `string`    | `Int64` offsets (`count + 1`) into one UTF-8 byte buffer |
///
/// ```swift
/// let type = try DataType(parsing: "int64")   // .int64
/// ```
public enum DataType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case bool
    case int64
    case float64
    case string
    case date
    case timestamp

    /// The name used in schemas, `sluice schema` output and error messages.
    public var description: String { rawValue }

    /// Bytes per value in the values buffer (for `string`, the size of one offset).
    public var byteWidth: Int {
        switch self {
        case .bool: 1
        case .int64, .float64, .timestamp, .string: 8
        case .date: 4
        }
    }

    /// Whether values are numbers that arithmetic and ranges apply to.
    public var isNumeric: Bool { self == .int64 || self == .float64 }

    /// Parses a type name, accepting common aliases (`int`, `integer`, `bigint`,
    /// `double`, `float`, `text`, `varchar`, `boolean`, `datetime`).
    ///
    /// - Throws: ``CoreError`` with code `.unknownType`, suggesting the nearest name.
    public init(parsing name: String) throws {
        let trimmed = name.trimmingASCIIWhitespace()
        let key = trimmed.lowercased()
        if let type = DataType(rawValue: key) {
            self = type
            return
        }
        switch key {
        case "int", "integer", "bigint", "long", "i64": self = .int64
        case "float", "double", "real", "f64", "number": self = .float64
        case "str", "text", "varchar", "utf8": self = .string
        case "boolean": self = .bool
        case "datetime", "timestamptz": self = .timestamp
        default:
            let names = DataType.allCases.map(\.rawValue)
            throw CoreError(
                .unknownType,
                message: "unknown type \"\(trimmed)\"",
                hint: suggestion(for: key, among: names).map { "did you mean `\($0)`? Types are: \(names.joined(separator: ", "))" }
                    ?? "types are: \(names.joined(separator: ", "))"
            )
        }
    }

    /// The narrowest type that holds values of both `self` and `other`.
    ///
    /// `int64` widens to `float64`, `date` to `timestamp`; anything else widens to `string`.
    public func widened(with other: DataType) -> DataType {
        if self == other { return self }
        switch (self, other) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
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
