import SluiceCore

/// Errors reading or writing a file format (a ``DomainError``), located to the byte that caused it.
///
/// ```text
/// users.csv:14:22: error: column "age" expects int64, found "thirty"
///   hint: fix the value or declare `age:string` with --schema
/// ```
/// `line` and `column` are 1-based; `column` counts bytes from the start of the
/// line (0 when unknown). `description` never shows more than 60 bytes of a value.
public enum FormatErrorCode: String, ErrorCode {
    /// A quoted field runs to the end of the input.
    case unterminatedQuote
    /// A quote inside an unquoted field, or text after a closing quote.
    case strayQuote
    /// A row with more or fewer fields than the header.
    case fieldCount
    /// Bytes that are not UTF-8.
    case invalidUTF8
    /// A value that does not parse as its column's type.
    case typeMismatch
    /// A JSON Lines line that is not one JSON object.
    case malformedJSON
    /// Opening, reading or writing a file failed.
    case io
    /// A reader or writer option is out of range or contradictory.
    case invalidOption
    /// The input has no header row although one was expected.
    case missingHeader
    /// A schema override names a column the input does not have.
    case unknownColumn
    /// A file's format could not be told from its name.
    case unknownFormat
    /// A binary file that is truncated, damaged, or not of the format its name says.
    case corruptFile

    /// Options, formats and schema overrides are usage errors; reading or writing a file
    /// is permanent I/O (a missing file stays missing); everything else is about the bytes.
    public var category: ErrorCategory {
        switch self {
        case .invalidOption, .unknownColumn, .unknownFormat: .usage
        case .unterminatedQuote, .strayQuote, .fieldCount, .invalidUTF8, .typeMismatch, .malformedJSON, .missingHeader, .corruptFile: .data
        case .io: .permanentIO
        }
    }

    /// What a format error carries beyond its place and text.
    public struct Payload: ErrorPayload, Hashable {
        /// For a `.typeMismatch` in an *inferred* column: the column with the type that
        /// would accept the value. Whole-file reads use it to widen and read again.
        public var widenedField: Field?
        public init() {}
    }
}

/// An error reading or writing a file format; see ``FormatErrorCode``.
public typealias FormatError = DomainError<FormatErrorCode>

extension DomainError where Kind == FormatErrorCode {
    /// Creates an error at `file:line:column`, with the wider column a typed read could use.
    public init(_ code: Code, file: String, line: Int = 0, column: Int = 0, message: String, hint: String? = nil,
                widenedField: Field?) {
        self.init(code, file: file, line: line, column: column, message: message, hint: hint)
        payload.widenedField = widenedField
    }
}

/// What a reader does with a row or line it cannot use.
public enum BadRowPolicy: String, Sendable, CaseIterable {
    /// Stop with a ``FormatError`` (the default).
    case error
    /// Leave the row out and count it in ``ReadReport/skippedRows``.
    case skip
    /// CSV only: fill missing fields with null and drop extra ones, counting the row
    /// in ``ReadReport/paddedRows``.
    case pad
}

/// What a reader noticed while reading: how many rows it set aside or repaired.
public struct ReadReport: Sendable, Equatable {
    /// Rows (or lines) read into the table.
    public var rows = 0
    /// Rows left out under ``BadRowPolicy/skip``.
    public var skippedRows = 0
    /// Rows padded or cut under ``BadRowPolicy/pad``.
    public var paddedRows = 0
    /// The first few problems of skipped or padded rows, for the user to look at.
    public var samples: [FormatError] = []
    /// Other things worth telling the user, e.g. a column widened after a later value
    /// did not fit the type inferred from the first rows.
    public var notes: [String] = []

    public init() {}

    /// Records a skipped or padded row, keeping at most 5 samples.
    public mutating func note(_ error: FormatError, padded: Bool) {
        if padded { paddedRows += 1 } else { skippedRows += 1 }
        if samples.count < 5 { samples.append(error) }
    }
}
