import SluiceCore

/// Writes a starting `checks.yaml` from column profiles:
/// - `row_count: { min: 1 }` and a `schema` check with the observed types;
/// - `not_null` (threshold 0) where a column has no nulls;
/// - `unique` (threshold 1.0) where every row has its own non-null value;
/// - `range` for int64/float64 columns: the observed min/max widened by 10% of the
///   spread on each side (not below 0 when no value was negative), whole numbers
///   for int64 columns;
/// - `accepted_values` for string columns with at most 10 distinct values seen in
///   at least 20 rows.
///
/// Every value is written as a double-quoted YAML string where it is text, so odd
/// column names and values survive the round trip.
public enum SuiteSuggester {
    public static let maxAcceptedValues = 10
    public static let minRowsForAcceptedValues = 20

    /// The suite text for `dataset` (written as its `dataset:`) with these profiles.
    public static func suggest(dataset: String?, profiles: [ColumnProfile]) -> String {
        var out = "# Suggested by `sluice suggest`: review before relying on it.\n"
        if let dataset { out += "dataset: \(jsonString(dataset))\n" }
        out += "checks:\n  - row_count: { min: 1 }\n    severity: critical\n"
        out += "  - schema:\n      columns:\n"
        for p in profiles { out += "        \(jsonString(p.name)): \(p.type)\n" }
        for p in profiles where p.count > 0 {
            let column = jsonString(p.name)
            if p.nulls == 0 { out += "  - not_null: \(column)\n    threshold: 0\n" }
            if p.nulls == 0 && p.distinctIsExact && p.distinct == p.count && p.count > 1 && p.type != .bool && p.type != .float64 {
                out += "  - unique: \(column)\n    threshold: 1.0\n"
            }
            if let range = suggestedRange(p) {
                out += "  - range: { column: \(column), min: \(range.min), max: \(range.max) }\n"
            }
            if p.type == .string, p.distinctIsExact, p.distinct > 0, p.distinct <= maxAcceptedValues, p.count - p.nulls >= minRowsForAcceptedValues,
               p.distinct < p.count - p.nulls {
                let values = p.topValues.count == p.distinct ? p.topValues.map(\.value) : []
                if !values.isEmpty {
                    let list = values.map { jsonString($0.description) }.sorted().joined(separator: ", ")
                    out += "  - accepted_values: { column: \(column), values: [\(list)] }\n"
                }
            }
        }
        return out
    }

    static func suggestedRange(_ p: ColumnProfile) -> (min: String, max: String)? {
        switch (p.type, p.min, p.max) {
        case (.int64, .int64(let lo)?, .int64(let hi)?):
            let margin = Swift.max(1, (Double(hi) - Double(lo)) * 0.1)
            var low = Double(lo) - margin.rounded(.up)
            if lo >= 0 && low < 0 { low = 0 }
            return (formatDouble(low.rounded(.down)).replacingDotZero(), formatDouble((Double(hi) + margin).rounded(.up)).replacingDotZero())
        case (.float64, .float64(let lo)?, .float64(let hi)?) where lo.isFinite && hi.isFinite:
            let margin = Swift.max((hi - lo) * 0.1, Swift.max(abs(lo), abs(hi)) * 0.01, 1e-9)
            var low = lo - margin
            if lo >= 0 && low < 0 { low = 0 }
            return (formatDouble(roundOut(low, down: true)), formatDouble(roundOut(hi + margin, down: false)))
        default:
            return nil
        }
    }

    /// Rounds to 2 significant decimals outward, so bounds read cleanly.
    static func roundOut(_ value: Double, down: Bool) -> Double {
        let scaled = value * 100
        return (down ? scaled.rounded(.down) : scaled.rounded(.up)) / 100
    }
}

extension String {
    func replacingDotZero() -> String { hasSuffix(".0") ? String(dropLast(2)) : self }
}
