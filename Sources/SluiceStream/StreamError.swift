/// An error from a stream: a mistake in the spec (located, with "did you mean"),
/// an I/O failure of a file transport, or a Kafka client failure.
///
/// ```text
/// spec.yaml:7:5: error: unknown processor "validte"
///   hint: did you mean `validate`?
/// ```
public struct StreamError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case invalidSpec, io, kafka }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The spec is malformed; ``StreamError/diagnostics`` lists every problem found.
        public static let invalidSpec = Code(.invalidSpec)
        /// Reading the input, writing an output or storing the position failed.
        public static let io = Code(.io)
        /// librdkafka reported an error that retrying cannot fix.
        public static let kafka = Code(.kafka)
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, with its location when there is one.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// Every problem of a spec (validation collects them all before throwing).
    public var diagnostics: [StreamDiagnostic]

    public init(_ code: Code, message: String, hint: String? = nil, diagnostics: [StreamDiagnostic] = []) {
        self.code = code
        self.message = message
        self.hint = hint
        self.diagnostics = diagnostics
    }

    /// Whether the user fixes this by changing the spec or the command line (exit 2).
    public var isUsageError: Bool { code == .invalidSpec }

    public var description: String {
        if !diagnostics.isEmpty { return diagnostics.map(\.description).joined(separator: "\n") }
        return "error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}

/// One problem in a stream spec, at `file:line:column`.
public struct StreamDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line and column; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return "\(location): error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}
