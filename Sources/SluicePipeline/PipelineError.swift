import SluiceCore
import SluiceSpec

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
    /// What kind of failure: decides whether the task is retried (only ``ErrorCategory/transientIO``).
    public var category: ErrorCategory
    /// Every problem of a spec with more than one, sorted by location (the first one
    /// found is also this error's own message and location).
    public var diagnostics: [SpecDiagnostic] = []

    /// - Parameter category: defaults to the code's usual category (see ``Code/category``).
    public init(_ code: Code, file: String? = nil, line: Int = 0, column: Int = 0, message: String, hint: String? = nil,
                category: ErrorCategory? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        self.category = category ?? code.category
    }

    /// Whether trying again could help.
    public var retryable: Bool { category.isRetryable }

    public var description: String {
        diagnostics.isEmpty ? ErrorFormatter.format(self) : diagnostics.report
    }
}

extension PipelineError.Code {
    /// The usual category of an error with this code: spec mistakes are usage errors; a
    /// locked run, a timeout and a failed command may go away on the next try.
    public var category: ErrorCategory {
        switch self {
        case .invalidSpec, .cycle, .missingReference, .invalidRequest: .usage
        case .state: .permanentIO
        case .runLocked, .taskFailed, .timeout: .transientIO
        case .cancelled: .internal
        }
    }
}

extension PipelineError: SluiceError {
    public var location: ErrorLocation? { file.map { ErrorLocation(file: $0, line: line, column: column) } }
    public var codeName: String { code.rawValue }
}
