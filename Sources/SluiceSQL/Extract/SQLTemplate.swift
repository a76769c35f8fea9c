import SluiceCore

/// A query whose `{{ name }}` markers become bound parameters, never pasted text.
///
/// ```swift
/// let template = try SQLTemplate("SELECT * FROM users WHERE created_at >= {{ data_interval_start }}")
/// template.sql(for: .postgres)   // SELECT * FROM users WHERE created_at >= $1
/// template.parameterNames        // ["data_interval_start"]
/// ```
public struct SQLTemplate: Sendable, Equatable {
    /// Text between markers; `pieces.count == markers.count + 1`.
    let pieces: [String]
    /// The parameter name at each marker, in order (a name may repeat).
    let markers: [String]

    /// Distinct parameter names in first-use order.
    public var parameterNames: [String] {
        var seen: [String] = []
        for name in markers where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// Parses `text`.
    /// - Throws: ``SQLError`` `.invalidArgument` for an unclosed `{{`, an empty or
    ///   invalid name, or a marker inside a quoted literal (`'{{ ds }}'` would bind nothing).
    public init(_ text: String) throws {
        var pieces: [String] = [], markers: [String] = []
        var current = ""
        var inLiteral = false
        var rest = Substring(text)
        while let ch = rest.first {
            // Comments and quoted identifiers are copied as they are: an apostrophe in
            // `-- the run's date` or `"o'brien"` does not open a string literal.
            if !inLiteral, let end = SQLTemplate.skippedSpan(rest) {
                current += rest[..<end]
                rest = rest[end...]
                continue
            }
            if ch == "'" { inLiteral.toggle() }
            if ch == "{", rest.hasPrefix("{{") {
                guard let close = rest.firstRange(of: "}}") else {
                    throw SQLError(.invalidArgument, message: "query has \"{{\" without a closing \"}}\"", hint: "write {{ name }}")
                }
                let name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound]).trimmingASCIIWhitespace()
                // A name, or dotted names (`params.region`): each part letters, digits and _.
                let parts = name.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                    throw SQLError(.invalidArgument, message: "query parameter \"{{\(name)}}\" is not a name",
                                   hint: "parameter names are letters, digits and _, with . between parts, e.g. {{ ds }} or {{ params.region }}")
                }
                if inLiteral {
                    throw SQLError(.invalidArgument, message: "query parameter {{ \(name) }} is inside a quoted literal",
                                   hint: "remove the quotes: parameters are bound as values, e.g. WHERE ds = {{ \(name) }}")
                }
                pieces.append(current)
                current = ""
                markers.append(name)
                rest = rest[close.upperBound...]
                continue
            }
            current.append(ch)
            rest = rest.dropFirst()
        }
        pieces.append(current)
        self.pieces = pieces
        self.markers = markers
    }

    /// Where a `-- …` comment (to the line end), a `/* … */` comment or a `"…"` quoted
    /// identifier starting at `text` ends; `nil` when none starts there.
    static func skippedSpan(_ text: Substring) -> Substring.Index? {
        if text.hasPrefix("--") {
            return text.firstIndex(of: "\n") ?? text.endIndex
        }
        if text.hasPrefix("/*") {
            return text.dropFirst(2).firstRange(of: "*/")?.upperBound ?? text.endIndex
        }
        if text.first == "\"" {
            var index = text.index(after: text.startIndex)
            while index < text.endIndex {
                if text[index] == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex && text[next] == "\"" { index = text.index(after: next); continue }
                    return next
                }
                index = text.index(after: index)
            }
            return text.endIndex
        }
        return nil
    }

    /// The SQL text for `dialect`, each distinct name numbered in ``parameterNames`` order.
    public func sql(for dialect: SQLDialect) -> String {
        let names = parameterNames
        var text = pieces[0]
        for (i, name) in markers.enumerated() {
            text += dialect.placeholder(names.firstIndex(of: name)! + 1) + pieces[i + 1]
        }
        return text
    }

    /// The values in ``parameterNames`` order.
    /// - Throws: ``SQLError`` `.invalidArgument` naming a parameter without a value.
    public func arguments(_ values: [String: Value]) throws -> [Value] {
        try parameterNames.map { name in
            guard let value = values[name] else {
                throw SQLError(.invalidArgument, message: "query parameter {{ \(name) }} has no value",
                               hint: "pass --param \(name)=VALUE" + (suggestion(for: name, among: Array(values.keys)).map { " (did you mean \($0)?)" } ?? ""))
            }
            return value
        }
    }
}
