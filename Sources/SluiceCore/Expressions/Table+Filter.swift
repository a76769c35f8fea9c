extension Table {
    /// The rows for which `condition` is true (null counts as false), in order; the
    /// table itself when every row passes. The one row filter: transform steps, pipeline
    /// extracts and check datasets all use it.
    ///
    /// ```swift
    /// let large = try orders.filtering("total >= 100 and status = 'paid'")
    /// ```
    ///
    /// - Throws: ``ExpressionError`` when the condition does not parse, names an
    ///   unknown column, or is not true/false.
    public func filtering(_ condition: String) throws -> Table {
        let plan = try BoundExpression(condition, schema: schema)
        guard plan.type == .bool else {
            throw ExpressionError(.typeMismatch, message: "a filter needs a true/false condition, this expression gives \(plan.type)",
                                  expression: condition, position: 0, hint: "compare it, e.g. \(condition) > 0")
        }
        let keep = try plan.evaluate(on: self)
        var rows: [Int] = []
        rows.reserveCapacity(rowCount)
        keep.withUnsafeValidityWords { validity in
            keep.withUnsafeValues(as: UInt8.self) { flags in
                forEachValidRow(0, rowCount, validity) { i in if flags[i] != 0 { rows.append(i) } }
            }
        }
        return rows.count == rowCount ? self : try Table(schema: schema, columns: columns.map { $0.gathering(rows) })
    }
}
