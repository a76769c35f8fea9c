import SluiceCore

/// A pipeline failure: a spec that does not validate, a run that cannot start, a
/// state store that cannot be used. Located errors carry `file:line:column`.
public struct PipelineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; match on it rather than on the text.
    public enum Code: String, Sendable, Equatable {
        /// The YAML is malformed, has unknown keys, wrong types or missing parts.
        case invalidSpec
        /// Tasks depend on each other in a circle.
        case cycle
        /// A task names an upstream, input, connection or file that does not exist.
        case missingReference
        /// The state store cannot be opened or holds something unexpected.
        case state
        /// A run was asked for something it cannot do (a date before start_date, …).
        case invalidRequest
        /// Another process is running this run right now.
        case runLocked
        /// A task attempt failed (the message says why).
        case taskFailed
        /// A task attempt ran past its timeout and was cancelled.
        case timeout
        /// The run or attempt was cancelled (SIGINT/SIGTERM).
        case cancelled
    }

    public var code: Code
    /// The pipeline file, when the error is located in one.
    public var file: String?
    /// 1-based line and column in `file` (0 when unknown).
    public var line: Int
    public var column: Int
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// Whether trying again could help (false for failed quality gates and bad specs).
    public var retryable: Bool

    public init(_ code: Code, file: String? = nil, line: Int = 0, column: Int = 0, message: String, hint: String? = nil,
                retryable: Bool = true) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        self.retryable = retryable
    }

    public var description: String {
        locatedErrorText(file: file, line: line, column: column, message: message, hint: hint)
    }
}
