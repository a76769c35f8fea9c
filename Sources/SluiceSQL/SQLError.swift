import SluiceCore

/// An error from a SQL connection, query or load.
///
/// `description` never shows a password: every secret of the connection that
/// raised it is replaced by `***`, and bound parameter values are not included.
///
/// ```swift
/// do { try loader.load(table) } catch let error as SQLError where error.code == .typeConflict {
///     print(error)   // load into "users": column "age" is text in the table, the data has int64
/// }
/// ```
public struct SQLError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; match on the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidURL, missingVariable, connection, query, typeConflict, schemaChange, invalidArgument, unsupportedValue, duplicateKey }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The connection URL cannot be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// A `${VAR}` names an environment variable that is not set.
        public static let missingVariable = Code(.missingVariable)
        /// The database could not be opened or reached.
        public static let connection = Code(.connection)
        /// The database rejected a statement.
        public static let query = Code(.query)
        /// A column's type in the table differs from the data's.
        public static let typeConflict = Code(.typeConflict)
        /// The data has columns the table lacks and `--on-schema-change fail` was asked.
        public static let schemaChange = Code(.schemaChange)
        /// A load or extract option is wrong (missing key, unknown parameter, bad partition value).
        public static let invalidArgument = Code(.invalidArgument)
        /// A keyed load's data has a key on several rows (and `on_duplicate` is `error`).
        public static let duplicateKey = Code(.duplicateKey)
        /// A value read from the database does not fit the column's type.
        public static let unsupportedValue = Code(.unsupportedValue)
        public var description: String { base.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, secrets already masked.
    public var message: String
    /// The engine's code: a PostgreSQL SQLSTATE (`23505`) or SQLite's extended result code (`SQLITE_CONSTRAINT_PRIMARYKEY` as `1555`).
    public var sqlState: String?
    /// What to do about it.
    public var hint: String?

    /// Creates an error; `secrets` are masked out of `message` and `hint`.
    public init(_ code: Code, message: String, sqlState: String? = nil, hint: String? = nil, secrets: [String] = []) {
        self.code = code
        self.message = Self.mask(message, secrets)
        self.sqlState = sqlState
        self.hint = hint.map { Self.mask($0, secrets) }
    }

    public var description: String {
        ErrorFormatter.format(location: nil, message: message + (sqlState.map { " [\($0)]" } ?? ""), hint: hint)
    }

    /// Whether the user fixes this by changing the command line or configuration (exit status 2).
    public var isUsageError: Bool { category == .usage }

    static func mask(_ text: String, _ secrets: [String]) -> String {
        var text = Secrets.mask(text)
        for secret in secrets where !secret.isEmpty { text = text.replacing(secret, with: "***") }
        return text
    }
}
