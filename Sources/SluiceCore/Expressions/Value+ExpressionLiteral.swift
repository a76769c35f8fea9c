extension Value {
    /// This value as one literal of the expression language, typed and escaped: `'it''s'`,
    /// `(-3)`, `cast('2024-06-01' as date)`, `cast('2024-06-01T00:00:00Z' as timestamp)`.
    /// Parsing it gives back this value and nothing else, whatever the text holds — the way
    /// a template value enters an expression (see `RunVariables.bindExpression`).
    ///
    /// ```swift
    /// Value.date(19875).expressionLiteral   // cast('2024-06-01' as date)
    /// ```
    public var expressionLiteral: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int64(let v): return "(\(v))"
        case .float64(let v):
            return v.isFinite ? "(\(formatDouble(v)))" : "cast('\(v.isNaN ? "NaN" : v > 0 ? "Infinity" : "-Infinity")' as float64)"
        case .date(let d): return "cast('\(formatDate(daysSinceEpoch: d))' as date)"
        case .timestamp(let t): return "cast('\(formatTimestamp(microsecondsSinceEpoch: t))' as timestamp)"
        case .string(let s): return "'" + s.replacing("'", with: "''") + "'"
        default: return "'" + description.replacing("'", with: "''") + "'"
        }
    }
}
