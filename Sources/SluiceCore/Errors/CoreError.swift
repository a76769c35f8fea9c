/// An error from the columnar core: a bad schema, an unknown column, tables
/// that do not fit together.
///
/// `description` says what went wrong and, where one helps, what to do next:
/// ```text
/// error: no column "emial" in table (columns: id, email, name)
///   hint: did you mean `email`?
/// ```
public struct CoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case unknownType, unknownColumn, duplicateColumn, lengthMismatch, schemaMismatch, invalidSchema, typeMismatch, invalidValue }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        public static let unknownType = Code(.unknownType)
        public static let unknownColumn = Code(.unknownColumn)
        public static let duplicateColumn = Code(.duplicateColumn)
        public static let lengthMismatch = Code(.lengthMismatch)
        public static let schemaMismatch = Code(.schemaMismatch)
        public static let invalidSchema = Code(.invalidSchema)
        public static let typeMismatch = Code(.typeMismatch)
        public static let invalidValue = Code(.invalidValue)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var hint: String?

    public init(_ code: Code, message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { ErrorFormatter.format(self) }
}

extension CoreError: SluiceError {
    /// Unknown types and columns, duplicate columns and bad schemas are usage mistakes;
    /// values and tables that do not fit are data errors.
    public var category: ErrorCategory {
        switch code {
        case .unknownType, .invalidSchema, .duplicateColumn, .unknownColumn: .usage
        default: .data
        }
    }
    public var location: ErrorLocation? { nil }
    public var codeName: String { code.description }
}
