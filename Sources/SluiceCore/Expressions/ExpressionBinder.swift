extension Expression {
    /// Resolves column references against `schema` and checks every operator's and
    /// function's operand types, before any row is read.
    ///
    /// Coercions: int64 widens to float64 and date to timestamp where the other side
    /// needs it; a string literal compared with a date or timestamp is parsed as one;
    /// a `null` literal takes the type its context needs.
    ///
    /// - Throws: ``ExpressionError`` `.unknownColumn` (with "did you mean"),
    ///   `.unknownFunction`, `.typeMismatch`, `.wrongArgumentCount`.
    public func bind(to schema: Schema) throws -> BoundExpression {
        let binder = ExpressionBinder(text: text, schema: schema)
        let bound = try binder.bind(root)
        if bound.isUntypedNull { return binder.typedNull(.string, at: bound.position) }
        return bound
    }
}

/// Turns a syntax tree into a typed ``BoundExpression``.
struct ExpressionBinder {
    let text: String
    let schema: Schema

    func fail(_ code: ExpressionError.Code, _ message: String, at position: Int, hint: String? = nil) -> ExpressionError {
        ExpressionError(code, message: message, expression: text, position: position, hint: hint)
    }

    func make(_ node: BoundNode, _ type: DataType, at position: Int) -> BoundExpression {
        BoundExpression(node, type: type, text: text, position: position)
    }

    func typedNull(_ type: DataType, at position: Int) -> BoundExpression {
        make(.literal(.null), type, at: position)
    }

    func bind(_ node: ExpressionNode) throws -> BoundExpression {
        switch node {
        case .literal(let value, let p):
            guard let type = value.dataType else {
                return BoundExpression(.literal(.null), type: .string, text: text, position: p, isUntypedNull: true)
            }
            return make(.literal(value), type, at: p)
        case .column(let name, let p):
            guard let index = schema.index(of: name) else {
                let lowered = schema.names.firstIndex { $0.lowercased() == name.lowercased() }
                let near = lowered.map { schema.names[$0] } ?? suggestion(for: name, among: schema.names)
                throw fail(.unknownColumn, "no column \"\(name)\" (columns: \(schema.names.joined(separator: ", ")))", at: p,
                           hint: near.map { "did you mean `\($0)`?" })
            }
            return make(.column(index), schema.fields[index].type, at: p)
        case .unary(.negate, let inner, let p):
            let operand = try bind(inner)
            if operand.isUntypedNull { return typedNull(.int64, at: p) }
            guard operand.type.isNumeric else {
                throw fail(.typeMismatch, "cannot negate a \(operand.type) value", at: inner.position, hint: "'-' applies to int64 and float64")
            }
            return make(.negate(operand), operand.type, at: p)
        case .unary(.not, let inner, let p):
            let operand = try coerce(try bind(inner), to: .bool, what: "'not'")
            return make(.not(operand), .bool, at: p)
        case .binary(let op, let l, let r, let p):
            return try bindBinary(op, l, r, at: p)
        case .isNull(let inner, let negated, let p):
            var operand = try bind(inner)
            if operand.isUntypedNull { operand = typedNull(.string, at: operand.position) }
            return make(.isNull(operand, negated: negated), .bool, at: p)
        case .inList(let subject, let items, let negated, let p):
            // x in (a, b) ≡ x = a or x = b: SQL's three-valued semantics follow.
            var result: BoundExpression?
            for item in items {
                let equal = try bindBinary(.equal, subject, item, at: item.position)
                result = result.map { make(.or($0, equal), .bool, at: p) } ?? equal
            }
            return negated ? make(.not(result!), .bool, at: p) : result!
        case .between(let subject, let low, let high, let negated, let p):
            let lower = try bindBinary(.greaterOrEqual, subject, low, at: p)
            let upper = try bindBinary(.lessOrEqual, subject, high, at: p)
            let both = make(.and(lower, upper), .bool, at: p)
            return negated ? make(.not(both), .bool, at: p) : both
        case .like(let subject, let patternNode, let negated, let p):
            let operand = try coerce(try bind(subject), to: .string, what: "'like'")
            let pattern = try bind(patternNode)
            if pattern.isUntypedNull { return typedNull(.bool, at: p) }
            guard case .literal(.string(let text)) = pattern.node else {
                throw fail(.typeMismatch, "the pattern of 'like' must be a string literal", at: patternNode.position,
                           hint: "write e.g. email like '%@example.com'")
            }
            return make(.like(operand, LikePattern(text), negated: negated), .bool, at: p)
        case .caseWhen(let branches, let otherwise, let p):
            var conditions: [BoundExpression] = []
            var values: [BoundExpression] = []
            for (condition, value) in branches {
                conditions.append(try coerce(try bind(condition), to: .bool, what: "'when'"))
                values.append(try bind(value))
            }
            var elseValue = try otherwise.map(bind) ?? BoundExpression(.literal(.null), type: .string, text: text, position: p, isUntypedNull: true)
            let all = values + [elseValue]
            let type = try commonType(all, what: "the branches of 'case'") ?? .string
            values = try values.map { try coerce($0, to: type, what: "'case'") }
            elseValue = try coerce(elseValue, to: type, what: "'case'")
            return make(.caseWhen(Array(zip(conditions, values)), elseValue), type, at: p)
        case .cast(let inner, let type, let p):
            let operand = try bind(inner)
            if operand.isUntypedNull { return typedNull(type, at: p) }
            if operand.type == type { return operand }
            return make(.cast(operand), type, at: p)
        case .call(let name, let arguments, let p):
            return try bindCall(name, arguments, at: p)
        }
    }

    func bindBinary(_ op: BinaryOperator, _ l: ExpressionNode, _ r: ExpressionNode, at p: Int) throws -> BoundExpression {
        if case .call("interval", let items, let ip) = r, op == .add || op == .subtract {
            return try bindInterval(op, l, items, at: ip, operatorPosition: p)
        }
        var left = try bind(l)
        var right = try bind(r)
        switch op {
        case .and, .or:
            left = try coerce(left, to: .bool, what: "'\(op)'")
            right = try coerce(right, to: .bool, what: "'\(op)'")
            return make(op == .and ? .and(left, right) : .or(left, right), .bool, at: p)
        case .concat:
            left = try coerce(left, to: .string, what: "'||'", castAny: true)
            right = try coerce(right, to: .string, what: "'||'", castAny: true)
            return make(.concat(left, right), .string, at: p)
        case .add, .subtract, .multiply, .divide, .modulo:
            if left.isUntypedNull && right.isUntypedNull { return typedNull(.int64, at: p) }
            if left.isUntypedNull { left = typedNull(right.type, at: left.position) }
            if right.isUntypedNull { right = typedNull(left.type, at: right.position) }
            // date ± days
            if left.type == .date, right.type == .int64, op == .add || op == .subtract {
                return make(.arithmetic(op, left, right), .date, at: p)
            }
            if left.type == .int64, right.type == .date, op == .add {
                return make(.arithmetic(op, right, left), .date, at: p)
            }
            if left.type == .date, right.type == .date, op == .subtract {
                return make(.arithmetic(op, left, right), .int64, at: p)
            }
            if left.type.isDecimal || right.type.isDecimal {
                left = try decimalOperand(left, what: "'\(op.rawValue)'")
                right = try decimalOperand(right, what: "'\(op.rawValue)'")
                if op == .divide || op == .modulo {   // float64, documented as lossy
                    return make(.arithmetic(op, make(.cast(left), .float64, at: left.position), make(.cast(right), .float64, at: right.position)), .float64, at: p)
                }
                return make(.arithmetic(op, left, right), try decimalResultType(op, left.type, right.type, at: p), at: p)
            }
            for (side, node) in [(left, l), (right, r)] where !side.type.isNumeric {
                throw fail(.typeMismatch, "'\(op.rawValue)' needs numbers, found \(side.type)", at: node.position,
                           hint: side.type == .string ? "convert with cast(… as float64), or use || to join strings" : nil)
            }
            let type: DataType = left.type == .float64 || right.type == .float64 ? .float64 : .int64
            left = try coerce(left, to: type, what: "'\(op.rawValue)'")
            right = try coerce(right, to: type, what: "'\(op.rawValue)'")
            return make(.arithmetic(op, left, right), type, at: p)
        default:  // comparisons
            if left.isUntypedNull || right.isUntypedNull { return typedNull(.bool, at: p) }
            if left.type.isDecimal || right.type.isDecimal {   // exact across scales: no common type needed
                left = try decimalOperand(left, what: "'\(op.rawValue)'")
                right = try decimalOperand(right, what: "'\(op.rawValue)'")
                return make(.compare(op, left, right), .bool, at: p)
            }
            guard let type = try commonType([left, right], what: "'\(op.rawValue)'") else { return typedNull(.bool, at: p) }
            left = try coerce(left, to: type, what: "'\(op.rawValue)'")
            right = try coerce(right, to: type, what: "'\(op.rawValue)'")
            return make(.compare(op, left, right), .bool, at: p)
        }
    }

    /// `x ± interval 'N unit …'`: months and microseconds applied to a date or timestamp.
    func bindInterval(_ op: BinaryOperator, _ l: ExpressionNode, _ items: [ExpressionNode], at position: Int, operatorPosition: Int) throws -> BoundExpression {
        guard items.count == 1, case .literal(.string(let text), _) = items[0] else {
            throw fail(.syntax, "write an interval as interval '3 days'", at: position)
        }
        guard let (months, micros) = parseInterval(text) else {
            throw fail(.invalidArgument, "cannot read interval '\(text)'", at: position,
                       hint: "write e.g. interval '1 month 2 days', units: year, month, week, day, hour, minute, second")
        }
        let sign: Int64 = op == .subtract ? -1 : 1
        var left = try bind(l)
        if left.isUntypedNull { left = typedNull(.timestamp, at: left.position) }
        guard left.type == .date || left.type == .timestamp else {
            throw fail(.typeMismatch, "an interval can be added to a date or timestamp, not \(left.type)", at: l.position)
        }
        let wholeDays = micros % 86_400_000_000 == 0
        let type: DataType = left.type == .date && wholeDays ? .date : .timestamp
        return make(.function(.addInterval, [left, make(.literal(.int64(sign * months)), .int64, at: position),
                                             make(.literal(.int64(sign * micros)), .int64, at: position)]), type, at: operatorPosition)
    }

    /// The type all of `items` can be coerced to; `nil` when all are untyped nulls.
    func commonType(_ items: [BoundExpression], what: String) throws -> DataType? {
        var result: DataType?
        var first: BoundExpression?
        for item in items where !item.isUntypedNull {
            guard let current = result, let firstItem = first else { result = item.type; first = item; continue }
            if current == item.type { continue }
            switch (current, item.type) {
            case (.int64, .float64), (.float64, .int64): result = .float64
            case (.date, .timestamp), (.timestamp, .date): result = .timestamp
            case (.decimal, .decimal), (.decimal, .int64), (.int64, .decimal): result = current.widened(with: item.type)
            case (.date, .string) where item.literalValue != nil, (.timestamp, .string) where item.literalValue != nil: continue
            case (.string, .date) where firstItem.literalValue != nil, (.string, .timestamp) where firstItem.literalValue != nil: result = item.type
            default:
                throw fail(.typeMismatch, "\(what) cannot compare or combine \(current) with \(item.type)", at: item.position,
                           hint: "convert one side with cast(… as \(current))")
            }
        }
        return result
    }

    /// `expression` as `type`, inserting a widening cast where allowed.
    func coerce(_ expression: BoundExpression, to type: DataType, what: String, castAny: Bool = false) throws -> BoundExpression {
        if expression.isUntypedNull { return typedNull(type, at: expression.position) }
        if expression.type == type { return expression }
        switch (expression.type, type) {
        case (.int64, .float64), (.date, .timestamp), (.int64, .decimal), (.decimal, .decimal):
            return make(.cast(expression), type, at: expression.position)
        case (.string, .date), (.string, .timestamp):
            if case .literal(.string(let s)) = expression.node {
                guard let value = ScalarParser.value(s, as: type) else {
                    throw fail(.typeMismatch, "'\(s)' is not a \(type)", at: expression.position,
                               hint: type == .date ? "write dates as 'YYYY-MM-DD'" : "write timestamps as 'YYYY-MM-DDTHH:MM:SSZ'")
                }
                return make(.literal(value), type, at: expression.position)
            }
        default:
            if castAny && type == .string { return make(.cast(expression), type, at: expression.position) }
        }
        throw fail(.typeMismatch, "\(what) expects \(type), found \(expression.type)", at: expression.position,
                   hint: "convert with cast(… as \(type))")
    }

    func bindCall(_ name: String, _ nodes: [ExpressionNode], at p: Int) throws -> BoundExpression {
        if name == "interval" {
            throw fail(.syntax, "an interval can only be added to or subtracted from a date or timestamp", at: p,
                       hint: "write e.g. created_at + interval '1 day'")
        }
        guard let function = ScalarFunction(rawValue: name) ?? (name == "substring" ? .substr : name == "ceiling" ? .ceil : nil),
              function != .addInterval else {
            let names = ScalarFunction.allCases.filter { $0 != .addInterval }.map(\.rawValue)
            throw fail(.unknownFunction, "unknown function \(name)()", at: p,
                       hint: suggestion(for: name, among: names).map { "did you mean \($0)()?" } ?? "functions: \(names.joined(separator: ", "))")
        }
        var args = try nodes.map(bind)
        func arity(_ range: ClosedRange<Int>) throws {
            guard range.contains(args.count) else {
                let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw fail(.wrongArgumentCount, "\(function.rawValue)() takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), found \(args.count)", at: p)
            }
        }
        func arg(_ i: Int, _ type: DataType, castAny: Bool = false) throws {
            args[i] = try coerce(args[i], to: type, what: "argument \(i + 1) of \(function.rawValue)()", castAny: castAny)
        }
        func numeric(_ i: Int) throws -> DataType {
            if args[i].isUntypedNull { args[i] = typedNull(.int64, at: args[i].position) }
            guard args[i].type.isNumeric else {
                throw fail(.typeMismatch, "argument \(i + 1) of \(function.rawValue)() expects a number, found \(args[i].type)", at: args[i].position)
            }
            return args[i].type
        }
        let type: DataType
        switch function {
        case .lower, .upper, .trim, .ltrim, .rtrim:
            try arity(1...1); try arg(0, .string); type = .string
        case .length:
            try arity(1...1)
            if args[0].type != .binary { try arg(0, .string) }   // binary: bytes
            type = .int64
        case .substr:
            try arity(2...3); try arg(0, .string); try arg(1, .int64); if args.count == 3 { try arg(2, .int64) }; type = .string
        case .replace:
            try arity(3...3); for i in 0..<3 { try arg(i, .string) }; type = .string
        case .splitPart:
            try arity(3...3); try arg(0, .string); try arg(1, .string); try arg(2, .int64); type = .string
        case .concat:
            try arity(1...Int.max); for i in args.indices { try arg(i, .string, castAny: true) }; type = .string
        case .coalesce, .greatest, .least:
            try arity(1...Int.max)
            type = try commonType(args, what: "the arguments of \(function.rawValue)()") ?? .string
            for i in args.indices { try arg(i, type) }
        case .nullif:
            try arity(2...2)
            type = try commonType(args, what: "the arguments of nullif()") ?? .string
            for i in args.indices { try arg(i, type) }
        case .abs, .floor, .ceil:
            try arity(1...1); type = try numeric(0)
        case .round:
            try arity(1...2); type = try numeric(0); if args.count == 2 { try arg(1, .int64) }
        case .regexpMatches, .regexpReplace:
            try arity(function == .regexpMatches ? 2...2 : 3...3)
            for i in args.indices { try arg(i, .string) }
            guard case .literal(.string(let pattern)) = args[1].node else {
                throw fail(.invalidArgument, "the pattern of \(function.rawValue)() must be a string literal", at: args[1].position)
            }
            do { _ = try CompiledRegex(pattern) } catch {
                throw fail(.invalidArgument, error.message, at: args[1].position, hint: error.hint)
            }
            type = function == .regexpMatches ? .bool : .string
        case .strftime:
            try arity(2...2)
            if args[0].isUntypedNull { args[0] = typedNull(.timestamp, at: args[0].position) }
            guard args[0].type == .date || args[0].type == .timestamp else {
                throw fail(.typeMismatch, "strftime() expects a date or timestamp, found \(args[0].type)", at: args[0].position)
            }
            try arg(1, .string)
            type = .string
        case .strptime:
            try arity(2...2)
            try arg(0, .string)
            try arg(1, .string)
            type = .timestamp
        case .addInterval:
            fatalError("bound by bindInterval")
        case .hash:
            try arity(1...Int.max)
            for i in args.indices where args[i].isUntypedNull { args[i] = typedNull(.string, at: args[i].position) }
            type = .int64
        case .now:
            try arity(0...0)
            return make(.literal(.timestamp(currentMicroseconds())), .timestamp, at: p)
        case .extract:
            try arity(2...2)
            guard case .literal(.string(let field)) = args[0].node, ExtractField(rawValue: field) != nil else {
                let fields = ExtractField.allCases.map(\.rawValue)
                throw fail(.invalidArgument, "extract() cannot take \(args[0].literalValue?.description ?? "that field")", at: args[0].position,
                           hint: "fields: \(fields.joined(separator: ", "))")
            }
            if args[1].isUntypedNull { args[1] = typedNull(.timestamp, at: args[1].position) }
            guard args[1].type == .date || args[1].type == .timestamp else {
                throw fail(.typeMismatch, "extract() expects a date or timestamp, found \(args[1].type)", at: args[1].position)
            }
            type = .int64
        case .dateTrunc:
            try arity(2...2)
            guard case .literal(.string(let unit)) = args[0].node, ExtractField(rawValue: unit.lowercased()) != nil else {
                throw fail(.invalidArgument, "date_trunc() needs a unit literal such as 'month'", at: args[0].position,
                           hint: "units: \(ExtractField.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            args[0] = make(.literal(.string(unit.lowercased())), .string, at: args[0].position)
            if args[1].isUntypedNull { args[1] = typedNull(.timestamp, at: args[1].position) }
            guard args[1].type == .date || args[1].type == .timestamp else {
                throw fail(.typeMismatch, "date_trunc() expects a date or timestamp, found \(args[1].type)", at: args[1].position)
            }
            type = args[1].type
        }
        return make(.function(function, args), type, at: p)
    }
}

/// Months and microseconds of an interval text such as `1 month 2 days` or `-3 hours`.
func parseInterval(_ text: String) -> (months: Int64, micros: Int64)? {
    let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard !words.isEmpty, words.count % 2 == 0 else { return nil }
    var months: Int64 = 0, micros: Int64 = 0
    for k in stride(from: 0, to: words.count, by: 2) {
        guard let n = Int64(words[k]) else { return nil }
        var unit = String(words[k + 1])
        if unit.hasSuffix("s") { unit.removeLast() }
        switch unit {
        case "year": months += n * 12
        case "month": months += n
        case "week": micros += n * 7 * 86_400_000_000
        case "day": micros += n * 86_400_000_000
        case "hour": micros += n * 3_600_000_000
        case "minute": micros += n * 60_000_000
        case "second": micros += n * 1_000_000
        default: return nil
        }
    }
    return (months, micros)
}

/// The fields `extract` and `date_trunc` understand.
enum ExtractField: String, CaseIterable {
    case year, month, day, hour, minute, second
}
