import SluiceCore

/// Writes tables as JSON Lines: one object per row, keys in schema order.
///
/// | column type | JSON |
/// |---|---|
/// | any null | `null` |
/// | `bool` | `true` / `false` |
/// | `int64` | digits |
/// | `float64` | shortest text that reads back to the same `Double` (`12.5`, `1e-07`); NaN and ±infinity, which JSON numbers cannot hold, as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (``NonFiniteFloats/strings``, read back as floats by pandas, Spark and ``JSONLinesReader``) or as `null` (``NonFiniteFloats/null``, counted in ``nullifiedNonFinite``) |
/// | `string` | a JSON string: `"` `\` and control characters escaped (`\n`, `\t`, …, else `\u00XX`), other characters as UTF-8 |
/// | `date` | `"YYYY-MM-DD"` |
/// | `timestamp` | `"YYYY-MM-DDTHH:MM:SS[.ffffff]Z"` (fraction only when non-zero) |
///
/// Every line ends with `\n`. Bytes are formatted into the output's buffer; the
/// file appears only when ``finish()`` commits it.
///
/// ```swift
/// var writer = JSONLinesWriter(output: try OutputFile(path: "users.jsonl"))
/// try writer.write(users)      // {"id":1,"email":"a@x.io"}
/// try writer.finish()
/// ```
public struct JSONLinesWriter: TableWriter {
    /// How NaN and ±infinity, which JSON numbers cannot hold, are written.
    public enum NonFiniteFloats: Sendable, Equatable {
        /// `"NaN"`, `"Infinity"`, `"-Infinity"`: nothing is lost (the default).
        case strings
        /// `null`: the value is lost; ``JSONLinesWriter/nullifiedNonFinite`` counts how many.
        case null
    }

    private let output: OutputFile
    private let nonFinite: NonFiniteFloats
    /// How many NaN or infinite values were written as `null` (only with ``NonFiniteFloats/null``).
    public private(set) var nullifiedNonFinite = 0
    private var schema: Schema?
    /// `{"id":` for the first column, `,"email":` for the others.
    private var keyPrefixes: [[UInt8]] = []

    /// A writer into `output`.
    ///
    /// - Parameters:
    ///   - output: where the lines go; committed by ``finish()``.
    ///   - nonFinite: how NaN and ±infinity are written (default: as strings, lossless).
    public init(output: OutputFile, nonFinite: NonFiniteFloats = .strings) {
        self.output = output
        self.nonFinite = nonFinite
    }

    /// Appends one line per row of `table`.
    ///
    /// - Parameter table: rows to write; every batch must have the schema of the first.
    /// - Throws: ``CoreError`` `.schemaMismatch` for a batch with another schema;
    ///   ``FormatError`` `.io` when writing fails.
    public mutating func write(_ table: Table) throws {
        if let schema {
            guard schema == table.schema else {
                throw CoreError(.schemaMismatch, message: "batch has schema (\(table.schema)), the first batch had (\(schema))")
            }
        } else {
            schema = table.schema
            keyPrefixes = table.schema.names.enumerated().map { index, name in
                var bytes: [UInt8] = index == 0 ? [0x7B] : [0x2C]
                appendJSONString(name, to: &bytes)
                bytes.append(0x3A)
                return bytes
            }
        }
        let sources = table.columns.map(CellSource.init)
        let validity = table.columns.map(\.validity)
        let prefixes = keyPrefixes
        var bytes = ByteWriter()
        defer { bytes.deallocate() }
        try withExtendedLifetime(table) {
            for row in 0..<table.rowCount {
                if sources.isEmpty { bytes.put("{") }
                for c in 0..<sources.count {
                    prefixes[c].withUnsafeBufferPointer { prefix in
                        bytes.reserve(prefix.count)
                        bytes.put(prefix.baseAddress!, prefix.count)
                    }
                    if let bits = validity[c], !bits.isValid(row) {
                        bytes.put("null")
                        continue
                    }
                    switch sources[c] {
                    case .int64(let values): bytes.put(int64: values[row])
                    case .float64(let values):
                        let value = values[row]
                        if value.isFinite || nonFinite == .strings {
                            bytes.put(jsonFloat64: value)
                        } else {
                            bytes.put("null")
                            nullifiedNonFinite += 1
                        }
                    case .bool(let values): bytes.put(values[row] != 0 ? "true" : "false")
                    case .string(let strings): putJSONString(strings[row], into: &bytes)
                    case .decimal(let values, let scale): bytes.put(decimal: values[row], scale: scale)   // a JSON number, exact text
                    case .binary(let values):
                        bytes.put("\"")
                        bytes.put(base64: values[row])
                        bytes.put("\"")
                    case .date(let values):
                        bytes.put("\"")
                        bytes.put(date: values[row])
                        bytes.put("\"")
                    case .timestamp(let values):
                        bytes.put("\"")
                        bytes.put(timestamp: values[row])
                        bytes.put("\"")
                    }
                }
                bytes.put("}\n")
                if bytes.count >= 1 << 20 { try bytes.drain(to: output) }
            }
            try bytes.drain(to: output)
        }
    }

    /// Flushes and commits the output.
    ///
    /// - Throws: ``FormatError`` `.io` when the output cannot be written or moved into place.
    public mutating func finish() throws {
        try output.commit()
    }
}

private let hexDigitBytes: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends a Swift string as a JSON string (for keys, formatted once per schema).
func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    var writer = ByteWriter(capacity: 64)
    defer { writer.deallocate() }
    text.withUTF8 { putJSONString($0, into: &writer) }
    buffer.append(contentsOf: UnsafeBufferPointer(start: writer.base, count: writer.count))
}

/// Appends `bytes` (UTF-8) as a JSON string: quotes, `"` `\` and control
/// characters escaped, everything else (non-ASCII included) copied as is.
package func putJSONString(_ bytes: UnsafeBufferPointer<UInt8>, into writer: inout ByteWriter) {
    let n = bytes.count
    writer.reserve(n * 6 + 2)   // worst case: every byte a \u00XX escape
    writer.put(0x22)
    var run = 0
    var i = 0
    while i < n {
        let c = bytes[i]
        guard c < 0x20 || c == 0x22 || c == 0x5C else { i += 1; continue }
        if run < i { writer.put(bytes.baseAddress! + run, i - run) }
        writer.put(0x5C)
        switch c {
        case 0x22, 0x5C: writer.put(c)
        case 0x0A: writer.put(0x6E)
        case 0x09: writer.put(0x74)
        case 0x0D: writer.put(0x72)
        case 0x08: writer.put(0x62)
        case 0x0C: writer.put(0x66)
        default:
            writer.put(0x75); writer.put(0x30); writer.put(0x30)
            writer.put(hexDigitBytes[Int(c >> 4)]); writer.put(hexDigitBytes[Int(c & 15)])
        }
        i += 1
        run = i
    }
    if run < n { writer.put(bytes.baseAddress! + run, n - run) }
    writer.put(0x22)
}
