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
public enum QualityDomain: ErrorDomain {
    public typealias Payload = SpecProblems
}

/// An error from the quality module; see ``QualityDomain``.
public typealias QualityError = DomainError<QualityDomain>

/// Suites and checks are configuration (usage), except an expression that fails on the data.
extension ErrorCode<QualityDomain> {
    /// The suite file is not valid YAML or lacks something it needs.
    public static var invalidSuite: Self { Self(.usage) }
    /// A key the suite format does not know.
    public static var unknownKey: Self { Self(.usage) }
    /// A value of the wrong YAML type (a list where a number belongs, …).
    public static var wrongType: Self { Self(.usage) }
    /// A check kind that does not exist.
    public static var unknownCheck: Self { Self(.usage) }
    /// A check names a column the table lacks.
    public static var unknownColumn: Self { Self(.usage) }
    /// A check cannot apply to the column's type (a range on strings, …).
    public static var incompatibleType: Self { Self(.usage) }
    /// An option out of range or contradictory (min above max, …).
    public static var invalidOption: Self { Self(.usage) }
    /// An `expression` check's text does not parse, names an unknown column, or is not true/false.
    public static var invalidExpression: Self { Self(.usage) }
    /// Evaluating an expression failed on the data (integer overflow, a value that cannot be cast):
    /// a runtime failure, not a configuration mistake.
    public static var evaluationFailed: Self { Self(.data) }
}
