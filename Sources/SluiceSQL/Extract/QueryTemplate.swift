import SluiceCore

/// A query whose `{{ name }}` placeholders become bound parameters — never text
/// pasted into the SQL, so a value cannot change the statement.
///
/// ```swift
/// let template = try QueryTemplate("SELECT * FROM users WHERE created_at >= {{ ds }}")
/// template.sql          // "SELECT * FROM users WHERE created_at >= ?1"
/// template.parameters   // ["ds"]
/// ```
public struct QueryTemplate: Sendable, Equatable {
    /// The SQL with numbered placeholders (`?1`, `?2`, …).
    public let sql: String
    /// Parameter names in placeholder order (a name used twice has one number).
    public let parameters: [String]

    /// Parses `{{ name }}` placeholders (names: letters, digits, `_`, `.`).
    ///
    /// - Throws: ``SQLError`` `.invalidOption` for an unclosed or empty placeholder.
    public init(_ text: String) throws {
        var sql = ""
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            sql += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw SQLError(.invalidOption, connection: "", message: "query placeholder `{{` is never closed",
                               hint: "write {{ name }} and pass --param name=value")
            }
            var name = Substring(rest[open.upperBound..<close.lowerBound])
            while name.first == " " { name = name.dropFirst() }
            while name.last == " " { name = name.dropLast() }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw SQLError(.invalidOption, connection: "", message: "query placeholder {{\(name)}} is not a parameter name")
            }
            let key = String(name)
            if let index = names.firstIndex(of: key) {
                sql += "?\(index + 1)"
            } else {
                names.append(key)
                sql += "?\(names.count)"
            }
            rest = rest[close.upperBound...]
        }
        self.sql = sql + rest
        parameters = names
    }

    /// The values for ``parameters`` from `values`.
    ///
    /// - Throws: ``SQLError`` `.invalidOption` naming a missing parameter.
    public func arguments(from values: [String: String]) throws -> [String] {
        try parameters.map { name in
            guard let value = values[name] else {
                throw SQLError(.invalidOption, connection: "", message: "the query uses {{ \(name) }}, which has no value",
                               hint: "pass --param \(name)=…" + (suggestion(for: name, among: Array(values.keys)).map { " (did you mean `\($0)`?)" } ?? ""))
            }
            return value
        }
    }
}
