/// A type-checked expression bound to a schema: every column reference resolved to a
/// position, every operand coerced to one type. Evaluate it with
/// ``evaluate(on:)``, which produces a whole column at a time.
///
/// ```swift
/// let plan = try BoundExpression("total * 2 > 100", schema: orders.schema)
/// plan.type                                   // .bool
/// let flags = try plan.evaluate(on: orders)   // one bool column
/// ```
public struct BoundExpression: Sendable {
    /// The type of the values this expression produces.
    public let type: DataType
    let node: BoundNode
    /// The source text, for errors raised while evaluating.
    let text: String
    let position: Int
    /// A bare `null` literal whose type is not fixed yet.
    let isUntypedNull: Bool

    init(_ node: BoundNode, type: DataType, text: String, position: Int, isUntypedNull: Bool = false) {
        self.node = node
        self.type = type
        self.text = text
        self.position = position
        self.isUntypedNull = isUntypedNull
    }

    /// Parses `text` and binds it to `schema`.
    ///
    /// - Throws: ``ExpressionError`` for syntax, unknown columns (with "did you mean")
    ///   and type errors, each with the position in `text`.
    public init(_ text: String, schema: Schema) throws {
        self = try Expression(parsing: text).bind(to: schema)
    }

    /// The literal value when this expression is a constant.
    var literalValue: Value? {
        if case .literal(let v) = node { return v }
        return nil
    }
}

/// The node kinds of a bound expression.
indirect enum BoundNode: Sendable {
    case column(Int)
    case literal(Value)
    case cast(BoundExpression)
    case negate(BoundExpression)
    case not(BoundExpression)
    case arithmetic(BinaryOperator, BoundExpression, BoundExpression)
    case compare(BinaryOperator, BoundExpression, BoundExpression)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case concat(BoundExpression, BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    case like(BoundExpression, LikePattern, negated: Bool)
    case caseWhen([(BoundExpression, BoundExpression)], BoundExpression)
    case function(ScalarFunction, [BoundExpression])
}

/// The scalar functions the language knows.
enum ScalarFunction: String, Sendable, CaseIterable {
    case lower, upper, trim, ltrim, rtrim, length, substr, replace, concat, coalesce, nullif
    case abs, round, floor, ceil, greatest, least
    case splitPart = "split_part", hash, now, extract, dateTrunc = "date_trunc"
    case regexpMatches = "regexp_matches", regexpReplace = "regexp_replace"
    case strftime, strptime
    /// `x ± interval '…'` (not callable by name): arguments are x, months, microseconds.
    case addInterval = "+interval"
}
