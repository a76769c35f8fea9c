import SluiceCore

/// Streams rows with `COPY … FROM STDIN (FORMAT binary)`: big-endian fixed-width values
/// straight from the column buffers, so the server parses no text. Only for tables whose
/// column types are exactly ``SQLDialect/columnType(for:)`` of the data's types.
final class PostgresBinaryCopyInserter: BulkInserter {
    let connection: PostgresConnection
    let sql: String
    private var buffer: [UInt8] = []
    /// PostgreSQL's epoch (2000-01-01) in Unix days and microseconds.
    static let epochDays: Int32 = 10_957
    static let epochMicros: Int64 = 946_684_800_000_000

    init(connection: PostgresConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        buffer.reserveCapacity(1 << 20)
        // Signature, flags (no OIDs), header extension length.
        buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        append32(0)
        append32(0)
    }

    func insert(_ batch: Table) throws {
        let columns = batch.columns
        let rowCount = batch.rowCount
        let fieldCount = UInt16(columns.count)
        var start = 0
        while start < rowCount {
            let end = min(start + 4096, rowCount)
            for row in start..<end {
                append16(fieldCount)
                for column in columns {
                    if let validity = column.validity, !validity.isValid(row) { append32(UInt32(bitPattern: -1)); continue }
                    switch column.type {
                    case .int64: append32(8); append64(UInt64(bitPattern: column.unsafeValuesAddress(as: Int64.self)[row]))
                    case .float64: append32(8); append64(column.unsafeValuesAddress(as: Double.self)[row].bitPattern)
                    case .bool: append32(1); buffer.append(column.unsafeValuesAddress(as: UInt8.self)[row] != 0 ? 1 : 0)
                    case .date: append32(4); append32(UInt32(bitPattern: column.unsafeValuesAddress(as: Int32.self)[row] &- Self.epochDays))
                    case .timestamp: append32(8); append64(UInt64(bitPattern: column.unsafeValuesAddress(as: Int64.self)[row] &- Self.epochMicros))
                    case .decimal:
                        preconditionFailure("decimals are copied as text (see PostgresEngine.makeInserter)")
                    case .string, .binary:   // bytea's binary form is the bytes themselves
                        let bytes = column.unsafeStrings()[row]
                        append32(UInt32(bytes.count))
                        buffer.append(contentsOf: bytes)
                    }
                }
            }
            try withExtendedLifetime(batch) {
                try buffer.withUnsafeBytes { try connection.putCopyData($0, sql: sql) }
            }
            buffer.removeAll(keepingCapacity: true)
            start = end
        }
    }

    func finish() throws {
        append16(UInt16.max)   // trailer: field count -1
        try buffer.withUnsafeBytes { try connection.putCopyData($0, sql: sql) }
        buffer.removeAll(keepingCapacity: true)
        try connection.putCopyEnd(sql: sql)
    }

    @inline(__always) private func append16(_ v: UInt16) { withUnsafeBytes(of: v.bigEndian) { buffer.append(contentsOf: $0) } }
    @inline(__always) private func append32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { buffer.append(contentsOf: $0) } }
    @inline(__always) private func append64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { buffer.append(contentsOf: $0) } }
}
