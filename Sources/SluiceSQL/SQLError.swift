import SluiceCore

/// Errors from SQL connections, queries and loads (a ``DomainError``).
///
/// `description` never shows a password: every secret of the connection that
/// raised it is replaced by `***`, and bound parameter values are not included.
///
/// ```swift
/// do { try loader.load(table) } catch let error as SQLError where error.code == .typeConflict {
///     print(error)   // load into "users": column "age" is text in the table, the data has int64
/// }
/// ```
public enum SQLErrorCode: String, ErrorCode {
    /// The connection URL cannot be parsed.
    case invalidURL
    /// A `${VAR}` names an environment variable that is not set.
    case missingVariable
    /// The database could not be opened or reached (category from the engine's code).
    case connection
    /// The database rejected a statement (category from the engine's code).
    case query
    /// A column's type in the table differs from the data's.
    case typeConflict
    /// The data has columns the table lacks and `--on-schema-change fail` was asked.
    case schemaChange
    /// A load or extract option is wrong (missing key, unknown parameter, bad partition value).
    case invalidArgument
    /// A value read from the database does not fit the column's type.
    case unsupportedValue
    /// A keyed load's data has a key on several rows (and `on_duplicate` is `error`).
    case duplicateKey

    /// A bad URL, a missing `${VAR}` or a bad option is a usage error; values and keys that do
    /// not fit are data errors; what a connection or statement category is, the engine's
    /// code decides (see ``SQLErrorCode/category(of:)``).
    public var category: ErrorCategory {
        switch self {
        case .invalidURL, .missingVariable, .invalidArgument: .usage
        case .typeConflict, .schemaChange, .unsupportedValue, .duplicateKey: .data
        case .connection, .query: .transientIO
        }
    }

    /// What a SQL error carries beyond its text.
    public struct Payload: ErrorPayload, Hashable {
        /// The engine's code: a PostgreSQL SQLSTATE (`23505`) or SQLite's extended result code (`SQLITE_CONSTRAINT_PRIMARYKEY` as `1555`).
        public var sqlState: String?
        public init() {}
    }

    /// The message with the engine's code in brackets, and the hint; never a location.
    public static func description(of error: SQLError) -> String {
        ErrorFormatter.format(location: nil, message: error.message + (error.sqlState.map { " [\($0)]" } ?? ""), hint: error.hint)
    }
}

/// An error from a SQL connection, query or load; see ``SQLErrorCode``.
public typealias SQLError = DomainError<SQLErrorCode>

extension DomainError where Kind == SQLErrorCode {
    /// Creates an error; `secrets` are masked out of `message` and `hint`.
    public init(_ code: Code, message: String, sqlState: String? = nil, hint: String? = nil, secrets: [String] = []) {
        self.init(code, message: Self.mask(message, secrets), hint: hint.map { Self.mask($0, secrets) }, payload: .init())
        payload.sqlState = sqlState
    }

    /// Whether the user fixes this by changing the command line or configuration (exit status 2).
    public var isUsageError: Bool { category == .usage }

    static func mask(_ text: String, _ secrets: [String]) -> String {
        var text = Secrets.mask(text)
        for secret in secrets where !secret.isEmpty { text = text.replacing(secret, with: "***") }
        return text
    }
}

