/// A column an expression reads, where, and in which role.
public struct ColumnReference: Sendable, Equatable {
    /// How the column's value reaches the result.
    public enum Role: Sendable, Equatable {
        /// The value flows into the result (an operand, a function argument, a `then`).
        case value
        /// The column only decides which branch is taken (a `case when` test).
        case condition
    }
    public var name: String
    /// Character offset of the reference in the expression text.
    public var position: Int
    public var role: Role

    public init(name: String, position: Int, role: Role) {
        self.name = name
        self.position = position
        self.role = role
    }
}

extension ExpressionNode {
    /// Every column the expression reads, in order of appearance (repeats included).
    ///
    /// Columns inside the tests of a `case when` have the role ``ColumnReference/Role/condition``;
    /// all others are ``ColumnReference/Role/value``. The one walker over column references:
    /// checks, stream specs and lineage all read it.
    ///
    /// ```swift
    /// let e = try Expression(parsing: "case when total > 100 then lower(email) end")
    /// e.root.columnReferences().map(\.name)   // ["total", "email"]
    /// ```
    public func columnReferences() -> [ColumnReference] {
        var result: [ColumnReference] = []
        collect(into: &result, role: .value)
        return result
    }

    private func collect(into result: inout [ColumnReference], role: ColumnReference.Role) {
        switch self {
        case .literal: break
        case .column(let name, let p): result.append(ColumnReference(name: name, position: p, role: role))
        case .unary(_, let a, _), .isNull(let a, _, _), .cast(let a, _, _): a.collect(into: &result, role: role)
        case .binary(_, let a, let b, _), .like(let a, let b, _, _):
            a.collect(into: &result, role: role)
            b.collect(into: &result, role: role)
        case .inList(let a, let list, _, _):
            a.collect(into: &result, role: role)
            for item in list { item.collect(into: &result, role: role) }
        case .between(let a, let b, let c, _, _):
            for part in [a, b, c] { part.collect(into: &result, role: role) }
        case .caseWhen(let branches, let otherwise, _):
            for (test, value) in branches {
                test.collect(into: &result, role: .condition)
                value.collect(into: &result, role: role)
            }
            otherwise?.collect(into: &result, role: role)
        case .call(_, let arguments, _):
            for argument in arguments { argument.collect(into: &result, role: role) }
        }
    }
}
