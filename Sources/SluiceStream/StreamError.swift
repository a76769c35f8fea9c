import SluiceCore
import SluiceSpec

/// An error from a stream: a mistake in the spec (located, with "did you mean"),
/// an I/O failure of a file transport, or a Kafka client failure.
///
/// ```text
/// spec.yaml:7:5: error: unknown processor "validte"
///   hint: did you mean `validate`?
/// ```
public struct StreamError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidSpec, io, kafka }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The spec is malformed; ``StreamError/diagnostics`` lists every problem found.
        public static let invalidSpec = Code(.invalidSpec)
        /// Reading the input, writing an output or storing the position failed.
        public static let io = Code(.io)
        /// librdkafka reported an error that retrying cannot fix.
        public static let kafka = Code(.kafka)
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, with its location when there is one.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// Every problem of a spec (validation collects them all before throwing).
    public var diagnostics: [StreamDiagnostic]

    public init(_ code: Code, message: String, hint: String? = nil, diagnostics: [StreamDiagnostic] = []) {
        self.code = code
        self.message = message
        self.hint = hint
        self.diagnostics = diagnostics
    }

    public var description: String {
        if !diagnostics.isEmpty { return diagnostics.map(\.description).joined(separator: "\n") }
        return ErrorFormatter.format(self)
    }
}

extension StreamError: SluiceError {
    /// A bad spec is a usage error; file transports fail for good (a missing file, a
    /// permission); a Kafka error that reaches here is one retrying cannot fix.
    public var category: ErrorCategory {
        code == .invalidSpec ? .usage : .permanentIO
    }
    /// The first diagnostic's place, when the spec has problems.
    public var location: ErrorLocation? { diagnostics.first?.location }
    public var codeName: String { code.description }
}

/// One problem in a stream spec, at `file:line:column` (the spec layer's diagnostic).
public typealias StreamDiagnostic = SpecDiagnostic
