/// Decimal arithmetic, comparison and casts for expressions.
///
/// Result types follow SQL's rules (capped at 38 digits):
/// - `a ± b`: scale `max(s1, s2)`, precision `max(p1 − s1, p2 − s2) + scale + 1`;
/// - `a * b`: scale `s1 + s2`, precision `p1 + p2 + 1`;
/// - `a / b`, `a % b`: float64 (a quotient is rarely exact: documented as lossy).
/// An `int64` operand acts as `decimal(19,0)`; a float or string literal is read as the
/// decimal it spells (`price > 0.1` compares with exactly 0.1). A float64 *column* mixed
/// with a decimal is an error: convert it explicitly with `cast(… as float64)` (lossy)
/// or `cast(… as decimal(p,s))`. A result beyond its precision throws `.overflow`.
extension ExpressionBinder {
    /// `operand` ready to meet a decimal: int64 is cast to `decimal(19,0)`, float and
    /// string literals become decimal literals, decimals pass through.
    func decimalOperand(_ operand: BoundExpression, what: String) throws -> BoundExpression {
        switch operand.type {
        case .decimal: return operand
        case .int64:
            if case .literal(.int64(let v)) = operand.node { return decimalLiteral(Decimal128(unscaled: Int128(v), scale: 0), at: operand.position) }
            return make(.cast(operand), .decimal(precision: 19, scale: 0), at: operand.position)
        case .float64:
            if case .literal(.float64(let v)) = operand.node, let d = Decimal128(parsing: formatDouble(v)) {
                return decimalLiteral(d, at: operand.position)
            }
        case .string:
            if case .literal(.string(let s)) = operand.node {
                guard let d = Decimal128(parsing: s.trimmingASCIIWhitespace()) else {
                    throw fail(.typeMismatch, "'\(s)' is not a decimal number", at: operand.position, hint: "write decimals as 12.34")
                }
                return decimalLiteral(d, at: operand.position)
            }
        default: break
        }
        throw fail(.typeMismatch, "\(what) cannot combine a decimal with \(operand.type)", at: operand.position,
                   hint: operand.type == .float64 ? "convert explicitly: cast(… as float64) is lossy, cast(… as decimal(p,s)) rounds to s digits" : "convert with cast(… as decimal(p,s))")
    }

    /// A decimal literal typed with just the digits it has.
    func decimalLiteral(_ d: Decimal128, at position: Int) -> BoundExpression {
        var digits = 1, m = d.unscaled.magnitude
        while m >= 10 { m /= 10; digits += 1 }
        return make(.literal(.decimal(d)), .decimal(precision: Swift.max(digits, d.scale, 1), scale: d.scale), at: position)
    }

    /// The result type of `l op r` for decimal operands (`+ - *`).
    func decimalResultType(_ op: BinaryOperator, _ l: DataType, _ r: DataType, at position: Int) throws -> DataType {
        guard case .decimal(let p1, let s1) = l, case .decimal(let p2, let s2) = r else { preconditionFailure("decimal operands") }
        let cap = DataType.maxDecimalPrecision
        switch op {
        case .add, .subtract:
            let scale = Swift.max(s1, s2)
            let precision = Swift.min(Swift.max(p1 - s1, p2 - s2) + scale + 1, cap)
            return .decimal(precision: precision, scale: scale)
        default:
            let scale = s1 + s2
            guard scale <= cap else {
                throw fail(.typeMismatch, "'*' of \(l) and \(r) needs \(scale) digits after the point, more than \(cap)", at: position,
                           hint: "cast an operand to a smaller scale first, e.g. cast(x as decimal(18,4))")
            }
            return .decimal(precision: Swift.min(p1 + p2 + 1, cap), scale: scale)
        }
    }
}

extension ExpressionEvaluator {
    /// `a op b` for two decimal columns into `e.type`; overflow of its precision throws.
    func arithmeticDecimal(_ op: BinaryOperator, _ a: Column, _ b: Column, _ e: BoundExpression) throws -> Column {
        guard case .decimal(let p1, let s1) = a.type, case .decimal(let p2, let s2) = b.type, case .decimal(let p, let s) = e.type else {
            preconditionFailure("decimal arithmetic on \(a.type), \(b.type)")
        }
        _ = (p1, p2, p)
        let limit = UInt128(Decimal128.maxUnscaled(precision: p))
        let fa = Decimal128.powersOfTen[op == .multiply ? 0 : s - s1], fb = Decimal128.powersOfTen[op == .multiply ? 0 : s - s2]
        return try ColumnExecutor.binaryChecked(a, Int128.self, b, Int128.self, to: e.type, count: count, Int128.self, failure: { i in
            let x = a.unsafeValue(at: row(a, i)), y = b.unsafeValue(at: row(b, i))
            return fail(.overflow, "decimal overflow at row \(i): \(x) \(op.rawValue) \(y) does not fit \(e.type)", e,
                        hint: "cast the operands to a smaller scale, or to float64 for approximate arithmetic")
        }) { x, y in
            let (xa, o1) = x.multipliedReportingOverflow(by: fa)
            let (yb, o2) = y.multipliedReportingOverflow(by: fb)
            let r: Int128, o3: Bool
            switch op {
            case .add: (r, o3) = xa.addingReportingOverflow(yb)
            case .subtract: (r, o3) = xa.subtractingReportingOverflow(yb)
            default: (r, o3) = xa.multipliedReportingOverflow(by: yb)
            }
            return o1 || o2 || o3 || r.magnitude > limit ? (0, .failed) : (r, .value)
        }
    }

    /// Compares two decimal columns exactly, whatever their scales.
    func compareDecimal(_ op: BinaryOperator, _ a: Column, _ b: Column) -> Column {
        let sa = a.type.decimalScale!, sb = b.type.decimalScale!
        if sa == sb { return compareFixed(op, a, b, Int128.self) }
        return ColumnExecutor.binary(a, Int128.self, b, Int128.self, to: .bool, count: count, UInt8.self) {
            op.holds(Decimal128.compare($0, sa, $1, sb)) ? 1 : 0
        }
    }

    /// Casts into or out of decimal: int64 → decimal (exact or `.invalidCast`),
    /// decimal → decimal (more scale exact; less scale rounds half away from zero),
    /// decimal → float64 (lossy), float64 → decimal (rounded to the scale),
    /// decimal → int64 (rounded half away from zero). `nil` when neither side is decimal.
    func castDecimal(_ x: Column, to type: DataType, _ e: BoundExpression) throws -> Column? {
        switch (x.type, type) {
        case (.decimal(_, let s), .float64):
            return map(x, Int128.self, .float64) { Decimal128.toDouble($0, scale: s) }
        case (.decimal(_, let s), .int64):
            return try decimalMap(x, .int64, Int64.self, e, source: Int128.self) { v in Int64(exactly: Self.roundedDecimal(v, from: s, to: 0)) }
        case (.decimal(_, let s1), .decimal(let p, let s2)):
            let limit = UInt128(Decimal128.maxUnscaled(precision: p))
            return try decimalMap(x, type, Int128.self, e, source: Int128.self) { v in
                let r: Int128
                if s2 >= s1 {
                    guard let up = Decimal128.upscale(v, from: s1, to: s2) else { return nil }
                    r = up
                } else {
                    r = Self.roundedDecimal(v, from: s1, to: s2)
                }
                return r.magnitude <= limit ? r : nil
            }
        case (.int64, .decimal(let p, let s)):
            return try decimalMap(x, type, Int128.self, e, source: Int64.self) { v in Decimal128.rescaled(Int128(v), from: 0, to: s, precision: p) }
        case (.float64, .decimal(let p, let s)):
            return try decimalMap(x, type, Int128.self, e, source: Double.self) { v in Decimal128.fromDouble(v, scale: s, precision: p) }
        default:
            return nil
        }
    }

    /// `v` at scale `from` rounded half away from zero to scale `to` (`to ≤ from`).
    static func roundedDecimal(_ v: Int128, from: Int, to: Int) -> Int128 {
        guard from > to else { return v }
        let f = Decimal128.powersOfTen[from - to]
        let (q, r) = v.quotientAndRemainder(dividingBy: f)
        if r.magnitude * 2 >= f.magnitude { return v < 0 ? q - 1 : q + 1 }
        return q
    }

    /// One typed loop from `S` values to `R` values; a `nil` result on a non-null row
    /// throws `.invalidCast` naming the row and value.
    func decimalMap<S: BitwiseCopyable, R: BitwiseCopyable & Numeric>(
        _ x: Column, _ type: DataType, _: R.Type, _ e: BoundExpression, source _: S.Type, _ body: (S) -> R?
    ) throws -> Column {
        try ColumnExecutor.unaryChecked(x, S.self, to: type, R.self, failure: { i in
            fail(.invalidCast, "cannot cast \(x.unsafeValue(at: i)) at row \(i) from \(x.type) to \(type): it does not fit", e,
                 hint: "choose a type with more digits, or clean the value first")
        }) { v in
            if let r = body(v) { return (r, .value) }
            return (0, .failed)
        }
    }

    /// abs, floor, ceil and round(x, n) on a decimal column (result: the same type).
    func decimalFunction(_ function: ScalarFunction, _ args: [Column], _ e: BoundExpression) -> Column {
        let x = args[0]
        guard case .decimal(_, let s) = x.type else { preconditionFailure("decimal function on \(x.type)") }
        switch function {
        case .abs: return map(x, Int128.self, x.type) { $0 < 0 ? 0 - $0 : $0 }
        case .floor, .ceil:
            let f = Decimal128.powersOfTen[s], up = function == .ceil
            return map(x, Int128.self, x.type) { v in
                let (q, r) = v.quotientAndRemainder(dividingBy: f)
                let t = r == 0 ? q : (up ? (v > 0 ? q + 1 : q) : (v < 0 ? q - 1 : q))
                return t * f
            }
        default:  // round
            func rounded(_ v: Int128, _ digits: Int64) -> Int128 {
                let n = Int(Swift.max(Swift.min(digits, Int64(s)), Int64(s - 38)))
                let kept = Swift.max(n, 0)
                if kept >= s { return v }
                return Self.roundedDecimal(v, from: s, to: kept) * Decimal128.powersOfTen[s - kept]
            }
            if args.count == 2 {
                return ColumnExecutor.binary(x, Int128.self, args[1], Int64.self, to: x.type, count: count, Int128.self, rounded)
            }
            return map(x, Int128.self, x.type) { rounded($0, 0) }
        }
    }
}
