import SluiceCore

/// Streams rows with `COPY … FROM STDIN` in text or CSV format: each batch is encoded
/// column-typed into one byte buffer and sent with `PQputCopyData`.
///
/// Text: tab-separated, `\N` for null, backslash escapes. CSV: comma-separated, null an
/// empty unquoted field, a string quoted (inner quotes doubled) when it is empty, holds a
/// comma, quote, CR or LF, or starts with a backslash — so an empty string stays distinct
/// from null and a value `\.` is not read as the end of the data.
final class PostgresCopyInserter: BulkInserter {
    let connection: PostgresConnection
    let sql: String
    let csv: Bool
    private var buffer: [UInt8] = []

    init(connection: PostgresConnection, sql: String, csv: Bool = false) {
        self.connection = connection
        self.sql = sql
        self.csv = csv
        buffer.reserveCapacity(1 << 20)
    }

    func insert(_ batch: Table) throws {
        let columns = batch.columns
        let rowCount = batch.rowCount
        let separator: UInt8 = csv ? UInt8(ascii: ",") : 9
        // Encode in row slices of 4096 so the buffer stays small.
        var start = 0
        while start < rowCount {
            let end = min(start + 4096, rowCount)
            buffer.removeAll(keepingCapacity: true)
            for row in start..<end {
                for (c, column) in columns.enumerated() {
                    if c > 0 { buffer.append(separator) }
                    if let validity = column.validity, !validity.isValid(row) {
                        if !csv { buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "N")) }
                        continue
                    }
                    switch column.type {
                    case .int64: appendInteger(column.unsafeValuesAddress(as: Int64.self)[row])
                    case .float64:
                        let v = column.unsafeValuesAddress(as: Double.self)[row]
                        if v.isNaN { buffer.append(contentsOf: "NaN".utf8) } else if v.isInfinite {
                            buffer.append(contentsOf: (v < 0 ? "-Infinity" : "Infinity").utf8)
                        } else if let exact = Int64(exactly: v), abs(v) < 1e15 {
                            appendInteger(exact)
                        } else {
                            buffer.append(contentsOf: v.description.utf8)
                        }
                    case .bool: buffer.append(column.unsafeValuesAddress(as: UInt8.self)[row] != 0 ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                    case .string: if csv { appendQuoted(column.unsafeStrings()[row]) } else { appendEscaped(column.unsafeStrings()[row]) }
                    case .date: appendFormatted { SQLTextFormat.writeDate(column.unsafeValuesAddress(as: Int32.self)[row], to: $0) }
                    case .timestamp: appendFormatted { SQLTextFormat.writeTimestamp(column.unsafeValuesAddress(as: Int64.self)[row], to: $0) }
                    case .decimal(_, let scale):
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Decimal128.maxTextLength) { scratch in
                            let n = Decimal128.write(column.unsafeValuesAddress(as: Int128.self)[row], scale: scale, to: scratch.baseAddress!)
                            buffer.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: n))
                        }
                    case .binary:
                        // bytea hex input `\x…`; COPY text doubles the backslash, CSV does not.
                        buffer.append(UInt8(ascii: "\\"))
                        if !csv { buffer.append(UInt8(ascii: "\\")) }
                        buffer.append(UInt8(ascii: "x"))
                        let digits: StaticString = "0123456789abcdef"
                        for b in column.unsafeStrings()[row] {
                            buffer.append(digits.utf8Start[Int(b >> 4)])
                            buffer.append(digits.utf8Start[Int(b & 0x0f)])
                        }
                    }
                }
                buffer.append(10)
            }
            try withExtendedLifetime(batch) {
                try buffer.withUnsafeBytes { try connection.putCopyData($0, sql: sql) }
            }
            start = end
        }
    }

    func finish() throws { try connection.putCopyEnd(sql: sql) }

    @inline(__always)
    private func appendInteger(_ value: Int64) {
        if value == 0 { buffer.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes, enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - count)...]))
        }
    }

    @inline(__always)
    private func appendFormatted(_ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLTextFormat.maxTimestampLength) { scratch in
            let n = write(scratch.baseAddress!)
            buffer.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: n))
        }
    }

    /// CSV quoting: only empty strings, those holding a comma, quote, CR or LF, and those
    /// starting with a backslash (a lone unquoted `\.` would end the data) are quoted.
    @inline(__always)
    private func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        var clean = !bytes.isEmpty && bytes.first != 92
        for b in bytes where b == 44 || b == 34 || b == 10 || b == 13 { clean = false; break }
        if clean { buffer.append(contentsOf: bytes); return }
        buffer.append(34)
        for b in bytes {
            if b == 34 { buffer.append(34) }
            buffer.append(b)
        }
        buffer.append(34)
    }

    /// COPY text escaping: backslash, tab, newline and carriage return.
    @inline(__always)
    private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var clean = true
        for b in bytes where b == 92 || b == 9 || b == 10 || b == 13 { clean = false; break }
        if clean { buffer.append(contentsOf: bytes); return }
        for b in bytes {
            switch b {
            case 92: buffer.append(92); buffer.append(92)
            case 9: buffer.append(92); buffer.append(UInt8(ascii: "t"))
            case 10: buffer.append(92); buffer.append(UInt8(ascii: "n"))
            case 13: buffer.append(92); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(b)
            }
        }
    }
}
