import CSQLite
import SluiceCore

/// Inserts rows binding straight from column buffers (text with `SQLITE_STATIC`: no
/// copy; the batch outlives the step), many rows per statement.
///
/// Each `sqlite3_step` of a single-row `INSERT` pays the statement's start-up and
/// shutdown; a multi-row `INSERT … VALUES (…), (…), …` prepared once and bound with
/// `rowsPerStatement × columns` parameters pays it once per group of rows. The rows
/// go in their order either way, so `ON CONFLICT … DO UPDATE` keeps "the last row of
/// a repeated key wins". Rows left over after the last whole group go through the
/// single-row statement. When a group fails (a constraint), its statement's changes
/// are undone by SQLite and the group is inserted again row by row, so the error
/// names the exact row, as a single-row load would.
final class SQLiteInserter: BulkInserter {
    let single: SQLiteStatement
    let multiple: SQLiteStatement?
    let rowsPerStatement: Int

    /// - Parameter makeStatement: prepares the `INSERT` for a number of rows.
    init(columns: Int, makeStatement: (Int) throws -> SQLiteStatement) throws {
        single = try makeStatement(1)
        // Up to 64 rows (SQLite's gain levels off there) within the host's parameter limit.
        let limit = Int(sqlite3_limit(single.database.handle, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
        let rows = max(1, min(64, limit / max(columns, 1)))
        rowsPerStatement = rows
        multiple = rows > 1 ? try makeStatement(rows) : nil
    }

    /// Binds one value: parameter `index` (1-based) gets row `row` of a column.
    typealias Binder = (_ statement: OpaquePointer, _ index: Int32, _ row: Int) -> Int32

    func insert(_ batch: Table) throws {
        let columns = batch.columns
        // Dispatch on the type once per column and batch; each binder reads raw memory.
        var binders: [Binder] = []
        var scratch: [SQLiteTextSlots] = []   // per-batch text for dates/timestamps/decimals, freed after the batch
        for column in columns {
            let validity = column.validity
            func valid(_ row: Int) -> Bool { validity?.isValid(row) ?? true }
            switch column.type {
            case .int64:
                let values = column.unsafeValuesAddress(as: Int64.self)
                binders.append { s, i, row in valid(row) ? sqlite3_bind_int64(s, i, values[row]) : sqlite3_bind_null(s, i) }
            case .float64:
                let values = column.unsafeValuesAddress(as: Double.self)
                binders.append { s, i, row in valid(row) ? sqlite3_bind_double(s, i, values[row]) : sqlite3_bind_null(s, i) }
            case .bool:
                let values = column.unsafeValuesAddress(as: UInt8.self)
                binders.append { s, i, row in valid(row) ? sqlite3_bind_int64(s, i, values[row] != 0 ? 1 : 0) : sqlite3_bind_null(s, i) }
            case .string:
                let strings = column.unsafeStrings()
                binders.append { s, i, row in
                    guard valid(row) else { return sqlite3_bind_null(s, i) }
                    let lower = Int(strings.offsets[row]), upper = Int(strings.offsets[row + 1])
                    // SQLITE_STATIC is nil: the bytes live in the batch, which outlives this step.
                    return (strings.bytes + lower).withMemoryRebound(to: CChar.self, capacity: max(upper - lower, 1)) {
                        sqlite3_bind_text(s, i, $0, Int32(upper - lower), nil)
                    }
                }
            case .binary:
                let strings = column.unsafeStrings()
                binders.append { s, i, row in
                    guard valid(row) else { return sqlite3_bind_null(s, i) }
                    let lower = Int(strings.offsets[row]), upper = Int(strings.offsets[row + 1])
                    return sqlite3_bind_blob(s, i, UnsafeRawPointer(strings.bytes + lower), Int32(upper - lower), nil)
                }
            case .decimal, .date, .timestamp:
                // Exact text, formatted once per batch into fixed-width slots, bound statically.
                let slots = SQLiteTextSlots(column)!
                scratch.append(slots)
                let (buffer, lengths, width) = (slots.buffer, slots.lengths, slots.width)
                binders.append { s, i, row in
                    guard valid(row) else { return sqlite3_bind_null(s, i) }
                    return UnsafeRawPointer(buffer + row * width).withMemoryRebound(to: CChar.self, capacity: width) {
                        sqlite3_bind_text(s, i, $0, lengths[row], nil)
                    }
                }
            }
        }
        defer {
            // Bindings outlive sqlite3_reset: drop them before the batch's memory goes.
            sqlite3_clear_bindings(single.handle)
            if let multiple { sqlite3_clear_bindings(multiple.handle) }
            for slots in scratch { slots.deallocate() }
        }
        let names = batch.schema.names
        try withExtendedLifetime(batch) {
            var row = 0
            if let multiple {
                let group = rowsPerStatement, width = binders.count, handle = multiple.handle
                while row + group <= batch.rowCount {
                    for r in 0..<group {
                        for c in 0..<width {
                            let status = binders[c](handle, Int32(r * width + c + 1), row + r)
                            if status != SQLITE_OK { throw multiple.database.error(status, doing: "binding \(names[c])") }
                        }
                    }
                    let status = sqlite3_step(handle)
                    sqlite3_reset(handle)
                    if status != SQLITE_DONE {
                        // SQLite undid the failed statement's rows; row by row, the error names the row.
                        try insertOneByOne(row..<(row + group), binders, names)
                    }
                    row += group
                }
            }
            try insertOneByOne(row..<batch.rowCount, binders, names)
        }
    }

    private func insertOneByOne(_ rows: Range<Int>, _ binders: [Binder], _ names: [String]) throws {
        let handle = single.handle
        for row in rows {
            for (c, bind) in binders.enumerated() {
                let status = bind(handle, Int32(c + 1), row)
                if status != SQLITE_OK { throw single.database.error(status, doing: "binding \(names[c])") }
            }
            let status = sqlite3_step(handle)
            sqlite3_reset(handle)
            if status != SQLITE_DONE {
                throw single.database.error(status, doing: "inserting row \(row + 1) of a batch")
            }
        }
    }

    func finish() throws {}
}
