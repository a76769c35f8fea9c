import SluiceCore

/// Writes tables as CSV (RFC 4180), quoting only fields that need it.
///
/// Nulls are empty fields; an empty string is written `""` so it reads back as an
/// empty string, not null. Floats use the shortest text that reads back to the
/// same value; dates `YYYY-MM-DD`; timestamps ISO 8601 in UTC (`2024-01-02T03:04:05Z`).
/// A file written by `CSVWriter` reads back with ``CSVReader`` into an equal table.
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
        if let schema {
            guard schema == table.schema else {
                throw FormatError(.invalidOption, file: output.path,
                                  message: "batch has schema (\(table.schema)), earlier batches had (\(schema))")
            }
        } else {
            schema = table.schema
            if dialect.hasHeader {
                try output.withBuffer { buffer in
                    for (i, name) in table.schema.names.enumerated() {
                        if i > 0 { buffer.append(dialect.delimiter) }
                        var name = name
                        name.withUTF8 { appendField($0, to: &buffer, forceQuote: false) }
                    }
                    buffer.append(10)
                }
            }
        }
        let chunk = 4096
        var row = 0
        while row < table.rowCount {
            let upper = Swift.min(row + chunk, table.rowCount)
            try output.withBuffer { buffer in
                for r in row..<upper {
                    for (c, column) in table.columns.enumerated() {
                        if c > 0 { buffer.append(dialect.delimiter) }
                        appendValue(column, r, to: &buffer)
                    }
                    buffer.append(10)
                }
            }
            row = upper
        }
    }

    public mutating func finish() throws {
        if schema == nil { schema = Schema([]) }
        try output.commit()
    }

    private func appendValue(_ column: Column, _ row: Int, to buffer: inout [UInt8]) {
        if column.isNull(row) { return }
        switch column.type {
        case .string:
            column.withUnsafeStrings { strings in
                let bytes = strings[row]
                appendField(bytes, to: &buffer, forceQuote: bytes.isEmpty || isNullToken(bytes))
            }
        case .int64:
            TextFormatter.append(int64: column.withUnsafeValues(as: Int64.self) { $0[row] }, to: &buffer)
        case .float64:
            TextFormatter.append(float64: column.withUnsafeValues(as: Double.self) { $0[row] }, to: &buffer)
        case .bool:
            let value = column.withUnsafeValues(as: UInt8.self) { $0[row] } != 0
            buffer.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
        case .date:
            TextFormatter.append(date: column.withUnsafeValues(as: Int32.self) { $0[row] }, to: &buffer)
        case .timestamp:
            TextFormatter.append(timestamp: column.withUnsafeValues(as: Int64.self) { $0[row] }, to: &buffer)
        }
    }

    private func isNullToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        nullTokens.contains { $0.elementsEqual(bytes) }
    }

    private func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8], forceQuote: Bool) {
        guard let quote = dialect.quote else {
            buffer.append(contentsOf: bytes)
            return
        }
        var needsQuotes = forceQuote
        if !needsQuotes {
            for b in bytes where b == dialect.delimiter || b == quote || b == 10 || b == 13 {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(quote)
        for b in bytes {
            if b == quote { buffer.append(quote) }
            buffer.append(b)
        }
        buffer.append(quote)
    }
}
