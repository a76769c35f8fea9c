/// An error from a SQL connection, statement or load.
///
/// `description` never shows bound values or passwords: connection strings are
/// shown masked (`postgres://app:***@host/db`).
///
/// ```text
/// error: sqlite:warehouse.db: table "user_analytics" column "total_spent" is TEXT, the data has float64
///   hint: load into a new table, or cast the column before loading
/// ```
public struct SQLError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidURL, unsupportedDatabase, connection, statement, typeConflict, schemaChange, missingKey, invalidOption
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The connection URL cannot be read.
        public static let invalidURL = Code(.invalidURL)
        /// The URL names a database this build cannot reach.
        public static let unsupportedDatabase = Code(.unsupportedDatabase)
        /// Opening the database failed.
        public static let connection = Code(.connection)
        /// The database refused a statement.
        public static let statement = Code(.statement)
        /// A destination column's type cannot hold the data's.
        public static let typeConflict = Code(.typeConflict)
        /// The data has columns the destination lacks and the policy says fail.
        public static let schemaChange = Code(.schemaChange)
        /// An upsert or partition names a column the data does not have.
        public static let missingKey = Code(.missingKey)
        /// Options that contradict each other.
        public static let invalidOption = Code(.invalidOption)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The connection, masked.
    public var connection: String
    public var message: String
    public var hint: String?
    /// The database's own result code (SQLite extended code), when it gave one.
    public var databaseCode: Int32?

    public init(_ code: Code, connection: String, message: String, hint: String? = nil, databaseCode: Int32? = nil) {
        self.code = code
        self.connection = connection
        self.message = message
        self.hint = hint
        self.databaseCode = databaseCode
    }

    public var description: String {
        "error: \(connection.isEmpty ? "" : connection + ": ")\(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }

    /// Usage or configuration mistakes (exit status 2 in the CLI).
    public var isUsageError: Bool {
        code == .invalidURL || code == .unsupportedDatabase || code == .invalidOption || code == .missingKey
    }
}
