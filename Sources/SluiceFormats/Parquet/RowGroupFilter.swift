import SluiceCore

/// The simple conditions of a row filter that statistics can rule out: `column op
/// literal` (`=`, `<`, `<=`, `>`, `>=`), `between`, `is [not] null`, joined by `and`.
/// Anything else in the filter is left out, which only weakens it: a reader that skips
/// the row groups whose min/max/null count prove no row can match still returns every
/// row that matches (the filter itself runs afterwards, as always).
///
/// ```swift
/// var options = ReadOptions()
/// options.rowGroupFilter = RowGroupFilter(filter: "total >= 100 and created_at is not null")
/// ```
public struct RowGroupFilter: Sendable, Equatable {
    enum Condition: Sendable, Equatable {
        case compare(String, BinaryOperator, Value)
        case between(String, Value, Value)
        case isNull(String, negated: Bool)
    }

    var conditions: [Condition]

    /// The usable conditions of `filter`, or `nil` when it has none (or does not parse).
    public init?(filter: String) {
        guard let expression = try? Expression(parsing: filter) else { return nil }
        var conditions: [Condition] = []
        Self.collect(expression.root, into: &conditions)
        guard !conditions.isEmpty else { return nil }
        self.conditions = conditions
    }

    /// Columns the conditions name.
    public var columns: [String] {
        conditions.map {
            switch $0 {
            case .compare(let c, _, _), .between(let c, _, _), .isNull(let c, _): c
            }
        }
    }

    private static func collect(_ node: ExpressionNode, into conditions: inout [Condition]) {
        switch node {
        case .binary(.and, let left, let right, _):
            collect(left, into: &conditions)
            collect(right, into: &conditions)
        case .binary(let op, .column(let name, _), .literal(let value, _), _) where !value.isNull:
            if let op = usable(op) { conditions.append(.compare(name, op, value)) }
        case .binary(let op, .literal(let value, _), .column(let name, _), _) where !value.isNull:
            if let op = usable(op).map(flipped) { conditions.append(.compare(name, op, value)) }
        case .between(.column(let name, _), .literal(let low, _), .literal(let high, _), false, _) where !low.isNull && !high.isNull:
            conditions.append(.between(name, low, high))
        case .isNull(.column(let name, _), let negated, _):
            conditions.append(.isNull(name, negated: negated))
        default:
            break
        }
    }

    private static func usable(_ op: BinaryOperator) -> BinaryOperator? {
        [.equal, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) ? op : nil
    }

    private static func flipped(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: op
        }
    }

    /// Whether a row group with these column ranges may hold a matching row.
    /// `ranges[column]` is (min, max, nulls, rows); a column without one may match anything.
    func mayMatch(_ ranges: [String: ColumnRange]) -> Bool {
        for condition in conditions {
            switch condition {
            case .isNull(let column, let negated):
                guard let range = ranges[column], let nulls = range.nullCount else { continue }
                if !negated && nulls == 0 { return false }
                if negated && nulls == range.rows { return false }
            case .compare(let column, let op, let value):
                guard let range = ranges[column] else { continue }
                if range.nullCount == range.rows && range.rows > 0 { return false }   // nulls never compare true
                guard let min = range.min, let max = range.max,
                      let low = Self.order(min, value), let high = Self.order(max, value) else { continue }
                let possible: Bool = switch op {
                case .equal: low <= 0 && high >= 0
                case .less: low < 0
                case .lessOrEqual: low <= 0
                case .greater: high > 0
                case .greaterOrEqual: high >= 0
                default: true
                }
                if !possible { return false }
            case .between(let column, let lowValue, let highValue):
                guard let range = ranges[column] else { continue }
                if range.nullCount == range.rows && range.rows > 0 { return false }
                guard let min = range.min, let max = range.max,
                      let a = Self.order(max, lowValue), let b = Self.order(min, highValue) else { continue }
                if a < 0 || b > 0 { return false }
            }
        }
        return true
    }

    /// -1, 0 or 1 comparing a statistic with a literal, or `nil` when they do not compare.
    static func order(_ stat: Value, _ literal: Value) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch (stat, literal) {
        case let (.int64(a), .int64(b)): return sign(a, b)
        case let (.int64(a), .float64(b)): return b.isNaN ? nil : sign(Double(a), b)
        case let (.float64(a), .float64(b)): return a.isNaN || b.isNaN ? nil : sign(a, b)
        case let (.float64(a), .int64(b)): return a.isNaN ? nil : sign(a, Double(b))
        case let (.string(a), .string(b)):
            if a == b { return 0 }
            return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) ? -1 : 1
        case let (.date(a), .date(b)): return sign(a, b)
        case let (.timestamp(a), .timestamp(b)): return sign(a, b)
        case let (.timestamp(a), .date(b)): return sign(a, Int64(b) * 86_400_000_000)
        case let (.bool(a), .bool(b)): return sign(a ? 1 : 0, b ? 1 : 0)
        case (.date, .string(let text)):   // `ds = '2024-06-01'`: the literal as the expression reads it
            return ScalarParser.value(text, as: .date).flatMap { order(stat, $0) }
        case (.timestamp, .string(let text)):
            return ScalarParser.value(text, as: .timestamp).flatMap { order(stat, $0) }
        default: return nil
        }
    }
}

/// A column chunk's statistics as Sluice values.
struct ColumnRange {
    var min: Value?
    var max: Value?
    var nullCount: Int?
    var rows: Int
}
