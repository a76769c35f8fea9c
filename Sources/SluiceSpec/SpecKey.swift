/// One key of a spec kind, defined once: its name, type, default, what it does and an
/// example. The same definitions give the parsers their allowed keys (and "did you
/// mean") and generate `docs/REFERENCE.md` (``SpecSection/markdown(_:)``).
public struct SpecKey: Sendable, Equatable {
    public var name: String
    /// The value's type as a reader sees it: `text`, `duration`, `integer ≥ 1`, `list of text`, …
    public var type: String
    /// The default when the key is absent (nil: required or no default).
    public var defaultValue: String?
    /// Whether the key must be present.
    public var isRequired: Bool
    /// What the key means, one or two sentences.
    public var doc: String
    /// A YAML example of the key in place.
    public var example: String

    public init(_ name: String, _ type: String, default defaultValue: String? = nil, required: Bool = false,
                doc: String, example: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.isRequired = required
        self.doc = doc
        self.example = example
    }
}

/// The keys of one mapping of a spec kind (the top of a pipeline, a task, a check …).
public struct SpecSection: Sendable, Equatable {
    /// The heading, e.g. "Pipeline", "Task: extract".
    public var title: String
    /// What the mapping is and where it goes.
    public var summary: String
    public var keys: [SpecKey]

    public init(_ title: String, summary: String, keys: [SpecKey]) {
        self.title = title
        self.summary = summary
        self.keys = keys
    }

    /// The key names, the allowed keys of the mapping.
    public var names: [String] { keys.map(\.name) }

    /// The definition of `name`.
    public func key(_ name: String) -> SpecKey? { keys.first { $0.name == name } }

    /// The section as Markdown: a heading, the summary and one table row per key, then the examples.
    public func markdown(level: Int = 3) -> String {
        var text = String(repeating: "#", count: level) + " " + title + "\n\n" + summary + "\n\n"
        text += "| key | type | default | meaning |\n|---|---|---|---|\n"
        for key in keys {
            let defaultText = key.isRequired ? "required" : (key.defaultValue.map { "`\($0)`" } ?? "—")
            text += "| `\(key.name)` | \(key.type) | \(defaultText) | \(key.doc.replacing("|", with: "\\|")) |\n"
        }
        text += "\n```yaml\n" + keys.map(\.example).joined(separator: "\n") + "\n```\n"
        return text
    }
}

/// A spec kind's sections, for the reference.
public struct SpecReference: Sendable {
    public var kind: String
    public var summary: String
    public var sections: [SpecSection]

    public init(kind: String, summary: String, sections: [SpecSection]) {
        self.kind = kind
        self.summary = summary
        self.sections = sections
    }

    /// The whole kind as Markdown.
    public var markdown: String {
        "## \(kind)\n\n\(summary)\n\n" + sections.map { $0.markdown() }.joined(separator: "\n")
    }
}
