import CSQLite
import SluiceCore

/// SQLite behind ``SQLEngine``.
final class SQLiteEngine: SQLEngine {
    let database: SQLiteDatabase
    let dialect = SQLDialect.sqlite

    init(path: String, readOnly: Bool = false) throws {
        database = try SQLiteDatabase(path: path, readOnly: readOnly)
    }

    /// Page size a load gives a database it creates (one with no pages yet): bulk inserts into
    /// 16 KiB pages measured ~12% less CPU per row than SQLite's default 4 KiB.
    static let newDatabasePageSize = 16_384

    /// Before a load's transaction: sets ``newDatabasePageSize`` when the file is new. An
    /// existing database keeps its page size (changing it needs a VACUUM).
    func prepareForLoad() throws {
        let pages: Int64 = try {
            let count = try database.prepare("PRAGMA page_count")
            return try count.step() ? sqlite3_column_int64(count.handle, 0) : 0
        }()
        guard pages == 0 else { return }
        try database.executeScript("PRAGMA page_size = \(Self.newDatabasePageSize)")
    }

    /// Rows inserted, updated or deleted on this connection so far (triggers' included).
    var totalChanges: Int { Int(sqlite3_total_changes64(database.handle)) }

    @discardableResult
    func execute(_ sql: String, parameters: [Value]) throws -> Int {
        if parameters.isEmpty {
            try database.executeScript(sql)
        } else {
            let statement = try database.prepare(sql)
            for (i, value) in parameters.enumerated() { try statement.bind(value, at: Int32(i + 1)) }
            while try statement.step() {}
        }
        return Int(sqlite3_changes(database.handle))
    }

    @discardableResult
    func query(_ sql: String, parameters: [Value], batchSize: Int, _ body: (Table) throws -> Void) throws -> Schema {
        let statement = try database.prepare(sql)
        for (i, value) in parameters.enumerated() { try statement.bind(value, at: Int32(i + 1)) }
        let handle = statement.handle
        let count = Int(sqlite3_column_count(handle))
        let names = (0..<count).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
        var types: [DataType?] = (0..<count).map { i in
            sqlite3_column_decltype(handle, Int32(i)).flatMap { dialect.dataType(declared: String(cString: $0)) }
        }
        // Columns without a declared type (expressions) are buffered as values for the
        // first batch, then take the widest storage class seen; later batches read typed.
        var pending = [[Value]](repeating: [], count: count)
        var builders: [ColumnBuilder] = types.map { ColumnBuilder(type: $0 ?? .string, capacity: 0) }
        var rows = 0
        var batches = 0
        var schema: Schema?

        func flush() throws {
            if schema == nil {
                for i in 0..<count where types[i] == nil {
                    var widest: DataType?
                    for value in pending[i] { if let t = value.dataType { widest = widest.map { $0.widened(with: t) } ?? t } }
                    let type = widest ?? .string
                    var builder = ColumnBuilder(type: type, capacity: pending[i].count)
                    for value in pending[i] {
                        switch (type, value) {
                        case (.float64, .int64(let v)): builder.append(float64: Double(v))
                        case (.string, .null): builder.appendNull()
                        case (.string, _) where value.dataType != .string: builder.append(string: value.description)
                        default: _ = builder.append(value)
                        }
                    }
                    builders[i] = builder
                    types[i] = type
                    pending[i] = []
                }
                schema = Schema(zip(names, types).map { Field($0, $1!) })
            }
            let columns = builders.map { $0.finish() }
            try body(try Table(schema: schema!, columns: columns))
            builders = types.map { ColumnBuilder(type: $0!, capacity: batchSize) }
            rows = 0
            batches += 1
        }

        while try statement.step() {
            for i in 0..<count {
                if let type = types[i] {
                    try readCell(handle, Int32(i), type, name: names[i], into: &builders[i])
                } else {
                    pending[i].append(readValue(handle, Int32(i)))
                }
            }
            rows += 1
            if rows == batchSize { try flush() }
        }
        if rows > 0 || batches == 0 { try flush() }
        return schema!
    }

    private func readValue(_ handle: OpaquePointer, _ i: Int32) -> Value {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: .int64(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: .float64(sqlite3_column_double(handle, i))
        case SQLITE_NULL: .null
        default: .string(String(cString: sqlite3_column_text(handle, i)))
        }
    }

    @inline(__always)
    private func readCell(_ handle: OpaquePointer, _ i: Int32, _ type: DataType, name: String, into builder: inout ColumnBuilder) throws {
        let storage = sqlite3_column_type(handle, i)
        if storage == SQLITE_NULL { builder.appendNull(); return }
        switch (type, storage) {
        case (.int64, SQLITE_INTEGER): builder.append(int64: sqlite3_column_int64(handle, i)); return
        case (.bool, SQLITE_INTEGER): builder.append(bool: sqlite3_column_int64(handle, i) != 0); return
        case (.float64, SQLITE_INTEGER), (.float64, SQLITE_FLOAT): builder.append(float64: sqlite3_column_double(handle, i)); return
        case (.int64, SQLITE_FLOAT):
            let v = sqlite3_column_double(handle, i)
            if let exact = Int64(exactly: v) { builder.append(int64: exact); return }
        case (.binary, _):
            let n = Int(sqlite3_column_bytes(handle, i))
            builder.append(bytes: UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, i), count: n)); return
        default: break
        }
        // Text (or a conversion of it): parse with the same scalar parsers as CSV.
        let text = sqlite3_column_text(handle, i)!
        let n = Int(sqlite3_column_bytes(handle, i))
        let ok: Bool
        switch type {
        case .string:
            builder.append(utf8: UnsafeRawBufferPointer(start: text, count: n)); return
        case .int64: if let v = ScalarParser.int64(text, n) { builder.append(int64: v); ok = true } else { ok = false }
        case .float64: if let v = ScalarParser.float64(text, n) { builder.append(float64: v); ok = true } else { ok = false }
        case .bool: if let v = ScalarParser.bool(text, n) { builder.append(bool: v); ok = true } else { ok = false }
        case .date: if let v = ScalarParser.date(text, n) { builder.append(date: v); ok = true } else { ok = false }
        case .timestamp:
            if let v = ScalarParser.timestamp(text, n) { builder.append(timestamp: v); ok = true } else if let d = ScalarParser.date(text, n) {
                builder.append(timestamp: Int64(d) * 86_400_000_000); ok = true
            } else { ok = false }
        case .decimal(let precision, let scale):
            // Exact text as Sluice stores it; an INTEGER or REAL cell arrives as SQLite's text of it.
            if let v = Decimal128.parse(text, n, scale: scale, precision: precision) { builder.append(decimal: v); ok = true } else { ok = false }
        case .binary: ok = false   // read above
        }
        if !ok {
            let shown = String(decoding: UnsafeRawBufferPointer(start: text, count: min(n, 40)), as: UTF8.self)
            throw SQLError(.unsupportedValue, message: "column \"\(name)\" is \(type), found \"\(shown)\" in row \(builder.count + 1) of a batch",
                           hint: "CAST the column in the query, e.g. CAST(\(name) AS TEXT)")
        }
    }

    func makeInserter(table: TableName, schema: Schema, exactTypes: Bool, onConflict: String?, copyFormat: CopyFormat) throws -> any BulkInserter {
        let columns = schema.fields.map { dialect.quote($0.name) }.joined(separator: ", ")
        let width = max(schema.count, 1)
        let rowByRow = try SQLiteInserter(columns: width) { rows in
            let values = (0..<rows).map { r in "(" + (1...width).map { dialect.placeholder(r * width + $0) }.joined(separator: ", ") + ")" }
            return try database.prepare("INSERT INTO \(dialect.quote(table)) (\(columns)) VALUES \(values.joined(separator: ", "))"
                                        + (onConflict.map { " " + $0 } ?? ""))
        }
        return try SQLiteBatchInserter(database: database, target: dialect.quote(table), columns: schema.fields.map { dialect.quote($0.name) },
                                       onConflict: onConflict, rowByRow: rowByRow)
    }
}
