import CSQLite
import CSQLiteBatch
import SluiceCore

/// Inserts a whole batch with one statement: `INSERT INTO t (…) SELECT … FROM` a virtual
/// table that reads the batch's column buffers (``sluice_batch_register``, in C).
///
/// Binding costs a call per cell and a statement step per group of rows; here SQLite's
/// own loop reads each cell straight from the column (text and blobs without a copy,
/// dates, timestamps and decimals formatted once per batch), which measured fastest of
/// the options (docs/ARCHITECTURE.md, "SQLite load path"). Rows go in their order, so
/// `ON CONFLICT … DO UPDATE` keeps "the last row of a repeated key wins". When the
/// statement fails (a constraint), SQLite undoes its rows and the batch is inserted again
/// with ``SQLiteInserter``, row by row, so the error names the exact row.
final class SQLiteBatchInserter: BulkInserter {
    private let database: SQLiteDatabase
    private let statement: SQLiteStatement
    private let source: UnsafeMutablePointer<sluice_batch_source>
    private let batchTable: String
    /// Inserts a failed batch again row by row, for the error naming its row.
    private let rowByRow: SQLiteInserter

    /// The virtual table a load reads its batches through (in `temp`, dropped by ``finish()``).
    static let tableName = "sluice_load_batch"

    /// - Parameters:
    ///   - target: The quoted destination table; `columns` its quoted column list.
    ///   - onConflict: An `ON CONFLICT …` clause, or nil.
    ///   - rowByRow: The inserter a failed batch is retried with, for its message.
    init(database: SQLiteDatabase, target: String, columns: [String], onConflict: String?, rowByRow: SQLiteInserter) throws {
        self.database = database
        self.rowByRow = rowByRow
        source = try database.batchSource()
        let quoted = "\"temp\".\"\(Self.tableName)\""
        batchTable = quoted
        let names = (0..<columns.count).map { "c\($0)" }
        try database.executeScript("DROP TABLE IF EXISTS \(quoted); CREATE VIRTUAL TABLE \(quoted) USING \(SQLiteDatabase.batchModule)(\(names.joined(separator: ", ")))")
        // `WHERE true`: SQLite reads `… ON CONFLICT` after a bare FROM as a join constraint.
        statement = try database.prepare("INSERT INTO \(target) (\(columns.joined(separator: ", "))) SELECT \(names.joined(separator: ", ")) FROM \(quoted) WHERE true"
                                         + (onConflict.map { " " + $0 } ?? ""))
    }

    func insert(_ batch: Table) throws {
        guard batch.rowCount > 0 else { return }
        var descriptors: [sluice_batch_column] = []
        descriptors.reserveCapacity(batch.columns.count)
        var slots: [SQLiteTextSlots] = []
        var validity: [UnsafeMutablePointer<UInt64>] = []
        defer {
            for s in slots { s.deallocate() }
            for v in validity { v.deallocate() }
        }
        for column in batch.columns {
            var descriptor = sluice_batch_column()
            if let bitmap = column.validity {
                // The bits copied to memory that stays put during the statement (rows / 64 words).
                let words = bitmap.words
                let copy = UnsafeMutablePointer<UInt64>.allocate(capacity: max(words.count, 1))
                copy.initialize(from: words, count: words.count)
                validity.append(copy)
                descriptor.validity = UnsafePointer(copy)
            }
            switch column.type {
            case .int64:
                descriptor.kind = Int32(SLUICE_BATCH_INT64.rawValue)
                descriptor.values = UnsafeRawPointer(column.unsafeValuesAddress(as: Int64.self))
            case .float64:
                descriptor.kind = Int32(SLUICE_BATCH_FLOAT64.rawValue)
                descriptor.values = UnsafeRawPointer(column.unsafeValuesAddress(as: Double.self))
            case .bool:
                descriptor.kind = Int32(SLUICE_BATCH_BOOL.rawValue)
                descriptor.values = UnsafeRawPointer(column.unsafeValuesAddress(as: UInt8.self))
            case .string, .binary:
                let strings = column.unsafeStrings()
                descriptor.kind = Int32((column.type == .string ? SLUICE_BATCH_TEXT : SLUICE_BATCH_BLOB).rawValue)
                descriptor.values = UnsafeRawPointer(strings.offsets)
                descriptor.bytes = UnsafePointer(strings.bytes)
            case .date, .timestamp, .decimal:
                let text = SQLiteTextSlots(column)!
                slots.append(text)
                descriptor.kind = Int32(SLUICE_BATCH_FIXED_TEXT.rawValue)
                descriptor.bytes = UnsafePointer(text.buffer)
                descriptor.lengths = UnsafePointer(text.lengths)
                descriptor.width = Int64(text.width)
            }
            descriptors.append(descriptor)
        }
        let status: Int32 = withExtendedLifetime(batch) {
            descriptors.withUnsafeBufferPointer { columns in
                source.pointee.columns = columns.baseAddress
                source.pointee.column_count = Int32(columns.count)
                source.pointee.row_count = Int64(batch.rowCount)
                defer {
                    source.pointee.columns = nil
                    source.pointee.row_count = 0
                }
                let status = sqlite3_step(statement.handle)
                sqlite3_reset(statement.handle)
                return status
            }
        }
        guard status != SQLITE_DONE else { return }
        // SQLite undid the statement's rows. If it also ended the transaction (disk full, I/O), stop:
        // inserting again outside it would write rows the load can no longer roll back.
        if sqlite3_get_autocommit(database.handle) != 0 {
            throw database.error(status, doing: "inserting a batch of \(batch.rowCount) rows")
        }
        try rowByRow.insert(batch)
    }

    /// Drops the virtual table (within the load's transaction).
    func finish() throws {
        try database.executeScript("DROP TABLE IF EXISTS \(batchTable)")
    }
}
