/// `text` with each `${NAME}` replaced by what `value` returns for `NAME`: the one
/// `${VAR}` expansion (connection URLs, stream specs, lineage settings).
///
/// A `${` without a closing `}` goes to `unclosed` with the rest of the text (from `${`
/// on); ``expandingVariables(in:_:)`` keeps it as written.
///
/// ```swift
/// try expandingVariables(in: "postgres://app:${PGPASSWORD}@db/app") { name in
///     guard let value = environment[name] else { throw MissingVariable(name) }
///     return value
/// }
/// ```
public func expandingVariables(in text: String, unclosed: (Substring) throws -> String,
                               _ value: (_ name: String) throws -> String) rethrows -> String {
    guard text.contains("${") else { return text }
    var out = "", rest = Substring(text)
    while let open = rest.firstRange(of: "${") {
        out += rest[..<open.lowerBound]
        guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return out + (try unclosed(rest[open.lowerBound...])) }
        out += try value(String(rest[open.upperBound..<close]))
        rest = rest[rest.index(after: close)...]
    }
    return out + rest
}

/// `text` with each `${NAME}` replaced by what `value` returns; a `${` without a closing
/// `}` is kept as written.
public func expandingVariables(in text: String, _ value: (_ name: String) throws -> String) rethrows -> String {
    try expandingVariables(in: text, unclosed: { String($0) }, value)
}
