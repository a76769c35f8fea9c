/// A family of errors that share one ``DomainError`` shape: a module's errors (`FormatError`
/// is `DomainError<FormatDomain>`).
///
/// A domain is a caseless enum that names the family, says what extra data its errors
/// carry (``Payload``), and may change how they are categorised, located or printed.
/// Its codes are declared on ``ErrorCode`` next to their category:
/// ```swift
/// public enum FormatDomain: ErrorDomain {
///     public struct Payload: ErrorPayload, Hashable { public var widenedField: Field?; public init() {} }
/// }
/// public typealias FormatError = DomainError<FormatDomain>
/// extension ErrorCode<FormatDomain> {
///     /// Opening, reading or writing a file failed.
///     public static var io: Self { Self(.permanentIO) }
/// }
/// ```
/// Every hook has a default: the code's category, the stored ``DomainError/site``, no
/// detail lines, and ``ErrorFormatter``'s text.
public protocol ErrorDomain: Sendable {
    /// What the domain's errors carry beyond code, place, message and hint.
    associatedtype Payload: ErrorPayload = NoPayload
    /// The error's category (default: its code's).
    static func category(of error: DomainError<Self>) -> ErrorCategory
    /// Where the error is (default: its ``DomainError/site``).
    static func location(of error: DomainError<Self>) -> ErrorLocation?
    /// Lines shown between message and hint (default: none).
    static func detail(of error: DomainError<Self>) -> String?
    /// The error's whole text (default: ``ErrorFormatter/format(_:)``).
    static func description(of error: DomainError<Self>) -> String
}

extension ErrorDomain {
    public static func category(of error: DomainError<Self>) -> ErrorCategory { error.code.category }
    public static func location(of error: DomainError<Self>) -> ErrorLocation? { error.site }
    public static func detail(of error: DomainError<Self>) -> String? { nil }
    public static func description(of error: DomainError<Self>) -> String { ErrorFormatter.format(error) }
}

/// The extra data a domain's errors carry; an empty value is what a new error starts with.
public protocol ErrorPayload: Sendable {
    /// The payload of an error that carries nothing extra.
    init()
}

/// The payload of a domain whose errors carry nothing beyond code, place, message and hint.
public struct NoPayload: ErrorPayload, Hashable {
    public init() {}
}
