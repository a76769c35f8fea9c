import SluiceCore

/// Passes when the fraction of rows outside `[min, max]` is at most `threshold`
/// (default 0.01, the seed's `check_value_range`). A null is not out of range; NaN
/// is. Either bound may be left open. Bounds are numbers for int64/float64 columns,
/// ISO dates or timestamps for date/timestamp columns, and exact decimals for decimal
/// columns (a bound is read as the decimal it spells, `0.1` is exactly 0.1, and
/// compared exactly at the column's scale).
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
        /// The bound as an unscaled value at `scale`, rounded inwards (up for a lower bound).
        func decimal(_ bound: Value, scale: Int, lower: Bool) throws -> Int128 {
            let d: Decimal128?
            switch bound {
            case .decimal(let v): d = v
            case .int64(let v): d = Decimal128(unscaled: Int128(v), scale: 0)
            case .float64(let v): d = Decimal128(parsing: formatDouble(v))
            case .string(let text): d = Decimal128(parsing: text.trimmingASCIIWhitespace())
            default: d = nil
            }
            guard let d else { throw fail(bound) }
            if d.scale <= scale {
                return Decimal128.upscale(d.unscaled, from: d.scale, to: scale) ?? (d.unscaled < 0 ? Int128.min : Int128.max)
            }
            let (q, r) = d.unscaled.quotientAndRemainder(dividingBy: Decimal128.powersOfTen[d.scale - scale])
            if r == 0 { return q }
            // Not representable at the column's scale: the nearest value inside the range.
            if lower { return r > 0 ? q + 1 : q }
            return r < 0 ? q - 1 : q
        }
        switch type {
        case .decimal(_, let scale):
            return .decimals(try min.map { try decimal($0, scale: scale, lower: true) } ?? Int128.min,
                             try max.map { try decimal($0, scale: scale, lower: false) } ?? Int128.max)
        case .float64:
            return .reals(try min.map(real) ?? -.infinity, try max.map(real) ?? .infinity)
        case .int64:
            let lo = try min.map(real).map { $0.rounded(.up) }, hi = try max.map(real).map { $0.rounded(.down) }
            func clamp(_ v: Double) -> Int64 { v <= -9.2e18 ? .min : v >= 9.2e18 ? .max : Int64(v) }
            return .integers(lo.map(clamp) ?? .min, hi.map(clamp) ?? .max)
        case .date, .timestamp:
            return .integers(try min.map { try instant($0, lower: true) } ?? .min, try max.map { try instant($0, lower: false) } ?? .max)
        case .string, .bool, .binary:
            throw QualityError(.incompatibleType, message: "a range check cannot apply to column \"\(column)\" of type \(type)",
                               hint: "use accepted_values or pattern for \(type) columns")
        }
    }

    public var failureDescription: String { "outside [\(min?.description ?? "-inf"), \(max?.description ?? "inf")]" }

    public func metric(for table: Table) throws -> Metric {
        .outOfRange(column: column, bounds: try bounds(for: try table.qualityColumn(column).type))
    }
}
