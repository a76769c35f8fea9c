/// Errors in expressions (a ``DomainError``): a syntax error, an unknown column or
/// function, a type error (all found before any row is touched), or a failure while
/// evaluating (integer overflow, a value that cannot be cast).
///
/// `description` shows the expression with a caret under the position:
/// ```text
/// error: no column "emial" (columns: id, email, name)
///   lower(trim(emial))
///              ^
///   hint: did you mean `email`?
/// ```
public enum ExpressionErrorCode: String, ErrorCode {
    /// The text is not a valid expression.
    case syntax
    /// A column reference names no column of the input.
    case unknownColumn
    /// A call names no known function.
    case unknownFunction
    /// An operator or function got an operand of the wrong type.
    case typeMismatch
    /// A function got too few or too many arguments.
    case wrongArgumentCount
    /// Integer arithmetic overflowed 64 bits.
    case overflow
    /// A value cannot be converted to the requested type.
    case invalidCast
    /// An argument has a value the function cannot use (a bad `date_trunc` unit, a bad pattern).
    case invalidArgument

    /// Mistakes in the text (syntax, names, types, arguments) are usage errors; overflow
    /// and failed casts happen on the data.
    public var category: ErrorCategory {
        switch self {
        case .syntax, .unknownColumn, .unknownFunction, .typeMismatch, .wrongArgumentCount, .invalidArgument: .usage
        case .overflow, .invalidCast: .data
        }
    }

    /// The expression an error is about and where in it.
    public struct Payload: ErrorPayload, Hashable {
        /// The whole expression text.
        public var expression = ""
        /// Character offset in ``expression`` the error points at.
        public var position = 0
        public init() {}
    }

    /// The 1-based column in the expression (shown by the caret in ``detail(of:)``).
    public static func location(of error: ExpressionError) -> ErrorLocation? { ErrorLocation(column: error.position + 1) }

    /// The expression's first line and a caret under the position.
    public static func detail(of error: ExpressionError) -> String? {
        let firstLine = error.expression.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let caret = String(repeating: " ", count: Swift.max(0, Swift.min(error.position, firstLine.count))) + "^"
        return firstLine + "\n" + caret
    }
}

/// An error in an expression; see ``ExpressionErrorCode``.
public typealias ExpressionError = DomainError<ExpressionErrorCode>

extension DomainError where Kind == ExpressionErrorCode {
    /// Creates an error pointing at character `position` of `expression`.
    public init(_ code: Code, message: String, expression: String, position: Int, hint: String? = nil) {
        self.init(code, message: message, hint: hint, payload: .init())
        payload.expression = expression
        payload.position = position
    }
}

