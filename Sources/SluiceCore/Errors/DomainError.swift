/// The one error implementation every Sluice module uses: a matchable ``code``, where it
/// happened (``site``), a message, a hint, and the domain's ``payload`` (read and written
/// as if its fields were the error's own: `error.widenedField`, `error.diagnostics`).
///
/// Each module declares its codes (an ``ErrorCode`` enum) and names its errors with a typealias:
/// ```swift
/// public typealias FormatError = DomainError<FormatErrorCode>
/// throw FormatError(.io, file: path, message: "cannot open \(path): \(reason)")
/// catch let error as FormatError where error.code == .typeMismatch { … }
/// ```
/// It prints through ``ErrorFormatter`` unless its ``ErrorCode`` type says otherwise:
/// ```text
/// users.csv:14:22: error: column "age" expects int64, found "thirty"
///   hint: fix the value or declare `age:string` with --schema
/// ```
@dynamicMemberLookup
public struct DomainError<Kind: ErrorCode>: SluiceError {
    /// The family's codes (`FormatError.Code` is `FormatErrorCode`).
    public typealias Code = Kind

    /// What kind of failure this is; match on it rather than on the text.
    public var code: Code
    /// Where it happened, as stored; ``location`` is what the code's family makes of it.
    public var site: ErrorLocation?
    /// What went wrong, without the location and without "error:".
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// What the family's errors carry beyond the common fields.
    public var payload: Kind.Payload

    /// Creates an error, located at `file:line:column` and/or `field` when given.
    public init(_ code: Code, file: String? = nil, line: Int = 0, column: Int = 0, field: String? = nil,
                message: String, hint: String? = nil, payload: Kind.Payload = .init()) {
        self.code = code
        let site = ErrorLocation(file: file, line: line, column: column, field: field)
        self.site = site.isEmpty && line == 0 && column == 0 ? nil : site
        self.message = message
        self.hint = hint
        self.payload = payload
    }

    /// A field of ``payload``, as if it were the error's own.
    public subscript<Value>(dynamicMember path: WritableKeyPath<Kind.Payload, Value>) -> Value {
        get { payload[keyPath: path] }
        set { payload[keyPath: path] = newValue }
    }

    /// The file of ``site``, when known.
    public var file: String? {
        get { site?.file }
        set { site = ErrorLocation(file: newValue, line: line, column: column, field: site?.field, row: site?.row) }
    }
    /// The 1-based line of ``site`` (0 when unknown).
    public var line: Int {
        get { site?.line ?? 0 }
        set { site = ErrorLocation(file: file, line: newValue, column: column, field: site?.field, row: site?.row) }
    }
    /// The 1-based column of ``site`` (0 when unknown).
    public var column: Int {
        get { site?.column ?? 0 }
        set { site = ErrorLocation(file: file, line: line, column: newValue, field: site?.field, row: site?.row) }
    }

    public var category: ErrorCategory { Kind.category(of: self) }
    public var location: ErrorLocation? { Kind.location(of: self) }
    public var detail: String? { Kind.detail(of: self) }
    public var codeName: String { code.rawValue }
    public var description: String { Kind.description(of: self) }
}

extension DomainError: Equatable where Kind.Payload: Equatable {}
extension DomainError: Hashable where Kind.Payload: Hashable {}
