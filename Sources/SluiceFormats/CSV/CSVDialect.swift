import SluiceCore

/// How a CSV file is spelled: delimiter, quoting, header and null tokens.
///
/// The default is RFC 4180 with a header row: `,` between fields, `"` around
/// fields that need it (doubled inside), LF or CRLF line ends, and an empty
/// *unquoted* field read as null (an empty quoted field `""` is an empty string).
///
/// ```swift
/// var dialect = CSVDialect()
/// dialect.delimiter = UInt8(ascii: ";")
/// dialect.nullTokens = ["NULL", "NA"]
/// ```
public struct CSVDialect: Sendable, Equatable {
    /// The byte between fields (`,` by default; `\t` for TSV).
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// The quoting byte, or `nil` to read quotes as ordinary characters.
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// Whether the first row names the columns. Without one, columns are `column_1`, `column_2`, ….
    public var hasHeader = true
    /// Unquoted field texts read as null, besides the empty field (e.g. `NULL`, `NA`, `\N`).
    public var nullTokens: [String] = []

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\""), hasHeader: Bool = true,
                nullTokens: [String] = []) {
        self.delimiter = delimiter
        self.quote = quote
        self.hasHeader = hasHeader
        self.nullTokens = nullTokens
    }

    /// Tab-separated values with a header.
    public static let tsv = CSVDialect(delimiter: UInt8(ascii: "\t"))

    /// Checks that the dialect can be read unambiguously.
    ///
    /// - Throws: ``FormatError`` `.invalidOption`.
    public func validate(file: String) throws {
        let forbidden: [UInt8] = [UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        if forbidden.contains(delimiter) {
            throw FormatError(.invalidOption, file: file, message: "the delimiter cannot be a line break")
        }
        if let quote {
            if forbidden.contains(quote) || quote == delimiter {
                throw FormatError(.invalidOption, file: file, message: "the quote character must differ from the delimiter and line breaks")
            }
        }
        if delimiter >= 0x80 || (quote ?? 0) >= 0x80 {
            throw FormatError(.invalidOption, file: file, message: "delimiter and quote must be ASCII characters")
        }
    }
}

/// Options for reading CSV into tables.
public struct CSVReadOptions: Sendable {
    /// The file's spelling.
    public var dialect = CSVDialect()
    /// Column types to use instead of inferring them; columns not named are inferred.
    public var schemaOverride: Schema?
    /// Rows sampled (from the start) to infer column types.
    public var inferenceRows = 65_536
    /// Rows per batch returned by ``CSVReader/next()``.
    public var batchSize = 65_536
    /// What to do with a row that cannot be read (wrong field count, bad value in a
    /// declared column, stray quote, invalid UTF-8).
    public var badRows: BadRowPolicy = .error
    /// Columns of `schemaOverride` whose type a whole-file read widened, not the user:
    /// a later misfit widens them again instead of being a bad row.
    var widenedColumns: Set<String> = []
    /// Only these columns (by header name) are read; the others are skipped while
    /// parsing — their fields are found (quotes and field counts still checked) but
    /// not converted, validated or kept. `nil` reads every column. Tables keep the
    /// file's column order.
    public var columns: [String]?

    public init(dialect: CSVDialect = CSVDialect(), schemaOverride: Schema? = nil, inferenceRows: Int = 65_536,
                batchSize: Int = 65_536, badRows: BadRowPolicy = .error) {
        self.dialect = dialect
        self.schemaOverride = schemaOverride
        self.inferenceRows = inferenceRows
        self.batchSize = batchSize
        self.badRows = badRows
    }
}
