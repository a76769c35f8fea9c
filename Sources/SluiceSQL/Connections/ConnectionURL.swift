import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a database is: `sqlite:path/to.db`, `sqlite::memory:`.
///
/// `${VAR}` anywhere in the text is replaced from the environment first, so
/// secrets stay out of pipeline files. ``description`` masks any password
/// (`postgres://app:***@db/analytics`), and is what errors and logs show.
///
/// ```swift
/// let url = try ConnectionURL("sqlite:${DATA_DIR}/warehouse.db")
/// ```
public struct ConnectionURL: Sendable, Equatable, CustomStringConvertible {
    /// The database engine.
    public enum Engine: String, Sendable { case sqlite }

    public let engine: Engine
    /// For SQLite: the file path, or `:memory:`.
    public let path: String
    private let masked: String

    /// Parses a connection URL after expanding `${VAR}` from the environment.
    ///
    /// - Throws: ``SQLError`` `.invalidURL` (unknown variable, malformed text) or
    ///   `.unsupportedDatabase` (a scheme this build cannot reach).
    public init(_ text: String, environment: [String: String]? = nil) throws {
        let expanded = try ConnectionURL.expand(text, environment: environment)
        masked = ConnectionURL.mask(expanded)
        if expanded.hasPrefix("sqlite:") {
            var path = String(expanded.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }   // sqlite:///abs/path
            guard !path.isEmpty else {
                throw SQLError(.invalidURL, connection: masked, message: "no database file after `sqlite:`",
                               hint: "write sqlite:path/to/file.db or sqlite::memory:")
            }
            engine = .sqlite
            self.path = path
            return
        }
        let scheme = expanded.split(separator: ":", maxSplits: 1).first.map(String.init) ?? expanded
        throw SQLError(.unsupportedDatabase, connection: masked, message: "cannot connect to \"\(scheme)\" databases",
                       hint: "this build connects to SQLite: sqlite:path/to/file.db"
                           + (suggestion(for: scheme, among: ["sqlite"]).map { " (did you mean `\($0)`?)" } ?? ""))
    }

    public var description: String { masked }

    /// `${NAME}` replaced by the environment's value.
    static func expand(_ text: String, environment: [String: String]?) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw SQLError(.invalidURL, connection: mask(text), message: "`${` without a closing `}`")
            }
            let name = String(rest[open.upperBound..<close])
            let value = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            guard let value else {
                throw SQLError(.invalidURL, connection: mask(text), message: "environment variable \(name) is not set",
                               hint: "export \(name)=… before running, or write the value in place")
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The URL with the password between `user:` and `@` replaced by `***`.
    public static func mask(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
