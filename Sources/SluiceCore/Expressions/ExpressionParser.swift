/// A token of the expression language, with the character offset where it starts.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)         // bare word, case kept (keywords compared lower-cased)
        case quotedIdentifier(String)   // "odd name"
        case string(String)             // 'text'
        case integer(Int64)
        case float(Double)
        case symbol(String)             // operators and punctuation
        case end
    }
    var kind: Kind
    var position: Int

    /// The lower-cased word when this is a bare identifier.
    var keyword: String? {
        if case .identifier(let word) = kind { return word.lowercased() }
        return nil
    }
}

/// Splits expression text into tokens.
enum ExpressionLexer {
    static func tokenize(_ text: String) throws -> [ExpressionToken] {
        let chars = Array(text)
        var tokens: [ExpressionToken] = []
        var i = 0
        func fail(_ message: String, _ at: Int, hint: String? = nil) -> ExpressionError {
            ExpressionError(.syntax, message: message, expression: text, position: at, hint: hint)
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c == "'" || c == "\"" {
                // 'string' or "identifier"; the quote doubled inside means itself.
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == c {
                        if i + 1 < chars.count && chars[i + 1] == c { value.append(c); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else {
                    throw fail(c == "'" ? "unterminated string" : "unterminated quoted identifier", start,
                               hint: "close it with \(c); write \(c)\(c) for a \(c) inside")
                }
                tokens.append(ExpressionToken(kind: c == "'" ? .string(value) : .quotedIdentifier(value), position: start))
                continue
            }
            if c.isNumber && c.isASCII || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                var j = i
                var isFloat = false
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                if j < chars.count, chars[j] == "." { isFloat = true; j += 1; while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 } }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                        isFloat = true
                        j = k
                        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                    }
                }
                let literal = String(chars[i..<j])
                if isFloat {
                    guard let value = Double(literal) else { throw fail("invalid number \(literal)", start) }
                    tokens.append(ExpressionToken(kind: .float(value), position: start))
                } else if let value = Int64(literal) {
                    tokens.append(ExpressionToken(kind: .integer(value), position: start))
                } else {
                    guard let value = Double(literal) else { throw fail("invalid number \(literal)", start) }
                    tokens.append(ExpressionToken(kind: .float(value), position: start))
                }
                i = j
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(ExpressionToken(kind: .identifier(String(chars[i..<j])), position: start))
                i = j
                continue
            }
            let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : ""
            if ["<=", ">=", "!=", "<>", "||", "=="].contains(two) {
                tokens.append(ExpressionToken(kind: .symbol(two == "<>" ? "!=" : two == "==" ? "=" : two), position: start))
                i += 2
                continue
            }
            if "+-*/%=<>(),".contains(c) {
                tokens.append(ExpressionToken(kind: .symbol(String(c)), position: start))
                i += 1
                continue
            }
            throw fail("unexpected character \(c)", start)
        }
        tokens.append(ExpressionToken(kind: .end, position: chars.count))
        return tokens
    }
}

/// Recursive-descent parser. Precedence, loosest first: `or`, `and`, `not`,
/// comparisons (`=`, `!=`, `<` …, `is [not] null`, `[not] in`, `[not] between`,
/// `[not] like`), `||`, `+ -`, `* / %`, unary `-`, primaries.
struct ExpressionParser {
    let text: String
    let tokens: [ExpressionToken]
    var index = 0
    /// Open parentheses, calls, `case`s, `not`s and signs around the current token.
    var depth = 0
    /// Binary operators read so far (each deepens the tree by one).
    var operators = 0

    /// Nesting deeper than this is refused with a located error, so that neither this
    /// recursive parser nor the binder and evaluator that walk the tree can exhaust the stack.
    static let maxDepth = 64
    /// More binary operators than this in one expression are refused (a chain of them
    /// is as deep a tree as nesting).
    static let maxOperators = 1000

    static let reserved: Set<String> = ["and", "or", "not", "is", "null", "in", "between", "like", "case", "when",
                                        "then", "else", "end", "cast", "as", "true", "false", "from"]

    init(text: String) throws {
        self.text = text
        self.tokens = try ExpressionLexer.tokenize(text)
    }

    var current: ExpressionToken { tokens[index] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, at position: Int? = nil, hint: String? = nil) -> ExpressionError {
        ExpressionError(.syntax, message: message, expression: text, position: position ?? current.position, hint: hint)
    }

    func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .identifier(let w): return "'\(w)'"
        case .quotedIdentifier(let w): return "\"\(w)\""
        case .string(let s): return "'\(s)'"
        case .integer(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .symbol(let s): return "'\(s)'"
        case .end: return "the end of the expression"
        }
    }

    mutating func accept(keyword: String) -> Bool {
        if current.keyword == keyword { advance(); return true }
        return false
    }

    mutating func accept(symbol: String) -> Bool {
        if current.kind == .symbol(symbol) { advance(); return true }
        return false
    }

    mutating func expect(keyword: String) throws {
        guard accept(keyword: keyword) else { throw error("expected '\(keyword)', found \(describe(current))") }
    }

    mutating func expect(symbol: String) throws {
        guard accept(symbol: symbol) else { throw error("expected '\(symbol)', found \(describe(current))") }
    }

    mutating func parseAll() throws -> ExpressionNode {
        if current.kind == .end { throw error("empty expression", hint: "write e.g. total >= 0") }
        let node = try parseOr()
        guard current.kind == .end else {
            throw error("unexpected \(describe(current)) after a complete expression",
                        hint: "join conditions with and/or; quote a column name with spaces as \"name\"")
        }
        return node
    }

    /// One level deeper, or a located error when the expression nests too deeply.
    mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw error("the expression nests more than \(Self.maxDepth) levels deep",
                        hint: "split it into several derived columns or steps")
        }
    }

    /// Counts a binary operator, or a located error when there are too many.
    mutating func countOperator() throws {
        operators += 1
        guard operators <= Self.maxOperators else {
            throw error("the expression has more than \(Self.maxOperators) operators",
                        hint: "split it into several derived columns, or use `in (…)` for long lists of alternatives")
        }
    }

    mutating func parseOr() throws -> ExpressionNode {
        try enter()
        defer { depth -= 1 }
        var left = try parseAnd()
        while current.keyword == "or" {
            let p = current.position
            try countOperator()
            advance()
            left = .binary(.or, left, try parseAnd(), position: p)
        }
        return left
    }

    mutating func parseAnd() throws -> ExpressionNode {
        var left = try parseNot()
        while current.keyword == "and" {
            let p = current.position
            try countOperator()
            advance()
            left = .binary(.and, left, try parseNot(), position: p)
        }
        return left
    }

    mutating func parseNot() throws -> ExpressionNode {
        if current.keyword == "not" {
            let p = current.position
            try enter()
            defer { depth -= 1 }
            advance()
            return .unary(.not, try parseNot(), position: p)
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> ExpressionNode {
        let left = try parseConcat()
        let p = current.position
        if case .symbol(let s) = current.kind, let op = BinaryOperator(rawValue: s), op.isComparison {
            advance()
            return .binary(op, left, try parseConcat(), position: p)
        }
        if accept(keyword: "is") {
            let negated = accept(keyword: "not")
            guard accept(keyword: "null") else { throw error("expected 'null' after 'is\(negated ? " not" : "")', found \(describe(current))") }
            return .isNull(left, negated: negated, position: p)
        }
        var negated = false
        if current.keyword == "not", let next = tokens[safe: index + 1]?.keyword, ["in", "between", "like"].contains(next) {
            negated = true
            advance()
        }
        if accept(keyword: "in") {
            try expect(symbol: "(")
            var items: [ExpressionNode] = [try parseOr()]
            while accept(symbol: ",") { items.append(try parseOr()) }
            try expect(symbol: ")")
            return .inList(left, items, negated: negated, position: p)
        }
        if accept(keyword: "between") {
            let low = try parseConcat()
            try expect(keyword: "and")
            let high = try parseConcat()
            return .between(left, low, high, negated: negated, position: p)
        }
        if accept(keyword: "like") {
            return .like(left, try parseConcat(), negated: negated, position: p)
        }
        return left
    }

    mutating func parseConcat() throws -> ExpressionNode {
        var left = try parseAdditive()
        while current.kind == .symbol("||") {
            let p = current.position
            try countOperator()
            advance()
            left = .binary(.concat, left, try parseAdditive(), position: p)
        }
        return left
    }

    mutating func parseAdditive() throws -> ExpressionNode {
        var left = try parseMultiplicative()
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            let p = current.position
            try countOperator()
            advance()
            left = .binary(s == "+" ? .add : .subtract, left, try parseMultiplicative(), position: p)
        }
        return left
    }

    mutating func parseMultiplicative() throws -> ExpressionNode {
        var left = try parseUnary()
        while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" {
            let p = current.position
            try countOperator()
            advance()
            left = .binary(BinaryOperator(rawValue: s)!, left, try parseUnary(), position: p)
        }
        return left
    }

    mutating func parseUnary() throws -> ExpressionNode {
        if current.kind == .symbol("-") {
            let p = current.position
            advance()
            // Fold the sign into number literals so that -9223372036854775808 parses.
            if case .integer(let v) = current.kind { advance(); return .literal(.int64(0 &- v), position: p) }
            if case .float(let v) = current.kind, v == 9_223_372_036_854_775_808, !text.contains(".") { advance(); return .literal(.int64(.min), position: p) }
            if case .float(let v) = current.kind { advance(); return .literal(.float64(-v), position: p) }
            try enter()
            defer { depth -= 1 }
            return .unary(.negate, try parseUnary(), position: p)
        }
        if current.kind == .symbol("+") {
            try enter()
            defer { depth -= 1 }
            advance()
            return try parseUnary()
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws -> ExpressionNode {
        let token = current
        let p = token.position
        switch token.kind {
        case .integer(let v): advance(); return .literal(.int64(v), position: p)
        case .float(let v): advance(); return .literal(.float64(v), position: p)
        case .string(let s): advance(); return .literal(.string(s), position: p)
        case .quotedIdentifier(let name): advance(); return .column(name, position: p)
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expect(symbol: ")")
            return inner
        case .identifier(let word):
            let lower = word.lowercased()
            switch lower {
            case "true": advance(); return .literal(.bool(true), position: p)
            case "false": advance(); return .literal(.bool(false), position: p)
            case "null": advance(); return .literal(.null, position: p)
            case "case": advance(); return try parseCase(position: p)
            case "cast":
                advance()
                try expect(symbol: "(")
                let inner = try parseOr()
                try expect(keyword: "as")
                let typePosition = current.position
                guard case .identifier(var typeName) = current.kind else { throw error("expected a type name, found \(describe(current))") }
                advance()
                if current.kind == .symbol("(") {   // decimal(p[,s])
                    advance()
                    var numbers: [Int64] = []
                    while case .integer(let n) = current.kind {
                        numbers.append(n)
                        advance()
                        if current.kind == .symbol(",") { advance() } else { break }
                    }
                    try expect(symbol: ")")
                    typeName += "(" + numbers.map(String.init).joined(separator: ",") + ")"
                }
                let type: DataType
                do { type = try DataType(parsing: typeName) } catch let e as CoreError {
                    throw ExpressionError(.syntax, message: e.message, expression: text, position: typePosition, hint: e.hint)
                }
                try expect(symbol: ")")
                return .cast(inner, type, position: p)
            case "interval":
                if case .string(let text)? = tokens[safe: index + 1]?.kind {
                    advance()
                    let literalPosition = current.position
                    advance()
                    return .call("interval", [.literal(.string(text), position: literalPosition)], position: p)
                }
            case "extract" where tokens[safe: index + 1]?.kind == .symbol("("):
                advance()
                advance()
                let fieldPosition = current.position
                guard case .identifier(let field) = current.kind else { throw error("expected a field (year, month, day, hour, …) after 'extract('") }
                advance()
                try expect(keyword: "from")
                let inner = try parseOr()
                try expect(symbol: ")")
                return .call("extract", [.literal(.string(field.lowercased()), position: fieldPosition), inner], position: p)
            default:
                break
            }
            if Self.reserved.contains(lower) {
                throw error("unexpected keyword '\(word)'", hint: "write \"\(word)\" for a column with that name")
            }
            advance()
            if accept(symbol: "(") {
                var arguments: [ExpressionNode] = []
                if !accept(symbol: ")") {
                    arguments.append(try parseOr())
                    while accept(symbol: ",") { arguments.append(try parseOr()) }
                    try expect(symbol: ")")
                }
                return .call(lower, arguments, position: p)
            }
            return .column(word, position: p)
        case .end:
            throw error("the expression ends too early", hint: "an operand is missing")
        case .symbol(let s):
            throw error("unexpected '\(s)'", hint: "an operand is missing before it")
        }
    }

    mutating func parseCase(position: Int) throws -> ExpressionNode {
        // `case x when v then …` (simple form) becomes `case when x = v then …`.
        var subject: ExpressionNode?
        if current.keyword != "when" { subject = try parseOr() }
        var branches: [(ExpressionNode, ExpressionNode)] = []
        while current.keyword == "when" {
            let wp = current.position
            advance()
            var condition = try parseOr()
            if let subject { condition = .binary(.equal, subject, condition, position: wp) }
            try expect(keyword: "then")
            branches.append((condition, try parseOr()))
        }
        guard !branches.isEmpty else { throw error("expected 'when' in a case expression, found \(describe(current))") }
        var otherwise: ExpressionNode?
        if accept(keyword: "else") { otherwise = try parseOr() }
        guard accept(keyword: "end") else { throw error("expected 'end' to close the case expression, found \(describe(current))") }
        return .caseWhen(branches, otherwise: otherwise, position: position)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
