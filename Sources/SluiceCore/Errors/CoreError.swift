/// The columnar core's errors (a ``DomainError``): a bad schema, an unknown column, tables
/// that do not fit together.
///
/// `description` says what went wrong and, where one helps, what to do next:
/// ```text
/// error: no column "emial" in table (columns: id, email, name)
///   hint: did you mean `email`?
/// ```
public enum CoreDomain: ErrorDomain {}

/// An error from the columnar core; see ``CoreDomain``.
public typealias CoreError = DomainError<CoreDomain>

/// Unknown types and columns, duplicate columns and bad schemas are usage mistakes;
/// values and tables that do not fit are data errors.
extension ErrorCode<CoreDomain> {
    /// A type name that is not one of Sluice's types.
    public static var unknownType: Self { Self(.usage) }
    /// A column name the table does not have.
    public static var unknownColumn: Self { Self(.usage) }
    /// Two columns with one name.
    public static var duplicateColumn: Self { Self(.usage) }
    /// Columns of different lengths in one table.
    public static var lengthMismatch: Self { Self(.data) }
    /// Tables whose schemas do not fit together.
    public static var schemaMismatch: Self { Self(.data) }
    /// A schema that cannot be used as written.
    public static var invalidSchema: Self { Self(.usage) }
    /// A value or column of another type than the one expected.
    public static var typeMismatch: Self { Self(.data) }
    /// A value that does not fit its type.
    public static var invalidValue: Self { Self(.data) }
}
