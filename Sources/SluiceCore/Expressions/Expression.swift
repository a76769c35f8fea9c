/// A parsed (not yet type-checked) expression of Sluice's small SQL-like language.
///
/// Parse with ``Expression/init(parsing:)``, then bind it to a schema with
/// ``Expression/bind(to:)`` to get a typed ``BoundExpression`` that evaluates a whole
/// column at a time.
///
/// ```swift
/// let parsed = try Expression(parsing: "lower(trim(email))")
/// let plan = try parsed.bind(to: users.schema)
/// let emails = try plan.evaluate(on: users)
/// ```
public struct Expression: Sendable, Equatable, CustomStringConvertible {
    /// The syntax tree.
    public let root: ExpressionNode
    /// The source text.
    public let text: String

    /// Parses `text`.
    ///
    /// - Throws: ``ExpressionError`` `.syntax` with the position of the offending token.
    public init(parsing text: String) throws {
        var parser = try ExpressionParser(text: text)
        self.root = try parser.parseAll()
        self.text = text
    }

    public var description: String { text }
}

/// A unary operator.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not
}

/// A binary operator.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or
    case concat = "||"

    var isArithmetic: Bool { [.add, .subtract, .multiply, .divide, .modulo].contains(self) }
    var isComparison: Bool { [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(self) }
}

/// One node of a parsed expression, with the character offset where it starts.
public indirect enum ExpressionNode: Sendable, Equatable {
    case literal(Value, position: Int)
    case column(String, position: Int)
    case unary(UnaryOperator, ExpressionNode, position: Int)
    case binary(BinaryOperator, ExpressionNode, ExpressionNode, position: Int)
    case isNull(ExpressionNode, negated: Bool, position: Int)
    case inList(ExpressionNode, [ExpressionNode], negated: Bool, position: Int)
    case between(ExpressionNode, ExpressionNode, ExpressionNode, negated: Bool, position: Int)
    case like(ExpressionNode, ExpressionNode, negated: Bool, position: Int)
    case caseWhen([(ExpressionNode, ExpressionNode)], otherwise: ExpressionNode?, position: Int)
    case cast(ExpressionNode, DataType, position: Int)
    case call(String, [ExpressionNode], position: Int)

    /// Where the node starts in the expression text.
    public var position: Int {
        switch self {
        case .literal(_, let p), .column(_, let p), .unary(_, _, let p), .binary(_, _, _, let p),
             .isNull(_, _, let p), .inList(_, _, _, let p), .between(_, _, _, _, let p), .like(_, _, _, let p),
             .caseWhen(_, _, let p), .cast(_, _, let p), .call(_, _, let p):
            return p
        }
    }

    public static func == (lhs: ExpressionNode, rhs: ExpressionNode) -> Bool {
        switch (lhs, rhs) {
        case let (.literal(a, _), .literal(b, _)): return a == b
        case let (.column(a, _), .column(b, _)): return a == b
        case let (.unary(o1, a, _), .unary(o2, b, _)): return o1 == o2 && a == b
        case let (.binary(o1, a1, b1, _), .binary(o2, a2, b2, _)): return o1 == o2 && a1 == a2 && b1 == b2
        case let (.isNull(a, n1, _), .isNull(b, n2, _)): return a == b && n1 == n2
        case let (.inList(a, l1, n1, _), .inList(b, l2, n2, _)): return a == b && l1 == l2 && n1 == n2
        case let (.between(a, b, c, n1, _), .between(d, e, f, n2, _)): return a == d && b == e && c == f && n1 == n2
        case let (.like(a, b, n1, _), .like(c, d, n2, _)): return a == c && b == d && n1 == n2
        case let (.caseWhen(w1, e1, _), .caseWhen(w2, e2, _)):
            return w1.count == w2.count && zip(w1, w2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 } && e1 == e2
        case let (.cast(a, t1, _), .cast(b, t2, _)): return a == b && t1 == t2
        case let (.call(f1, a1, _), .call(f2, a2, _)): return f1 == f2 && a1 == a2
        default: return false
        }
    }
}
