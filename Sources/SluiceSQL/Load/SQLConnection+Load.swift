import SluiceCore
import SluiceFormats

extension SQLConnection {
    /// The arrival-order column of PostgreSQL's upsert staging table.
    static let sequenceColumn = "__sluice_seq"

    /// Loads batches of rows into `table` in one transaction using `options.mode`.
    ///
    /// The table is created from `schema` when missing; with `.add` new columns of the
    /// data are added as nullable, with `.fail` they stop the load. A column whose type in
    /// the table differs from the data's stops the load naming both types. On any error —
    /// or if the process dies — the transaction rolls back and the table keeps its old rows.
    ///
    /// ```swift
    /// var reader = try TableFile.openReader(path: "users.csv")
    /// let summary = try connection.load(into: "users", schema: reader.schema,
    ///                                   options: LoadOptions(mode: .upsert, key: ["id"])) { try reader.next() }
    /// ```
    /// - Parameters:
    ///   - table: The destination table: `name` or `schema.name` (see ``TableName``), each part quoted for the engine.
    ///   - schema: The schema of every batch.
    ///   - options: Mode, key, partition, schema-change policy.
    ///   - progress: Called after each batch with the rows written so far.
    ///   - batches: Returns the next batch, nil at the end.
    /// - Throws: ``SQLError``: `.invalidArgument` (options), `.typeConflict`, `.schemaChange`, `.query`.
    @discardableResult
    public func load(into table: String, schema: Schema, options: LoadOptions, progress: ((Int) -> Void)? = nil,
                     batches: () throws -> Table?) throws -> LoadSummary {
        let name = try TableName(parsing: table)
        try validate(table: name, schema: schema, options: options)
        let d = dialect
        let partitionValue = try options.partition.map { try parsePartitionValue($0, schema: schema) }
        try engine.execute(d.beginSQL, parameters: [])
        do {
            var summary = LoadSummary(rows: 0, createdTable: false, addedColumns: [])
            let existing = try columns(of: name)
            var target = name
            // Data columns typed string only because every value seen was null (CSV inference of an empty
            // column) may go into a typed column while they stay all null: checked per batch.
            var nullOnly: [(index: Int, error: SQLError)] = []
            switch options.mode {
            case .replace where existing.map({ canReplaceInPlace(existing: $0, schema: schema) }) ?? false:
                // The table stays what it was — key, NOT NULL/CHECK, indexes, triggers, grants, the
                // views on it — and only its rows change, in this one transaction.
                try engine.execute("DELETE FROM \(d.quote(name))", parameters: [])
                (_, nullOnly) = try evolve(name, existing: existing!, schema: schema, policy: .fail)
            case .replace:
                // New columns or types: the table is rebuilt from the data, unless something depends on it.
                if existing != nil { try checkNoDependents(of: name) }
                target = name.sibling(name.name + "__sluice_staging")
                try engine.execute("DROP TABLE IF EXISTS \(d.quote(target))", parameters: [])
                try engine.execute(d.createTableSQL(target, schema: schema, key: options.key), parameters: [])
                summary.createdTable = try columns(of: name) == nil
            case .append, .upsert, .replacePartition:
                if let existing {
                    (summary.addedColumns, nullOnly) = try evolve(name, existing: existing, schema: schema, policy: options.onSchemaChange)
                } else {
                    try engine.execute(d.createTableSQL(name, schema: schema, key: options.mode == .upsert ? options.key : []), parameters: [])
                    summary.createdTable = true
                }
                // SQLite upserts row by row in arrival order (the last row of a repeated key wins) straight
                // into the table; PostgreSQL's COPY has no conflict clause, so it goes through a staging table.
                if options.mode == .upsert && d.engine == .postgres {
                    target = TableName("sluice_upsert_staging")   // temporary: no schema
                    try engine.execute("DROP TABLE IF EXISTS \(d.quote(target))", parameters: [])
                    try engine.execute(d.createTableSQL(target, schema: schema, key: [], temporary: true), parameters: [])
                    if d.engine == .postgres {
                        // Numbers rows in arrival order so the last row of a repeated key wins (as on SQLite).
                        try engine.execute("ALTER TABLE \(d.quote(target)) ADD COLUMN \(d.quote(Self.sequenceColumn)) BIGSERIAL", parameters: [])
                    }
                }
                if options.mode == .replacePartition, let partition = options.partition, let partitionValue {
                    try engine.execute("DELETE FROM \(d.quote(name)) WHERE \(d.quote(partition.column)) = \(d.placeholder(1))",
                                       parameters: [partitionValue])
                }
            }

            // Staging tables and tables created just now have exactly the data's column types.
            let exactTypes = target != name || summary.createdTable
            let columns = schema.fields.map { d.quote($0.name) }.joined(separator: ", ")
            let updates = schema.names.filter { !options.key.contains($0) }.map { "\(d.quote($0)) = excluded.\(d.quote($0))" }
            let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
            let keyList = options.key.map(d.quote).joined(separator: ", ")
            let conflictHint = "upsert needs a PRIMARY KEY or UNIQUE constraint on (\(keyList)) in \(d.quote(name)): "
                + "add one (CREATE UNIQUE INDEX ON \(d.quote(name)) (\(keyList))), or load once with --mode replace --key \(options.key.joined(separator: ","))"
            let directUpsert = options.mode == .upsert && d.engine == .sqlite
            let inserter: any BulkInserter
            do {
                inserter = try engine.makeInserter(table: target, schema: schema, exactTypes: exactTypes,
                                                   onConflict: directUpsert ? "ON CONFLICT (\(keyList)) \(action)" : nil,
                                                   copyFormat: options.copyFormat)
            } catch var error as SQLError where directUpsert && error.message.contains("ON CONFLICT") {
                error.hint = conflictHint
                throw error
            }
            let partitionIndex = options.partition.flatMap { schema.index(of: $0.column) }
            while let batch = try batches() {
                guard batch.schema == schema else {
                    throw SQLError(.invalidArgument, message: "a batch has schema \(batch.schema), the load started with \(schema)")
                }
                if let partitionIndex, let partitionValue, let partition = options.partition {
                    try checkPartition(batch.columns[partitionIndex], equals: partitionValue, column: partition.column, rowsBefore: summary.rows)
                }
                for (index, error) in nullOnly where batch.columns[index].nullCount != batch.rowCount { throw error }
                try inserter.insert(batch)
                summary.rows += batch.rowCount
                progress?(summary.rows)
            }
            try inserter.finish()

            switch options.mode {
            case .replace where target == name:
                break
            case .replace:
                try engine.execute("DROP TABLE IF EXISTS \(d.quote(name))", parameters: [])
                // The new name is unqualified on both engines: the table stays in its schema.
                try engine.execute("ALTER TABLE \(d.quote(target)) RENAME TO \(d.quote(name.name))", parameters: [])
            case .upsert where d.engine == .postgres:
                do {
                    // A key repeated in the data: the last row wins. PostgreSQL rejects touching a row twice in
                    // one statement, so keep only each key's last row.
                    let select = "SELECT DISTINCT ON (\(keyList)) \(columns) FROM \(d.quote(target)) ORDER BY \(keyList), \(d.quote(Self.sequenceColumn)) DESC"
                    try engine.execute("INSERT INTO \(d.quote(name)) (\(columns)) \(select) ON CONFLICT (\(keyList)) \(action)", parameters: [])
                } catch var error as SQLError where existing != nil && error.sqlState == "42P10" {
                    error.hint = conflictHint
                    throw error
                }
                try engine.execute("DROP TABLE \(d.quote(target))", parameters: [])
            case .upsert:
                break
            case .append, .replacePartition:
                break
            }
            try engine.execute("COMMIT", parameters: [])
            return summary
        } catch {
            try? engine.execute("ROLLBACK", parameters: [])
            throw error
        }
    }

    /// Loads one table; see ``load(into:schema:options:progress:batches:)``.
    @discardableResult
    public func load(_ data: Table, into table: String, options: LoadOptions) throws -> LoadSummary {
        var pending: Table? = data
        return try load(into: table, schema: data.schema, options: options) {
            defer { pending = nil }
            return pending
        }
    }

    /// Loads a table file (CSV, JSON Lines) batch by batch, so memory stays bounded.
    @discardableResult
    public func load(file path: String, format: FileFormat? = nil, readOptions: ReadOptions = ReadOptions(), into table: String,
                     options: LoadOptions, progress: ((Int) -> Void)? = nil) throws -> LoadSummary {
        var reader = try TableFile.openReader(path: path, format: format, options: readOptions)
        let schema = reader.schema
        // The file is parsed one batch ahead on another thread while this one inserts.
        let prefetcher = try BatchPrefetcher { try reader.next() }
        defer { prefetcher.close() }
        return try load(into: table, schema: schema, options: options, progress: progress) { try prefetcher.next() }
    }

    private func validate(table: TableName, schema: Schema, options: LoadOptions) throws {
        let identifiers = [table.schema, table.name].compactMap { $0 } + schema.names
        for name in identifiers where name.isEmpty || name.utf8.contains(0) {
            throw SQLError(.invalidArgument, message: "identifier \"\(name)\" is empty or contains a NUL byte")
        }
        // PostgreSQL silently truncates longer names, which would load into a different table or column.
        if dialect.engine == .postgres, let long = identifiers.first(where: { $0.utf8.count > 63 }) {
            throw SQLError(.invalidArgument, message: "identifier \"\(long)\" is longer than PostgreSQL's 63 bytes",
                           hint: "rename it (e.g. --table, or the file's column header)")
        }
        guard schema.count > 0 else { throw SQLError(.invalidArgument, message: "the data has no columns to load into \"\(table)\"") }
        func requireColumn(_ name: String, _ role: String) throws {
            guard schema.index(of: name) != nil else {
                throw SQLError(.invalidArgument, message: "\(role) column \"\(name)\" is not in the data",
                               hint: suggestion(for: name, among: schema.names).map { "did you mean \($0)?" } ?? "columns: \(schema.names.joined(separator: ", "))")
            }
        }
        switch options.mode {
        case .upsert:
            guard !options.key.isEmpty else {
                throw SQLError(.invalidArgument, message: "mode upsert needs key columns", hint: "pass --key id (comma-separated for several)")
            }
            for key in options.key { try requireColumn(key, "key") }
        case .replacePartition:
            guard let partition = options.partition else {
                throw SQLError(.invalidArgument, message: "mode replace_partition needs a partition", hint: "pass --partition ds=2024-01-02")
            }
            try requireColumn(partition.column, "partition")
        case .append, .replace:
            for key in options.key { try requireColumn(key, "key") }
        }
    }

    private func parsePartitionValue(_ partition: (column: String, value: String), schema: Schema) throws -> Value {
        guard let field = schema.field(named: partition.column) else { return .string(partition.value) }
        guard let value = ScalarParser.value(partition.value, as: field.type), !value.isNull else {
            throw SQLError(.invalidArgument, message: "partition value \"\(partition.value)\" is not a \(field.type) (column \"\(field.name)\")")
        }
        return value
    }

    /// Every row must be in the partition, or a rerun would not converge.
    private func checkPartition(_ column: Column, equals value: Value, column name: String, rowsBefore: Int) throws {
        var bad: Int?
        switch (column.type, value) {
        case (.string, .string(let text)):
            let wanted = Array(text.utf8)
            let strings = column.unsafeStrings()
            for row in 0..<column.count where column.isNull(row) || !strings[row].elementsEqual(wanted) { bad = row; break }
        case (.int64, .int64(let v)):
            let values = column.unsafeValuesAddress(as: Int64.self)
            for row in 0..<column.count where column.isNull(row) || values[row] != v { bad = row; break }
        case (.date, .date(let v)):
            let values = column.unsafeValuesAddress(as: Int32.self)
            for row in 0..<column.count where column.isNull(row) || values[row] != v { bad = row; break }
        default:
            for row in 0..<column.count where column.unsafeValue(at: row) != value { bad = row; break }
        }
        if let bad {
            throw SQLError(.invalidArgument,
                           message: "row \(rowsBefore + bad + 1) has \(name) = \(column.unsafeValue(at: bad)), outside the partition \(name) = \(value)",
                           hint: "load only the partition's rows, or use --mode upsert")
        }
    }

    /// Checks column types and adds missing columns; returns the added names, and the string
    /// columns that conflict unless all their values are null (with the error to throw if not).
    /// Whether a replace can keep the existing table: every data column is one of its
    /// columns with the same type (an int into a float column; all-null text is checked per batch).
    private func canReplaceInPlace(existing: [(name: String, declaredType: String)], schema: Schema) -> Bool {
        schema.fields.allSatisfy { field in
            guard let column = existing.first(where: { $0.name == field.name }) else { return false }
            guard let tableType = dialect.dataType(declared: column.declaredType) else { return true }
            return tableType == field.type || (tableType == .float64 && field.type == .int64) || field.type == .string
        }
    }

    /// Throws when a view (or, on PostgreSQL, any object) depends on `table`, which a
    /// rebuilding replace would drop or break.
    private func checkNoDependents(of table: TableName) throws {
        let dependents: Table
        switch dialect.engine {
        case .sqlite:
            // SQLite drops a table under its views and breaks them silently: find them by name.
            dependents = try extract(SQLTemplate("""
                SELECT name FROM sqlite_master WHERE type IN ('view', 'trigger') AND tbl_name <> {{ t }}
                  AND (instr(lower(sql), lower({{ q }})) > 0 OR instr(lower(sql), lower({{ t }})) > 0)
                """), parameters: ["t": .string(table.name), "q": .string(dialect.quote(table))])
        case .postgres:
            dependents = try extract(SQLTemplate("""
                SELECT DISTINCT v.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                  JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = to_regclass({{ q }}) AND v.oid <> d.refobjid
                """), parameters: ["q": .string(dialect.quote(table))])
        }
        guard dependents.rowCount > 0 else { return }
        let names = (0..<dependents.rowCount).map { row -> String in
            if case .string(let name) = dependents.row(row)[0] { return "\"\(name)\"" }
            return "\(dependents.row(row)[0])"
        }.joined(separator: ", ")
        throw SQLError(.schemaChange,
                       message: "replace \"\(table)\": the data's columns differ from the table's, so the table would be rebuilt, but \(names) depends on it",
                       hint: "load data with the table's columns and types (replace then keeps the table), or drop \(names) first and recreate it after the load")
    }

    private func evolve(_ table: TableName, existing: [(name: String, declaredType: String)], schema: Schema,
                        policy: SchemaChangePolicy) throws -> ([String], [(index: Int, error: SQLError)]) {
        var missing: [Field] = []
        var nullOnly: [(index: Int, error: SQLError)] = []
        for (index, field) in schema.fields.enumerated() {
            guard let column = existing.first(where: { $0.name == field.name }) else { missing.append(field); continue }
            guard let tableType = dialect.dataType(declared: column.declaredType) else { continue }
            if tableType == field.type || (tableType == .float64 && field.type == .int64) { continue }
            let error = SQLError(.typeConflict,
                                 message: "load into \"\(table)\": column \"\(field.name)\" is \(column.declaredType) (\(tableType)) in the table, the data has \(field.type)",
                                 hint: "convert the column in the data (e.g. --schema \(field.name):\(tableType)) or alter the table")
            if field.type == .string { nullOnly.append((index, error)); continue }
            throw error
        }
        guard !missing.isEmpty else { return ([], nullOnly) }
        if policy == .fail {
            throw SQLError(.schemaChange,
                           message: "load into \"\(table)\": the data has column\(missing.count == 1 ? "" : "s") \(missing.map { "\"\($0.name)\"" }.joined(separator: ", ")) the table lacks",
                           hint: "pass --on-schema-change add to add them as nullable columns")
        }
        for field in missing {
            try engine.execute("ALTER TABLE \(dialect.quote(table)) ADD COLUMN \(dialect.quote(field.name)) \(dialect.columnType(for: field.type))", parameters: [])
        }
        return (missing.map(\.name), nullOnly)
    }
}
