extension BoundExpression {
    /// Evaluates the expression over every row of `table`, a column at a time.
    ///
    /// Semantics (documented choices):
    /// - Nulls follow SQL: most operators give null when an operand is null; `and`/`or`
    ///   use three-valued logic (`false and null` is false, `true or null` is true).
    /// - Integer `+ - *` and unary `-` that overflow 64 bits throw `.overflow`, naming the row.
    /// - Division or modulo by zero (integer or float) gives **null**, not an error.
    ///   Integer division truncates toward zero, as in PostgreSQL.
    ///
    /// `table` must have the schema the expression was bound to.
    ///
    /// - Throws: ``ExpressionError`` `.overflow` or `.invalidCast` with the row.
    public func evaluate(on table: Table) throws -> Column {
        try ExpressionEvaluator(table: table).evaluate(self)
    }
}

/// Walks a bound expression bottom-up, one whole column per node.
struct ExpressionEvaluator {
    let table: Table
    var count: Int { table.rowCount }

    func fail(_ code: ExpressionError.Code, _ message: String, _ e: BoundExpression, hint: String? = nil) -> ExpressionError {
        ExpressionError(code, message: message, expression: e.text, position: e.position, hint: hint)
    }

    func evaluate(_ e: BoundExpression) throws -> Column {
        switch e.node {
        case .column(let index):
            precondition(index < table.columnCount && table.columns[index].type == e.type,
                         "expression \"\(e.text)\" evaluated on a table whose schema differs from the one it was bound to")
            return table.columns[index]
        case .literal(let value): return Kernels.broadcast(value, e.type, count: count)
        case .cast(let inner): return try cast(try evaluate(inner), to: e.type, inner)
        case .negate(let inner):
            let x = try evaluate(inner)
            if e.type == .float64 { return map(x, Double.self, .float64) { -$0 } }
            if e.type.isDecimal { return map(x, Int128.self, e.type) { 0 - $0 } }
            return try arithmeticInt(.subtract, Kernels.broadcast(.int64(0), .int64, count: 1), x, e)
        case .not(let inner):
            let x = try evaluate(inner)
            return map(x, UInt8.self, .bool) { 1 &- $0 }
        case .arithmetic(let op, let l, let r):
            let a = try operand(l), b = try operand(r)
            switch (a.type, b.type) {
            case (.float64, .float64): return try arithmeticFloat(op, a, b)
            case (.int64, .int64): return try arithmeticInt(op, a, b, e)
            case (.decimal, .decimal): return try arithmeticDecimal(op, a, b, e)
            case (.date, .int64):
                return try ColumnExecutor.binaryChecked(a, Int32.self, b, Int64.self, to: .date, count: count, Int32.self, failure: { row in
                    fail(.overflow, "date arithmetic out of range at row \(row)", e)
                }) { x, y in
                    let (days, o) = op == .add ? Int64(x).addingReportingOverflow(y) : Int64(x).subtractingReportingOverflow(y)
                    guard !o, let d = Int32(exactly: days) else { return (0, .failed) }
                    return (d, .value)
                }
            default:  // date - date
                return ColumnExecutor.binary(a, Int32.self, b, Int32.self, to: .int64, count: count, Int64.self) { Int64($0) - Int64($1) }
            }
        case .compare(let op, let l, let r):
            return compare(op, try operand(l), try operand(r))
        case .and(let l, let r): return ColumnExecutor.kleene(isAnd: true, try operand(l), try operand(r), count: count)
        case .or(let l, let r): return ColumnExecutor.kleene(isAnd: false, try operand(l), try operand(r), count: count)
        case .concat(let l, let r):
            return ColumnExecutor.concatenate([try operand(l), try operand(r)], count: count, skippingNulls: false)
        case .isNull(let inner, let negated):
            return ColumnExecutor.isNull(try operand(inner), negated: negated, count: count)
        case .like(let inner, let pattern, let negated):
            return ColumnExecutor.unaryStrings(try evaluate(inner), to: .bool, UInt8.self) { pattern.matches($0) != negated ? 1 : 0 }
        case .caseWhen(let branches, let otherwise):
            // Each row takes the first branch whose condition is true (not null), else `otherwise`.
            let undecided = branches.count   // the index of `otherwise`
            var choice = [Int](repeating: undecided, count: count)
            var sources: [Column] = []
            for (index, (condition, value)) in branches.enumerated() {
                ColumnExecutor.assign(index, where: try operand(condition), to: &choice, replacing: undecided)
                sources.append(try operand(value))
            }
            sources.append(try operand(otherwise))
            return ColumnExecutor.select(sources, choice, type: e.type)
        case .function(let function, let arguments):
            return try call(function, arguments, e)
        }
    }

    // MARK: Operands

    /// `e` evaluated as an operand of a row-wise kernel: a literal stays one row, which
    /// ``ColumnExecutor`` broadcasts, instead of being repeated for every row.
    func operand(_ e: BoundExpression) throws -> Column {
        if case .literal(let value) = e.node { return Kernels.broadcast(value, e.type, count: 1) }
        return try evaluate(e)
    }

    /// The row of `operand` that stands for table row `row` (row 0 of a broadcast scalar).
    func row(_ operand: Column, _ row: Int) -> Int {
        ColumnExecutor.isScalar(operand, count: count) ? 0 : row
    }

    /// `body` applied to every value of `x` (the executor's unary kernel).
    @inline(__always)
    func map<T: BitwiseCopyable, R: BitwiseCopyable & Numeric>(_ x: Column, _: T.Type, _ type: DataType, _ body: (T) -> R) -> Column {
        ColumnExecutor.unary(x, T.self, to: type, R.self, body)
    }

    func arithmeticFloat(_ op: BinaryOperator, _ a: Column, _ b: Column) throws -> Column {
        switch op {
        case .add: return ColumnExecutor.binary(a, Double.self, b, Double.self, to: .float64, count: count, Double.self) { $0 + $1 }
        case .subtract: return ColumnExecutor.binary(a, Double.self, b, Double.self, to: .float64, count: count, Double.self) { $0 - $1 }
        case .multiply: return ColumnExecutor.binary(a, Double.self, b, Double.self, to: .float64, count: count, Double.self) { $0 * $1 }
        case .divide:  // division by zero is null
            return try ColumnExecutor.binaryChecked(a, Double.self, b, Double.self, to: .float64, count: count, Double.self,
                                                    failure: ColumnExecutor.neverFails) { x, y in (x / y, y == 0 ? .null : .value) }
        default:
            return try ColumnExecutor.binaryChecked(a, Double.self, b, Double.self, to: .float64, count: count, Double.self,
                                                    failure: ColumnExecutor.neverFails) { x, y in (x.truncatingRemainder(dividingBy: y), y == 0 ? .null : .value) }
        }
    }

    /// Integer `a op b`: overflow throws naming the first row; division by zero is null.
    func arithmeticInt(_ op: BinaryOperator, _ a: Column, _ b: Column, _ e: BoundExpression) throws -> Column {
        let failure = { (i: Int) -> any Error in
            let x = a.unsafeValuesAddress(as: Int64.self)[row(a, i)], y = b.unsafeValuesAddress(as: Int64.self)[row(b, i)]
            return fail(.overflow, "int64 overflow at row \(i): \(x) \(op.rawValue) \(y) does not fit in 64 bits", e,
                        hint: "cast an operand to float64 for approximate arithmetic")
        }
        @inline(__always) func checked(_ r: (partialValue: Int64, overflow: Bool)) -> (Int64, RowOutcome) {
            (r.partialValue, r.overflow ? .failed : .value)
        }
        switch op {
        case .add:
            return try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: count, Int64.self, failure: failure) {
                checked($0.addingReportingOverflow($1))
            }
        case .subtract:
            return try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: count, Int64.self, failure: failure) {
                checked($0.subtractingReportingOverflow($1))
            }
        case .multiply:
            return try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: count, Int64.self, failure: failure) {
                checked($0.multipliedReportingOverflow(by: $1))
            }
        case .divide:
            return try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: count, Int64.self, failure: failure) {
                $1 == 0 ? (0, .null) : checked($0.dividedReportingOverflow(by: $1))
            }
        default:
            return try ColumnExecutor.binaryChecked(a, Int64.self, b, Int64.self, to: .int64, count: count, Int64.self, failure: failure) {
                $1 == 0 ? (0, .null) : checked($0.remainderReportingOverflow(dividingBy: $1))
            }
        }
    }

    func compare(_ op: BinaryOperator, _ a: Column, _ b: Column) -> Column {
        switch a.type {
        case .int64, .timestamp: return compareFixed(op, a, b, Int64.self)
        case .float64: return compareFixed(op, a, b, Double.self)
        case .date: return compareFixed(op, a, b, Int32.self)
        case .bool: return compareFixed(op, a, b, UInt8.self)
        case .decimal: return compareDecimal(op, a, b)
        case .string, .binary:
            return ColumnExecutor.binaryStrings(a, b, to: .bool, count: count, UInt8.self) { op.holds(compareBytes($0, $1)) ? 1 : 0 }
        }
    }

    /// One vectorisable loop per operator.
    func compareFixed<T: BitwiseCopyable & Comparable>(_ op: BinaryOperator, _ a: Column, _ b: Column, _: T.Type) -> Column {
        switch op {
        case .equal: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 == $1 ? 1 : 0 }
        case .notEqual: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 != $1 ? 1 : 0 }
        case .less: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 < $1 ? 1 : 0 }
        case .lessOrEqual: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 <= $1 ? 1 : 0 }
        case .greater: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 > $1 ? 1 : 0 }
        default: return ColumnExecutor.binary(a, T.self, b, T.self, to: .bool, count: count, UInt8.self) { $0 >= $1 ? 1 : 0 }
        }
    }
}

extension BinaryOperator {
    /// Whether a comparison result `c` (negative, zero, positive) satisfies this comparison operator.
    @inline(__always) func holds(_ c: Int) -> Bool {
        switch self {
        case .equal: c == 0
        case .notEqual: c != 0
        case .less: c < 0
        case .lessOrEqual: c <= 0
        case .greater: c > 0
        default: c >= 0
        }
    }
}
