/// Why metrics, alerts or their configuration failed: what, where, and what to do.
public struct ObserveError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        private enum Base { case invalidConfiguration, delivery, io }
        private let base: Base
        /// A spec or project file section, or an option, is wrong (exit status 2).
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A push, webhook, mail or command did not go through.
        public static let delivery = Code(base: .delivery)
        /// A file or socket could not be written or opened.
        public static let io = Code(base: .io)
    }
    public var code: Code
    /// `file:line:column` or a field path, when known.
    public var location: String?
    public var message: String
    public var hint: String?

    public init(_ code: Code, location: String? = nil, message: String, hint: String? = nil) {
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        (location.map { "\($0): " } ?? "") + "error: " + message + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}
