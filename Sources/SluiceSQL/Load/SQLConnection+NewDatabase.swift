#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

extension SQLConnection {
    /// What ``loadIntoNewDatabase(_:schema:options:progress:batches:)`` did.
    enum NewDatabaseLoad {
        /// The rows are in the new database.
        case loaded(LoadSummary)
        /// Not a first load into a new SQLite file: nothing was read.
        case notApplicable
        /// The batches were read but must go through SQL (a null key, or another
        /// connection wrote to the file first): here they are, in order.
        case replay([Table])
    }

    /// A first load into a new SQLite file (one SQLite created empty on open) writes the
    /// database file itself (``SQLiteImageWriter``) and puts it in place of the empty one
    /// (``SQLiteDatabase/install(image:)``), instead of inserting row by row: the same
    /// table, rows, counts and errors as the SQL path, several times faster.
    ///
    /// Keys are checked by sorting instead of hashing: a table keyed by one int64 column
    /// stores it as its rowid (INTEGER PRIMARY KEY), so its rows are written in key order,
    /// repeated keys resolved by `on_duplicate` as on the SQL path (`error` names the first
    /// five repeats and writes nothing). Other keys, tables in an attached schema, and
    /// databases that already have pages go through SQL.
    func loadIntoNewDatabase(_ name: TableName, schema: Schema, options: LoadOptions, progress: ((Int) -> Void)?,
                             batches: () throws -> Table?) throws -> NewDatabaseLoad {
        guard let sqlite = engine as? SQLiteEngine else { return .notApplicable }
        // A concurrent first load (a backfill's other day) may have put its database in place.
        try sqlite.database.reopenIfReplaced()
        guard name.schema == nil, sqlite.database.isNewFile else { return .notApplicable }
        let keyColumn: Int?
        switch options.key.count {
        case 0: keyColumn = nil
        case 1:
            guard let index = schema.index(of: options.key[0]), schema.fields[index].type == .int64 else { return .notApplicable }
            keyColumn = index
        default: return .notApplicable
        }
        // The SQL path's table: upsert and replace key it (the int64 key is then the rowid).
        let keyedTable = keyColumn != nil && (options.mode == .upsert || options.mode == .replace)
        let createSQL = dialect.createTableSQL(name, schema: schema, key: keyedTable ? options.key : [])
        guard createSQL.utf8.count <= 4_000 else { return .notApplicable }

        let partitionValue = try options.partition.map { try parsePartitionValue($0, schema: schema) }
        let partitionIndex = options.partition.flatMap { schema.index(of: $0.column) }
        var collected: [Table] = []
        var rows = 0
        while let batch = try batches() {
            guard batch.schema == schema else {
                throw SQLError(.invalidArgument, message: "a batch has schema \(batch.schema), the load started with \(schema)")
            }
            if let partitionIndex, let partitionValue, let partition = options.partition {
                try checkPartition(batch.columns[partitionIndex], equals: partitionValue, column: partition.column, rowsBefore: rows)
            }
            collected.append(batch)
            rows += batch.rowCount
            progress?(rows)
        }

        var order: [Int]?
        var duplicates = 0
        if let keyColumn {
            // A null key is the table's NOT NULL constraint to report, row and all: the SQL path does that.
            if collected.contains(where: { $0.columns[keyColumn].nullCount > 0 }) { return .replay(collected) }
            let keys = KeyOrder(collected.map { $0.columns[keyColumn] })
            if let repeats = keys.repeats() {
                duplicates = repeats.count
                if options.onDuplicate == .error {
                    let examples = repeats.examples.map {
                        DuplicateKeyIndex.Example(key: "\(options.key[0])=\(keys.keys[$0.repeatRow])", firstRow: $0.firstRow + 1, repeatRow: $0.repeatRow + 1)
                    }
                    throw duplicateKeyError(examples: examples, count: repeats.count, keyNames: options.key, table: name)
                }
            }
            // Input that already ascends strictly is in key order with no repeats: written as it is.
            if keys.sorted != nil {
                let kept = keys.kept(keepLast: options.onDuplicate == .last)
                // Keyed tables store rows in key order; others in input order, without the dropped repeats.
                order = keyedTable ? kept : (duplicates == 0 ? nil : kept.sorted())
            }
        }

        let image = Self.imagePath(beside: sqlite.database.path)
        let writer = try SQLiteImageWriter(path: image, pageSize: SQLiteEngine.newDatabasePageSize)
        try writer.append(collected, order: order, rowid: keyedTable ? .column(keyColumn!) : .sequence)
        try writer.finish(table: name.name, createSQL: createSQL)
        guard try sqlite.database.install(image: image) else {
            unlink(image)
            return .replay(collected)
        }
        var summary = LoadSummary(rows: rows, createdTable: true, addedColumns: [])
        summary.duplicates = duplicates
        summary.nanStoredAsNull = writer.nanStoredAsNull
        summary.inserted = rows - duplicates
        return .loaded(summary)
    }

    /// A name for the new database file next to `path` (same directory, so a rename moves it).
    private static func imagePath(beside path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(base).sluice-load-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// The rows of an int64 key column (several batches taken as one) in key order, stable:
/// equal keys keep their input order. A radix sort over the keys' bytes, skipping
/// bytes all keys share; input that already ascends strictly is not sorted at all.
struct KeyOrder {
    /// Every key, in input order.
    let keys: [Int64]
    /// Input rows in key order (nil: the input order is already strictly ascending).
    let sorted: [Int]?

    init(_ columns: [Column]) {
        var keys: [Int64] = []
        keys.reserveCapacity(columns.reduce(0) { $0 + $1.count })
        for column in columns { column.withUnsafeValues(as: Int64.self) { keys.append(contentsOf: $0) } }
        self.keys = keys
        var ascending = true
        for i in keys.indices.dropFirst() where keys[i - 1] >= keys[i] { ascending = false; break }
        sorted = ascending ? nil : Self.radixSort(keys)
    }

    /// Row indices in key order, equal keys in input order (LSD radix, 8 bits a pass).
    private static func radixSort(_ keys: [Int64]) -> [Int] {
        let n = keys.count
        // The sign bit flipped, so unsigned order is signed order.
        var current = keys.map { UInt64(bitPattern: $0) ^ (1 << 63) }
        var rows = Array(0..<n)
        var nextKeys = [UInt64](repeating: 0, count: n)
        var nextRows = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: 0, to: 64, by: 8) {
            for i in 0..<256 { counts[i] = 0 }
            for key in current { counts[Int(truncatingIfNeeded: key >> UInt64(shift)) & 255] += 1 }
            if counts.contains(n) { continue }   // every key has this byte: the pass would change nothing
            var total = 0
            for i in 0..<256 { let c = counts[i]; counts[i] = total; total += c }
            for i in 0..<n {
                let bucket = Int(truncatingIfNeeded: current[i] >> UInt64(shift)) & 255
                let at = counts[bucket]
                counts[bucket] = at + 1
                nextKeys[at] = current[i]
                nextRows[at] = rows[i]
            }
            swap(&current, &nextKeys)
            swap(&rows, &nextRows)
        }
        return rows
    }

    /// Rows whose key an earlier row has: how many, and the first five by input row
    /// (0-based rows), or nil when every key is distinct.
    func repeats() -> (count: Int, examples: [(firstRow: Int, repeatRow: Int)])? {
        guard let sorted else { return nil }
        var count = 0
        var examples: [(firstRow: Int, repeatRow: Int)] = []
        var runStart = 0
        for i in 1..<max(sorted.count, 1) {
            if keys[sorted[i]] != keys[sorted[runStart]] { runStart = i; continue }
            count += 1
            let example = (firstRow: sorted[runStart], repeatRow: sorted[i])
            if examples.count < 5 || example.repeatRow < examples[examples.count - 1].repeatRow {
                examples.append(example)
                examples.sort { $0.repeatRow < $1.repeatRow }
                if examples.count > 5 { examples.removeLast() }
            }
        }
        return count == 0 ? nil : (count, examples)
    }

    /// One row per key, in key order: the first of its repeats, or the last with `keepLast`.
    func kept(keepLast: Bool) -> [Int] {
        guard let sorted else { return Array(keys.indices) }
        var kept: [Int] = []
        kept.reserveCapacity(sorted.count)
        var i = 0
        while i < sorted.count {
            var end = i + 1
            while end < sorted.count && keys[sorted[end]] == keys[sorted[i]] { end += 1 }
            kept.append(sorted[keepLast ? end - 1 : i])
            i = end
        }
        return kept
    }
}
