import SluiceCore

/// Passes when every expected column exists with its expected type (a `nil` type
/// accepts any), and — unless `allowExtraColumns` — no other column exists.
/// Evaluated on empty tables too: a schema is there without rows.
///
/// ```swift
/// let check = SchemaCheck(expected: [Field("id", .int64), Field("email", .string)], allowExtraColumns: false)
/// ```
public struct SchemaCheck: Check {
    /// Expected columns: name and type (`nil` type: any).
    public var expected: [(name: String, type: DataType?)]
    public var allowExtraColumns: Bool
    public var severity: Severity
    public var name: String
    public var kind: String { "schema" }
    public var columns: [String] { expected.map(\.name) }

    public init(expected: [(name: String, type: DataType?)], allowExtraColumns: Bool = true, severity: Severity = .error, name: String? = nil) {
        self.expected = expected
        self.allowExtraColumns = allowExtraColumns
        self.severity = severity
        self.name = name ?? "schema"
    }

    public init(expected: [Field], allowExtraColumns: Bool = true, severity: Severity = .error, name: String? = nil) {
        self.init(expected: expected.map { ($0.name, $0.type) }, allowExtraColumns: allowExtraColumns, severity: severity, name: name)
    }

    /// The differences between the table's schema and the expected one, in order.
    public func problems(in schema: Schema) -> [String] {
        var problems: [String] = []
        for (name, type) in expected {
            guard let field = schema.field(named: name) else {
                let near = suggestion(for: name, among: schema.names).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append("missing column \"\(name)\"\(near)")
                continue
            }
            if let type, field.type != type { problems.append("column \"\(name)\" is \(field.type), expected \(type)") }
        }
        if !allowExtraColumns {
            let names = Set(expected.map(\.name))
            for field in schema.fields where !names.contains(field.name) { problems.append("unexpected column \"\(field.name)\"") }
        }
        return problems
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let problems = problems(in: context.table.schema)
        return CheckResult(name: name, kind: kind, columns: columns, outcome: problems.isEmpty ? .passed : .failed, severity: severity,
                           observed: Double(problems.count), threshold: 0, comparison: .atMost, rowCount: context.table.rowCount,
                           message: problems.isEmpty ? "\(expected.count) expected columns present with their types" : problems.joined(separator: "; "))
    }
}
