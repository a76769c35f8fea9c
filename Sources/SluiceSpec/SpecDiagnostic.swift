import SluiceCore

/// One problem in a spec file, at `file:line:column`: what the ``SpecReader`` collects
/// while it reads, so that every problem of a spec is reported together.
///
/// ```text
/// pipeline.yaml:12:7: error: unknown key "retrys" in task "load"
///   hint: did you mean `retries`?
/// ```
public struct SpecDiagnostic: SluiceError, Equatable, Hashable {
    /// What kind of problem; match on it rather than on the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case syntax, unknownKey, duplicateKey, wrongType, missingKey, invalidValue, outOfRange, limit }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The text is not YAML.
        public static let syntax = Code(.syntax)
        /// A key the spec kind does not define.
        public static let unknownKey = Code(.unknownKey)
        /// The same key twice in one mapping.
        public static let duplicateKey = Code(.duplicateKey)
        /// A value of the wrong YAML type (a list where text belongs, …).
        public static let wrongType = Code(.wrongType)
        /// A required key is absent.
        public static let missingKey = Code(.missingKey)
        /// A value that does not parse (a bad duration, an unknown choice, a bad template).
        public static let invalidValue = Code(.invalidValue)
        /// A number that is not finite or not in its range.
        public static let outOfRange = Code(.outOfRange)
        /// The spec is too big: too many nodes after alias expansion, or nested too deeply.
        public static let limit = Code(.limit)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var file: String
    /// 1-based line and column; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(_ code: Code, file: String, line: Int = 0, column: Int = 0, message: String, hint: String? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// Spec problems are usage errors: the user fixes the file.
    public var category: ErrorCategory { .usage }
    public var location: ErrorLocation? { ErrorLocation(file: file, line: line, column: column) }
    public var codeName: String { code.description }
    public var description: String { ErrorFormatter.format(self) }

    /// Orders problems by file, line, column (problems of the whole file first).
    public static func byLocation(_ a: SpecDiagnostic, _ b: SpecDiagnostic) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

extension [SpecDiagnostic] {
    /// Every problem, sorted by location, one per paragraph.
    public var report: String {
        sorted(by: SpecDiagnostic.byLocation).map(\.description).joined(separator: "\n")
    }
}
