import CLibPQ
import SluiceCore

/// PostgreSQL (through libpq) behind ``SQLEngine``.
final class PostgresEngine: SQLEngine {
    let connection: PostgresConnection
    let dialect = SQLDialect.postgres
    private var cursorCount = 0

    init(url: ConnectionURL) throws {
        connection = try PostgresConnection(conninfo: url.unmaskedText, shown: url.description, secrets: url.secrets)
    }

    /// The text form PostgreSQL parses for a parameter value (nil = NULL).
    static func parameterText(_ value: Value) -> String? {
        switch value {
        case .null: nil
        case .bool(let b): b ? "true" : "false"
        case .int64(let v): String(v)
        case .float64(let v): v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : String(v)
        case .string(let s): s
        case .date(let d): formatDate(daysSinceEpoch: d)
        case .timestamp(let t): formatTimestamp(microsecondsSinceEpoch: t)
        case .decimal(let d): d.description
        case .binary(let b): BinaryText.hex(b)   // bytea's hex input form
        }
    }

    @discardableResult
    func execute(_ sql: String, parameters: [Value]) throws -> Int {
        let result = parameters.isEmpty ? try connection.execute(sql)
            : try connection.execute(sql, parameters: parameters.map(Self.parameterText))
        return result.handle.flatMap { Int(String(cString: PQcmdTuples($0))) } ?? 0
    }

    /// Runs one statement (which may modify data, unlike a cursor's query) and returns the
    /// text of its first row's values (nil = NULL; empty when it returned no row).
    func values(_ sql: String) throws -> [String?] {
        let result = try connection.execute(sql)
        guard let raw = result.handle, result.rowCount > 0 else { return [] }
        return (0..<Int32(result.columnCount)).map { c in
            PQgetisnull(raw, 0, c) != 0 ? nil : String(cString: PQgetvalue(raw, 0, c))
        }
    }

    /// Reads through a server-side cursor, `batchSize` rows per FETCH, so memory stays bounded.
    @discardableResult
    func query(_ sql: String, parameters: [Value], batchSize: Int, _ body: (Table) throws -> Void) throws -> Schema {
        let inTransaction = PQtransactionStatus(connection.handle) != PQTRANS_IDLE
        if !inTransaction { try connection.execute("BEGIN READ ONLY") }
        do {
            cursorCount += 1
            let cursor = "sluice_cursor_\(cursorCount)"
            _ = try connection.execute("DECLARE \(cursor) NO SCROLL CURSOR FOR " + sql, parameters: parameters.map(Self.parameterText))
            var schema: Schema?
            var types: [DataType] = []
            while true {
                let result = try connection.execute("FETCH FORWARD \(batchSize) FROM \(cursor)", parameters: [])
                let raw = result.handle!
                if schema == nil {
                    let n = result.columnCount
                    types = (0..<n).map { Self.dataType(oid: PQftype(raw, Int32($0)), modifier: PQfmod(raw, Int32($0))) }
                    schema = Schema((0..<n).map { Field(String(cString: PQfname(raw, Int32($0))), types[$0]) })
                }
                let rows = result.rowCount
                var columns: [Column] = []
                for (c, type) in types.enumerated() {
                    columns.append(try Self.readColumn(raw, Int32(c), rows: rows, type: type, name: schema!.fields[c].name))
                }
                let table = try Table(schema: schema!, columns: columns)
                if rows > 0 || table.rowCount == 0 { try body(table) }
                if rows < batchSize { break }
            }
            try connection.execute("CLOSE \(cursor)")
            if !inTransaction { try connection.execute("COMMIT") }
            return schema!
        } catch {
            if !inTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Type OIDs from pg_type; `modifier` is the column's typmod (`numeric(p,s)` is
    /// `(p << 16 | s) + 4`). `numeric(p,s)` with p ≤ 38 reads as `decimal(p,s)`; an
    /// unconstrained `numeric` (any scale) stays `float64`; `bytea` is `binary`.
    static func dataType(oid: Oid, modifier: Int32 = -1) -> DataType {
        switch oid {
        case 16: .bool
        case 17: .binary
        case 20, 21, 23, 26: .int64
        case 1700 where modifier >= 4:
            { () -> DataType in
                let p = Int((modifier - 4) >> 16 & 0xffff), s = Int((modifier - 4) & 0xffff)
                return p <= DataType.maxDecimalPrecision && s <= p ? .decimal(precision: p, scale: s) : .float64
            }()
        case 700, 701, 1700: .float64
        case 1082: .date
        case 1114, 1184: .timestamp
        default: .string
        }
    }

    static func readColumn(_ result: OpaquePointer, _ c: Int32, rows: Int, type: DataType, name: String) throws -> Column {
        var builder = ColumnBuilder(type: type, capacity: rows)
        for row in 0..<Int32(rows) {
            if PQgetisnull(result, row, c) != 0 { builder.appendNull(); continue }
            let n = Int(PQgetlength(result, row, c))
            let text = UnsafeRawPointer(PQgetvalue(result, row, c)!).assumingMemoryBound(to: UInt8.self)
            var ok = true
            switch type {
            case .string: builder.append(utf8: UnsafeRawBufferPointer(start: text, count: n))
            case .int64: if let v = ScalarParser.int64(text, n) { builder.append(int64: v) } else { ok = false }
            case .float64:
                if let v = ScalarParser.float64(text, n), v.isFinite { builder.append(float64: v) } else if let v = specialFloat(text, n) {
                    builder.append(float64: v)
                } else { ok = false }   // includes a numeric beyond float64's range
            case .bool: builder.append(bool: n > 0 && text[0] == UInt8(ascii: "t"))
            case .date: if let v = ScalarParser.date(text, n) { builder.append(date: v) } else { ok = false }
            case .timestamp: if let v = ScalarParser.timestamp(text, n) { builder.append(timestamp: v) } else { ok = false }
            case .decimal(let precision, let scale):
                if let v = Decimal128.parse(text, n, scale: scale, precision: precision) { builder.append(decimal: v) } else { ok = false }
            case .binary:
                var bytes: [UInt8] = []
                if BinaryText.decodeHex(text, n, into: &bytes) { bytes.withUnsafeBytes { builder.append(bytes: $0) } } else { ok = false }
            }
            if !ok {
                let shown = String(decoding: UnsafeRawBufferPointer(start: text, count: min(n, 40)), as: UTF8.self)
                throw SQLError(.unsupportedValue, message: "column \"\(name)\" value \"\(shown)\(n > 40 ? "…" : "")\" does not fit \(type)",
                               hint: "cast it to text in the query (\(name)::text) to read it as a string")
            }
        }
        return builder.finish()
    }

    /// PostgreSQL's spellings of the non-finite floats.
    private static func specialFloat(_ text: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        switch String(decoding: UnsafeBufferPointer(start: text, count: n), as: UTF8.self) {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: nil
        }
    }

    /// `COPY … FROM STDIN`: by default binary when the column types are exactly ours, text
    /// otherwise (text lets the server convert, e.g. int64 data into an `integer` or `numeric`
    /// column); `copyFormat` may ask for text or CSV instead.
    func makeInserter(table: TableName, schema: Schema, exactTypes: Bool, onConflict: String?, copyFormat: CopyFormat) throws -> any BulkInserter {
        precondition(onConflict == nil, "COPY has no conflict clause; upsert through a staging table")
        let columns = schema.fields.map { dialect.quote($0.name) }.joined(separator: ", ")
        // Binary COPY has no numeric encoder here: decimals go as exact text.
        let binary = exactTypes && copyFormat == .automatic && !schema.fields.contains { $0.type.isDecimal }
        let options = binary ? " (FORMAT binary)" : copyFormat == .csv ? " (FORMAT csv)" : ""
        let sql = "COPY \(dialect.quote(table)) (\(columns)) FROM STDIN" + options
        try connection.execute(sql)
        return binary ? PostgresBinaryCopyInserter(connection: connection, sql: sql) as any BulkInserter
            : PostgresCopyInserter(connection: connection, sql: sql, csv: copyFormat == .csv)
    }
}
