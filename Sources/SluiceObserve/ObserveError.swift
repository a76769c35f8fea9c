import SluiceCore

/// Why metrics, alerts or their configuration failed (a ``DomainError``): what, where, and
/// what to do. A configuration mistake is a usage error (exit status 2), a delivery that
/// did not go through is transient I/O, a file or socket that cannot be used is permanent I/O.
public enum ObserveErrorCode: String, ErrorCode {
    /// A spec or project file section, or an option, is wrong (exit status 2).
    case invalidConfiguration
    /// A push, webhook, mail or command did not go through.
    case delivery
    /// A file or socket could not be written or opened.
    case io

    public var category: ErrorCategory {
        switch self {
        case .invalidConfiguration: .usage
        case .delivery: .transientIO
        case .io: .permanentIO
        }
    }
}

/// A failure of metrics, alerts or their configuration; see ``ObserveErrorCode``.
public typealias ObserveError = DomainError<ObserveErrorCode>

extension DomainError where Kind == ObserveErrorCode {
    /// - Parameter location: `file:line:column`, a file, or a field path, as it is to be shown.
    public init(_ code: Code, location: String?, message: String, hint: String? = nil) {
        self.init(code, file: location, message: message, hint: hint)
    }
}
