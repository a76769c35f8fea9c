import SluiceCore

/// An error from a transform step: a bad step definition, an incompatible key, a
/// failure inside an expression.
///
/// ```text
/// error: join key "user_id" is string on the right, int64 on the left
///   hint: cast one side first, e.g. - cast: { user_id: int64 }
/// ```
public struct TransformError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidStep, keyTypeMismatch, unknownColumn, expression, overflow, invalidSpec }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A step's settings do not make sense (unsorted bucket edges, wrong label count …).
        public static let invalidStep = Code(.invalidStep)
        /// Join keys of different types.
        public static let keyTypeMismatch = Code(.keyTypeMismatch)
        /// A step names a column the table lacks.
        public static let unknownColumn = Code(.unknownColumn)
        /// An expression failed to parse, bind or evaluate (see ``TransformError/underlying``).
        public static let expression = Code(.expression)
        /// An integer sum overflowed.
        public static let overflow = Code(.overflow)
        /// The YAML steps are malformed (file:line:column in the message).
        public static let invalidSpec = Code(.invalidSpec)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var hint: String?
    /// The step (1-based) the error comes from, when known.
    public var step: Int?
    public var underlying: (any Error & Sendable)?
    /// Where in a steps file the problem is (`.invalidSpec` errors of YAML steps).
    public var specLocation: ErrorLocation?

    public init(_ code: Code, message: String, hint: String? = nil, step: Int? = nil, underlying: (any Error & Sendable)? = nil,
                specLocation: ErrorLocation? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.step = step
        self.underlying = underlying
        self.specLocation = specLocation
    }

    public var description: String {
        if let underlying, code == .expression || code == .unknownColumn, message.isEmpty {
            return (step.map { "step \($0): " } ?? "") + "\(underlying)"
        }
        return ErrorFormatter.format(self)
    }
}

extension TransformError: SluiceError {
    /// Step definitions, key types and column names are usage errors; an overflow is
    /// about the data; an expression error has its own category.
    public var category: ErrorCategory {
        switch code {
        case .overflow: .data
        case .expression: (underlying as? any SluiceError)?.category ?? .usage
        default: .usage
        }
    }
    /// The place in a steps file, or the step (`step 2`), when known.
    public var location: ErrorLocation? { specLocation ?? step.map { ErrorLocation(field: "step \($0)") } }
    public var codeName: String { code.description }
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
        throw TransformError(.expression, message: "", underlying: error)
    }
}
