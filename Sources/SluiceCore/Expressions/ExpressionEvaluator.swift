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
            return try arithmeticInt(.subtract, Kernels.broadcast(.int64(0), .int64, count: count), x, e)
        case .not(let inner):
            let x = try evaluate(inner)
            return map(x, UInt8.self, .bool) { 1 &- $0 }
        case .arithmetic(let op, let l, let r):
            let a = try evaluate(l), b = try evaluate(r)
            switch (a.type, b.type) {
            case (.float64, .float64): return arithmeticFloat(op, a, b)
            case (.int64, .int64): return try arithmeticInt(op, a, b, e)
            case (.decimal, .decimal): return try arithmeticDecimal(op, a, b, e)
            case (.date, .int64):
                return try Kernels.fixed(.date, Int32.self, count: count, validity: Kernels.and(a.validity, b.validity)) { out in
                    try a.withUnsafeValues(as: Int32.self) { x in
                        try b.withUnsafeValues(as: Int64.self) { y in
                            for i in 0..<count {
                                let days = op == .add ? Int64(x[i]) + y[i] : Int64(x[i]) - y[i]
                                guard let d = Int32(exactly: days) else { throw fail(.overflow, "date arithmetic out of range at row \(i)", e) }
                                out[i] = d
                            }
                        }
                    }
                }
            default:  // date - date
                return Kernels.fixed(.int64, Int64.self, count: count, validity: Kernels.and(a.validity, b.validity)) { out in
                    a.withUnsafeValues(as: Int32.self) { x in b.withUnsafeValues(as: Int32.self) { y in
                        for i in 0..<count { out[i] = Int64(x[i]) - Int64(y[i]) }
                    } }
                }
            }
        case .compare(let op, let l, let r):
            return compare(op, try evaluate(l), try evaluate(r))
        case .and(let l, let r): return logical(isAnd: true, try evaluate(l), try evaluate(r))
        case .or(let l, let r): return logical(isAnd: false, try evaluate(l), try evaluate(r))
        case .concat(let l, let r):
            let a = try evaluate(l), b = try evaluate(r)
            return concatenate([a, b], skipNulls: false)
        case .isNull(let inner, let negated):
            let x = try evaluate(inner)
            return Kernels.bools(count: count, validity: nil) { x.isNull($0) != negated }
        case .like(let inner, let pattern, let negated):
            let x = try evaluate(inner)
            let view = x.unsafeStrings()
            return withExtendedLifetime(x) {
                Kernels.bools(count: count, validity: x.validity) { pattern.matches(view[$0]) != negated }
            }
        case .caseWhen(let branches, let otherwise):
            var choice = [Int](repeating: -1, count: count)
            var decided = [Bool](repeating: false, count: count)
            var sources: [Column] = []
            for (index, (condition, value)) in branches.enumerated() {
                let c = try evaluate(condition)
                sources.append(try evaluate(value))
                c.withUnsafeValues(as: UInt8.self) { flags in
                    for i in 0..<count where !decided[i] && flags[i] != 0 && !c.isNull(i) {
                        decided[i] = true
                        choice[i] = index
                    }
                }
            }
            sources.append(try evaluate(otherwise))
            for i in 0..<count where !decided[i] { choice[i] = branches.count }
            return choose(sources, choice, type: e.type)
        case .function(let function, let arguments):
            return try call(function, arguments, e)
        }
    }

    // MARK: Generic kernels

    func map<T: BitwiseCopyable, R: BitwiseCopyable & Numeric>(_ x: Column, _: T.Type, _ type: DataType, _ body: (T) -> R) -> Column {
        Kernels.fixed(type, R.self, count: count, validity: x.validity) { out in
            x.withUnsafeValues(as: T.self) { v in for i in 0..<count { out[i] = body(v[i]) } }
        }
    }

    /// Row `i` of the result is row `i` of `sources[choice[i]]` (null when `choice[i] < 0`).
    func choose(_ sources: [Column], _ choice: [Int], type: DataType) -> Column {
        if sources.count == 1 {
            return sources[0].gathering(choice.enumerated().map { $0.element < 0 ? -1 : $0.offset })
        }
        var builder = ColumnBuilder(type: type, capacity: count)
        for i in 0..<count {
            if choice[i] < 0 { builder.appendNull() } else { builder.append(from: sources[choice[i]], at: i) }
        }
        return builder.finish()
    }

    func arithmeticFloat(_ op: BinaryOperator, _ a: Column, _ b: Column) -> Column {
        var validity = Kernels.and(a.validity, b.validity)
        if op == .divide || op == .modulo {
            // Division by zero is null.
            let zeros = b.withUnsafeValues(as: Double.self) { y in (0..<count).filter { y[$0] == 0 } }
            if !zeros.isEmpty {
                var bits = validity ?? Bitmap(count: count, allValid: true)
                for i in zeros { bits.set(i, valid: false) }
                validity = bits
            }
        }
        return Kernels.fixed(.float64, Double.self, count: count, validity: validity) { out in
            a.withUnsafeValues(as: Double.self) { x in
                b.withUnsafeValues(as: Double.self) { y in
                    switch op {
                    case .add: for i in 0..<count { out[i] = x[i] + y[i] }
                    case .subtract: for i in 0..<count { out[i] = x[i] - y[i] }
                    case .multiply: for i in 0..<count { out[i] = x[i] * y[i] }
                    case .divide: for i in 0..<count { out[i] = x[i] / y[i] }
                    default: for i in 0..<count { out[i] = x[i].truncatingRemainder(dividingBy: y[i]) }
                    }
                }
            }
        }
    }

    func arithmeticInt(_ op: BinaryOperator, _ a: Column, _ b: Column, _ e: BoundExpression) throws -> Column {
        var validity = Kernels.and(a.validity, b.validity)
        if op == .divide || op == .modulo {
            let zeros = b.withUnsafeValues(as: Int64.self) { y in (0..<count).filter { y[$0] == 0 } }
            if !zeros.isEmpty {
                var bits = validity ?? Bitmap(count: count, allValid: true)
                for i in zeros { bits.set(i, valid: false) }
                validity = bits
            }
        }
        var overflow: UInt8 = 0
        let result = Kernels.fixed(.int64, Int64.self, count: count, validity: validity) { out in
            a.withUnsafeValues(as: Int64.self) { x in
                b.withUnsafeValues(as: Int64.self) { y in
                    switch op {
                    case .add: for i in 0..<count { let (r, o) = x[i].addingReportingOverflow(y[i]); out[i] = r; overflow |= o ? 1 : 0 }
                    case .subtract: for i in 0..<count { let (r, o) = x[i].subtractingReportingOverflow(y[i]); out[i] = r; overflow |= o ? 1 : 0 }
                    case .multiply: for i in 0..<count { let (r, o) = x[i].multipliedReportingOverflow(by: y[i]); out[i] = r; overflow |= o ? 1 : 0 }
                    case .divide: for i in 0..<count { let (r, o) = y[i] == 0 ? (0, false) : x[i].dividedReportingOverflow(by: y[i]); out[i] = r; overflow |= o ? 1 : 0 }
                    default: for i in 0..<count { let (r, o) = y[i] == 0 ? (0, false) : x[i].remainderReportingOverflow(dividingBy: y[i]); out[i] = r; overflow |= o ? 1 : 0 }
                    }
                }
            }
        }
        if overflow != 0 {
            // Find the first row that overflowed and holds values on both sides.
            for i in 0..<count where !a.isNull(i) && !b.isNull(i) {
                let x = a.withUnsafeValues(as: Int64.self) { $0[i] }, y = b.withUnsafeValues(as: Int64.self) { $0[i] }
                let overflowed: Bool
                switch op {
                case .add: overflowed = x.addingReportingOverflow(y).overflow
                case .subtract: overflowed = x.subtractingReportingOverflow(y).overflow
                case .multiply: overflowed = x.multipliedReportingOverflow(by: y).overflow
                case .divide: overflowed = y != 0 && x.dividedReportingOverflow(by: y).overflow
                default: overflowed = y != 0 && x.remainderReportingOverflow(dividingBy: y).overflow
                }
                if overflowed {
                    throw fail(.overflow, "int64 overflow at row \(i): \(x) \(op.rawValue) \(y) does not fit in 64 bits", e,
                               hint: "cast an operand to float64 for approximate arithmetic")
                }
            }
        }
        return result
    }

    func compare(_ op: BinaryOperator, _ a: Column, _ b: Column) -> Column {
        let validity = Kernels.and(a.validity, b.validity)
        switch a.type {
        case .int64, .timestamp: return compareFixed(op, a, b, Int64.self, validity)
        case .float64: return compareFixed(op, a, b, Double.self, validity)
        case .date: return compareFixed(op, a, b, Int32.self, validity)
        case .bool: return compareFixed(op, a, b, UInt8.self, validity)
        case .decimal: return compareDecimal(op, a, b, validity)
        case .string, .binary:
            let x = a.unsafeStrings(), y = b.unsafeStrings()
            return withExtendedLifetime((a, b)) {
                Kernels.fixed(.bool, UInt8.self, count: count, validity: validity) { out in
                    for i in 0..<count {
                        let c = compareBytes(x[i], y[i])
                        let r: Bool
                        switch op {
                        case .equal: r = c == 0
                        case .notEqual: r = c != 0
                        case .less: r = c < 0
                        case .lessOrEqual: r = c <= 0
                        case .greater: r = c > 0
                        default: r = c >= 0
                        }
                        out[i] = r ? 1 : 0
                    }
                }
            }
        }
    }

    func compareFixed<T: BitwiseCopyable & Comparable>(_ op: BinaryOperator, _ a: Column, _ b: Column, _: T.Type, _ validity: Bitmap?) -> Column {
        Kernels.fixed(.bool, UInt8.self, count: count, validity: validity) { out in
            a.withUnsafeValues(as: T.self) { x in
                b.withUnsafeValues(as: T.self) { y in
                    switch op {
                    case .equal: for i in 0..<count { out[i] = x[i] == y[i] ? 1 : 0 }
                    case .notEqual: for i in 0..<count { out[i] = x[i] != y[i] ? 1 : 0 }
                    case .less: for i in 0..<count { out[i] = x[i] < y[i] ? 1 : 0 }
                    case .lessOrEqual: for i in 0..<count { out[i] = x[i] <= y[i] ? 1 : 0 }
                    case .greater: for i in 0..<count { out[i] = x[i] > y[i] ? 1 : 0 }
                    default: for i in 0..<count { out[i] = x[i] >= y[i] ? 1 : 0 }
                    }
                }
            }
        }
    }

    /// Three-valued `and` / `or`.
    func logical(isAnd: Bool, _ a: Column, _ b: Column) -> Column {
        a.withUnsafeValues(as: UInt8.self) { x in
            b.withUnsafeValues(as: UInt8.self) { y in
                if a.validity == nil && b.validity == nil {
                    return Kernels.fixed(.bool, UInt8.self, count: count, validity: nil) { out in
                        if isAnd { for i in 0..<count { out[i] = x[i] & y[i] } } else { for i in 0..<count { out[i] = x[i] | y[i] } }
                    }
                }
                var validity = Bitmap(count: count, allValid: true)
                var values = [UInt8](repeating: 0, count: count)
                for i in 0..<count {
                    let av = !a.isNull(i), bv = !b.isNull(i)
                    let dominant: UInt8 = isAnd ? 0 : 1      // false decides `and`, true decides `or`
                    if (av && x[i] == dominant) || (bv && y[i] == dominant) {
                        values[i] = dominant
                    } else if av && bv {
                        values[i] = 1 &- dominant
                    } else {
                        validity.set(i, valid: false)
                    }
                }
                return Kernels.fixed(.bool, UInt8.self, count: count, validity: validity) { out in
                    for i in 0..<count { out[i] = values[i] }
                }
            }
        }
    }

    /// `||` (any null gives null) or `concat()` (nulls are skipped).
    func concatenate(_ parts: [Column], skipNulls: Bool) -> Column {
        let views = parts.map { $0.unsafeStrings() }
        let capacity = parts.reduce(0) { $0 + Int($1.unsafeStrings().offsets[$1.count] - $1.unsafeStrings().offsets[0]) }
        return withExtendedLifetime(parts) {
            Kernels.strings(count: count, capacity: capacity) { i, out in
                for (part, view) in zip(parts, views) {
                    if part.isNull(i) { if skipNulls { continue } else { return false } }
                    out.append(view[i])
                }
                return true
            }
        }
    }
}

/// Lexicographic comparison of UTF-8 bytes (which orders by code point).
@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = Swift.min(a.count, b.count)
    if n > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, n)
        if c != 0 { return Int(c) }
    }
    return a.count - b.count
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
