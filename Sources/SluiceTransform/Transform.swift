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
    /// Where each step is written, index for index with ``steps``, when the steps were
    /// parsed from YAML (empty for steps built in Swift).
    public var locations: [StepLocation]

    public init(_ steps: [Step]) {
        self.steps = steps
        locations = []
    }

    init(_ steps: [Step], locations: [StepLocation]) {
        self.steps = steps
        self.locations = locations
    }

    /// The tables the steps name and have not read yet (`join`/`union` `file:`), in step order.
    public var tableReferences: [TableReference] {
        steps.compactMap { step in
            switch step {
            case .join(let spec): spec.right.reference
            case .union(let table): table.reference
            default: nil
            }
        }
    }

    /// These steps with every named table read by `read` (each name once, in step order).
    ///
    /// - Throws: what `read` throws; a ``TransformError`` passes through, any other error
    ///   becomes `.invalidSpec` "cannot read NAME: …" located where the name is written.
    public func resolvingTables(_ read: (TableReference) throws -> Table) throws -> Transform {
        var resolved = self
        func table(_ source: StepTable) throws -> StepTable {
            guard case .reference(let reference) = source else { return source }
            do { return .table(try read(reference)) } catch let error as TransformError { throw error } catch {
                throw TransformError(.invalidSpec, message: "cannot read \(reference.name): \(error)", specLocation: reference.location)
            }
        }
        for (index, step) in steps.enumerated() {
            switch step {
            case .join(var spec):
                spec.right = try table(spec.right)
                resolved.steps[index] = .join(spec)
            case .union(let source):
                resolved.steps[index] = .union(try table(source))
            default: break
            }
        }
        return resolved
    }

    /// Applies every step in order.
    ///
    /// - Parameter beforeStep: called with each step's 1-based number before it runs (a
    ///   cancellation check: throw to stop).
    /// - Throws: ``TransformError`` carrying the 1-based number of the failing step, or
    ///   what `beforeStep` throws.
    public func apply(to table: Table, beforeStep: (Int) throws -> Void = { _ in }) throws -> Table {
        // Between steps the table may hold unmaterialized gathers (a join's output);
        // each step builds only the columns it reads.
        var current = LazyTable(table)
        for (index, step) in steps.enumerated() {
            try beforeStep(index + 1)
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

/// Where a parsed step is written: the step's name, and each value inside it by its key
/// (`derive: { email: … }` → `"email"`; `join: { on: … }` → `"on"`; a step whose value
/// is a list or a scalar → `""`).
public struct StepLocation: Sendable, Hashable {
    public var step: ErrorLocation
    public var values: [String: ErrorLocation]

    public init(step: ErrorLocation, values: [String: ErrorLocation] = [:]) {
        self.step = step
        self.values = values
    }
}
