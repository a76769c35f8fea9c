import SluiceCore

/// Writes tables as CSV (RFC 4180), quoting only fields that need it.
///
/// Nulls are empty fields; an empty string is written `""` so it reads back as an
/// empty string, not null (so is a string equal to a null token). Floats use the
/// shortest text that reads back to the same value; dates `YYYY-MM-DD`; timestamps
/// ISO 8601 in UTC (`2024-01-02T03:04:05Z`). A file written by `CSVWriter` reads
/// back with ``CSVReader`` into an equal table.
///
/// ```swift
/// var writer = try CSVWriter(output: OutputFile(path: "out.csv"))
/// try writer.write(table)
/// try writer.finish()      // the file appears only now
/// ```
public struct CSVWriter: TableWriter {
    private let output: OutputFile
    private let dialect: CSVDialect
    private var schema: Schema?
    private let nullTokens: [[UInt8]]

    public init(output: OutputFile, dialect: CSVDialect = CSVDialect()) {
        self.output = output
        self.dialect = dialect
        nullTokens = dialect.nullTokens.map { Array($0.utf8) }
    }

    public mutating func write(_ table: Table) throws {
        var bytes = ByteWriter()
        defer { bytes.deallocate() }
        if try output.admitBatch(table.schema, first: &schema), dialect.hasHeader {
            for (i, name) in table.schema.names.enumerated() {
                if i > 0 { bytes.reserve(1); bytes.put(dialect.delimiter) }
                var name = name
                name.withUTF8 { putField($0, into: &bytes, forceQuote: false) }
            }
            bytes.reserve(1)
            bytes.put(10)
        }
        let sources = table.columns.map(CellSource.init)
        let validity = table.columns.map(\.validity)
        let delimiter = dialect.delimiter
        try withExtendedLifetime(table) {
            for row in 0..<table.rowCount {
                for c in 0..<sources.count {
                    if c > 0 { bytes.reserve(1); bytes.put(delimiter) }
                    if let bits = validity[c], !bits.isValid(row) { continue }
                    switch sources[c] {
                    case .int64(let values): bytes.put(int64: values[row])
                    case .float64(let values): bytes.put(float64: values[row])
                    case .timestamp(let values): bytes.put(timestamp: values[row])
                    case .date(let values): bytes.put(date: values[row])
                    case .bool(let values): bytes.put(values[row] != 0 ? "true" : "false")
                    case .string(let strings):
                        let value = strings[row]
                        putField(value, into: &bytes, forceQuote: value.isEmpty || isNullToken(value))
                    case .decimal(let values, let scale): bytes.put(decimal: values[row], scale: scale)
                    case .binary(let values): bytes.put(hex: values[row])   // `\x0a1b`: never needs quoting
                    }
                }
                bytes.reserve(1)
                bytes.put(10)
                if bytes.count >= 1 << 20 { try bytes.drain(to: output) }
            }
            try bytes.drain(to: output)
        }
    }

    public mutating func finish() throws {
        if schema == nil { schema = Schema([]) }
        try output.commit()
    }

    private func isNullToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !nullTokens.isEmpty && nullTokens.contains { $0.elementsEqual(bytes) }
    }

    /// The field, quoted (with doubled quotes) only when it holds the delimiter,
    /// the quote, CR or LF, or when `forceQuote` says so.
    private func putField(_ field: UnsafeBufferPointer<UInt8>, into bytes: inout ByteWriter, forceQuote: Bool) {
        let n = field.count
        guard let quote = dialect.quote else {
            bytes.reserve(n)
            if n > 0 { bytes.put(field.baseAddress!, n) }
            return
        }
        var needsQuotes = forceQuote
        if !needsQuotes {
            let delimiter = dialect.delimiter
            for b in field where b == delimiter || b == quote || b == 10 || b == 13 {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            bytes.reserve(n)
            if n > 0 { bytes.put(field.baseAddress!, n) }
            return
        }
        bytes.reserve(2 * n + 2)
        bytes.put(quote)
        for b in field {
            if b == quote { bytes.put(quote) }
            bytes.put(b)
        }
        bytes.put(quote)
    }
}
