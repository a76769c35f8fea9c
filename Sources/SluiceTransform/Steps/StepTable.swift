import SluiceCore

/// The other table of a `join` or `union` step: a table in hand, or a name to read it by
/// when the step is about to run.
///
/// Steps parsed from YAML name their table (`file: orders.csv`, or in a pipeline an
/// upstream task); ``Transform/resolvingTables(_:)`` reads every named table once, just
/// before ``Transform/apply(to:beforeStep:)``. Steps built in Swift hold the table.
///
/// ```swift
/// let join = Step.join(JoinSpec(right: orders, on: [("id", "user_id")], kind: .left))
/// ```
public enum StepTable: Sendable {
    case table(Table)
    case reference(TableReference)

    /// The table name as written, or nil for a table in hand.
    public var reference: TableReference? {
        if case .reference(let reference) = self { return reference }
        return nil
    }

    /// The table; a name not yet read is an internal error naming the step.
    func resolved(for step: String) throws -> Table {
        switch self {
        case .table(let table): return table
        case .reference(let reference):
            throw TransformError(.invalidStep, message: "\(step): the table \"\(reference.name)\" has not been read",
                                 hint: "read the steps' tables first (Transform.resolvingTables)")
        }
    }
}

/// A table named by a step: a path (relative to the spec that names it) or, in a
/// pipeline, an upstream task; the text as written, templates (`{{ ds }}`) included.
public struct TableReference: Sendable, Hashable {
    public var name: String
    /// Where the name is written.
    public var location: ErrorLocation

    public init(name: String, location: ErrorLocation = ErrorLocation()) {
        self.name = name
        self.location = location
    }
}
