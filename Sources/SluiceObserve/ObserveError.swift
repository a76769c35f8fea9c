import SluiceCore

/// Why metrics, alerts or their configuration failed: what, where, and what to do.
/// A ``SluiceError``: a configuration mistake is a usage error (exit status 2), a delivery
/// that did not go through is transient I/O, a file or socket that cannot be used is
/// permanent I/O.
public struct ObserveError: SluiceError {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidConfiguration, delivery, io }
        private let base: Base
        /// A spec or project file section, or an option, is wrong (exit status 2).
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A push, webhook, mail or command did not go through.
        public static let delivery = Code(base: .delivery)
        /// A file or socket could not be written or opened.
        public static let io = Code(base: .io)
        public var description: String { base.rawValue }

        /// The category errors with this code have.
        public var category: ErrorCategory {
            switch base {
            case .invalidConfiguration: .usage
            case .delivery: .transientIO
            case .io: .permanentIO
            }
        }
    }
    public var code: Code
    /// `file:line:column` or a field path, when known.
    public var location: ErrorLocation?
    public var message: String
    public var hint: String?

    /// - Parameter location: `file:line:column`, a file, or a field path, as it is to be shown.
    public init(_ code: Code, location: String? = nil, message: String, hint: String? = nil) {
        self.code = code
        self.location = location.map { ErrorLocation(file: $0) }
        self.message = message
        self.hint = hint
    }

    public var category: ErrorCategory { code.category }
    public var codeName: String { code.description }
    public var description: String { ErrorFormatter.format(self) }
}
