/// An error in an expression: a syntax error, an unknown column or function, a type
/// error (all found before any row is touched), or a failure while evaluating
/// (integer overflow, a value that cannot be cast).
///
/// `description` shows the expression with a caret under the position:
/// ```text
/// error: no column "emial" (columns: id, email, name)
///   lower(trim(emial))
///              ^
///   hint: did you mean `email`?
/// ```
public struct ExpressionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case syntax, unknownColumn, unknownFunction, typeMismatch, wrongArgumentCount, overflow, invalidCast, invalidArgument }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The text is not a valid expression.
        public static let syntax = Code(.syntax)
        /// A column reference names no column of the input.
        public static let unknownColumn = Code(.unknownColumn)
        /// A call names no known function.
        public static let unknownFunction = Code(.unknownFunction)
        /// An operator or function got an operand of the wrong type.
        public static let typeMismatch = Code(.typeMismatch)
        /// A function got too few or too many arguments.
        public static let wrongArgumentCount = Code(.wrongArgumentCount)
        /// Integer arithmetic overflowed 64 bits.
        public static let overflow = Code(.overflow)
        /// A value cannot be converted to the requested type.
        public static let invalidCast = Code(.invalidCast)
        /// An argument has a value the function cannot use (a bad `date_trunc` unit, a bad pattern).
        public static let invalidArgument = Code(.invalidArgument)
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, without the expression text.
    public var message: String
    /// The whole expression text.
    public var expression: String
    /// Character offset in ``expression`` the error points at.
    public var position: Int
    /// What to do about it, when there is something to suggest.
    public var hint: String?

    /// Creates an error pointing at character `position` of `expression`.
    public init(_ code: Code, message: String, expression: String, position: Int, hint: String? = nil) {
        self.code = code
        self.message = message
        self.expression = expression
        self.position = position
        self.hint = hint
    }

    /// The message, the expression, a caret line under ``position`` and the hint.
    public var description: String { ErrorFormatter.format(self) }
}

extension ExpressionError: SluiceError {
    /// Mistakes in the text (syntax, names, types, arguments) are usage errors; overflow
    /// and failed casts happen on the data.
    public var category: ErrorCategory {
        code == .overflow || code == .invalidCast ? .data : .usage
    }
    /// The 1-based column in the expression (shown by the caret in ``detail``).
    public var location: ErrorLocation? { ErrorLocation(column: position + 1) }
    public var codeName: String { code.description }
    /// The expression's first line and a caret under ``position``.
    public var detail: String? {
        let firstLine = expression.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let caret = String(repeating: " ", count: Swift.max(0, Swift.min(position, firstLine.count))) + "^"
        return firstLine + "\n" + caret
    }
}
