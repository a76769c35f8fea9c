import SluiceCore

/// Problems in spec files (a ``DomainError``), at `file:line:column`: what the ``SpecReader``
/// collects while it reads, so that every problem of a spec is reported together.
///
/// ```text
/// pipeline.yaml:12:7: error: unknown key "retrys" in task "load"
///   hint: did you mean `retries`?
/// ```
public enum SpecErrorCode: String, ErrorCode {
    /// The text is not YAML.
    case syntax
    /// A key the spec kind does not define.
    case unknownKey
    /// The same key twice in one mapping.
    case duplicateKey
    /// A value of the wrong YAML type (a list where text belongs, …).
    case wrongType
    /// A required key is absent.
    case missingKey
    /// A value that does not parse (a bad duration, an unknown choice, a bad template).
    case invalidValue
    /// A number that is not finite or not in its range.
    case outOfRange
    /// The spec is too big: too many nodes after alias expansion, or nested too deeply.
    case limit

    /// Spec problems are usage errors: the user fixes the file.
    public var category: ErrorCategory { .usage }
}

/// One problem in a spec file; see ``SpecErrorCode``.
public typealias SpecDiagnostic = DomainError<SpecErrorCode>

extension DomainError where Kind == SpecErrorCode {
    /// Orders problems by file, line, column (problems of the whole file first).
    public static func byLocation(_ a: SpecDiagnostic, _ b: SpecDiagnostic) -> Bool {
        (a.file ?? "", a.line, a.column) < (b.file ?? "", b.line, b.column)
    }
}

extension [SpecDiagnostic] {
    /// Every problem, sorted by location, one per paragraph.
    public var report: String {
        sorted(by: SpecDiagnostic.byLocation).map(\.description).joined(separator: "\n")
    }
}

/// The payload of errors that gather every problem of a spec (``SpecProblems``, or a
/// domain's own payload with more fields).
public protocol SpecProblemsPayload: ErrorPayload {
    /// Every problem of a spec with more than one, sorted by location (the first one
    /// found is also the error's own message and location).
    var diagnostics: [SpecDiagnostic] { get set }
}

/// What an error about a whole spec carries: every problem found.
public struct SpecProblems: SpecProblemsPayload, Hashable {
    public var diagnostics: [SpecDiagnostic] = []
    public init() {}
}

extension ErrorCode where Payload: SpecProblemsPayload {
    /// Every problem of the spec, one per paragraph, when there are several; else the error itself.
    public static func description(of error: DomainError<Self>) -> String { error.problemsReport }
}

extension DomainError where Kind.Payload: SpecProblemsPayload {
    /// The diagnostics' report when there are several problems; else the formatted error.
    public var problemsReport: String {
        payload.diagnostics.isEmpty ? ErrorFormatter.format(self) : payload.diagnostics.report
    }
}
