import SluiceCore

/// Passes when the fraction of non-null rows whose value is not in `values` is at
/// most `threshold` (default 0: every value accepted). Nulls are not judged
/// (that is `not_null`'s job).
///
/// ```swift
/// let check = try AcceptedValuesCheck(column: "status", values: [.string("paid"), .string("open")])
/// ```
public struct AcceptedValuesCheck: RowFractionCheck {
    public var column: String
    public var values: [Value]
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "accepted_values" }
    public var columns: [String] { [column] }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` for an empty list or a threshold outside 0...1.
    public init(column: String, values: [Value], threshold: Double = 0, severity: Severity = .error, name: String? = nil) throws {
        guard !values.isEmpty else { throw QualityError(.invalidOption, message: "accepted_values on \"\(column)\" needs at least one value") }
        try validateFraction(threshold, "accepted_values threshold")
        self.column = column
        self.values = values
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "accepted_values(\(column))"
    }

    public var failureDescription: String { "values not accepted" }

    public func metric(for table: Table) throws -> Metric {
        let type = try table.qualityColumn(column).type
        let converted = try values.map { value -> Value in
            if case .string(let text) = value, type != .string {
                guard let parsed = ScalarParser.value(text, as: type) else {
                    throw QualityError(.incompatibleType, message: "accepted value \"\(text)\" is not a \(type), the type of column \"\(column)\"")
                }
                return parsed
            }
            if type == .string, !value.isNull, value.dataType != .string { return .string(value.description) }
            return value
        }
        let setType: DataType = type == .float64 ? .float64 : type
        let key = "accepted:\(setType):" + converted.map(\.description).joined(separator: "\u{1F}")
        return .notIn(column: column, set: try ValueSet(type: setType, values: converted, key: key))
    }
}
