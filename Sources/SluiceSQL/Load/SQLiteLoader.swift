import SluiceCore
import SluiceFormats

/// Loads tables into a SQLite database, in one transaction per load.
///
/// The destination table is created from the data's schema when missing; columns
/// the table lacks are added (or refused, per ``LoadOptions/onSchemaChange``); a
/// column whose declared type cannot hold the data's type is an error naming both.
/// Rows go through one prepared `INSERT`, reused for every row, with strings bound
/// straight from the column buffers (no copies).
///
/// Loading the same data twice with `upsert` or `replace_partition` leaves the
/// table as loading it once; if the process dies mid-load, the transaction never
/// commits and the table keeps its old contents.
///
/// ```swift
/// let db = try SQLiteConnection(path: "warehouse.db")
/// var reader = try TableFile.openReader(path: "user_analytics.csv")
/// let summary = try SQLiteLoader.load(from: &reader, into: db, table: "user_analytics",
///                                     options: LoadOptions(mode: .upsert, key: ["id"]))
/// ```
public enum SQLiteLoader {
    /// Loads every batch of `reader` into `table`.
    ///
    /// - Throws: ``SQLError`` (type conflicts, missing keys, the database's own
    ///   errors) or the reader's ``FormatError``; either way nothing is committed.
    public static func load(from reader: inout any TableReader, into db: SQLiteConnection, table: String,
                            options: LoadOptions) throws -> LoadSummary {
        let schema = reader.schema
        try validate(schema, options: options, connection: db.name)
        return try db.transaction {
            var summary = LoadSummary()
            let existing = try db.columns(of: table)
            var target = table
            if options.mode == .replace {
                target = "sluice_staging_" + table
                try db.execute("DROP TABLE IF EXISTS \(quoteIdentifier(target))")
                try create(target, schema: schema, key: options.key, db: db)
                summary.createdTable = existing == nil
            } else if let existing {
                summary.addedColumns = try evolve(table, existing: existing, schema: schema, options: options, db: db)
            } else {
                try create(table, schema: schema, key: options.key, db: db)
                summary.createdTable = true
            }
            if options.mode == .upsert {
                let columns = options.key.map(quoteIdentifier).joined(separator: ", ")
                do {
                    try db.execute("CREATE UNIQUE INDEX IF NOT EXISTS \(quoteIdentifier("sluice_key_" + table)) ON \(quoteIdentifier(table)) (\(columns))")
                } catch var error as SQLError {
                    error.message = "cannot upsert on (\(options.key.joined(separator: ", "))): table \"\(table)\" already has rows with the same key (\(error.message))"
                    error.hint = "remove the duplicates from the table, or load with --mode replace first"
                    throw error
                }
            }
            var partitionValue: Value?
            if options.mode == .replacePartition, let partition = options.partition {
                let value = try typedPartitionValue(partition, schema: schema, connection: db.name)
                partitionValue = value
                let delete = try db.prepare("DELETE FROM \(quoteIdentifier(table)) WHERE \(quoteIdentifier(partition.column)) = ?1")
                try bind(value, at: 1, to: delete)
                try delete.step()
                summary.deletedRows = try changes(db)
            }
            let insert = try db.prepare(insertSQL(target, schema: schema, options: options))
            while let batch = try reader.next() {
                if let partition = options.partition, let partitionValue {
                    try checkPartition(batch, column: partition.column, value: partitionValue, rowsBefore: summary.rows, connection: db.name)
                }
                try insertRows(of: batch, with: insert)
                summary.rows += batch.rowCount
            }
            if options.mode == .replace {
                if existing != nil {
                    summary.deletedRows = try count(table, db: db)
                    try db.execute("DROP TABLE \(quoteIdentifier(table))")
                }
                try db.execute("ALTER TABLE \(quoteIdentifier(target)) RENAME TO \(quoteIdentifier(table))")
            }
            return summary
        }
    }

    /// Loads one table (a convenience over ``load(from:into:table:options:)``).
    public static func load(_ data: Table, into db: SQLiteConnection, table: String, options: LoadOptions) throws -> LoadSummary {
        var reader: any TableReader = SingleTableReader(table: data)
        return try load(from: &reader, into: db, table: table, options: options)
    }

    // MARK: Checks and DDL

    static func validate(_ schema: Schema, options: LoadOptions, connection: String) throws {
        func require(_ column: String, for what: String) throws {
            guard schema.index(of: column) != nil else {
                throw SQLError(.missingKey, connection: connection,
                               message: "\(what) column \"\(column)\" is not in the data (columns: \(schema.names.joined(separator: ", ")))",
                               hint: suggestion(for: column, among: schema.names).map { "did you mean `\($0)`?" })
            }
        }
        switch options.mode {
        case .upsert:
            guard !options.key.isEmpty else {
                throw SQLError(.invalidOption, connection: connection, message: "upsert needs key columns", hint: "pass --key id (or several: --key a,b)")
            }
            for column in options.key { try require(column, for: "key") }
        case .replacePartition:
            guard let partition = options.partition else {
                throw SQLError(.invalidOption, connection: connection, message: "replace_partition needs a partition",
                               hint: "pass --partition column=value, e.g. --partition ds=2024-01-02")
            }
            try require(partition.column, for: "partition")
        case .append, .replace:
            break
        }
    }

    static func create(_ table: String, schema: Schema, key: [String], db: SQLiteConnection) throws {
        var parts = schema.fields.map { "\(quoteIdentifier($0.name)) \(SQLiteTypes.declaredType(for: $0.type))" }
        if !key.isEmpty { parts.append("PRIMARY KEY (\(key.map(quoteIdentifier).joined(separator: ", ")))") }
        try db.execute("CREATE TABLE \(quoteIdentifier(table)) (\(parts.joined(separator: ", ")))")
    }

    /// Adds the data's new columns (or refuses), and checks the shared ones' types.
    static func evolve(_ table: String, existing: [(name: String, declaredType: String)], schema: Schema,
                       options: LoadOptions, db: SQLiteConnection) throws -> [String] {
        var declared: [String: String] = [:]
        for column in existing { declared[column.name] = column.declaredType }
        var added: [String] = []
        for field in schema.fields {
            if let type = declared[field.name] {
                guard SQLiteTypes.accepts(type, field.type) else {
                    throw SQLError(.typeConflict, connection: db.name,
                                   message: "table \"\(table)\" column \"\(field.name)\" is \(type), the data has \(field.type)",
                                   hint: "load into a new table, or declare the data's type with --schema \(field.name):…")
                }
            } else {
                added.append(field.name)
            }
        }
        if !added.isEmpty && options.onSchemaChange == .fail {
            throw SQLError(.schemaChange, connection: db.name,
                           message: "the data has columns table \"\(table)\" lacks: \(added.joined(separator: ", "))",
                           hint: "add them with --on-schema-change add, or drop them from the data")
        }
        for name in added {
            let type = schema.field(named: name)!.type
            try db.execute("ALTER TABLE \(quoteIdentifier(table)) ADD COLUMN \(quoteIdentifier(name)) \(SQLiteTypes.declaredType(for: type))")
        }
        return added
    }

    static func insertSQL(_ table: String, schema: Schema, options: LoadOptions) -> String {
        let names = schema.names.map(quoteIdentifier)
        let placeholders = (1...Swift.max(schema.count, 1)).map { "?\($0)" }.prefix(schema.count)
        var sql = "INSERT INTO \(quoteIdentifier(table)) (\(names.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))"
        if options.mode == .upsert {
            let keys = Set(options.key)
            let updates = schema.names.filter { !keys.contains($0) }.map { "\(quoteIdentifier($0)) = excluded.\(quoteIdentifier($0))" }
            sql += " ON CONFLICT (\(options.key.map(quoteIdentifier).joined(separator: ", "))) "
            sql += updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
        }
        return sql
    }

    /// The partition value read as the partition column's type (`2024-01-02` is a
    /// date, or midnight for a timestamp column).
    static func typedPartitionValue(_ partition: (column: String, value: String), schema: Schema, connection: String) throws -> Value {
        let type = schema.field(named: partition.column)!.type
        guard let value = ScalarParser.value(partition.value, as: type) else {
            throw SQLError(.invalidOption, connection: connection,
                           message: "partition value \"\(partition.value)\" is not a \(type), the type of column \"\(partition.column)\"")
        }
        return value
    }

    /// Every row must belong to the partition, or a rerun would not replace it.
    static func checkPartition(_ batch: Table, column name: String, value: Value, rowsBefore: Int, connection: String) throws {
        let column = try batch.column(name)
        for row in 0..<batch.rowCount {
            let found = column.unsafeValue(at: row)
            if found != value {
                throw SQLError(.invalidOption, connection: connection,
                               message: "row \(rowsBefore + row + 1) has \(name) = \(found), outside the partition \(name) = \(value)",
                               hint: "load only this partition's rows, or use --mode upsert")
            }
        }
    }

    /// Binds one value in the form its column stores it (see ``SQLiteTypes``).
    static func bind(_ value: Value, at index: Int32, to statement: SQLiteStatement) throws {
        switch value {
        case .null: try statement.bindNull(at: index)
        case .bool(let v): try statement.bind(int64: v ? 1 : 0, at: index)
        case .int64(let v): try statement.bind(int64: v, at: index)
        case .float64(let v): try statement.bind(double: v, at: index)
        case .string(let v): try statement.bind(text: v, at: index)
        case .date, .timestamp: try statement.bind(text: value.description, at: index)
        }
    }

    // MARK: Rows

    static func insertRows(of batch: Table, with insert: SQLiteStatement) throws {
        let columns = batch.columns
        // Dates and timestamps are formatted into one scratch buffer per row, sized
        // up front so it never moves while SQLite holds pointers into it.
        var scratch = ByteWriter(capacity: 64 * Swift.max(columns.count, 1))
        defer { scratch.deallocate() }
        try withExtendedLifetime(batch) {
            let strings = columns.map { $0.type == .string ? $0.unsafeStrings() : nil }
            for row in 0..<batch.rowCount {
                scratch.count = 0
                for (c, column) in columns.enumerated() {
                    let index = Int32(c + 1)
                    if let validity = column.validity, !validity.isValid(row) {
                        try insert.bindNull(at: index)
                        continue
                    }
                    switch column.type {
                    case .int64: try insert.bind(int64: column.unsafeValuesAddress(as: Int64.self)[row], at: index)
                    case .float64: try insert.bind(double: column.unsafeValuesAddress(as: Double.self)[row], at: index)
                    case .bool: try insert.bind(int64: Int64(column.unsafeValuesAddress(as: UInt8.self)[row]), at: index)
                    case .string:
                        let bytes = strings[c]![row]
                        try insert.bind(utf8: bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: bytes.count, at: index)
                    case .date:
                        let start = scratch.count
                        scratch.put(date: column.unsafeValuesAddress(as: Int32.self)[row])
                        try insert.bind(utf8: scratch.base + start, count: scratch.count - start, at: index)
                    case .timestamp:
                        let start = scratch.count
                        scratch.put(timestamp: column.unsafeValuesAddress(as: Int64.self)[row])
                        try insert.bind(utf8: scratch.base + start, count: scratch.count - start, at: index)
                    }
                }
                try insert.step()
                insert.reset()
            }
        }
    }

    static func changes(_ db: SQLiteConnection) throws -> Int {
        let statement = try db.prepare("SELECT changes()")
        try statement.step()
        return Int(statement.int64(at: 0))
    }

    static func count(_ table: String, db: SQLiteConnection) throws -> Int {
        let statement = try db.prepare("SELECT count(*) FROM \(quoteIdentifier(table))")
        try statement.step()
        return Int(statement.int64(at: 0))
    }
}

/// A reader over one in-memory table: one batch, then the end.
struct SingleTableReader: TableReader {
    let table: Table
    var done = false
    var schema: Schema { table.schema }
    var report: ReadReport { ReadReport() }
    mutating func next() throws -> Table? {
        if done { return nil }
        done = true
        return table
    }
}
