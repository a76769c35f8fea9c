import SluiceCore

/// An error from the quality module: a suite that cannot be read or a check that
/// cannot run on the table it was given.
///
/// ```text
/// checks.yaml:7:5: error: unknown key "thresold" in a not_null check
///   hint: did you mean `threshold`?
/// ```
public struct QualityError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidSuite, unknownKey, wrongType, unknownCheck, unknownColumn, incompatibleType, invalidOption, invalidExpression, evaluationFailed }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The suite file is not valid YAML or lacks something it needs.
        public static let invalidSuite = Code(.invalidSuite)
        /// A key the suite format does not know.
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong YAML type (a list where a number belongs, …).
        public static let wrongType = Code(.wrongType)
        /// A check kind that does not exist.
        public static let unknownCheck = Code(.unknownCheck)
        /// A check names a column the table lacks.
        public static let unknownColumn = Code(.unknownColumn)
        /// A check cannot apply to the column's type (a range on strings, …).
        public static let incompatibleType = Code(.incompatibleType)
        /// An option out of range or contradictory (min above max, …).
        public static let invalidOption = Code(.invalidOption)
        /// An `expression` check's text does not parse, names an unknown column, or is not true/false.
        public static let invalidExpression = Code(.invalidExpression)
        /// Evaluating an expression failed on the data (integer overflow, a value that cannot be cast):
        /// a runtime failure, not a configuration mistake.
        public static let evaluationFailed = Code(.evaluationFailed)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The suite file, when the error is located in one.
    public var file: String?
    /// 1-based line and column in `file` (0 when unknown).
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(_ code: Code, file: String? = nil, line: Int = 0, column: Int = 0, message: String, hint: String? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var description: String { ErrorFormatter.format(self) }
}

extension QualityError: SluiceError {
    /// Suites and checks are configuration (usage), except an expression that fails on the data.
    public var category: ErrorCategory { code == .evaluationFailed ? .data : .usage }
    public var location: ErrorLocation? { ErrorLocation(file: file, line: line, column: column) }
    public var codeName: String { code.description }
}
