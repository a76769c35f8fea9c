import SluiceCore
import SluiceSpec

/// Errors from transform steps (a ``DomainError``): a bad step definition, an incompatible
/// key, a failure inside an expression.
///
/// ```text
/// error: join key "user_id" is string on the right, int64 on the left
///   hint: cast one side first, e.g. - cast: { user_id: int64 }
/// ```
public enum TransformErrorCode: String, ErrorCode {
    /// A step's settings do not make sense (unsorted bucket edges, wrong label count …).
    case invalidStep
    /// Join keys of different types.
    case keyTypeMismatch
    /// A step names a column the table lacks.
    case unknownColumn
    /// An expression failed to parse, bind or evaluate (see ``TransformErrorCode/Payload/underlying``).
    case expression
    /// An integer sum overflowed.
    case overflow
    /// The YAML steps are malformed (file:line:column in the message).
    case invalidSpec

    /// Step definitions, key types and column names are usage errors; an overflow is about
    /// the data; an expression error has its own category.
    public var category: ErrorCategory {
        switch self {
        case .invalidStep, .keyTypeMismatch, .unknownColumn, .expression, .invalidSpec: .usage
        case .overflow: .data
        }
    }

    /// What a transform error carries beyond its text.
    public struct Payload: SpecProblemsPayload {
        /// The step (1-based) the error comes from, when known.
        public var step: Int?
        public var underlying: (any Error & Sendable)?
        /// Whether this error only carries ``underlying`` (printed as it prints itself).
        var isWrapping = false
        /// Every problem of a steps file with more than one, sorted by location (the first one
        /// found is also this error's own message and location).
        public var diagnostics: [SpecDiagnostic] = []
        public init() {}
    }

    /// An expression error has its own category; other codes have theirs.
    public static func category(of error: TransformError) -> ErrorCategory {
        error.code == .expression ? (error.underlying as? any SluiceError)?.category ?? .usage : error.code.category
    }

    /// The place in a steps file, or the step (`step 2`), when known.
    public static func location(of error: TransformError) -> ErrorLocation? {
        error.site ?? error.step.map { ErrorLocation(field: "step \($0)") }
    }

    /// A wrapped error prints as itself (after `step N: `); a steps file lists every problem.
    public static func description(of error: TransformError) -> String {
        if let underlying = error.underlying, error.code == .expression || error.code == .unknownColumn, error.message.isEmpty || error.isWrapping {
            return (error.step.map { "step \($0): " } ?? "") + "\(underlying)"
        }
        return error.problemsReport
    }
}

/// An error from a transform step; see ``TransformErrorCode``.
public typealias TransformError = DomainError<TransformErrorCode>

extension DomainError where Kind == TransformErrorCode {
    /// Creates an error of step `step` (1-based, when known), about `underlying` (an expression's
    /// error), at `specLocation` in a steps file.
    public init(_ code: Code, message: String, hint: String? = nil, step: Int? = nil, underlying: (any Error & Sendable)? = nil,
                specLocation: ErrorLocation? = nil) {
        self.init(code, message: message, hint: hint, payload: .init())
        payload.step = step
        payload.underlying = underlying
        site = specLocation
    }

    /// Where in a steps file the problem is (`.invalidSpec` errors of YAML steps): the error's ``DomainError/site``.
    public var specLocation: ErrorLocation? {
        get { site }
        set { site = newValue }
    }

    /// An expression error wrapped whole: its message is the expression's, and it prints as the expression error does.
    init(wrapping error: ExpressionError) {
        self.init(.expression, message: error.message, hint: error.hint, underlying: error)
        payload.isWrapping = true
    }
}

extension Table {
    /// The column called `name`, or a ``TransformError`` with "did you mean".
    func requireColumn(_ name: String) throws -> Column {
        guard let column = column(named: name) else {
            let error = unknownColumn(name)
            throw TransformError(.unknownColumn, message: error.message, hint: error.hint)
        }
        return column
    }

    /// A copy with `column` replacing the one called `name`, or appended when absent.
    func setting(_ name: String, _ column: Column) -> Table {
        var pairs = Array(zip(schema.names, columns))
        if let index = schema.index(of: name) { pairs[index] = (name, column) } else { pairs.append((name, column)) }
        return try! Table(pairs)
    }

    /// Every column gathered at `rows` (see `Column.gathering`).
    func gathering(_ rows: [Int]) -> Table {
        try! Table(schema: schema, columns: columns.map { $0.gathering(rows) })
    }
}

/// Runs `body`, wrapping expression errors as ``TransformError``.
func expressionStep<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ExpressionError {
        throw TransformError(wrapping: error)
    }
}
