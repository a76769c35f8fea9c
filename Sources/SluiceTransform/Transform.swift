import SluiceCore

/// A list of ``Step``s applied to a table in order.
///
/// ```swift
/// let transform = try Transform(yaml: """
///     - derive: { email: "lower(trim(email))" }
///     - filter: total_spent >= 0
///     """)
/// let output = try transform.apply(to: users)
/// ```
public struct Transform: Sendable {
    /// The steps, in order.
    public var steps: [Step]

    public init(_ steps: [Step]) {
        self.steps = steps
    }

    /// Applies every step in order.
    ///
    /// - Throws: ``TransformError`` carrying the 1-based number of the failing step.
    public func apply(to table: Table) throws -> Table {
        // Between steps the table may hold unmaterialized gathers (a join's output);
        // each step builds only the columns it reads.
        var current = LazyTable(table)
        for (index, step) in steps.enumerated() {
            do {
                current = try step.apply(to: current)
            } catch var error as TransformError {
                error.step = index + 1
                throw error
            }
        }
        return current.materialized()
    }
}
