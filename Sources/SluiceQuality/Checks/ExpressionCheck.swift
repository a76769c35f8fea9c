import SluiceCore

/// Passes when the fraction of rows for which a boolean predicate is not true is
/// at most `threshold` (default 0: every row must satisfy it).
///
/// The predicate is Sluice's SQL-like expression language
/// (`total >= 0 and status is not null`, `coalesce(discount, 0) <= total`), parsed
/// once, bound to the table's schema before any row is read, and evaluated a whole
/// column at a time.
///
/// **Nulls fail by default**: a row whose predicate is null (unknown, e.g.
/// `total >= 0` with a null total) has not been shown to satisfy it, so it counts
/// as failing. Set `nullsPass` (`nulls: pass` in a suite) for SQL `CHECK`
/// constraint semantics, where only a false predicate fails.
///
/// ```swift
/// let check = try ExpressionCheck("total >= 0 and user_id is not null", threshold: 0.01)
/// ```
public struct ExpressionCheck: Check {
    /// The parsed predicate.
    public var expression: Expression
    /// Whether a null predicate passes (SQL `CHECK` semantics) rather than fails.
    public var nullsPass: Bool
    /// The largest fraction of failing rows that passes (default 0).
    public var threshold: Double
    public var severity: Severity
    public var name: String
    public var kind: String { "expression" }
    /// The columns the predicate reads, in order of first mention.
    public var columns: [String]
    public var isRowLevel: Bool { true }
    /// Where the expression's text sits in a suite file, so that errors found when
    /// binding it to a table point at the offending character; `nil` outside a file.
    public var source: ExpressionSource?

    /// Parses `text`.
    ///
    /// - Throws: ``QualityError`` `.invalidExpression` for a syntax error (with the
    ///   position), `.invalidOption` for a threshold outside 0...1.
    public init(_ text: String, threshold: Double = 0, nullsPass: Bool = false, severity: Severity = .error,
                name: String? = nil, source: ExpressionSource? = nil) throws {
        try validateFraction(threshold, "expression threshold")
        do {
            expression = try Expression(parsing: text)
        } catch let error as ExpressionError {
            throw QualityError(expressionError: error, at: source)
        }
        self.nullsPass = nullsPass
        self.threshold = threshold
        self.severity = severity
        self.name = name ?? "expression(\(text))"
        self.source = source
        columns = []
        collectColumns(expression.root, into: &columns)
    }

    /// The predicate bound to `table`'s schema.
    ///
    /// - Throws: ``QualityError`` `.invalidExpression` for unknown columns (with "did
    ///   you mean") and type errors, or when the expression is not true/false.
    func plan(for table: Table) throws -> BoundExpression {
        let plan: BoundExpression
        do {
            plan = try expression.bind(to: table.schema)
        } catch let error as ExpressionError {
            throw QualityError(expressionError: error, at: source)
        }
        guard plan.type == .bool else {
            throw QualityError(expressionError: ExpressionError(
                .typeMismatch, message: "an expression check needs a true/false condition, this expression gives \(plan.type)",
                expression: expression.text, position: 0, hint: "compare it, e.g. \(expression.text) > 0"), at: source)
        }
        return plan
    }

    var metric: Metric { .predicate(RowPredicate(expression: expression, nullsPass: nullsPass, source: source)) }

    public func metrics(for table: Table) throws -> [Metric] {
        _ = try plan(for: table)
        return [metric]
    }

    public func evaluate(in context: EvaluationContext) throws -> CheckResult {
        let value = try context.value(of: metric)
        return failureFractionResult(
            name: name, kind: kind, columns: columns, severity: severity, failing: value.count,
            rows: context.table.rowCount, threshold: threshold,
            samples: context.samples(value.failing, columns: columns),
            what: nullsPass ? "false" : "not true")
    }

    public func failingRows(in context: EvaluationContext) throws -> Bitmap? {
        try context.value(of: metric).failing
    }
}

/// Where an expression's text starts in a suite file: errors inside it are
/// reported at `line` and `column + position` when `isExact` (the text appears
/// verbatim on one line), else at the value's own `line:column`.
public struct ExpressionSource: Sendable, Hashable {
    public var file: String
    /// 1-based line of the value.
    public var line: Int
    /// 1-based column of the expression's first character (after any opening quote).
    public var column: Int
    /// Whether the expression's first line is written verbatim at `column`
    /// (no escapes, no folding), so that character offsets map to columns.
    public var isExact: Bool

    public init(file: String, line: Int, column: Int, isExact: Bool) {
        self.file = file
        self.line = line
        self.column = column
        self.isExact = isExact
    }
}

extension QualityError {
    /// An expression error as a quality error: located at the character it points
    /// at when the expression came from a suite file, with the expression and a
    /// caret under that character in the message.
    init(expressionError error: ExpressionError, at source: ExpressionSource?, code: Code = .invalidExpression) {
        let firstLine = error.expression.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let offset = Swift.max(0, Swift.min(error.position, firstLine.count))
        let caret = String(repeating: " ", count: offset) + "^"
        var column = 0
        if let source { column = source.isExact && error.position <= firstLine.count ? source.column + offset : source.column }
        self.init(code, file: source?.file, line: source?.line ?? 0, column: column,
                  message: "\(error.message)\n  \(firstLine)\n  \(caret)", hint: error.hint)
    }
}

/// Column names in `node`, in order of first mention.
func collectColumns(_ node: ExpressionNode, into names: inout [String]) {
    for reference in node.columnReferences() where !names.contains(reference.name) { names.append(reference.name) }
}
