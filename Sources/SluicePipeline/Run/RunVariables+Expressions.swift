import SluiceCore

extension RunVariables {
    /// An expression with each `{{ name }}` turned into a typed literal of its value
    /// (``expressionValue(_:)``: `{{ ds }}` a date, `{{ params.limit }}` a number or text),
    /// quoted and escaped by `Value.expressionLiteral`: a value can never change the
    /// expression's structure, and a date compares as a date.
    ///
    /// ```swift
    /// try variables.bindExpression("order_date = {{ ds }}")   // order_date = cast('2024-06-01' as date)
    /// ```
    /// - Throws: ``PipelineError`` `.invalidSpec` for an unknown name, or for a template
    ///   inside quotes (it would stay text: write it without quotes).
    public func bindExpression(_ text: String) throws -> String {
        try Self.substitute(text) { name, before in
            if let quote = Self.openQuote(in: before) {
                throw PipelineError(.invalidSpec, message: "{{ \(name) }} is inside \(quote)…\(quote) in \"\(text)\": it would stay text",
                                    hint: "write {{ \(name) }} without quotes: it becomes a typed value (a date for ds)")
            }
            guard let value = expressionValue(name) else { throw unknown(name) }
            return value.expressionLiteral
        }
    }

    /// The quote character `text` ends inside of (a doubled quote is itself), or nil.
    static func openQuote(in text: String) -> Character? {
        var open: Character?
        for c in text where c == "'" || c == "\"" {
            if open == nil { open = c } else if open == c { open = nil }
        }
        return open
    }
}
