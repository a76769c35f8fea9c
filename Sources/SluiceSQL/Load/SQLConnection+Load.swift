import SluiceCore
import SluiceFormats

extension SQLConnection {
    /// The arrival-order column of PostgreSQL's staging table.
    static let sequenceColumn = "__sluice_seq"
    /// The temporary table a load stages rows in when SQL must pick among them
    /// (PostgreSQL upserts; `on_duplicate: last`); never shown in messages.
    static let stagingName = "sluice_load_staging"

    /// Loads batches of rows into `table` in one transaction using `options.mode`.
    ///
    /// The table is created from `schema` when missing; with `.add` new columns of the
    /// data are added as nullable, with `.fail` they stop the load. A column whose type in
    /// the table differs from the data's stops the load naming both types. With key
    /// columns, a key on several rows is an error naming them (and nothing is written),
    /// or the last or first row wins (``LoadOptions/onDuplicate``). On any error — or if
    /// the process dies — the transaction rolls back and the table keeps its old rows.
    ///
    /// ```swift
    /// var reader = try TableFile.openReader(path: "users.csv")
    /// let summary = try connection.load(into: "users", schema: reader.schema,
    ///                                   options: LoadOptions(mode: .upsert, key: ["id"])) { try reader.next() }
    /// print(summary.counts)   // 99943 inserted, 0 updated, 0 unchanged
    /// ```
    /// - Parameters:
    ///   - table: The destination table: `name` or `schema.name` (see ``TableName``), each part quoted for the engine.
    ///   - schema: The schema of every batch.
    ///   - options: Mode, key, duplicate policy, partition, schema-change policy.
    ///   - progress: Called after each batch with the rows read so far.
    ///   - batches: Returns the next batch, nil at the end.
    /// - Returns: What was written: rows inserted, updated, unchanged and dropped as duplicates.
    /// - Throws: ``SQLError``: `.invalidArgument` (options), `.duplicateKey`, `.typeConflict`, `.schemaChange`, `.query`.
    @discardableResult
    public func load(into table: String, schema: Schema, options: LoadOptions, progress: ((Int) -> Void)? = nil,
                     batches: () throws -> Table?) throws -> LoadSummary {
        let name = try TableName(parsing: table)
        try validate(table: name, schema: schema, options: options)
        do {
            return try load(into: name, schema: schema, options: options, progress: progress, batches: batches)
        } catch var error as SQLError {
            // Staging tables are how a load works, not what the user named: speak of the table.
            for (hidden, shown) in [("\"temp\".", ""), ("\"pg_temp\".", ""), (name.name + "__sluice_staging", name.name), (Self.stagingName, name.name)] {
                error.message = error.message.replacing(hidden, with: shown)
                error.hint = error.hint?.replacing(hidden, with: shown)
            }
            throw error
        }
    }

    private func load(into name: TableName, schema: Schema, options: LoadOptions, progress: ((Int) -> Void)?,
                      batches: () throws -> Table?) throws -> LoadSummary {
        switch try loadIntoNewDatabase(name, schema: schema, options: options, progress: progress, batches: batches) {
        case .loaded(let summary):
            return summary
        case .notApplicable:
            return try loadWithSQL(into: name, schema: schema, options: options, progress: progress, batches: batches)
        case .replay(let collected):
            var next = 0
            return try loadWithSQL(into: name, schema: schema, options: options, progress: nil) {
                defer { next += 1 }
                return next < collected.count ? collected[next] : nil
            }
        }
    }

    /// Loads through SQL statements in one transaction (every case but a first load into a new SQLite file).
    private func loadWithSQL(into name: TableName, schema: Schema, options: LoadOptions, progress: ((Int) -> Void)?,
                             batches: () throws -> Table?) throws -> LoadSummary {
        let d = dialect
        let partitionValue = try options.partition.map { try parsePartitionValue($0, schema: schema) }
        let keyIndex = options.key.isEmpty ? nil : DuplicateKeyIndex(keyColumns: options.key.map { schema.index(of: $0)! }, schema: schema)
        try (engine as? SQLiteEngine)?.prepareForLoad()
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
                try emptyForReplace(name)
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
                if options.mode == .replacePartition, let partition = options.partition, let partitionValue {
                    try engine.execute("DELETE FROM \(d.quote(name)) WHERE \(d.quote(partition.column)) = \(d.placeholder(1))",
                                       parameters: [partitionValue])
                }
            }

            // Rows go through a temporary staging table when SQL must choose among them: the last row
            // of a repeated key is known only at the end, and PostgreSQL's COPY has no conflict clause.
            // Otherwise they go straight into the table (SQLite: one INSERT … SELECT … ON CONFLICT per batch
            // from the batch virtual table, see SQLiteBatchInserter).
            let keepLast = keyIndex != nil && options.onDuplicate == .last
            let staged = keepLast || (options.mode == .upsert && d.engine == .postgres)
            var insertTarget = target
            if staged {
                insertTarget = TableName(Self.stagingName, schema: d.engine == .sqlite ? "temp" : "pg_temp")
                try engine.execute("DROP TABLE IF EXISTS \(d.quote(insertTarget))", parameters: [])
                try engine.execute(d.createTableSQL(insertTarget, schema: schema, key: [], temporary: true), parameters: [])
                if d.engine == .postgres {
                    // Numbers rows in arrival order (SQLite's rowid already does).
                    try engine.execute("ALTER TABLE \(d.quote(insertTarget)) ADD COLUMN \(d.quote(Self.sequenceColumn)) BIGSERIAL", parameters: [])
                }
            }

            // Staging tables and tables created just now have exactly the data's column types; so
            // does an existing table whose every loaded column is declared as Sluice declares it
            // (PostgreSQL then takes binary COPY, no text conversion: a 1M-row replace 1.2 → 0.8 s).
            let exactTypes = insertTarget != name || summary.createdTable
                || (summary.addedColumns.isEmpty && nullOnly.isEmpty && existing.map { declaresExactly($0, schema) } ?? false)
            let columns = schema.fields.map { d.quote($0.name) }.joined(separator: ", ")
            let keyList = options.key.map(d.quote).joined(separator: ", ")
            let upsertAction = upsertClause(schema: schema, key: options.key, target: d.engine == .postgres ? "t" : nil)
            let conflictHint = "upsert needs a PRIMARY KEY or UNIQUE constraint on (\(keyList)) in \(d.quote(name)): "
                + "add one (CREATE UNIQUE INDEX ON \(d.quote(name)) (\(keyList))), or load once with --mode replace --key \(options.key.joined(separator: ","))"
            let directUpsert = options.mode == .upsert && !staged
            // SQLite counts upserted rows from its change counter and the row count before and after.
            let changesBefore = directUpsert ? sqliteTotalChanges() : 0
            let rowsBefore = directUpsert && !summary.createdTable ? try rowCount(of: name) : 0
            let inserter: any BulkInserter
            do {
                inserter = try engine.makeInserter(table: insertTarget, schema: schema, exactTypes: exactTypes,
                                                   onConflict: directUpsert ? "ON CONFLICT (\(keyList)) \(upsertAction)" : nil,
                                                   copyFormat: options.copyFormat)
            } catch var error as SQLError where directUpsert && error.message.contains("ON CONFLICT") {
                error.hint = conflictHint
                throw error
            }
            let partitionIndex = options.partition.flatMap { schema.index(of: $0.column) }
            var written = 0
            // Rows with float NaNs, which SQLite stores as NULL (counted for the summary).
            var nanRows: [(row: Int, count: Int)] = []
            try withKeysChecked(batches, schema: schema, keyIndex: keyIndex, dropRepeats: options.onDuplicate == .first) { next in
                while let checked = try next() {
                    let batch = checked.batch
                    if let partitionIndex, let partitionValue, let partition = options.partition {
                        try checkPartition(batch.columns[partitionIndex], equals: partitionValue, column: partition.column, rowsBefore: summary.rows)
                    }
                    for (index, error) in nullOnly where batch.columns[index].nullCount != batch.rowCount { throw error }
                    summary.rows += batch.rowCount
                    // After a duplicate under `error` nothing more is written: the rest is only read for the message.
                    if options.onDuplicate != .error || checked.duplicatesSoFar == 0 {
                        try inserter.insert(checked.rows)
                        written += checked.rows.rowCount
                        if d.engine == .sqlite {
                            // 1-based input rows, as the key index numbers them (`last` drops superseded ones below).
                            let before = written - checked.rows.rowCount
                            nanRows += checked.rows.nanRows().map { (row: before + $0.row + 1, count: $0.count) }
                        }
                    }
                    progress?(summary.rows)
                }
            }
            if let keyIndex, keyIndex.duplicateRows > 0, options.onDuplicate == .error {
                try? inserter.finish()
                throw duplicateKeyError(examples: keyIndex.examples, count: keyIndex.duplicateRows, keyNames: keyIndex.keyNames, table: name)
            }
            try inserter.finish()
            summary.duplicates = keyIndex?.duplicateRows ?? 0
            let superseded = keepLast ? Set(keyIndex?.supersededRows ?? []) : []
            summary.nanStoredAsNull = nanRows.reduce(0) { $0 + (superseded.contains($1.row) ? 0 : $1.count) }
            let kept = summary.rows - summary.duplicates

            if staged {
                // Staging rows are numbered as the input (rowid / the sequence column from 1): drop every
                // occurrence of a key but its last, then load the rest.
                let staging = d.quote(insertTarget)
                let rowNumber = d.engine == .sqlite ? "rowid" : d.quote(Self.sequenceColumn)
                if keepLast, let keyIndex {
                    let superseded = keyIndex.supersededRows
                    for start in stride(from: 0, to: superseded.count, by: 10_000) {
                        let chunk = superseded[start..<min(start + 10_000, superseded.count)].map(String.init).joined(separator: ", ")
                        try engine.execute("DELETE FROM \(staging) WHERE \(rowNumber) IN (\(chunk))", parameters: [])
                    }
                }
                // `WHERE true`: SQLite reads `… ON CONFLICT` after a bare FROM as a join constraint.
                let select = "SELECT \(columns) FROM \(staging) WHERE true ORDER BY \(rowNumber)"
                if options.mode == .upsert {
                    do {
                        (summary.inserted, summary.updated) = try upsert(into: name, columns: columns, select: select,
                                                                          conflict: "ON CONFLICT (\(keyList)) \(upsertAction)", created: summary.createdTable)
                    } catch var error as SQLError where existing != nil && (error.sqlState == "42P10" || error.message.contains("ON CONFLICT")) {
                        error.hint = conflictHint
                        throw error
                    }
                    summary.unchanged = kept - summary.inserted - summary.updated
                } else {
                    summary.inserted = try engine.execute("INSERT INTO \(d.quote(target)) (\(columns)) \(select)", parameters: [])
                }
                try engine.execute("DROP TABLE \(staging)", parameters: [])
            } else if directUpsert {
                let changes = sqliteTotalChanges() - changesBefore
                summary.inserted = summary.createdTable ? changes : try rowCount(of: name) - rowsBefore
                summary.updated = changes - summary.inserted
                summary.unchanged = written - changes
            } else {
                summary.inserted = written
            }

            if options.mode == .replace && target != name {
                try engine.execute("DROP TABLE IF EXISTS \(d.quote(name))", parameters: [])
                // The new name is unqualified on both engines: the table stays in its schema.
                try engine.execute("ALTER TABLE \(d.quote(target)) RENAME TO \(d.quote(name.name))", parameters: [])
                if d.engine == .postgres && !options.key.isEmpty {
                    // The primary key's index keeps the name it was created with: give it the table's.
                    try engine.execute("ALTER INDEX IF EXISTS \(d.quote(name.sibling(target.name + "_pkey"))) RENAME TO \(d.quote(name.name + "_pkey"))", parameters: [])
                }
            }
            try engine.execute("COMMIT", parameters: [])
            return summary
        } catch {
            try? engine.execute("ROLLBACK", parameters: [])
            throw error
        }
    }

    /// A batch with its keys recorded: the rows to insert (repeats dropped under `first`) and
    /// the repeated rows seen up to and including it.
    private struct CheckedBatch: Sendable {
        var batch: Table
        var rows: Table
        var duplicatesSoFar: Int
    }

    /// Calls `body` with the batches, each with its keys recorded in `keyIndex`. With a key the
    /// recording (and dropping repeats) runs one batch ahead on a worker thread while `body`
    /// inserts the current batch: the index is touched only by that thread until it is joined
    /// here, before this returns.
    private func withKeysChecked(_ batches: () throws -> Table?, schema: Schema, keyIndex: DuplicateKeyIndex?, dropRepeats: Bool,
                                 _ body: (() throws -> CheckedBatch?) throws -> Void) throws {
        func nextBatch(_ batches: () throws -> Table?) throws -> Table? {
            guard let batch = try batches() else { return nil }
            guard batch.schema == schema else {
                throw SQLError(.invalidArgument, message: "a batch has schema \(batch.schema), the load started with \(schema)")
            }
            return batch
        }
        try withoutActuallyEscaping(batches) { batches in
            guard let keyIndex else {
                try body { try nextBatch(batches).map { CheckedBatch(batch: $0, rows: $0, duplicatesSoFar: 0) } }
                return
            }
            var rowsBefore = 0
            let prefetcher = try BatchPrefetcher<CheckedBatch> {
                guard let batch = try nextBatch(batches) else { return nil }
                let repeats = keyIndex.record(batch, rowsBefore: rowsBefore)
                rowsBefore += batch.rowCount
                let rows = !repeats.isEmpty && dropRepeats ? try batch.removing(rows: repeats) : batch
                return CheckedBatch(batch: batch, rows: rows, duplicatesSoFar: keyIndex.duplicateRows)
            }
            defer { prefetcher.close() }
            try body { try prefetcher.next() }
        }
    }

    /// `DO UPDATE SET c = excluded.c, … WHERE (c, …) IS DISTINCT FROM (excluded.c, …)`: a row whose
    /// values are all equal is left alone (and counted unchanged); `DO NOTHING` when every column is key.
    private func upsertClause(schema: Schema, key: [String], target alias: String?) -> String {
        let d = dialect
        let others = schema.names.filter { !key.contains($0) }
        guard !others.isEmpty else { return "DO NOTHING" }
        let set = others.map { "\(d.quote($0)) = excluded.\(d.quote($0))" }.joined(separator: ", ")
        let current = others.map { (alias.map { $0 + "." } ?? "") + d.quote($0) }.joined(separator: ", ")
        let incoming = others.map { "excluded." + d.quote($0) }.joined(separator: ", ")
        // SQLite spells IS DISTINCT FROM as IS NOT (on row values since 3.15).
        let differs = d.engine == .sqlite ? "IS NOT" : "IS DISTINCT FROM"
        return "DO UPDATE SET \(set) WHERE (\(current)) \(differs) (\(incoming))"
    }

    /// Runs `INSERT … select … ON CONFLICT …` from the staging table; returns (inserted, updated).
    private func upsert(into name: TableName, columns: String, select: String, conflict: String, created: Bool) throws -> (Int, Int) {
        let d = dialect
        switch d.engine {
        case .sqlite:
            let before = created ? 0 : try rowCount(of: name)
            let changesBefore = sqliteTotalChanges()
            try engine.execute("INSERT INTO \(d.quote(name)) (\(columns)) \(select) \(conflict)", parameters: [])
            let changes = sqliteTotalChanges() - changesBefore
            let inserted = created ? changes : try rowCount(of: name) - before
            return (inserted, changes - inserted)
        case .postgres:
            // xmax is 0 on a row version this statement inserted, not on one it updated.
            let counts = try (engine as! PostgresEngine).values("""
                WITH r AS (INSERT INTO \(d.quote(name)) AS t (\(columns)) \(select) \(conflict) RETURNING (t.xmax = 0) AS fresh)
                SELECT COUNT(*) FILTER (WHERE fresh), COUNT(*) FILTER (WHERE NOT fresh) FROM r
                """)
            return (Int(counts[0] ?? "0") ?? 0, Int(counts[1] ?? "0") ?? 0)
        }
    }

    private func rowCount(of name: TableName) throws -> Int {
        let result = try extract(SQLTemplate("SELECT COUNT(*) FROM \(dialect.quote(name))"))
        if case .int64(let n) = result.columns[0].unsafeValue(at: 0) { return Int(n) }
        return 0
    }

    /// SQLite's count of rows inserted, updated or deleted on this connection (0 elsewhere).
    private func sqliteTotalChanges() -> Int {
        (engine as? SQLiteEngine)?.totalChanges ?? 0
    }

    /// The error of a load under `on_duplicate: error`: `count` repeated rows, the first few as `examples`.
    func duplicateKeyError(examples: [DuplicateKeyIndex.Example], count: Int, keyNames: [String], table: TableName) -> SQLError {
        let shown = examples.map { "\($0.key) (rows \($0.firstRow) and \($0.repeatRow))" }.joined(separator: "; ")
        let more = count > examples.count ? "; …" : ""
        let keys = keyNames.count == 1 ? "key \(keyNames[0])" : "key (\(keyNames.joined(separator: ", ")))"
        return SQLError(.duplicateKey,
                        message: "load into \"\(table)\": \(count) row\(count == 1 ? " repeats" : "s repeat") the \(keys) of an earlier row: \(shown)\(more); nothing was written",
                        hint: "remove the duplicates, or choose which row wins: --on-duplicate last (or first); in a pipeline, on_duplicate: last")
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

    func parsePartitionValue(_ partition: (column: String, value: String), schema: Schema) throws -> Value {
        guard let field = schema.field(named: partition.column) else { return .string(partition.value) }
        guard let value = ScalarParser.value(partition.value, as: field.type), !value.isNull else {
            throw SQLError(.invalidArgument, message: "partition value \"\(partition.value)\" is not a \(field.type) (column \"\(field.name)\")")
        }
        return value
    }

    /// Every row must be in the partition, or a rerun would not converge.
    func checkPartition(_ column: Column, equals value: Value, column name: String, rowsBefore: Int) throws {
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
            return dialect.accepts(field.type, intoColumnOf: tableType) || field.type == .string
        }
    }

    /// Throws when a view (or, on PostgreSQL, any object) depends on `table`, which a
    /// rebuilding replace would drop or break.
    /// Whether every field of `schema` is a column of `existing` declared with exactly the
    /// PostgreSQL type Sluice gives that field (`format_type`'s spelling): binary COPY needs
    /// the exact type (an `integer` or `timestamptz` column takes text COPY instead).
    private func declaresExactly(_ existing: [(name: String, declaredType: String)], _ schema: Schema) -> Bool {
        guard dialect.engine == .postgres else { return false }
        let declared = Dictionary(existing.map { ($0.name, $0.declaredType) }, uniquingKeysWith: { a, _ in a })
        return schema.fields.allSatisfy { field in
            let wanted: String
            switch field.type {
            case .bool: wanted = "boolean"
            case .int64: wanted = "bigint"
            case .float64: wanted = "double precision"
            case .string: wanted = "text"
            case .date: wanted = "date"
            case .timestamp: wanted = "timestamp without time zone"
            case .binary: wanted = "bytea"
            case .decimal: return false   // decimals go as exact text anyway
            }
            return declared[field.name] == wanted
        }
    }

    /// Empties `table` for a replace that keeps it, inside the load's transaction (undone if
    /// the load fails). SQLite's `DELETE FROM` without a condition truncates. On PostgreSQL a
    /// `DELETE` of every row leaves them all as dead tuples (a 1M-row replace took 2.5× as
    /// long as `TRUNCATE`), so the table is truncated — the same exclusive lock the rebuilding
    /// replace takes — unless row-level `ON DELETE` triggers must see the rows, or `TRUNCATE`
    /// is refused (a foreign key refers to the table, no TRUNCATE privilege): then `DELETE`.
    private func emptyForReplace(_ table: TableName) throws {
        let d = dialect
        let delete = "DELETE FROM \(d.quote(table))"
        guard d.engine == .postgres else { _ = try engine.execute(delete, parameters: []); return }
        let triggers = try extract(SQLTemplate("""
            SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass({{ q }}) AND NOT tgisinternal AND (tgtype & 8) <> 0
            """), parameters: ["q": .string(d.quote(table))])
        if case .int64(let n) = triggers.columns[0].unsafeValue(at: 0), n > 0 { _ = try engine.execute(delete, parameters: []); return }
        _ = try engine.execute("SAVEPOINT sluice_replace", parameters: [])
        do {
            _ = try engine.execute("TRUNCATE \(d.quote(table))", parameters: [])
            _ = try engine.execute("RELEASE SAVEPOINT sluice_replace", parameters: [])
        } catch {
            _ = try engine.execute("ROLLBACK TO SAVEPOINT sluice_replace", parameters: [])
            _ = try engine.execute(delete, parameters: [])
        }
    }

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
            if dialect.accepts(field.type, intoColumnOf: tableType) { continue }
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

extension Table {
    /// The table without the rows at `rows` (ascending, 0-based).
    fileprivate func removing(rows: [Int]) throws -> Table {
        var keep: [Int] = []
        keep.reserveCapacity(rowCount - rows.count)
        var next = 0
        for row in 0..<rowCount {
            if next < rows.count && rows[next] == row { next += 1 } else { keep.append(row) }
        }
        return try Table(schema: schema, columns: columns.map { $0.gathering(keep) })
    }
}
