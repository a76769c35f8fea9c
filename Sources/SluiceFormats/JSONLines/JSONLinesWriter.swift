import SluiceCore

/// Writes tables as JSON Lines: one object per row, keys in schema order.
///
/// | column type | JSON |
/// |---|---|
/// | any null | `null` |
/// | `bool` | `true` / `false` |
/// | `int64` | digits |
/// | `float64` | shortest text that reads back to the same `Double` (`12.5`, `1e-07`); NaN and ±infinity, which JSON cannot hold, are written as `null` |
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
    private let output: OutputFile
    private var schema: Schema?
    /// `{"id":` for the first column, `,"email":` for the others.
    private var keyPrefixes: [[UInt8]] = []

    /// Rows formatted per access to the output's buffer (bounds its growth).
    static let rowsPerChunk = 1024

    /// A writer into `output`.
    ///
    /// - Parameter output: where the lines go; committed by ``finish()``.
    public init(output: OutputFile) {
        self.output = output
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
        let columns = table.columns
        let prefixes = keyPrefixes
        var row = 0
        while row < table.rowCount {
            let end = Swift.min(row + JSONLinesWriter.rowsPerChunk, table.rowCount)
            try output.withBuffer { buffer in
                for r in row..<end {
                    if columns.isEmpty { buffer.append(0x7B) }
                    for (c, column) in columns.enumerated() {
                        buffer.append(contentsOf: prefixes[c])
                        JSONLinesWriter.appendValue(of: column, at: r, to: &buffer)
                    }
                    buffer.append(0x7D)
                    buffer.append(0x0A)
                }
            }
            row = end
        }
    }

    /// Flushes and commits the output.
    ///
    /// - Throws: ``FormatError`` `.io` when the output cannot be written or moved into place.
    public mutating func finish() throws {
        try output.commit()
    }

    @inline(__always)
    static func appendValue(of column: Column, at row: Int, to buffer: inout [UInt8]) {
        if column.isNull(row) {
            buffer.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        switch column.type {
        case .bool:
            let value = column.withUnsafeValues(as: UInt8.self) { $0[row] } != 0
            if value { buffer.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { buffer.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
        case .int64:
            appendDecimal(column.withUnsafeValues(as: Int64.self) { $0[row] }, to: &buffer)
        case .float64:
            let value = column.withUnsafeValues(as: Double.self) { $0[row] }
            if value.isFinite {
                buffer.append(contentsOf: formatDouble(value).utf8)
            } else {
                buffer.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            }
        case .string:
            column.withUnsafeStrings { strings in appendJSONString(strings[row], to: &buffer) }
        case .date:
            let days = column.withUnsafeValues(as: Int32.self) { $0[row] }
            buffer.append(0x22)
            appendDate(days: Int(days), to: &buffer)
            buffer.append(0x22)
        case .timestamp:
            let micros = column.withUnsafeValues(as: Int64.self) { $0[row] }
            buffer.append(0x22)
            appendTimestamp(micros, to: &buffer)
            buffer.append(0x22)
        }
    }

    static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(0x2D) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            repeat {
                k -= 1
                digits[k] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: digits[k..<20])
        }
    }

    static func appendPadded(_ value: Int, width: Int, to buffer: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            buffer.append(UInt8(v / divisor % 10) + 0x30)
            v %= divisor
            divisor /= 10
        }
    }

    static func appendDate(days: Int, to buffer: inout [UInt8]) {
        let (y, m, d) = CivilCalendar.civil(fromDays: days)
        guard y >= 0 && y <= 9999 else {
            buffer.append(contentsOf: formatDate(daysSinceEpoch: Int32(truncatingIfNeeded: days)).utf8)
            return
        }
        appendPadded(y, width: 4, to: &buffer)
        buffer.append(0x2D)
        appendPadded(m, width: 2, to: &buffer)
        buffer.append(0x2D)
        appendPadded(d, width: 2, to: &buffer)
    }

    static func appendTimestamp(_ micros: Int64, to buffer: inout [UInt8]) {
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 { days -= 1; rest += 86_400_000_000 }
        let y = CivilCalendar.civil(fromDays: Int(days)).year
        guard y >= 0 && y <= 9999 else {
            buffer.append(contentsOf: formatTimestamp(microsecondsSinceEpoch: micros).utf8)
            return
        }
        appendDate(days: Int(days), to: &buffer)
        let seconds = Int(rest / 1_000_000), fraction = Int(rest % 1_000_000)
        buffer.append(0x54)
        appendPadded(seconds / 3600, width: 2, to: &buffer)
        buffer.append(0x3A)
        appendPadded(seconds / 60 % 60, width: 2, to: &buffer)
        buffer.append(0x3A)
        appendPadded(seconds % 60, width: 2, to: &buffer)
        if fraction != 0 {
            var digits = 6, f = fraction
            while f % 10 == 0 { f /= 10; digits -= 1 }
            buffer.append(0x2E)
            appendPadded(f, width: digits, to: &buffer)
        }
        buffer.append(0x5A)
    }
}

private let hexDigitBytes: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends `bytes` (UTF-8) as a JSON string: quotes, `"` `\` and control
/// characters escaped, everything else (non-ASCII included) copied as is.
func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
    buffer.append(0x22)
    var run = 0
    var i = 0
    let n = bytes.count
    while i < n {
        let c = bytes[i]
        guard c < 0x20 || c == 0x22 || c == 0x5C else { i += 1; continue }
        if run < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
        buffer.append(0x5C)
        switch c {
        case 0x22, 0x5C: buffer.append(c)
        case 0x0A: buffer.append(0x6E)
        case 0x09: buffer.append(0x74)
        case 0x0D: buffer.append(0x72)
        case 0x08: buffer.append(0x62)
        case 0x0C: buffer.append(0x66)
        default:
            buffer.append(contentsOf: [0x75, 0x30, 0x30, hexDigitBytes[Int(c >> 4)], hexDigitBytes[Int(c & 15)]])
        }
        i += 1
        run = i
    }
    if run < n { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<n])) }
    buffer.append(0x22)
}

/// Appends a Swift string as a JSON string (for keys).
func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendJSONString($0, to: &buffer) }
}
