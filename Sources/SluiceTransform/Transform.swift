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
        try resolvingTables { reference, _ in try read(reference) }
    }

    /// ``resolvingTables(_:)`` with the (0-based) index of the step that names each table,
    /// for a reader that asks ``columnsRead(byJoinAt:input:right:)`` which columns it needs.
    public func resolvingTables(_ read: (TableReference, _ step: Int) throws -> Table) throws -> Transform {
        var resolved = self
        func table(_ source: StepTable, _ index: Int) throws -> StepTable {
            guard case .reference(let reference) = source else { return source }
            do { return .table(try read(reference, index)) } catch let error as TransformError { throw error } catch {
                throw TransformError(.invalidSpec, message: "cannot read \(reference.name): \(error)", specLocation: reference.location)
            }
        }
        for (index, step) in steps.enumerated() {
            switch step {
            case .join(var spec):
                spec.right = try table(spec.right, index)
                resolved.steps[index] = .join(spec)
            case .union(let source):
                resolved.steps[index] = .union(try table(source, index))
            default: break
            }
        }
        return resolved
    }

    /// The columns of the table joined at step `index` (whose columns are `right`) that the
    /// output depends on, for reading only those (a projection pushed down to the file);
    /// nil when every column may matter.
    ///
    /// Found by running the steps on empty tables (no rows: no data is read or computed),
    /// with and without each right column: a column is left out only when without it every
    /// later step still binds and the output has the same columns and types. Steps that
    /// read whole rows — a `union`, a `dedupe` on all columns — and tables not known yet
    /// (a later `join`/`union` on a name) keep every column.
    ///
    /// ```swift
    /// // join orders (id, user_id, total, created_at) on id = user_id, then
    /// // aggregate by [id] computing count(id_right), sum(total):
    /// transform.columnsRead(byJoinAt: 0, input: users.schema, right: orders.schema)   // ["id", "user_id", "total"]
    /// ```
    public func columnsRead(byJoinAt index: Int, input: Schema, right: Schema) -> [String]? {
        guard index < steps.count, case .join(let spec) = steps[index] else { return nil }
        let later = steps[(index + 1)...]
        for step in later {
            switch step {
            case .union: return nil
            case .dedupe(let keys, _) where keys.isEmpty: return nil
            default: break
            }
        }
        var left = Table(emptyWith: input)
        for step in steps[..<index] {
            guard let next = try? step.apply(to: left) else { return nil }
            left = next
        }
        func output(_ schema: Schema) -> Schema? {
            var join = spec
            join.right = .table(Table(emptyWith: schema))
            guard var table = try? Step.join(join).apply(to: left) else { return nil }
            for step in later {
                guard let next = try? step.apply(to: table) else { return nil }
                table = next
            }
            return table.schema
        }
        guard let all = output(right) else { return nil }
        let keys = Set(spec.on.map { $0.1 })
        let needed = right.fields.filter { field in
            keys.contains(field.name) || output(Schema(right.fields.filter { $0.name != field.name })) != all
        }
        return needed.count < right.count ? needed.map { $0.name } : nil
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
