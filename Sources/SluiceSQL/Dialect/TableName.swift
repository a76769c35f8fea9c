/// A table's name, optionally qualified: `users`, `analytics.users` (a PostgreSQL schema),
/// `main.users` (a SQLite database: `main`, `temp` or an attached one).
///
/// Each part is quoted on its own when SQL is built (`"analytics"."users"`), so names
/// keep their case and may hold spaces or quotes. A part written in double quotes may
/// hold a dot: `"my.schema".users`; a doubled `""` in it stands for one quote. An
/// unquoted part is taken literally up to the next dot.
///
/// ```swift
/// let name = try TableName(parsing: "analytics.users")   // schema "analytics", name "users"
/// SQLDialect.postgres.quote(name)                         // "analytics"."users"
/// ```
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    /// The schema (PostgreSQL) or database (SQLite) part, if given.
    public var schema: String?
    /// The table part.
    public var name: String

    public init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// Splits `text` at dots outside double quotes into one or two parts.
    ///
    /// - Throws: ``SQLError`` `.invalidArgument` for an empty part, an unclosed quote,
    ///   text after a closing quote, or more than two parts.
    public init(parsing text: String) throws {
        var parts: [String] = []
        var bytes = Array(text.utf8)[...]
        func fail(_ what: String) -> SQLError {
            SQLError(.invalidArgument, message: "table name \"\(text)\": \(what)",
                     hint: "write table or schema.table; put a part that holds a dot in double quotes: \"my.schema\".table")
        }
        while true {
            var part: [UInt8] = []
            if bytes.first == UInt8(ascii: "\"") {
                bytes.removeFirst()
                var closed = false
                while let b = bytes.popFirst() {
                    if b == UInt8(ascii: "\"") {
                        if bytes.first == UInt8(ascii: "\"") { bytes.removeFirst(); part.append(b); continue }
                        closed = true
                        break
                    }
                    part.append(b)
                }
                guard closed else { throw fail("a quoted part is never closed") }
                guard bytes.isEmpty || bytes.first == UInt8(ascii: ".") else { throw fail("text follows a closing quote") }
            } else {
                while let b = bytes.first, b != UInt8(ascii: ".") { part.append(b); bytes.removeFirst() }
            }
            guard !part.isEmpty else { throw fail("an empty part") }
            parts.append(String(decoding: part, as: UTF8.self))
            guard bytes.popFirst() != nil else { break }   // the dot
        }
        guard parts.count <= 2 else {
            throw fail("\(parts.count) parts; only schema.table is supported (a PostgreSQL database is chosen in the URL)")
        }
        self.init(parts.last!, schema: parts.count == 2 ? parts[0] : nil)
    }

    /// `schema.name`, with parts that hold a dot or a quote written in quotes.
    public var description: String {
        func show(_ part: String) -> String {
            part.contains(".") || part.hasPrefix("\"") ? "\"" + part.replacing("\"", with: "\"\"") + "\"" : part
        }
        return (schema.map { show($0) + "." } ?? "") + show(name)
    }

    /// The same schema, another table name (for staging tables beside this one).
    func sibling(_ name: String) -> TableName { TableName(name, schema: schema) }
}
