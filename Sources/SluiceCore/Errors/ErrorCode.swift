/// What kind of failure an error of `Domain` is: matchable (`error.code == .io`),
/// printable by name (`io`), and carrying the category every error with it has unless
/// its domain decides otherwise.
///
/// Codes are declared once each, with their meaning and category, as computed static
/// members of the domain's `ErrorCode`; the name is the member's own:
/// ```swift
/// extension ErrorCode<FormatDomain> {
///     /// Opening, reading or writing a file failed.
///     public static var io: Self { Self(.permanentIO) }
/// }
/// ```
/// Codes of different domains are different types, so a format code never matches a
/// quality code. New codes can be added without breaking anyone's `switch` (which needs
/// a `default`, as for any extensible code).
public struct ErrorCode<Domain: ErrorDomain>: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, stable for scripts and logs (`typeMismatch`).
    public let name: String
    /// The category of errors with this code (their domain may refine it).
    public let category: ErrorCategory

    /// A code named after the static member that declares it.
    /// - Parameters:
    ///   - category: what kind of failure errors with this code are.
    ///   - name: the code's name; by default the declaring member's name.
    public init(_ category: ErrorCategory, name: String = #function) {
        self.name = name
        self.category = category
    }

    public var description: String { name }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
