import SluiceCore

/// Passes when the fraction of rows outside `[min, max]` is at most `threshold`
/// (default 0.01, the seed's `check_value_range`). A null is not out of range; NaN
/// is. Either bound may be left open. Bounds are numbers for int64/float64 columns
/// and ISO dates or timestamps for date/timestamp columns.
///
/// ```swift
/// let check = try RangeCheck(column: "total", min: .int64(0), max: .int64(1_000_000))
/// ```
public struct RangeCheck: RowFractionCheck {
    public var column: String
    public var min: Value?
    public var max: Value?
    /// The largest out-of-range fraction that passes (default 0.01).
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "range" }
    public var columns: [String] { [column] }
    public var isRowLevel: Bool { true }

    /// - Throws: ``QualityError`` `.invalidOption` when both bounds are missing or the threshold is not in 0...1.
    public init(column: String, min: Value? = nil, max: Value? = nil, threshold: Double = 0.01,
                severity: Severity = .error, name: String? = nil) throws {
        guard min != nil || max != nil else {
            throw QualityError(.invalidOption, message: "range on \"\(column)\" needs min, max or both")
        }
        try validateFraction(threshold, "range threshold")
        self.column = column
        self.min = min
        self.max = max
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "range(\(column))"
    }

    /// The bounds in the column's representation.
    func bounds(for type: DataType) throws -> RangeBounds {
        func fail(_ bound: Value) -> QualityError {
            QualityError(.incompatibleType, message: "range bound \(bound) does not fit column \"\(column)\" of type \(type)",
                         hint: type == .date || type == .timestamp ? "write dates as 2024-01-31 and timestamps as 2024-01-31T12:00:00Z" : nil)
        }
        func real(_ bound: Value) throws -> Double {
            switch bound {
            case .int64(let v): return Double(v)
            case .float64(let v): return v
            default: throw fail(bound)
            }
        }
        func instant(_ bound: Value, lower: Bool) throws -> Int64 {
            var value = bound
            if case .string(let text) = bound {
                guard let parsed = ScalarParser.value(text, as: .timestamp) else { throw fail(bound) }
                value = parsed
            }
            switch (type, value) {
            case (.timestamp, .timestamp(let t)): return t
            case (.timestamp, .date(let d)): return Int64(d) * 86_400_000_000
            case (.date, .date(let d)): return Int64(d)
            case (.date, .timestamp(let t)):
                // A date is in range when the whole day is: round inwards.
                let days = t.quotientAndRemainder(dividingBy: 86_400_000_000)
                var day = days.quotient - (days.remainder < 0 ? 1 : 0)
                if lower && t % 86_400_000_000 != 0 { day += 1 }
                return day
            default: throw fail(bound)
            }
        }
        switch type {
        case .float64:
            return .reals(try min.map(real) ?? -.infinity, try max.map(real) ?? .infinity)
        case .int64:
            let lo = try min.map(real).map { $0.rounded(.up) }, hi = try max.map(real).map { $0.rounded(.down) }
            func clamp(_ v: Double) -> Int64 { v <= -9.2e18 ? .min : v >= 9.2e18 ? .max : Int64(v) }
            return .integers(lo.map(clamp) ?? .min, hi.map(clamp) ?? .max)
        case .date, .timestamp:
            return .integers(try min.map { try instant($0, lower: true) } ?? .min, try max.map { try instant($0, lower: false) } ?? .max)
        case .string, .bool:
            throw QualityError(.incompatibleType, message: "a range check cannot apply to column \"\(column)\" of type \(type)",
                               hint: "use accepted_values or pattern for \(type) columns")
        }
    }

    public var failureDescription: String { "outside [\(min?.description ?? "-inf"), \(max?.description ?? "inf")]" }

    public func metric(for table: Table) throws -> Metric {
        .outOfRange(column: column, bounds: try bounds(for: try table.qualityColumn(column).type))
    }
}
