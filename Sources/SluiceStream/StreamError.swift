import SluiceCore
import SluiceSpec

/// Errors from streams (a ``DomainError``): a mistake in the spec (located, with "did you
/// mean"), an I/O failure of a file transport, or a Kafka client failure.
///
/// ```text
/// spec.yaml:7:5: error: unknown processor "validte"
///   hint: did you mean `validate`?
/// ```
public enum StreamErrorCode: String, ErrorCode {
    /// The spec is malformed; ``SpecProblems/diagnostics`` lists every problem found.
    case invalidSpec
    /// Reading the input, writing an output or storing the position failed.
    case io
    /// librdkafka reported an error that retrying cannot fix.
    case kafka

    /// A bad spec is a usage error; file transports fail for good (a missing file, a
    /// permission); a Kafka error that reaches here is one retrying cannot fix.
    public var category: ErrorCategory {
        switch self {
        case .invalidSpec: .usage
        case .io, .kafka: .permanentIO
        }
    }

    public typealias Payload = SpecProblems

    /// The earliest problem's place, when the spec has problems.
    public static func location(of error: StreamError) -> ErrorLocation? {
        error.diagnostics.min(by: SpecDiagnostic.byLocation)?.location
    }

    /// Every problem of the spec sorted by location, one per paragraph (as every spec kind
    /// reports them); else the error itself.
    public static func description(of error: StreamError) -> String {
        if !error.diagnostics.isEmpty { return error.diagnostics.report }
        return ErrorFormatter.format(error)
    }
}

/// An error from a stream; see ``StreamErrorCode``.
public typealias StreamError = DomainError<StreamErrorCode>

extension DomainError where Kind == StreamErrorCode {
    /// Creates an error; `diagnostics` lists every problem of a spec (validation collects them all before throwing).
    public init(_ code: Code, message: String, hint: String? = nil, diagnostics: [StreamDiagnostic]) {
        self.init(code, message: message, hint: hint, payload: .init())
        payload.diagnostics = diagnostics
    }
}

/// One problem in a stream spec, at `file:line:column` (the spec layer's diagnostic).
public typealias StreamDiagnostic = SpecDiagnostic
