import SluiceCore

/// A `pattern` check's expression in Sluice's one regex dialect (SluiceCore
/// `CompiledRegex`: POSIX extended, searching, matched on UTF-8 bytes).
///
/// ```swift
/// let email = try RegexPattern("^[^@ ]+@[^@ ]+\\.[a-z]+$")
/// ```
public struct RegexPattern: Hashable, Sendable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let compiled: CompiledRegex

    /// Compiles `source`.
    ///
    /// - Throws: ``QualityError`` `.invalidOption` with the library's reason.
    public init(_ source: String) throws {
        self.source = source
        do {
            compiled = try CompiledRegex(source)
        } catch {
            throw QualityError(.invalidOption, message: error.message, hint: error.hint)
        }
    }

    public var description: String { source }
    public static func == (lhs: RegexPattern, rhs: RegexPattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
