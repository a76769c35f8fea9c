/// The columnar core's errors (a ``DomainError``): a bad schema, an unknown column, tables
/// that do not fit together.
///
/// `description` says what went wrong and, where one helps, what to do next:
/// ```text
/// error: no column "emial" in table (columns: id, email, name)
///   hint: did you mean `email`?
/// ```
public enum CoreErrorCode: String, ErrorCode {
    /// A type name that is not one of Sluice's types.
    case unknownType
    /// A column name the table does not have.
    case unknownColumn
    /// Two columns with one name.
    case duplicateColumn
    /// Columns of different lengths in one table.
    case lengthMismatch
    /// Tables whose schemas do not fit together.
    case schemaMismatch
    /// A schema that cannot be used as written.
    case invalidSchema
    /// A value or column of another type than the one expected.
    case typeMismatch
    /// A value that does not fit its type.
    case invalidValue

    /// Unknown types and columns, duplicate columns and bad schemas are usage mistakes;
    /// values and tables that do not fit are data errors.
    public var category: ErrorCategory {
        switch self {
        case .unknownType, .unknownColumn, .duplicateColumn, .invalidSchema: .usage
        case .lengthMismatch, .schemaMismatch, .typeMismatch, .invalidValue: .data
        }
    }
}

/// An error from the columnar core; see ``CoreErrorCode``.
public typealias CoreError = DomainError<CoreErrorCode>

