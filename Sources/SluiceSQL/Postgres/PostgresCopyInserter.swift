import SluiceCore

/// Streams rows with `COPY … FROM STDIN` in text format: each batch is encoded
/// column-typed into one byte buffer and sent with `PQputCopyData`.
final class PostgresCopyInserter: BulkInserter {
    let connection: PostgresConnection
    let sql: String
    private var buffer: [UInt8] = []

    init(connection: PostgresConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        buffer.reserveCapacity(1 << 20)
    }

    func insert(_ batch: Table) throws {
        let columns = batch.columns
        let rowCount = batch.rowCount
        // Encode in row slices of 4096 so the buffer stays small.
        var start = 0
        while start < rowCount {
            let end = min(start + 4096, rowCount)
            buffer.removeAll(keepingCapacity: true)
            for row in start..<end {
                for (c, column) in columns.enumerated() {
                    if c > 0 { buffer.append(9) }
                    if let validity = column.validity, !validity.isValid(row) {
                        buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "N"))
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
                    case .string: appendEscaped(column.unsafeStrings()[row])
                    case .date: appendFormatted { SQLTextFormat.writeDate(column.unsafeValuesAddress(as: Int32.self)[row], to: $0) }
                    case .timestamp: appendFormatted { SQLTextFormat.writeTimestamp(column.unsafeValuesAddress(as: Int64.self)[row], to: $0) }
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
