import SluiceCore

/// A boolean expression evaluated over every row, as a ``Metric``: identical
/// predicates (same text, same null rule) in one suite are evaluated once.
public struct RowPredicate: Hashable, Sendable {
    /// The parsed expression (parsed once, when the check was built).
    public var expression: Expression
    /// Whether a null result passes (else it fails).
    public var nullsPass: Bool
    /// Where the text sits in a suite file, for errors while evaluating.
    public var source: ExpressionSource?

    public init(expression: Expression, nullsPass: Bool, source: ExpressionSource? = nil) {
        self.expression = expression
        self.nullsPass = nullsPass
        self.source = source
    }

    public static func == (lhs: RowPredicate, rhs: RowPredicate) -> Bool {
        lhs.expression.text == rhs.expression.text && lhs.nullsPass == rhs.nullsPass
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expression.text)
        hasher.combine(nullsPass)
    }

    /// Binds the expression to `table`, evaluates it a column at a time and turns the
    /// resulting bool column into failing rows: not true (or, with `nullsPass`, false).
    ///
    /// - Throws: ``QualityError`` `.invalidExpression` when it does not bind,
    ///   `.evaluationFailed` when evaluating fails (integer overflow, a bad cast).
    func evaluate(on table: Table) throws -> MetricValue {
        let flags: Column
        do {
            flags = try expression.bind(to: table.schema).evaluate(on: table)
        } catch let error as ExpressionError {
            let code: QualityError.Code = error.code == .overflow || error.code == .invalidCast ? .evaluationFailed : .invalidExpression
            throw QualityError(expressionError: error, at: source, code: code)
        }
        precondition(flags.type == .bool, "a row predicate must give bool, not \(flags.type)")
        let count = flags.count
        var failing = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var total = 0
        let validity = flags.validity?.words
        let nullsPass = self.nullsPass
        flags.withUnsafeValues(as: UInt8.self) { values in
            failing.withUnsafeMutableBufferPointer { out in
                var row = 0, w = 0
                while row < count {
                    let n = Swift.min(64, count &- row)
                    // Bit j set when row + j is true (null slots hold 0).
                    var truth: UInt64 = 0
                    var j = 0
                    while j < n {
                        truth |= UInt64(values[row &+ j] & 1) << UInt64(j)
                        j &+= 1
                    }
                    let valid = validity?[w] ?? .max
                    let inRange: UInt64 = n == 64 ? .max : (1 << UInt64(n)) &- 1
                    // Null fails: every row that is not (valid and true). Null passes: valid and false.
                    let bits = (nullsPass ? valid & ~truth : ~(valid & truth)) & inRange
                    out[w] = bits
                    total &+= bits.nonzeroBitCount
                    row &+= n
                    w &+= 1
                }
            }
        }
        return MetricValue(count: total, failing: Bitmap(words: failing, count: count))
    }
}
