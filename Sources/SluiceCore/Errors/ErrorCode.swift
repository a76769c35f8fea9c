/// The codes of one family of errors (a module's), matchable and printable by name, and
/// what that family shares: the extra data its errors carry (``Payload``) and, where it
/// differs from the default, how they are categorised, located or printed.
///
/// A module declares its codes as an enum, each code with its meaning, and the category
/// of each code once, in an exhaustive switch next to them (a new code cannot be added
/// without deciding its category); ``DomainError`` does the rest:
/// ```swift
/// public enum FormatErrorCode: String, ErrorCode {
///     /// Opening, reading or writing a file failed.
///     case io
///     /// A value that does not parse as its column's type.
///     case typeMismatch
///     public var category: ErrorCategory {
///         switch self {
///         case .io: .permanentIO
///         case .typeMismatch: .data
///         }
///     }
///     public struct Payload: ErrorPayload, Hashable { public var widenedField: Field?; public init() {} }
/// }
/// public typealias FormatError = DomainError<FormatErrorCode>
/// ```
/// Every hook has a default: the code's category, the stored ``DomainError/site``, no
/// detail lines, and ``ErrorFormatter``'s text. `allCases` lists a family's codes. Match with a `default:` branch:
/// modules add codes.
public protocol ErrorCode: RawRepresentable<String>, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// What the family's errors carry beyond code, place, message and hint.
    associatedtype Payload: ErrorPayload = NoPayload
    /// The category of errors with this code (their family may refine it per error).
    var category: ErrorCategory { get }
    /// The error's category (default: its code's).
    static func category(of error: DomainError<Self>) -> ErrorCategory
    /// Where the error is (default: its ``DomainError/site``).
    static func location(of error: DomainError<Self>) -> ErrorLocation?
    /// Lines shown between message and hint (default: none).
    static func detail(of error: DomainError<Self>) -> String?
    /// The error's whole text (default: ``ErrorFormatter/format(_:)``).
    static func description(of error: DomainError<Self>) -> String
}

extension ErrorCode {
    /// The code's name, stable for scripts and logs (`typeMismatch`).
    public var description: String { rawValue }
    public static func category(of error: DomainError<Self>) -> ErrorCategory { error.code.category }
    public static func location(of error: DomainError<Self>) -> ErrorLocation? { error.site }
    public static func detail(of error: DomainError<Self>) -> String? { nil }
    public static func description(of error: DomainError<Self>) -> String { ErrorFormatter.format(error) }
}

/// The extra data a family's errors carry; an empty value is what a new error starts with.
public protocol ErrorPayload: Sendable {
    /// The payload of an error that carries nothing extra.
    init()
}

/// The payload of a family whose errors carry nothing beyond code, place, message and hint.
public struct NoPayload: ErrorPayload, Hashable {
    public init() {}
}
