import SluiceCore
import SluiceSpec

/// Pipeline failures (a ``DomainError``): a spec that does not validate, a run that cannot
/// start, a state store that cannot be used. Located errors carry `file:line:column`; a
/// spec with several problems lists them all.
public enum PipelineErrorCode: String, ErrorCode {
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

    /// Spec mistakes are usage errors; a locked run, a timeout and a failed command may go
    /// away on the next try.
    public var category: ErrorCategory {
        switch self {
        case .invalidSpec, .cycle, .missingReference, .invalidRequest: .usage
        case .runLocked, .taskFailed, .timeout: .transientIO
        case .state: .permanentIO
        case .cancelled: .internal
        }
    }

    /// What a pipeline error carries beyond its place and text.
    public struct Payload: SpecProblemsPayload, Hashable {
        /// Every problem of a spec with more than one, sorted by location (the first one
        /// found is also this error's own message and location).
        public var diagnostics: [SpecDiagnostic] = []
        /// A category other than the code's usual one (a state store error keeps the store's).
        public var category: ErrorCategory?
        public init() {}
    }

    /// The category given when the error was made, else the code's usual one.
    public static func category(of error: PipelineError) -> ErrorCategory { error.payload.category ?? error.code.category }
}

/// A pipeline failure; see ``PipelineErrorCode``.
public typealias PipelineError = DomainError<PipelineErrorCode>

extension DomainError where Kind == PipelineErrorCode {
    /// - Parameter category: decides whether the task is retried (only ``ErrorCategory/transientIO``);
    ///   defaults to the code's usual category.
    public init(_ code: Code, file: String? = nil, line: Int = 0, column: Int = 0, message: String, hint: String? = nil,
                category: ErrorCategory?) {
        self.init(code, file: file, line: line, column: column, message: message, hint: hint)
        payload.category = category
    }

    /// Whether trying again could help.
    public var retryable: Bool { category.isRetryable }
}

