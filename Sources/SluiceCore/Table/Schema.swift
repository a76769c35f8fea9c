/// A named, typed column slot in a ``Schema``.
public struct Field: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: DataType

    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }

    /// `name: type`.
    public var description: String { "\(name): \(type)" }
}

/// The ordered fields of a table.
///
/// ```swift
/// let schema = try Schema(parsing: "id:int64, email:string")
/// schema.field(named: "email")?.type   // .string
/// ```
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    public private(set) var fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// Parses `name:type` pairs separated by commas (`id:int64,price:decimal(12,2)`).
    /// Names may be quoted with `"` to hold `,` or `:`.
    ///
    /// - Throws: ``CoreError`` `.invalidSchema` or `.unknownType`, naming the pair.
    public init(parsing text: String) throws {
        var fields: [Field] = []
        for pair in splitSchemaPairs(text) {
            let trimmed = pair.trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            guard let colon = lastColonOutsideQuotes(trimmed) else {
                throw CoreError(.invalidSchema, message: "schema entry \"\(trimmed)\" has no type",
                                hint: "write name:type, e.g. \(trimmed):string")
            }
            var name = String(trimmed[..<colon]).trimmingASCIIWhitespace()
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacing("\"\"", with: "\"")
            }
            let typeName = String(trimmed[trimmed.index(after: colon)...]).trimmingASCIIWhitespace()
            guard !name.isEmpty else {
                throw CoreError(.invalidSchema, message: "schema entry \"\(trimmed)\" has an empty column name")
            }
            guard !typeName.isEmpty else {
                throw CoreError(.invalidSchema, message: "schema entry \"\(trimmed)\" has no type",
                                hint: "write name:type, e.g. \(String(trimmed[..<colon]).trimmingASCIIWhitespace()):string")
            }
            let type: DataType
            do { type = try DataType(parsing: typeName) } catch var error as CoreError {
                error.message += " for column \"\(name)\""
                throw error
            }
            if fields.contains(where: { $0.name == name }) {
                throw CoreError(.duplicateColumn, message: "column \"\(name)\" appears twice in the schema")
            }
            fields.append(Field(name, type))
        }
        self.fields = fields
    }

    /// Column names in order.
    public var names: [String] { fields.map(\.name) }

    /// Number of fields.
    public var count: Int { fields.count }

    /// The field called `name`, if any.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The position of the field called `name`, if any.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// `id: int64, email: string`.
    public var description: String { fields.map(\.description).joined(separator: ", ") }

    /// The schema in the `--schema` syntax (`id:int64,email:string`).
    public var compactDescription: String {
        fields.map { field in
            // Quotes also keep leading and trailing whitespace, which parsing trims.
            let needsQuotes = field.name.contains(",") || field.name.contains(":") || field.name.contains("\"")
                || field.name != field.name.trimmingASCIIWhitespace()
            let name = needsQuotes ? "\"" + field.name.replacing("\"", with: "\"\"") + "\"" : field.name
            return "\(name):\(field.type)"
        }.joined(separator: ",")
    }
}

private func splitSchemaPairs(_ text: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var quoted = false
    var depth = 0   // inside decimal(p,s)
    for ch in text {
        if ch == "\"" { quoted.toggle() }
        if !quoted && ch == "(" { depth += 1 }
        if !quoted && ch == ")" { depth = Swift.max(depth - 1, 0) }
        if ch == "," && !quoted && depth == 0 {
            parts.append(current)
            current = ""
        } else {
            current.append(ch)
        }
    }
    parts.append(current)
    return parts
}

private func lastColonOutsideQuotes(_ text: String) -> String.Index? {
    var quoted = false
    var found: String.Index?
    var index = text.startIndex
    while index < text.endIndex {
        let ch = text[index]
        if ch == "\"" { quoted.toggle() } else if ch == ":" && !quoted { found = index }
        index = text.index(after: index)
    }
    return found
}
