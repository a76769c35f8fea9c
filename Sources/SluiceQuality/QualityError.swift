import SluiceCore
import SluiceSpec

/// Errors of the quality module (a ``DomainError``): a suite that cannot be read or a
/// check that cannot run on the table it was given. Suites with several problems list
/// them all (``SpecProblems``).
///
/// ```text
/// checks.yaml:7:5: error: unknown key "thresold" in a not_null check
///   hint: did you mean `threshold`?
/// ```
public enum QualityErrorCode: String, ErrorCode {
    /// The suite file is not valid YAML or lacks something it needs.
    case invalidSuite
    /// A key the suite format does not know.
    case unknownKey
    /// A value of the wrong YAML type (a list where a number belongs, …).
    case wrongType
    /// A check kind that does not exist.
    case unknownCheck
    /// A check names a column the table lacks.
    case unknownColumn
    /// A check cannot apply to the column's type (a range on strings, …).
    case incompatibleType
    /// An option out of range or contradictory (min above max, …).
    case invalidOption
    /// An `expression` check's text does not parse, names an unknown column, or is not true/false.
    case invalidExpression
    /// Evaluating an expression failed on the data (integer overflow, a value that cannot be cast):
    /// a runtime failure, not a configuration mistake.
    case evaluationFailed

    /// Suites and checks are configuration (usage), except an expression that fails on the data.
    public var category: ErrorCategory {
        switch self {
        case .invalidSuite, .unknownKey, .wrongType, .unknownCheck, .unknownColumn, .incompatibleType, .invalidOption, .invalidExpression: .usage
        case .evaluationFailed: .data
        }
    }

    public typealias Payload = SpecProblems
}

/// An error from the quality module; see ``QualityErrorCode``.
public typealias QualityError = DomainError<QualityErrorCode>

